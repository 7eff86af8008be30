/**
 * Where a running process's resident memory is (Linux): /proc/<pid>/status and smaps for the pages by mapping, and
 * memory-probe.cjs (preloaded with NODE_OPTIONS) for the V8 heaps of the main isolate and the worker threads.
 */
import { readFileSync, rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { sleep } from './report';

const MB = 1024 * 1024;

export interface ResidentMemory {
  rssMb: number;
  /** Private anonymous pages: heaps (V8, malloc), stacks. What the process itself allocated. */
  anonMb: number;
  /** Pages of mapped files (clean, shared with the page cache, reclaimable by the kernel). */
  fileMb: number;
  /** Of fileMb: the executable (Node's code and read-only data, the SEA blob). */
  executableMb: number;
  /** Of fileMb: the core-bridge addon (the Rust core's code). */
  addonMb: number;
}

export function residentMemory(pid: number, executable: string): ResidentMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  let executableKb = 0;
  let addonKb = 0;
  let mapping = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      mapping = header[1] ?? '';
      continue;
    }
    const rss = /^Rss:\s+(\d+)/.exec(line);
    if (!rss) continue;
    if (mapping === executable) executableKb += Number(rss[1]);
    else if (mapping.endsWith('/index.node')) addonKb += Number(rss[1]);
  }
  return {
    rssMb: kb('VmRSS') / 1024,
    anonMb: kb('RssAnon') / 1024,
    fileMb: kb('RssFile') / 1024,
    executableMb: executableKb / 1024,
    addonMb: addonKb / 1024,
  };
}

export interface V8Heaps {
  /** Physical size of the main isolate's heap, and the part of it in use. */
  mainMb: number;
  mainUsedMb: number;
  /** The same for the worker threads (the SDK's workflow thread). */
  threadsMb: number;
  threadsUsedMb: number;
  threads: number;
}

/** Asks memory-probe.cjs in `child` (MEMORY_PROBE_OUT=outFile) for the V8 heaps. */
export async function probeV8Heaps(child: ChildProcess, outFile: string): Promise<V8Heaps> {
  rmSync(outFile, { force: true });
  child.kill('SIGUSR2');
  for (let waited = 0; waited < 10_000; waited += 100) {
    await sleep(100);
    let text: string;
    try {
      text = readFileSync(outFile, 'utf8');
    } catch {
      continue;
    }
    const probe = JSON.parse(text) as {
      error?: string;
      main: { total_physical_size: number; used_heap_size: number };
      threads: Array<{ total_physical_size: number; used_heap_size: number }>;
    };
    if (probe.error) throw new Error(`memory probe: ${probe.error}`);
    const sum = (key: 'total_physical_size' | 'used_heap_size') => probe.threads.reduce((total, t) => total + t[key], 0) / MB;
    return {
      mainMb: probe.main.total_physical_size / MB,
      mainUsedMb: probe.main.used_heap_size / MB,
      threadsMb: sum('total_physical_size'),
      threadsUsedMb: sum('used_heap_size'),
      threads: probe.threads.length,
    };
  }
  throw new Error(`memory probe: no answer in ${outFile} (was it preloaded with NODE_OPTIONS?)`);
}
