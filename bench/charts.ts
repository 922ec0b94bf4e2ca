/**
 * The Metrics panel in a real VS Code (code-server + Chromium, as the e2e tests run it): from the
 * command to the first drawn frame, for 1 run × 1,000,000 points and 20 runs × 100,000 points, on
 * the SQLite and file stores bench/generate.py makes with real MLflow. Beside it, in the same run:
 * the host's read and downsampling time (reported by the panel), and the floor of drawing the
 * already downsampled series again in the webview. Writes the `## Chart panels` section of
 * bench/RESULTS.md between `<!-- bench:charts:start -->` and `<!-- bench:charts:end -->`.
 *
 *   npm run bench -- --only charts [--no-write] [--repeat N]
 *
 * The command is bound to a key (keybindings.json: mlWorkbench.openMetrics with the run ids), so
 * the clock starts at the key press, not at typing in the palette. "First frame": the animation
 * frame after uPlot's first draw, stamped with Date.now() in the webview (same machine clock).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { env as pythonChildEnv, pythonEnv, REPO_ROOT } from '../test/support/python';
import { sleep } from '../test/e2e/support/processes';
import { ensureVsix } from '../test/e2e/support/vsix';
import { panelCall, panelFrame, panelPoll } from '../test/e2e/support/webviews';
import { withWorkbench, type Workbench } from '../test/e2e/support/workbench';

const RESULTS = join(REPO_ROOT, 'bench', 'RESULTS.md');
const START = '<!-- bench:charts:start -->';
const END = '<!-- bench:charts:end -->';
const TARGET_MS = 500;
const KEY = 'ctrl+alt+m';

export interface ChartsBenchOptions {
  readonly repeat: number;
  readonly write: boolean;
}

interface Case {
  readonly label: string;
  readonly backend: 'sqlite' | 'file';
  readonly storeDir: string;
  readonly runIds: readonly string[];
  readonly points: number;
}

interface Sample {
  /** The first chart drawn: from a sample of a long history when one came first. */
  readonly firstFrameMs: number;
  /** The chart drawn with every point. */
  readonly completeFrameMs: number;
  /** The host's read of the samples (undefined: every history was read whole first). */
  readonly sampleReadMs: number | undefined;
  readonly readMs: number;
  readonly downsampleMs: number;
  readonly redrawMs: number;
}

const log = (message: string): void => void process.stderr.write(`bench charts: ${message}\n`);

async function stores(): Promise<Case[]> {
  const python = await pythonEnv();
  const generate = (args: string[]): string =>
    execFileSync(python.python, [join(REPO_ROOT, 'bench', 'generate.py'), ...args], { env: pythonChildEnv(python), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 }).trim();
  const one = generate(['history', '--steps', '1000000']);
  const many = generate(['runs-history', '--runs', '20', '--steps', '100000']);
  const oneManifest = JSON.parse(readFileSync(join(one, 'manifest.json'), 'utf8')) as { run_id: string };
  const manyManifest = JSON.parse(readFileSync(join(many, 'manifest.json'), 'utf8')) as { run_ids: string[] };
  return (['sqlite', 'file'] as const).flatMap((backend) => [
    { label: '1 run × 1,000,000 points', backend, storeDir: one, runIds: [oneManifest.run_id], points: 1_000_000 },
    { label: '20 runs × 100,000 points', backend, storeDir: many, runIds: manyManifest.run_ids, points: 2_000_000 },
  ]);
}

function uriOf(item: Case): string {
  return item.backend === 'sqlite' ? `sqlite:///${join(item.storeDir, 'mlflow.db')}` : `file://${join(item.storeDir, 'mlruns')}`;
}

