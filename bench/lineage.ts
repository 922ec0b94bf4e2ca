/**
 * `npm run bench:lineage`: lineage of a model version in a repository with 2,000 commits and 50
 * DVC-tracked paths, beside the `git log` floor measured in the same run.
 *
 * The repository: `dvc init` (real DVC), then 2,000 commits written with `git fast-import`, each
 * recording a new version of one of 50 data files in its `.dvc` file (md5 of the generated content,
 * as `dvc add` writes it) — round robin, so each path has 40 versions — and every 50th commit a
 * dvc.lock for the `train` stage, whose deps are all 50 paths and train.py. The store: real
 * MLflow (MlflowClient) with a run tagged with commit 1,000 and a registered model version from it.
 * Cached under ~/.cache/ml-workbench/bench.
 *
 * Measured: cold (a new LineageService: git processes started, history read) and warm (the same
 * service asked again, the extension's case: target < 300 ms), against `git log` of one `.dvc` file
 * (what any tool reading a path's versions must at least run) and of the whole history.
 *
 *   npm run bench:lineage [-- --repeat 20 --no-write]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import { LineageService } from '../src/core/lineage/lineage';
import { openTrackingStore } from '../src/core/tracking/open';
import { env as pythonChildEnv, pythonEnv, REPO_ROOT } from '../test/support/python';

const BENCH = join(process.env['ML_WORKBENCH_CACHE'] ?? join(homedir(), '.cache', 'ml-workbench'), 'bench');
const COMMITS = 2000;
const PATHS = 50;
const DIR = join(BENCH, `lineage-${COMMITS}x${PATHS}-v1`);
const REPO = join(DIR, 'repo');
const RESULTS = join(REPO_ROOT, 'bench', 'RESULTS.md');
const REPEAT = Number(process.argv[process.argv.indexOf('--repeat') + 1]) || 20;
const log = (message: string): void => void process.stderr.write(`bench:lineage: ${message}\n`);

const pad = (i: number): string => String(i).padStart(2, '0');
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

function content(path: number, version: number): string {
  return `id,value\n${Array.from({ length: 20 }, (_, i) => `${i},${(path * 31 + version * 7 + i) % 97}`).join('\n')}\n`;
}

function dvcFile(path: number, version: number): string {
  const text = content(path, version);
  return `outs:\n- md5: ${md5(text)}\n  size: ${Buffer.byteLength(text)}\n  hash: md5\n  path: p${pad(path)}.csv\n`;
}

function lockFile(versions: number[]): string {
  const deps = versions.map((v, p) => {
    const text = content(p, v);
    return `    - path: data/p${pad(p)}.csv\n      hash: md5\n      md5: ${md5(text)}\n      size: ${Buffer.byteLength(text)}`;
  });
  return `schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n    - path: train.py\n      hash: md5\n      md5: ${md5('train')}\n      size: 5\n${deps.join('\n')}\n    outs:\n    - path: model.pkl\n      hash: md5\n      md5: ${md5(versions.join(','))}\n      size: 10\n`;
}

const DVC_YAML = `stages:\n  train:\n    cmd: python train.py\n    deps:\n      - train.py\n${Array.from({ length: PATHS }, (_, p) => `      - data/p${pad(p)}.csv`).join('\n')}\n    outs:\n      - model.pkl\n`;

async function ensureRepo(): Promise<{ uri: string; commit: string }> {
  const summary = join(DIR, 'summary.json');
  if (existsSync(summary)) return JSON.parse(readFileSync(summary, 'utf8')) as { uri: string; commit: string };
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(REPO, { recursive: true });
  const python = await pythonEnv();
  const childEnv = pythonChildEnv(python, { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'b@example.com', DVC_NO_ANALYTICS: '1' });
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: REPO, env: childEnv }).toString().trim();
  log(`generating ${REPO}`);
  git('init', '-q', '-b', 'main');
  execFileSync(python.python, ['-m', 'dvc', 'init', '-q'], { cwd: REPO, env: childEnv });
  writeFileSync(join(REPO, 'train.py'), 'train');
  writeFileSync(join(REPO, 'dvc.yaml'), DVC_YAML);
  git('add', '-A');
  git('commit', '-q', '-m', 'dvc init');
  const versions = Array.from({ length: PATHS }, () => 0);
  const chunks: string[] = [];
  const blob = (path: string, text: string): string => `M 100644 inline ${path}\ndata ${Buffer.byteLength(text)}\n${text}\n`;
  let time = 1_700_000_000;
  for (let i = 1; i <= COMMITS; i++) {
    const p = (i - 1) % PATHS;
    versions[p]! += 1;
    let files = blob(`data/p${pad(p)}.csv.dvc`, dvcFile(p, versions[p]!));
    if (i % 50 === 0) files += blob('dvc.lock', lockFile(versions));
    const message = `data p${pad(p)} v${versions[p]}`;
    chunks.push(`commit refs/heads/main\nmark :${i}\ncommitter Bench <b@example.com> ${time++} +0000\ndata ${message.length}\n${message}\n${i === 1 ? 'from refs/heads/main^0\n' : ''}${files}\n`);
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: REPO, input: chunks.join(''), env: childEnv, maxBuffer: 1 << 26 });
  git('reset', '-q', '--hard', 'main');
  const commit = git('rev-list', '--skip', String(COMMITS / 2), '-1', 'HEAD');
  const uri = `sqlite:///${join(DIR, 'mlflow.db')}`;
  const script = `import sys\nfrom mlflow import MlflowClient\nc = MlflowClient(sys.argv[1], registry_uri=sys.argv[1])\nexp = c.create_experiment("bench", artifact_location=sys.argv[3])\nrun = c.create_run(exp, run_name="train", tags={"mlflow.source.git.commit": sys.argv[2], "mlflow.source.name": "train.py", "mlflow.source.git.dirty": "false"})\nc.log_metric(run.info.run_id, "accuracy", 0.9)\nc.set_terminated(run.info.run_id)\nc.create_registered_model("bench-model")\nc.create_model_version("bench-model", "runs:/%s/model" % run.info.run_id, run_id=run.info.run_id)\nc.set_registered_model_alias("bench-model", "champion", "1")\n`;
  execFileSync(python.python, ['-c', script, uri, commit, join(DIR, 'artifacts')], { cwd: DIR, env: childEnv });
  writeFileSync(summary, JSON.stringify({ uri, commit }));
  return { uri, commit };
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const { uri, commit } = await ensureRepo();
  const commits = Number(execFileSync('git', ['rev-list', '--count', 'HEAD'], { cwd: REPO }).toString().trim());
  const cold: number[] = [];
  const warm: number[] = [];
  const floorOne: number[] = [];
  const floorAll: number[] = [];
  let answer = '';
  for (let round = 0; round < Math.max(3, Math.ceil(REPEAT / 5)); round++) {
    const store = openTrackingStore(uri, { cwd: DIR });
    const service = new LineageService(REPO, store);
    try {
      cold.push(await timeAsync(() => service.ofModelVersion('bench-model', { alias: 'champion' })));
      for (let i = 0; i < Math.ceil(REPEAT / 3); i++) {
        warm.push(
          await timeAsync(async () => {
            const lineage = await service.ofModelVersion('bench-model', { alias: 'champion' });
            answer = `${lineage.stages[0]?.inputs.length ?? 0} inputs, ${lineage.currency.state}, commit ${lineage.commit?.id.slice(0, 7)} ${lineage.commit?.behindHead} behind HEAD`;
          }),
        );
      }
    } finally {
      service.dispose();
      store.dispose();
    }
    floorOne.push(time(() => execFileSync('git', ['log', '--format=%H %ct', 'HEAD', '--', 'data/p07.csv.dvc'], { cwd: REPO })));
    floorAll.push(time(() => execFileSync('git', ['log', '--format=%H %ct', 'HEAD', '--', ...Array.from({ length: PATHS }, (_, p) => `data/p${pad(p)}.csv.dvc`)], { cwd: REPO, maxBuffer: 1 << 26 })));
  }
  const rows = {
    warm: median(warm),
    cold: median(cold),
    one: median(floorOne),
    all: median(floorAll),
  };
  const section = [
    '<!-- bench:lineage:start -->',
    '## Lineage of a model version',
    '',
    `\`npm run bench:lineage\`: ${commits} commits, ${PATHS} DVC-tracked paths (40 versions each; dvc.lock every 50 commits), the model version's run at commit ${commit.slice(0, 7)} (half-way); answer: ${answer}. ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the end (shared machine). Medians of ${warm.length} warm and ${cold.length} cold runs.`,
    '',
    '| what | ms | × git log of one .dvc file |',
    '|---|---:|---:|',
    `| lineage, warm (same LineageService; target < 300 ms) | ${rows.warm.toFixed(1)} | ${(rows.warm / rows.one).toFixed(2)} |`,
    `| lineage, cold (new service: git processes, history read) | ${rows.cold.toFixed(1)} | ${(rows.cold / rows.one).toFixed(2)} |`,
    `| floor: \`git log -- data/p07.csv.dvc\` (one path's commits) | ${rows.one.toFixed(1)} | 1.00 |`,
    `| floor: \`git log -- <all 50 .dvc files>\` | ${rows.all.toFixed(1)} | ${(rows.all / rows.one).toFixed(2)} |`,
    '',
    `Target < 300 ms warm: ${rows.warm < 300 ? 'met' : 'NOT met'}.`,
    '<!-- bench:lineage:end -->',
  ].join('\n');
  process.stdout.write(section + '\n');
  if (!process.argv.includes('--no-write')) {
    const text = readFileSync(RESULTS, 'utf8');
    const start = text.indexOf('<!-- bench:lineage:start -->');
    const end = text.indexOf('<!-- bench:lineage:end -->');
    writeFileSync(RESULTS, start >= 0 && end > start ? text.slice(0, start) + section + text.slice(end + '<!-- bench:lineage:end -->'.length) : `${text.trimEnd()}\n\n${section}\n`);
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench:lineage: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
