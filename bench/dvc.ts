/**
 * `npm run bench:dvc`: our DVC status against `dvc status` and the floor of `md5sum` over the same
 * bytes, on repos real DVC made (bench/dvc_generate.py, cached under ~/.cache/ml-workbench/bench):
 *   - 20 stages over 2,000 files / 1 GiB, cold: rounds of (ours, dvc status, md5sum), each run
 *     after dropping the page cache (and ours after deleting our stat cache, dvc's after deleting
 *     its state DB); ratios taken within a round. Warm (nothing changed): rounds of (ours, dvc).
 *   - in a child process, as the extension uses it (repo handle open, hashing in the worker):
 *     warm status of the same repo; and status of one `dvc add`ed folder of 100,000 files, cold,
 *     warm in the same worker and warm in a new one, with the worst event-loop lag of the main
 *     thread (perf_hooks.monitorEventLoopDelay).
 * Writes the `## DVC status` section of bench/RESULTS.md between its markers (bench/dvcReport.ts).
 *
 *   npm run bench:dvc [-- --repeat 5 --no-build --no-write]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openDvcRepo, type DvcRepo } from '../src/core/dvc/repo';
import { env as pythonChildEnv, pythonEnv, REPO_ROOT } from '../test/support/python';
import { report, updateSection, type ChildResult, type LagRun } from './dvcReport';
import { dropCaches, log, rounds, spread } from './dvcRounds';

const BENCH = join(process.env['ML_WORKBENCH_CACHE'] ?? join(homedir(), '.cache', 'ml-workbench'), 'bench');
const MAIN = join(BENCH, 'dvc-main-v1');
const MANY = join(BENCH, 'dvc-many-v1');
const SITE_CACHE = join(BENCH, 'dvc-site-cache');
const STAT_CACHE = join(BENCH, 'dvc-stat-cache.json');
const MANY_STAT_CACHE = join(BENCH, 'dvc-many-stat-cache.json');
const RESULTS = join(REPO_ROOT, 'bench', 'RESULTS.md');
const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const WORKER = join(REPO_ROOT, 'dist', 'dvcHashWorker.js');

/**
 * One status on `repo` with the main thread's event loop watched: the worst delay of a 5 ms timer;
 * and from the kernel's schedstat, the time the main thread ran and the time it waited for a CPU,
 * which tells a loop that was busy from a thread the OS did not schedule (the machine is shared).
 */
async function lagged(repo: DvcRepo): Promise<LagRun> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  let files = 0;
  histogram.enable();
  const before = mainThreadSchedule();
  const start = performance.now();
  await repo.status({ onProgress: (p) => (files = p.filesTotal) });
  const seconds = (performance.now() - start) / 1000;
  const after = mainThreadSchedule();
  histogram.disable();
  return { seconds, lagMs: histogram.max / 1e6, mainRunMs: after.runMs - before.runMs, mainWaitMs: after.waitMs - before.waitMs, files };
}

/** /proc/self/task/PID/schedstat of the main thread: ns on a CPU, ns runnable but waiting for one. */
function mainThreadSchedule(): { runMs: number; waitMs: number } {
  const [run = '0', wait = '0'] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').trim().split(' ');
  return { runMs: Number(run) / 1e6, waitMs: Number(wait) / 1e6 };
}

/** The same watch over an idle loop for as long: the lag the machine alone causes. */
async function idleLag(ms: number): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, ms));
  histogram.disable();
  return histogram.max / 1e6;
}

/** Runs in a child whose page cache the parent just dropped (dropping it here would evict our own code and time its re-reading as lag). */
async function child(): Promise<void> {
  rmSync(MANY_STAT_CACHE, { force: true });
  const first = openDvcRepo(MANY, { statCachePath: MANY_STAT_CACHE, workerPath: WORKER });
  const cold = await lagged(first);
  const warmSameWorker = await lagged(first);
  await first.dispose();
  const second = openDvcRepo(MANY, { statCachePath: MANY_STAT_CACHE, workerPath: WORKER });
  const warmNewWorker = await lagged(second);
  await second.dispose();
  const idleLagMs = await idleLag(Math.max(1000, cold.seconds * 1000));
  const main = openDvcRepo(MAIN, { statCachePath: STAT_CACHE, workerPath: WORKER });
  const mainWarm: number[] = [];
  for (let i = 0; i < 23; i++) {
    const start = performance.now();
    await main.status();
    if (i >= 3) mainWarm.push((performance.now() - start) / 1000);
  }
  await main.dispose();
  const result: ChildResult = { cold, warmSameWorker, warmNewWorker, idleLagMs, mainWarm };
  process.stdout.write(JSON.stringify(result) + '\n');
}