/** Opens the panel with the key, waits for its first frame, reads the probes, closes it. */
async function openOnce(workbench: Workbench, item: Case, shot?: string): Promise<Sample> {
  const page = workbench.page;
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 500 } });
  const started = Date.now();
  await page.keyboard.press('Control+Alt+KeyM');
  const frame: Frame = await panelFrame(page, 'Smoothing', 120_000);
  if (shot) {
    // What the user sees while every point is read: caught when the sample is on screen (it may not be).
    for (let i = 0; i < 200; i++) {
      const t = await panelCall<{ firstDrawAt?: number; completeDrawAt?: number } | undefined>(frame, 'timings').catch(() => undefined);
      if (t?.completeDrawAt !== undefined) break;
      if (t?.firstDrawAt !== undefined) {
        await workbench.screenshot(shot);
        log(`screenshot of the sample: ${shot}`);
        break;
      }
      await sleep(10);
    }
  }
  const timings = await panelPoll<{ readMs?: number; downsampleMs?: number; points?: number; firstDrawAt?: number; completeDrawAt?: number; sample?: { readMs: number } }>(frame, 'timings', [], (t) => t?.completeDrawAt !== undefined && t.points !== undefined, 120_000);
  if (timings.points !== item.points) throw new Error(`the panel read ${timings.points} points, expected ${item.points}`);
  await sleep(300);
  const redraws: number[] = [];
  for (let i = 0; i < 5; i++) redraws.push(await panelCall<number>(frame, 'redraw', 'loss'));
  await workbench.runCommand('View: Close All Editors');
  await page.locator('.tab').first().waitFor({ state: 'detached', timeout: 30_000 }).catch(() => undefined);
  return { firstFrameMs: timings.firstDrawAt! - started, completeFrameMs: timings.completeDrawAt! - started, sampleReadMs: timings.sample?.readMs, readMs: timings.readMs!, downsampleMs: timings.downsampleMs!, redrawMs: median(redraws) };
}

