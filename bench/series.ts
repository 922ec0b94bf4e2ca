/**
 * Host-side chart series (src/core/series): downsampling throughput against the floor of one
 * linear pass over the same Float64Array, in-process, on Node's clock. Writes the
 * `## Chart series` section of bench/RESULTS.md between `<!-- bench:series:start -->` and
 * `<!-- bench:series:end -->` and prints it.
 *
 *   npm run bench -- --only series [--no-write] [--repeat N --warmups N]
 *   node --import tsx bench/series.ts [--no-write]
 *
 * Data: seeded random walks (the shape of a loss curve's noise) with a non-finite value every
 * 10,007 points, so the gap path is part of what is timed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { alignSeries } from '../src/core/series/align.js';
import { metricSeries } from '../src/core/series/axes.js';
import { emaSmooth } from '../src/core/series/ema.js';
import { downsample } from '../src/core/series/lttb.js';
import { toJsonDouble, type Metric } from '../src/core/tracking/entities.js';

const REPO = join(__dirname, '..');
const RESULTS = join(REPO, 'bench', 'RESULTS.md');
const START = '<!-- bench:series:start -->';
const END = '<!-- bench:series:end -->';
/** The budget for downsampling. */
const TARGET_MPS = 50;
const OUTPUT_POINTS = 2_000;

export interface SeriesBenchOptions {
  readonly repeat: number;
  readonly warmups: number;
  readonly write: boolean;
}

