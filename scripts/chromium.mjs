// The one way this repository starts a browser: Debian's chromium (`apt-get install -y chromium`;
// .ci/steps/15-chromium.sh in CI) driven by playwright-core, which never downloads a browser of its
// own. Used by the website's browser tests and the demo's screenshot scripts. It lives at the root
// because playwright-core is a root devDependency: neither caller needs a new dependency for it.
// Types: chromium.d.mts.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** Debian's chromium, unless CHROMIUM_PATH names another executable. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The flags that work offline in a container (no sandbox, no GPU, no background network). */
export const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]);

/**
 * Whether browser tests run: yes when chromium is installed; when it is not, they are skipped with a
 * message, except under FIELDOPS_CI=1 (set by .ci/run), where a missing browser is a failure.
 */
export function browserAvailability(executable = CHROMIUM, env = process.env) {
  if (existsSync(executable)) return { run: true, mustFail: false, reason: '' };
  const reason = `${executable} is missing: install it with 'apt-get install -y chromium' (.ci/steps/15-chromium.sh does in CI)`;
  return { run: false, mustFail: env.FIELDOPS_CI === '1', reason };
}

/** Launches headless chromium (CHROMIUM) with CHROMIUM_ARGS; a missing executable rejects, saying how to install it. */
export async function launchChromium(executable = CHROMIUM) {
  const available = browserAvailability(executable, {});
  if (!available.run) throw new Error(available.reason);
  return chromium.launch({ executablePath: executable, headless: true, args: [...CHROMIUM_ARGS] });
}
