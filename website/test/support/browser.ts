import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium (apt-get install chromium); tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether the browser tests run: yes when chromium is installed; when it is not, they are skipped
 * with a message, except under FIELDOPS_CI=1 (set by .ci/run), where a missing browser is a failure.
 */
export function browserAvailability(
  executable = CHROMIUM,
  env: NodeJS.ProcessEnv = process.env,
): { run: boolean; mustFail: boolean; reason: string } {
  if (existsSync(executable)) return { run: true, mustFail: false, reason: '' };
  const reason = `${executable} is missing: install it with 'apt-get install -y chromium' (.ci/steps/15-chromium.sh does in CI)`;
  return { run: false, mustFail: env.FIELDOPS_CI === '1', reason };
}

/** Launches headless chromium with the flags that work offline in a container. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
