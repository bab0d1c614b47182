// What the demo prints: sections, and one line per check with its status and the time since start.

/** A printer that also counts failed checks. */
export function createReporter(print: (line: string) => void = (l) => console.log(l)) {
  const started = performance.now();
  const failures: string[] = [];
  const stamp = () => `[${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s]`;
  return {
    section(title: string) {
      print('');
      print(`${stamp()} == ${title}`);
    },
    ok(text: string) {
      print(`${stamp()}   ok      ${text}`);
    },
    fail(text: string) {
      failures.push(text);
      print(`${stamp()}   FAILED  ${text}`);
    },
    /** ok or FAILED by `pass`. */
    check(pass: boolean, text: string) {
      if (pass) this.ok(text);
      else this.fail(text);
      return pass;
    },
    info(text: string) {
      print(`${stamp()}           ${text}`);
    },
    /** A line from a child (the skill), indented under the current section. */
    relay(line: string) {
      print(`${' '.repeat(stamp().length)}   | ${line}`);
    },
    failures,
    seconds: () => (performance.now() - started) / 1000,
  };
}

/** The reporter's type. */
export type Reporter = ReturnType<typeof createReporter>;

/** Waits until `probe` returns a value (polling), or gives up after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | undefined,
  timeoutMs: number,
  everyMs = 50,
): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) return undefined;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
