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

/** Busy and total jiffies of all CPUs together, from the first line of /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  try {
    const f =
      readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const total = f.reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/**
 * Starts measuring how busy the whole machine is (every process, not only the bench's); the returned
 * function gives the busy share of all cores since then (0–1; NaN where /proc/stat is missing).
 */
export function machineBusy(): () => number {
  const a = machineTicks();
  return () => {
    const b = machineTicks();
    return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : Number.NaN;
  };
}
