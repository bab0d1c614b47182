// Progress lines, one per step start and end, readable by people and by the demo that relays them:
//   [2/5] ...     reconcile ChirpStack from the registry
//   [2/5] ok      reconcile ChirpStack from the registry: 7 created (412 ms)
//         · a detail line

/** How a step ended. */
export type StepStatus = 'ok' | 'failed' | 'warn' | 'skipped';

/** One step being reported. */
export interface StepReport {
  /** A detail line under the step. */
  note(text: string): void;
  /** Ends the step. */
  end(status: StepStatus, summary?: string): void;
}

/** Creates a progress printer for `total` steps. */
export function createProgress(total: number, print: (line: string) => void = (l) => console.log(l)) {
  let n = 0;
  return {
    step(title: string): StepReport {
      n += 1;
      const tag = `[${n}/${total}]`;
      const started = performance.now();
      print(`${tag} ${'...'.padEnd(7)} ${title}`);
      return {
        note: (text) => print(`${' '.repeat(tag.length)} ${' '.repeat(7)} · ${text}`),
        end(status, summary) {
          const ms = Math.round(performance.now() - started);
          print(`${tag} ${status.padEnd(7)} ${title}${summary ? `: ${summary}` : ''} (${ms} ms)`);
        },
      };
    },
    print,
  };
}

/** The printer's type. */
export type Progress = ReturnType<typeof createProgress>;