function childRuns(repeat: number, env: NodeJS.ProcessEnv): ChildResult[] {
  const results: ChildResult[] = [];
  for (let i = 0; i < repeat; i++) {
    dropCaches();
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench', 'dvc.ts'), '--child'], { cwd: REPO_ROOT, env, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as ChildResult;
    log(`in-process ${i + 1}/${repeat}: 100k cold ${result.cold.seconds.toFixed(2)} s (lag ${result.cold.lagMs.toFixed(1)} ms, main thread ran ${result.cold.mainRunMs.toFixed(0)} ms, waited for a CPU ${result.cold.mainWaitMs.toFixed(0)} ms; idle lag ${result.idleLagMs.toFixed(1)} ms), warm ${result.warmSameWorker.seconds.toFixed(2)} s / new worker ${result.warmNewWorker.seconds.toFixed(2)} s; 1 GiB warm ${(spread(result.mainWarm).median * 1000).toFixed(1)} ms`);
    results.push(result);
  }
  return results;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--child')) return child();
  const repeat = Number(argv[argv.indexOf('--repeat') + 1] ?? 5) || 5;
  if (!argv.includes('--no-build')) {
    log('npm run build');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const python = await pythonEnv();
  const env = pythonChildEnv(python, { DVC_SITE_CACHE_DIR: SITE_CACHE, DVC_NO_ANALYTICS: 'true' });
  for (const [kind, dir] of [['main', MAIN], ['many', MANY]] as const) {
    log(`repo ${kind}: bench/dvc_generate.py (cached after the first time)`);
    execFileSync(python.python, [join(REPO_ROOT, 'bench', 'dvc_generate.py'), kind, '--out', dir], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const canDrop = dropCaches();
  if (!canDrop) log('cannot write /proc/sys/vm/drop_caches: cold runs read from the page cache');
  const opts = { cwd: MAIN, env };
  const ours = ['node', CLI, 'status', '--repo', MAIN, '--json', '--stat-cache', STAT_CACHE];
  const dvc = ['dvc', 'status', '--json'];
  const floor = ['sh', '-c', 'find data out -type f -print0 | xargs -0 md5sum > /dev/null'];
  const cold = rounds('cold', [
    { label: 'ours', command: ours, prepare: () => (rmSync(STAT_CACHE, { force: true }), dropCaches()) },
    { label: 'dvc', command: dvc, prepare: () => (rmSync(SITE_CACHE, { recursive: true, force: true }), dropCaches()) },
    { label: 'floor', command: floor, prepare: () => dropCaches() },
  ], repeat, opts);
  // One unmeasured run each, so both start from their own warm state.
  rounds('warm-up', [{ label: 'ours', command: ours, prepare: () => {} }, { label: 'dvc', command: dvc, prepare: () => {} }], 1, opts);
  const warm = rounds('warm', [{ label: 'ours', command: ours, prepare: () => {} }, { label: 'dvc', command: dvc, prepare: () => {} }], repeat, opts);
  const same = JSON.stringify(JSON.parse(cold.output.get('ours')!)) === JSON.stringify(JSON.parse(warm.output.get('dvc')!));
  if (!same) log(`WARNING: outputs differ: ours ${cold.output.get('ours')!.trim()} vs dvc ${warm.output.get('dvc')!.trim()}`);
  log('in-process: the extension\'s case, and 100,000 files with the event loop watched (child processes)');
  const children = childRuns(repeat, env);
  const block = report({ cold, warm, children, canDrop, same, repeat, env });
  process.stdout.write(block + '\n');
  if (!argv.includes('--no-write')) {
    writeFileSync(RESULTS, updateSection(existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '', block));
    log(`wrote ${RESULTS}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:dvc: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
