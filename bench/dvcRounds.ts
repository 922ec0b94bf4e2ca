/**
 * Timing for bench:dvc. The machine is shared (2 cores; other jobs come and go), so a tool timed
 * in one block and its comparison in another can see different machines. Here every repetition
 * is a round that runs each tool once, in a rotating order, with its own preparation (page cache
 * dropped for cold runs) right before it; ratios are taken within a round (paired), and the load
 * average is recorded around each round so a noisy round shows.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

export interface Tool {
  readonly label: string;
  readonly command: readonly string[];
  /** Runs right before each timed run (not timed). */
  readonly prepare: () => void;
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

export interface RoundsResult {
  /** Seconds per tool label, one sample per round. */
  readonly seconds: ReadonlyMap<string, Spread>;
  /** The last stdout of each tool. */
  readonly output: ReadonlyMap<string, string>;
  /** 1-minute load average before each round. */
  readonly load: Spread;
}

export const log = (message: string): void => void process.stderr.write(`bench:dvc: ${message}\n`);

export function spread(samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, samples };
}

/** Per-round quotients a/b (the paired ratio), as a spread. */
export function pairedRatio(a: Spread, b: Spread): Spread {
  return spread(a.samples.map((x, i) => x / b.samples[i]!));
}

export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/** Empties the page cache (needs root); false when the kernel does not let us. */
export function dropCaches(): boolean {
  try {
    execFileSync('sync');
    writeFileSync('/proc/sys/vm/drop_caches', '3\n');
    return true;
  } catch {
    return false;
  }
}

export function rounds(name: string, tools: readonly Tool[], repeat: number, options: { cwd: string; env: NodeJS.ProcessEnv }): RoundsResult {
  const samples = new Map(tools.map((t) => [t.label, [] as number[]]));
  const output = new Map<string, string>();
  const load: number[] = [];
  for (let round = 0; round < repeat; round++) {
    load.push(loadAverage());
    const order = tools.map((_, i) => tools[(i + round) % tools.length]!);
    for (const tool of order) {
      tool.prepare();
      const start = performance.now();
      const result = spawnSync(tool.command[0]!, tool.command.slice(1), { ...options, encoding: 'utf8', maxBuffer: 1 << 26 });
      samples.get(tool.label)!.push((performance.now() - start) / 1000);
      if (result.status !== 0) throw new Error(`${tool.label}: ${tool.command.join(' ')} exited ${result.status}: ${result.stderr}`);
      output.set(tool.label, result.stdout);
    }
    log(`${name} round ${round + 1}/${repeat} (load ${load.at(-1)!.toFixed(1)}): ${tools.map((t) => `${t.label} ${samples.get(t.label)!.at(-1)!.toFixed(3)} s`).join(', ')}`);
  }
  return { seconds: new Map([...samples].map(([label, s]) => [label, spread(s)])), output, load: spread(load) };
}
