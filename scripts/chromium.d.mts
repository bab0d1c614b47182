// Types of chromium.mjs (the repository's one chromium launcher).
import type { Browser } from 'playwright-core';

/** Debian's chromium, unless CHROMIUM_PATH names another executable. */
export declare const CHROMIUM: string;

/** The flags that work offline in a container (no sandbox, no GPU, no background network). */
export declare const CHROMIUM_ARGS: readonly string[];

/** Whether browser tests run (chromium installed), must fail (missing under FIELDOPS_CI=1), and why not. */
export declare function browserAvailability(
  executable?: string,
  env?: NodeJS.ProcessEnv,
): { run: boolean; mustFail: boolean; reason: string };

/** Launches headless chromium (CHROMIUM) with CHROMIUM_ARGS; a missing executable rejects, saying how to install it. */
export declare function launchChromium(executable?: string): Promise<Browser>;
