// CPU time of process trees from /proc (Linux), for figures that do not depend on the machine's load:
// events per CPU-second of the relay + postgres + nats-server processes.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`, 100 on Linux). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** pid → [ppid, utime + stime + cutime + cstime in ticks] for every process visible in /proc. */
function readProcs(): Map<number, [number, number]> {
  const procs = new Map<number, [number, number]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the command name "(…)", which may itself hold spaces: state is field 3 (index 0 here).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    procs.set(Number(name), [Number(f[1]), ticks]);
  }
  return procs;
}

/**
 * CPU seconds used so far by the processes rooted at `roots` and all their descendants, including
 * children that exited and were reaped (their times are in the parent's cutime/cstime).
 */
export function treeCpuSeconds(roots: readonly number[]): number {
  const procs = readProcs();
  const children = new Map<number, number[]>();
  for (const [pid, [ppid]] of procs) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  let ticks = 0;
  const stack = [...roots];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    ticks += procs.get(pid)?.[1] ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return ticks / clockTicks();
}

/** This Node process's own CPU seconds (user + system), finer than /proc's ticks. */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** The 1-minute load average, one decimal. */
export function load1(): string {
  return (loadavg()[0] ?? 0).toFixed(1);
}
