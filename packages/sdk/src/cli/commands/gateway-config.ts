import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type CliCommand, EXIT, UsageError } from '../io.js';

const USAGE = `fieldops gateway-config --region as923-2 --forwarder semtech-udp|gateway-bridge
    [--concentrator sx1302|sx1301] [--gateway-eui EUI] [--server HOST] [--stats-interval S] [--out DIR]
fieldops gateway-config --region as923-2 --check FILE...

Renders a Semtech UDP packet forwarder global_conf.json (SX1302 or SX1301 layout, port 1700) or a
ChirpStack Gateway Bridge TOML (the region's MQTT topic prefix) for an AS923 plan, checks it (valid
JSON/TOML, channels inside the band and within their radio's reach, default channels present,
port 1700) and prints it, or writes it under --out. --check checks existing files instead.
Exit 0 when the files pass, 1 when a check fails, 2 on usage errors.`;

/** `fieldops gateway-config` */
export const gatewayConfigCommand: CliCommand = {
  name: 'gateway-config',
  summary: 'Render and check AS923 gateway configs (Semtech UDP global_conf.json, Gateway Bridge TOML).',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        region: { type: 'string' },
        forwarder: { type: 'string' },
        concentrator: { type: 'string' },
        'gateway-eui': { type: 'string' },
        server: { type: 'string' },
        'stats-interval': { type: 'string' },
        out: { type: 'string' },
        check: { type: 'boolean' },
      },
    });
    if (!values.region)
      throw new UsageError('fieldops gateway-config: --region is required (as923, as923-2, …)');
    const cs = await import('../../chirpstack/index.js');
    let plan: ReturnType<typeof cs.requireRegionPlan>;
    try {
      plan = cs.requireRegionPlan(values.region);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    let files: Record<string, string>;
    if (values.check) {
      if (positionals.length === 0) throw new UsageError('fieldops gateway-config --check: name the files');
      files = {};
      for (const f of positionals) files[basename(f)] = await readFile(resolve(io.cwd, f), 'utf8');
    } else {
      const forwarder = values.forwarder;
      if (forwarder !== 'semtech-udp' && forwarder !== 'gateway-bridge')
        throw new UsageError('fieldops gateway-config: --forwarder must be semtech-udp or gateway-bridge');
      const concentrator = values.concentrator ?? 'sx1302';
      if (concentrator !== 'sx1302' && concentrator !== 'sx1301')
        throw new UsageError('fieldops gateway-config: --concentrator must be sx1302 or sx1301');
      const statsInterval = values['stats-interval'] ? Number(values['stats-interval']) : undefined;
      if (
        statsInterval !== undefined &&
        !(Number.isInteger(statsInterval) && statsInterval >= 1 && statsInterval <= 3600)
      )
        throw new UsageError('fieldops gateway-config: --stats-interval must be whole seconds, 1 to 3600');
      try {
        files = cs.renderGatewayConfig({
          region: plan.id,
          forwarder,
          concentrator,
          ...(values['gateway-eui'] ? { gatewayEui: values['gateway-eui'] } : {}),
          ...(values.server ? { serverAddress: values.server } : {}),
          ...(statsInterval !== undefined ? { statsIntervalS: statsInterval } : {}),
        }).files;
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
    const problems = cs.checkGatewayConfig({ plan, files });
    for (const p of problems) io.stderr(`fieldops gateway-config: ${p.file}: ${p.path}: ${p.message}\n`);
    if (!values.check) {
      if (values.out) {
        const dir = resolve(io.cwd, values.out);
        await mkdir(dir, { recursive: true });
        for (const [name, text] of Object.entries(files)) {
          await writeFile(join(dir, name), text);
          io.stdout(`wrote ${join(dir, name)}\n`);
        }
      } else for (const text of Object.values(files)) io.stdout(text);
    } else if (problems.length === 0) io.stdout(`ok    ${Object.keys(files).join(', ')}: ${plan.name}\n`);
    return problems.length ? EXIT.invalid : EXIT.ok;
  },
};
