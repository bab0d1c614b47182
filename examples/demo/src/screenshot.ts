// Screenshots of the demo's KB pages for the README (Debian chromium through playwright-core; no
// browser download): `node --import tsx examples/demo/src/screenshot.ts <page url> <out.png>`.
import { launchChromium } from '../../../scripts/chromium.mjs';

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: screenshot.ts <url> <out.png>');
  process.exit(2);
}
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
await page.goto(url, { waitUntil: 'networkidle' });
await page.screenshot({ path: out, fullPage: false });
await browser.close();
console.log(`wrote ${out}`);
