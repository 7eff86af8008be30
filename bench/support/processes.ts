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
