/** CPU accounting for the processes a benchmark runs, read from /proc (Linux only). */
import { readFileSync, readdirSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a process in seconds, or NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Children of this process whose command name contains `name` (e.g. the dev server the SDK spawned). */
export function childPids(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && comm.includes(name)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** CPU used by each named process between start() and stop(), as a percentage of one core. */
export function cpuMeter(pids: Record<string, number | undefined>) {
  const ownStart = process.cpuUsage();
  const startedAt = performance.now();
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? Number.NaN : cpuSeconds(pid)]));
  return {
    stop(): Record<string, number> {
      const wall = (performance.now() - startedAt) / 1000;
      const own = process.cpuUsage(ownStart);
      const usage: Record<string, number> = { bench: ((own.user + own.system) / 1e6 / wall) * 100 };
      for (const [name, pid] of Object.entries(pids)) {
        usage[name] = pid === undefined ? Number.NaN : ((cpuSeconds(pid) - (before[name] ?? Number.NaN)) / wall) * 100;
      }
      return usage;
    },
  };
}

/** Busy CPU seconds of the whole machine (all cores) since boot, from /proc/stat. */
function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / CLOCK_TICKS_PER_SECOND;
}

/** This process plus its reaped children (a child counts once it has exited and been waited for). */
function ownSecondsWithChildren(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * How busy the machine was during a benchmark, and how much of that was NOT the benchmark (other users' test runs
 * would distort every figure). `extraPids` are live children not yet reaped when stop() is called.
 */
export function machineMeter() {
  const startedAt = performance.now();
  const busy0 = machineBusySeconds();
  const own0 = ownSecondsWithChildren();
  return {
    stop(liveChildrenSeconds = 0): { busyPct: number; otherPct: number } {
      const wall = (performance.now() - startedAt) / 1000;
      const busy = machineBusySeconds() - busy0;
      const own = ownSecondsWithChildren() - own0 + liveChildrenSeconds;
      return { busyPct: (busy / wall) * 100, otherPct: Math.max(0, ((busy - own) / wall) * 100) };
    },
  };
}

/**
 * Waits (up to maxWaitMs, or $BENCH_QUIET_WAIT_SECONDS) until the machine is idle: under `thresholdPct` % of one core
 * busy over 5 s. Other work running alongside would distort every figure; the report says how much there was anyway.
 */
export async function waitForQuietMachine(defaultMaxWaitMs: number, thresholdPct = 25): Promise<number> {
  const fromEnv = Number(process.env.BENCH_QUIET_WAIT_SECONDS);
  const maxWaitMs = Number.isFinite(fromEnv) && process.env.BENCH_QUIET_WAIT_SECONDS ? fromEnv * 1000 : defaultMaxWaitMs;
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const before = machineBusySeconds();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const busyPct = ((machineBusySeconds() - before) / 5) * 100;
    if (busyPct < thresholdPct || Date.now() > deadline) {
      if (busyPct >= thresholdPct) console.warn(`bench: the machine is still busy (${Math.round(busyPct)} % of a core); measuring anyway`);
      return busyPct;
    }
    console.log(`bench: waiting for a quiet machine (${Math.round(busyPct)} % of a core busy)`);
  }
}

/** One sentence for the report: how much else was running while the benchmark measured. */
export function loadNote({ busyPct, otherPct }: { busyPct: number; otherPct: number }): string {
  const note = `Machine load during the run: ${Math.round(busyPct)} % of one core on average (of 200 %), of which ${Math.round(otherPct)} % by processes other than the benchmark's.`;
  return otherPct > 20 ? `${note} **Other work was running at the same time: treat these figures as pessimistic.**` : note;
}
