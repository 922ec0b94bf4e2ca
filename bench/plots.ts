/**
 * `npm run bench:plots`: the Plots panel's model for 7 revisions (the workspace, 3 commits, 3 DVC
 * experiments) of a repo real DVC wrote (test/fixtures/make_plots_repo.py --third-experiment: 11
 * vega plots of every template, 4 images, data from git, the workspace and the DVC cache), beside
 * `dvc plots diff --json --split` of the same revisions in the same run — what the DVC extension
 * runs for its plots webview. Both answer the same datapoints (test/contract/dvcPlots.test.ts).
 *
 * Measured: a cold PlotsSession (new git processes, every file read, shaped for drawing) and the
 * `dvc` command (Python start included: that is what a user waits for), medians of --repeat runs.
 *
 *   npm run bench:plots [-- --repeat 5 --no-write]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, mkdtempSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PlotsSession } from '../src/core/plots/session';
import { env as pythonChildEnv, pythonEnv, REPO_ROOT } from '../test/support/python';
import { median, option, stamp, writeSection } from './section';

const REPEAT = Number(option(process.argv, '--repeat')) || 5;
const log = (message: string): void => void process.stderr.write(`bench:plots: ${message}\n`);

async function ensureRepo(): Promise<{ dir: string; commits: string[]; experiments: string[] }> {
  const python = await pythonEnv();
  const script = join(REPO_ROOT, 'test', 'fixtures', 'make_plots_repo.py');
  const cache = join(process.env['ML_WORKBENCH_CACHE'] ?? join(homedir(), '.cache', 'ml-workbench'), 'bench');
  const built = join(cache, `plots-${createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 12)}`);
  if (!existsSync(join(built, 'summary.json'))) {
    log('building the repo (dvc repro × 3, dvc exp run × 3)…');
    mkdirSync(cache, { recursive: true });
    const tmp = mkdtempSync(join(cache, '.plots-'));
    const summary = execFileSync(python.python, [script, '--out', join(tmp, 'repo'), '--third-experiment'], { env: pythonChildEnv(python), encoding: 'utf8', timeout: 15 * 60_000 });
    execFileSync('bash', ['-c', 'cat > "$1"', '-', join(tmp, 'summary.json')], { input: summary });
    rmSync(built, { recursive: true, force: true });
    renameSync(tmp, built);
  }
  const summary = JSON.parse(readFileSync(join(built, 'summary.json'), 'utf8')) as { commits: string[]; experiments: string[] };
  return { ...summary, dir: join(built, 'repo') };
}

async function main(): Promise<void> {
  const repo = await ensureRepo();
  const python = await pythonEnv();
  const revisions = ['workspace', ...repo.commits, ...repo.experiments];
  const ours: number[] = [];
  let points = 0;
  for (let i = 0; i < REPEAT + 1; i++) {
    const started = performance.now();
    const session = new PlotsSession({ dvcRoot: repo.dir, revisions });
    const model = await session.load();
    session.dispose();
    if (i > 0) ours.push(performance.now() - started); // the first warms the OS file cache
    points = model.plots.reduce((n, p) => n + (p.kind === 'xy' ? p.series.reduce((m, s) => m + s.x.length, 0) : 0), 0);
  }
  const dvc: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const started = performance.now();
    execFileSync(join(python.bin, 'dvc'), ['plots', 'diff', '--json', '--split', ...revisions], { cwd: repo.dir, env: pythonChildEnv(python), maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
    dvc.push(performance.now() - started);
  }
  const [a, b] = [median(ours), median(dvc)];
  const body = [
    '## Plots panel: DVC plots of 7 revisions',
    '',
    `${stamp()} \`npm run bench:plots\`, medians of ${REPEAT}.`,
    '',
    `Repo: test/fixtures/make_plots_repo.py --third-experiment (11 vega plots of every template, 4 images; data from git, the workspace and the DVC cache); revisions: the workspace, 3 commits, 3 \`dvc exp run\` experiments (${points} line/point datapoints drawn).`,
    '',
    '| what | median ms | ÷ dvc |',
    '| --- | ---: | ---: |',
    `| ours: PlotsSession.load (cold: git processes, every file read, shaped for drawing) | ${a.toFixed(0)} | ${(a / b).toFixed(3)} |`,
    `| peer: \`dvc plots diff --json --split\` (the same revisions; Python start included) | ${b.toFixed(0)} | 1 |`,
    '',
    'Both give the same datapoints per plot and revision (test/contract/dvcPlots.test.ts).',
  ].join('\n');
  process.stdout.write(`${body}\n`);
  if (!process.argv.includes('--no-write')) writeSection('plots', body);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
