// The screenshot of the live cockpit during the demo's scripted outage (website/docs/guides/img/cockpit-outage.png):
// runs the demo (`--no-serve`), opens the cockpit URL it prints in Debian chromium (playwright-core, no
// browser download) and takes the picture once the page shows the gateway offline.
//   node --import tsx examples/demo/src/cockpit-screenshot.ts [out.png]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { launchChromium } from '../../../scripts/chromium.mjs';
import { REPO } from './kb-site.js';

const out = process.argv[2] ?? join(REPO, 'website/docs/guides/img/cockpit-outage.png');
const demo = spawn(
  process.execPath,
  ['--import', 'tsx', join(REPO, 'examples/demo/src/main.ts'), '--no-serve'],
  {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const pageUrl = await new Promise<string>((resolve, reject) => {
  let text = '';
  demo.stdout.on('data', (d: Buffer) => {
    process.stdout.write(d);
    text += d;
    const m = /cockpit \(A2UI over SSE\): open it now\s+(\S+)/.exec(text);
    if (m?.[1]) resolve(m[1]);
  });
  demo.on('close', (code) =>
    reject(new Error(`the demo exited (${code}) before it printed the cockpit URL`)),
  );
});
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(pageUrl);
  // The scripted failure: the site's only gateway goes offline, then notify opens an incident.
  await page.getByText('gateways: 0 online, 1 offline').first().waitFor({ timeout: 300_000 });
  await page
    .getByText(/escalation step/)
    .first()
    .waitFor({ timeout: 60_000 });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  demo.kill('SIGINT');
}