async function measureCase(item: Case, repeat: number, vsix: string): Promise<{ cold: Sample; warm: Sample[] }> {
  const workspace = mkdtempSync(join(tmpdir(), 'mlwb-bench-charts-'));
  try {
    const keybindings = [{ key: KEY, command: 'mlWorkbench.openMetrics', args: { trackingKey: 'f0', runIds: item.runIds } }];
    return await withWorkbench(`bench-charts-${item.backend}-${item.runIds.length}`, { workspace, vsix, settings: { 'mlWorkbench.trackingUri': uriOf(item) }, keybindings }, async (workbench) => {
      await workbench.openContainer('ML Workbench');
      await workbench.treeRows('Runs').first().waitFor({ state: 'visible', timeout: 120_000 });
      const cold = await openOnce(workbench, item);
      log(`${item.backend} ${item.label}: cold ${cold.firstFrameMs} ms, every point ${cold.completeFrameMs} ms (read ${cold.readMs.toFixed(0)}, downsample ${cold.downsampleMs.toFixed(1)})`);
      const warm: Sample[] = [];
      for (let i = 0; i < repeat; i++) {
        const sample = await openOnce(workbench, item, i === 0 ? `bench-charts-sample-${item.backend}-${item.runIds.length}` : undefined);
        log(`  warm ${i + 1}: ${sample.firstFrameMs} ms, every point ${sample.completeFrameMs} ms (sample read ${sample.sampleReadMs?.toFixed(0) ?? '–'}, read ${sample.readMs.toFixed(0)}, downsample ${sample.downsampleMs.toFixed(1)}, redraw ${sample.redrawMs.toFixed(1)})`);
        warm.push(sample);
      }
      if (warm.length > 0) await workbench.screenshot(`bench-charts-${item.backend}-${item.runIds.length}`);
      return { cold, warm };
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function row(item: Case, result: { cold: Sample; warm: Sample[] }): string {
  const pick = (f: (s: Sample) => number): number => median(result.warm.map(f));
  const first = pick((s) => s.firstFrameMs);
  const range = `${Math.min(...result.warm.map((s) => s.firstFrameMs))} – ${Math.max(...result.warm.map((s) => s.firstFrameMs))}`;
  const redraw = pick((s) => s.redrawMs);
  const sampled = result.warm.filter((s) => s.sampleReadMs !== undefined);
  const sampleRead = sampled.length > 0 ? `${median(sampled.map((s) => s.sampleReadMs!)).toFixed(0)} (${sampled.length}/${result.warm.length})` : '–';
  return `| ${item.label} | ${item.backend === 'sqlite' ? 'SQLite (`mlflow.db`)' : 'file store (`mlruns/`)'} | **${first.toFixed(0)}** ${first <= TARGET_MS ? '✅' : '❌'} | ${range} | ${pick((s) => s.completeFrameMs).toFixed(0)} | ${result.cold.firstFrameMs} | ${sampleRead} | ${pick((s) => s.readMs).toFixed(0)} | ${pick((s) => s.downsampleMs).toFixed(1)} | ${redraw.toFixed(1)} | ${(first / redraw).toFixed(0)}× |`;
}

export async function runChartsBench(options: ChartsBenchOptions): Promise<string> {
  const vsix = ensureVsix();
  const cases = await stores();
  const rows: string[] = [];
  for (const item of cases) {
    try {
      rows.push(row(item, await measureCase(item, options.repeat, vsix)));
    } catch (error) {
      log(`${item.backend} ${item.label} FAILED: ${(error as Error).message}`);
      rows.push(`| ${item.label} | ${item.backend} | failed: ${(error as Error).message.split('\n')[0]!.slice(0, 120)} | | | | | | | | |`);
    }
  }
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const section = [
    '## Chart panels in VS Code',
    '',
    'Written by `npm run bench -- --only charts` (bench/charts.ts): the packaged extension in code-server + Chromium (as the e2e tests run it), stores from bench/generate.py (real MLflow).',
    '- **First frame**: from the key press bound to `mlWorkbench.openMetrics` (with the run ids) to the animation frame after uPlot first drew the chart, on the webview\'s clock (`Date.now()`, the same machine clock as the test\'s). It includes creating the webview, reading the histories (a long one — 20,000 steps or more — as a sample first (1,000 points for one run, 200 each for 20), found by index lookups in SQLite or small reads of a file store\'s metric file, when that comes before the whole read ends and the panel is ready), downsampling, sending, and drawing.',
    '- **every point**: the same clock to the frame drawn with every point of every history read (downsampled to the width, min/max kept): equal to the first frame when no sample came first.',
    `- **cold**: the first opening in a fresh window (the webview bundle loaded for the first time); the median is over ${options.repeat} later openings (each a new panel).`,
    '- **sample read / read / downsample**: the host\'s own clock for reading the samples (with how many openings drew one first), for reading every history into typed columns, and for LTTB (min/max kept) to two points per pixel.',
    '- **floor**: building the uPlot chart again from the already downsampled series in the webview and drawing it (median of 5); **÷ floor** is how far the whole path is from only drawing.',
    '',
    `${new Date().toISOString().slice(0, 19)}Z; commit ${commit}. Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GB. Target: first frame under ${TARGET_MS} ms.`,
    '',
    '| | store | first frame ms (median) | min – max | every point ms | cold ms | sample read ms | read ms | downsample ms | floor: redraw ms | ÷ floor |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
  ].join('\n');
  console.log(section);
  if (options.write) {
    const existing = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmarks\n';
    const block = `${START}\n${section}\n${END}`;
    const start = existing.indexOf(START);
    const end = existing.indexOf(END);
    writeFileSync(RESULTS, start >= 0 && end > start ? `${existing.slice(0, start)}${block}${existing.slice(end + END.length)}` : `${existing.trimEnd()}\n\n${block}\n`);
  }
  return section;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const repeat = Number(argv[argv.indexOf('--repeat') + 1]) || 5;
  void runChartsBench({ repeat: argv.includes('--repeat') ? repeat : 5, write: !argv.includes('--no-write') }).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