interface Timing {
  readonly cold: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

interface Row {
  readonly label: string;
  readonly role: 'floor' | 'ours' | 'info';
  readonly points: number;
  readonly output: number | undefined;
  readonly timing: Timing;
  /** The floor row this one is compared with. */
  readonly floor?: Row;
}

/** Deterministic data: the same numbers on every run and machine. */
function randomWalk(n: number, seed: number): { xs: Float64Array; ys: Float64Array } {
  let state = seed >>> 0;
  const random = (): number => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let y = 1;
  for (let i = 0; i < n; i++) {
    xs[i] = i;
    y += (random() - 0.5) * 0.01;
    ys[i] = i % 10_007 === 5_000 ? [NaN, Infinity, -Infinity][i % 3]! : y;
  }
  return { xs, ys };
}

/**
 * Seconds per call of `work`: the first call (cold when nothing before ran the same code), then
 * the median of `repeat` after warm-up; with the first call's result.
 */
function time<T>(work: () => T, options: SeriesBenchOptions): { timing: Timing; result: T } {
  let result: T | undefined;
  const once = (): number => {
    const start = process.hrtime.bigint();
    result = work();
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  const cold = once();
  const first = result as T;
  for (let i = 1; i < options.warmups; i++) once();
  const samples = Array.from({ length: options.repeat }, once).sort((a, b) => a - b);
  return { timing: { cold, median: samples[samples.length >> 1]!, min: samples[0]!, max: samples[samples.length - 1]! }, result: first };
}

function sum(ys: Float64Array): number {
  let total = 0;
  for (let i = 0; i < ys.length; i++) total += ys[i]!;
  return total;
}

function measureAll(options: SeriesBenchOptions): Row[] {
  const one = randomWalk(1_000_000, 1);
  const runs = Array.from({ length: 20 }, (_, i) => randomWalk(100_000, 100 + i));
  const rows: Row[] = [];
  const add = (row: Row): Row => {
    rows.push(row);
    process.stderr.write(`bench: ${row.label}: median ${(row.timing.median * 1e3).toFixed(2)} ms\n`);
    return row;
  };
  const out = OUTPUT_POINTS.toLocaleString('en-US');
  const sumOne = time(() => sum(one.ys), options);
  const floorOne = add({ label: 'floor: one pass summing ys, 1 × 1,000,000', role: 'floor', points: 1e6, output: undefined, timing: sumOne.timing });
  const single = time(() => downsample(one.xs, one.ys, OUTPUT_POINTS), options);
  add({ label: `LTTB + min/max, 1 × 1,000,000 → ≤ ${out}`, role: 'ours', points: 1e6, output: single.result.x.length, floor: floorOne, timing: single.timing });
  const sumRuns = time(() => runs.map((r) => sum(r.ys)), options);
  const floorRuns = add({ label: 'floor: one pass summing ys, 20 × 100,000', role: 'floor', points: 2e6, output: undefined, timing: sumRuns.timing });
  const many = time(() => runs.map((r) => downsample(r.xs, r.ys, OUTPUT_POINTS)), options);
  const kept = many.result.reduce((n, d) => n + d.x.length, 0);
  add({ label: `LTTB + min/max, 20 × 100,000 → 20 × ≤ ${out}`, role: 'ours', points: 2e6, output: kept, floor: floorRuns, timing: many.timing });
  const aligned = time(() => alignSeries(many.result), options);
  add({ label: '… then the 20 aligned on one x array (alignSeries)', role: 'info', points: kept, output: aligned.result.x.length, timing: aligned.timing });
  const smoothed = time(() => emaSmooth(one.ys, 0.9), options);
  add({ label: 'EMA smoothing (TensorBoard), 1 × 1,000,000', role: 'info', points: 1e6, output: smoothed.result.length, timing: smoothed.timing });
  const history: Metric[] = Array.from(one.ys, (v, i) => ({ key: 'loss', value: toJsonDouble(v), timestamp: 1_700_000_000_000 + i, step: i }));
  const columns = time(() => metricSeries(history, 'step'), options);
  add({ label: 'history objects → step-axis columns (metricSeries), 1 × 1,000,000', role: 'info', points: 1e6, output: columns.result.x.length, timing: columns.timing });
  return rows;
}

const mps = (points: number, seconds: number): number => points / seconds / 1e6;
const ms = (seconds: number): string => (seconds * 1e3).toFixed(seconds < 0.01 ? 2 : 1);

function section(rows: readonly Row[], options: SeriesBenchOptions): string {
  const sh = (file: string, args: string[]): string => execFileSync(file, args, { cwd: REPO, encoding: 'utf8' }).trim();
  const dirty = sh('git', ['status', '--porcelain', '--', 'src/core/series']) ? ' + uncommitted src/core/series changes' : '';
  const lines = [
    '## Chart series',
    '',
    'Written by `npm run bench -- --only series` (bench/series.ts; also part of a full `npm run bench`). Host-side',
    'downsampling (src/core/series/lttb.ts: LTTB keeping every bucket\'s min and max, the first and last point, and',
    'non-finite values as flagged gaps) timed in-process on Typed arrays, single thread. **M points/s** is input',
    'points per second at the median; the target is ≥ 50 M points/s. **Floor**: one linear pass summing the same',
    'Float64Array (reading every point once, nothing else). **Cold** is the first call of the row; on the first LTTB row',
    'it is the first call in the process (code not yet optimised by the JIT), what the first chart after opening VS Code',
    'pays; later rows reuse warm code. Data: seeded random walks with a NaN/±Infinity every 10,007 points.',
    '',
    `${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; median of ${options.repeat} after ${options.warmups} warm-up calls; commit ${sh('git', ['rev-parse', '--short', 'HEAD'])}${dirty}.`,
    `Machine: ${sh('nproc', [])} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB, load average ${loadavg()[0]!.toFixed(1)} when measured; Node ${process.versions.node}.`,
    '',
    '| | input points | output points | ms (median) | min – max | cold ms | M points/s | ours / floor | target ≥ 50 M points/s |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const row of rows) {
    const t = row.timing;
    const rate = mps(row.points, t.median);
    const name = row.role === 'ours' ? `**${row.label}**` : row.label;
    const vsFloor = row.floor ? (t.median / row.floor.timing.median).toFixed(1) : '';
    const target = row.role === 'ours' ? `${rate >= TARGET_MPS ? '✅' : '❌'} (cold: ${mps(row.points, t.cold).toFixed(0)})` : '';
    lines.push(`| ${name} | ${row.points.toLocaleString('en-US')} | ${row.output?.toLocaleString('en-US') ?? ''} | ${ms(t.median)} | ${ms(t.min)} – ${ms(t.max)} | ${ms(t.cold)} | ${rate.toFixed(0)} | ${vsFloor} | ${target} |`);
  }
  return lines.join('\n');
}

/** RESULTS.md with the section replaced between its markers, or appended with them. */
function updateResults(existing: string | undefined, block: string): string {
  const whole = `${START}\n${block}\n${END}`;
  if (existing === undefined) return `# Benchmarks\n\nEach section is written by its harness between its markers; edit outside them.\n\n${whole}\n`;
  const i = existing.indexOf(START);
  const j = existing.indexOf(END, i + START.length);
  if (i === -1 || j === -1) return `${existing.trimEnd()}\n\n${whole}\n`;
  return `${existing.slice(0, i)}${whole}${existing.slice(j + END.length)}`;
}

/** Measures, prints the section, and writes it into bench/RESULTS.md unless `write` is false. */
export function runSeriesBench(options: SeriesBenchOptions): string {
  const block = section(measureAll(options), options);
  process.stdout.write(block + '\n');
  if (options.write) {
    writeFileSync(RESULTS, updateResults(existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : undefined, block));
    process.stderr.write(`bench: wrote the Chart series section of ${RESULTS}\n`);
  }
  return block;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const value = (name: string, fallback: number): number => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
  runSeriesBench({ repeat: value('--repeat', 15), warmups: value('--warmups', 5), write: !argv.includes('--no-write') });
}
