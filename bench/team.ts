/**
 * `npm run bench:team`: the team rig at scale, side by side with the peers in the same run.
 *
 * - listing: an `mlflow server` on PostgreSQL (scripts/team-server.mjs, MLflow's default 4 uvicorn
 *   workers) holding 100,000 runs (bench/team_generate.py through MLflow's own store classes, made
 *   once and cached as a PostgreSQL cluster under ~/.cache/ml-workbench/bench): every run of the
 *   experiment, then a filtered and ordered search, then the first page — our CLI and core against
 *   MlflowClient.search_runs paging (same page size), and the server's own time as the floor.
 * - remote: remote status of a `dvc add`ed folder of 10,000 files against `dvc status -c`, on a
 *   local remote and on moto's S3 server, everything pushed and nothing pushed.
 *
 *   npm run bench:team [-- --only listing|remote] [--runs N] [--files N] [--repeat N] [--warmup N] [--no-filtered] [--no-full] [--no-floor] [--no-write]
 *
 * On a busy shared machine a whole 100,000-run listing takes minutes per process (the server's
 * time): `--warmup 0 --repeat 1 --no-filtered` measures each row once and skips the filtered group.
 *
 * Writes the `## Team scale` section of bench/RESULTS.md between its markers.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { env as pythonChildEnv, pythonEnv, REPO_ROOT, type PythonEnv } from '../test/support/python';
import { startS3Server, startTeamServer } from '../test/support/teamServer';
import { measure, type Command, type Summary } from './measure';

interface Options {
  readonly only: 'listing' | 'remote' | undefined;
  readonly runs: number;
  readonly files: number;
  readonly repeat: number;
  readonly warmup: number;
  readonly filtered: boolean;
  /** The whole listing (every run); --no-full leaves the first page (and the filtered group). */
  readonly full: boolean;
  readonly floor: boolean;
  readonly write: boolean;
}

interface Row {
  readonly label: string;
  readonly summary?: Summary;
  readonly failure?: string;
}

const BENCH = join(process.env['ML_WORKBENCH_CACHE'] ?? join(homedir(), '.cache', 'ml-workbench'), 'bench');
const RESULTS = join(REPO_ROOT, 'bench', 'RESULTS.md');
const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const PAGE = 1000;
// By path: the remote rows run in the bench repo, where `--import tsx` would not resolve.
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const log = (message: string): void => void process.stderr.write(`bench:team: ${message}\n`);

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const only = value('--only');
  if (only !== undefined && only !== 'listing' && only !== 'remote') throw new Error('--only takes listing or remote');
  return { only, runs: Number(value('--runs') ?? 100_000), files: Number(value('--files') ?? 10_000), repeat: Number(value('--repeat') ?? 3), warmup: Number(value('--warmup') ?? 1), filtered: !argv.includes('--no-filtered'), full: !argv.includes('--no-full'), floor: !argv.includes('--no-floor'), write: !argv.includes('--no-write') };
}

/** Counts `"run_uuid":` in a file without reading it whole (a 100,000-run listing is ~400 MB). */
function countRuns(file: string): number {
  const needle = '"run_uuid":';
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 20);
  let count = 0;
  let carry = '';
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) {
      const text = carry + buffer.toString('latin1', 0, read);
      count += text.split(needle).length - 1;
      // Keep a tail shorter than the needle: a match cut in two is counted once, in the next chunk.
      carry = text.slice(-(needle.length - 1));
    }
  } finally {
    closeSync(fd);
  }
  return count;
}

async function rows(cases: readonly (readonly [string, Command])[], repeat: number, warmup: number): Promise<Row[]> {
  const out: Row[] = [];
  for (const [label, command] of cases) {
    log(`${label} ...`);
    try {
      const summary = await measure(command, repeat, warmup);
      log(`  median ${summary.median.toFixed(2)}s, ${summary.count ?? '?'} items, peak RSS ${((summary.peakRssKb ?? 0) / 1024).toFixed(0)} MB`);
      out.push({ label, summary });
    } catch (error) {
      log(`  FAILED: ${(error as Error).message}`);
      out.push({ label, failure: (error as Error).message.split('\n').filter(Boolean).at(-1) ?? 'failed' });
    }
  }
  return out;
}

// ---------------------------------------------------------------- listing

async function listingTemplate(python: PythonEnv, runs: number): Promise<{ dir: string; experimentId: string; seconds: number }> {
  const version = execFileSync(python.python, ['-c', 'import mlflow; print(mlflow.__version__)'], { env: pythonChildEnv(python), encoding: 'utf8' }).trim();
  const dir = join(BENCH, `mlflow${version}`, `team-pg-v1-${runs}`);
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) {
    const build = `${dir}.build`;
    rmSync(build, { recursive: true, force: true });
    mkdirSync(join(dir, '..'), { recursive: true });
    log(`generating ${runs} runs (once; cached in ${dir})`);
    const rig = await startTeamServer({ pgSave: build, workers: 2 });
    try {
      const script = join(REPO_ROOT, 'bench', 'team_generate.py');
      const out = execFileSync(python.python, [script, '--tracking-uri', rig.trackingUri, '--backend-uri', rig.backendStoreUri, '--runs', String(runs)], { env: pythonChildEnv(python), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      await rig.stop();
      writeFileSync(join(build, 'manifest.json'), out.trim().split('\n').at(-1)!);
      renameSync(build, dir);
    } finally {
      await rig.stop();
    }
  }
  const generated = JSON.parse(readFileSync(manifest, 'utf8')) as { experiment_id: string; seconds: number };
  return { dir, experimentId: generated.experiment_id, seconds: generated.seconds };
}

async function listingSection(python: PythonEnv, options: Options): Promise<string> {
  const template = await listingTemplate(python, options.runs);
  // MLflow's own default for `mlflow server --workers`: a team's server.
  const rig = await startTeamServer({ pgTemplate: template.dir, workers: 4 });
  const url = rig.trackingUri;
  const experiment = template.experimentId;
  const pyEnv = pythonChildEnv(python);
  const peer = (extra: string[]): Command => ({ argv: [python.python, join(REPO_ROOT, 'bench', 'team_peer.py'), url, experiment, String(PAGE), ...extra], env: pyEnv, timing: 'self' });
  const core = (mode: 'core' | 'floor', extra: string[]): Command => ({ argv: [process.execPath, '--import', TSX, join(REPO_ROOT, 'bench', 'teamListing.ts'), mode, url, experiment, String(PAGE), ...extra], timing: 'self' });
  const cli = (extra: string[]): Command => ({ argv: [process.execPath, CLI, 'runs', '--tracking-uri', url, '--experiment-id', experiment, '--json', ...extra], timing: 'wall', count: countRuns });
  const filter = ['metrics.metric_0 > 0.5', 'metrics.metric_1 DESC'];
  const groups: [string, (readonly [string, Command])[]][] = [
    [
      `every run (${options.runs.toLocaleString('en-US')}), pages of ${PAGE}`,
      [
        ['**ML Workbench CLI** `runs --json` (printed page by page) ·wall', cli([])],
        [`MlflowClient.search_runs, paging by ${PAGE}, in-process`, peer([])],
        ['floor: the server alone (bare HTTP, no run parsed), in-process', core('floor', [])],
      ],
    ],
    [
      `filtered and ordered on the server: \`${filter[0]}\`, \`${filter[1]}\``,
      [
        ['**ML Workbench CLI** ·wall', cli(['--filter', filter[0]!, '--order-by', filter[1]!])],
        ['MlflowClient.search_runs paging, in-process', peer(filter)],
        ['floor: the server alone, in-process', core('floor', filter)],
      ],
    ],
    [
      'the first page (100 runs)',
      [
        ['**ML Workbench CLI** `runs --max-results 100` ·wall', cli(['--max-results', '100'])],
        ['MlflowClient.search_runs(max_results=100), in-process', { ...peer([]), argv: [python.python, join(REPO_ROOT, 'bench', 'team_peer.py'), url, experiment, '100', '--first-page'] }],
      ],
    ],
  ];
  const tables: string[] = [];
  try {
    for (const [title, cases] of groups) {
      if (!options.filtered && title.startsWith('filtered')) continue;
      if (!options.full && title.startsWith('every run')) continue;
      const measured = options.floor ? cases : cases.filter(([label]) => !label.startsWith('floor'));
      tables.push(table(title, await rows(measured, options.repeat, options.warmup), 'MlflowClient'));
    }
  } finally {
    await rig.stop();
  }
  return [`### Listing runs of a PostgreSQL-backed server (${options.runs.toLocaleString('en-US')} runs)`, '', `Runs generated once by bench/team_generate.py in ${template.seconds}s (MLflow's SQLAlchemy models, bulk insert). Server: \`mlflow server --workers 4\` on PostgreSQL ${rig.postgres.version}.`, '', ...tables].join('\n');
}

// ---------------------------------------------------------------- remote status

async function remoteSection(python: PythonEnv, options: Options): Promise<string> {
  const pyEnv = pythonChildEnv(python);
  const dir = join(BENCH, `dvc-remote-v1-${options.files}`);
  const dvc = (args: string[], env: NodeJS.ProcessEnv = pyEnv): string => execFileSync(python.python, ['-m', 'dvc', ...args], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (!existsSync(join(dir, 'ready'))) {
    log(`making a DVC repo with ${options.files} tracked files and a local remote (once; cached in ${dir})`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'data', 'files'), { recursive: true });
    for (let i = 0; i < options.files; i++) writeFileSync(join(dir, 'data', 'files', `${String(i).padStart(6, '0')}.txt`), `file ${i}\n`);
    execFileSync('git', ['init', '-q'], { cwd: dir });
    dvc(['init', '-q']);
    dvc(['add', '-q', 'data/files']);
    dvc(['remote', 'add', 'local-full', join(dir, '..', `dvc-remote-v1-${options.files}-store`)]);
    dvc(['remote', 'add', 'local-empty', join(dir, '..', `dvc-remote-v1-${options.files}-empty`)]);
    dvc(['push', '-q', '-r', 'local-full']);
    writeFileSync(join(dir, 'ready'), '');
  }
  const s3 = await startS3Server();
  const tables: string[] = [];
  try {
    const env = { ...pyEnv, AWS_ACCESS_KEY_ID: s3.s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.s3.secretAccessKey };
    for (const name of ['s3-full', 's3-empty']) {
      dvc(['remote', 'add', '-f', name, `${s3.dvcRemoteUrl}/${name}`]);
      dvc(['remote', 'modify', name, 'endpointurl', s3.s3.endpointUrl]);
    }
    log('pushing to moto (s3-full)');
    dvc(['push', '-q', '-r', 's3-full'], env);
    const count = (file: string): number => Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object).length;
    for (const [remote, label] of [
      ['local-full', 'local remote, everything pushed'],
      ['local-empty', 'local remote, nothing pushed'],
      ['s3-full', "S3 remote (moto), everything pushed"],
      ['s3-empty', 'S3 remote (moto), nothing pushed'],
    ] as const) {
      const measured = await rows(
        [
          [`**ML Workbench CLI** \`remote-status --remote ${remote} --json\` ·wall`, { argv: [process.execPath, CLI, 'remote-status', '--repo', dir, '--remote', remote, '--json'], env, timing: 'wall', count }],
          [`**ML Workbench core** \`remoteStatus()\`, in-process, first call of the process`, { argv: [process.execPath, '--import', TSX, join(REPO_ROOT, 'bench', 'teamRemote.ts'), dir, remote], env, timing: 'self' }],
          [`**ML Workbench core** \`remoteStatus()\`, in-process, a refresh (the second call)`, { argv: [process.execPath, '--import', TSX, join(REPO_ROOT, 'bench', 'teamRemote.ts'), dir, remote, '2'], env, timing: 'self' }],
          [`\`dvc status --cloud --json -r ${remote}\` ·wall`, { argv: [python.python, '-m', 'dvc', 'status', '--cloud', '--json', '-r', remote], env: { ...env, PWD: dir }, timing: 'wall', count }],
        ].map(([l, c]) => [l as string, { ...(c as Command), argv: ['env', '-C', dir, ...(c as Command).argv] }] as const),
        options.repeat,
        options.warmup,
      );
      tables.push(table(`${options.files.toLocaleString('en-US')} files in one \`dvc add\`ed folder, ${label}`, measured, '`dvc status'));
    }
  } finally {
    await s3.stop();
  }
  return [`### Remote status of ${options.files.toLocaleString('en-US')} tracked files`, '', ...tables].join('\n');
}

// ---------------------------------------------------------------- report

/** A table with each row's time against the peer's (the row whose label starts with `peer`). */
function table(title: string, measured: readonly Row[], peer: string): string {
  const peerRow = measured.find((row) => row.label.startsWith(peer))?.summary;
  const lines = [`#### ${title}`, '', '| | seconds (median) | min – max | peak RSS MB | items | peer / this (speed-up) | RSS this / peer |', '|---|--:|--:|--:|--:|--:|--:|'];
  for (const row of measured) {
    if (!row.summary) {
      lines.push(`| ${row.label} | failed: ${row.failure} | | | | | |`);
      continue;
    }
    const s = row.summary;
    const mine = row.label.startsWith('**');
    const speed = mine && peerRow ? `${(peerRow.median / s.median).toFixed(2)}×` : '';
    const rss = mine && peerRow?.peakRssKb && s.peakRssKb ? (s.peakRssKb / peerRow.peakRssKb).toFixed(2) : '';
    lines.push(`| ${row.label} | ${s.median.toFixed(3)} | ${s.min.toFixed(3)} – ${s.max.toFixed(3)} | ${s.peakRssKb ? (s.peakRssKb / 1024).toFixed(0) : ''} | ${s.count?.toLocaleString('en-US') ?? ''} | ${speed} | ${rss} |`);
  }
  return `${lines.join('\n')}\n`;
}

function update(existing: string, block: string): string {
  const start = '<!-- bench:team:start -->';
  const end = '<!-- bench:team:end -->';
  const i = existing.indexOf(start);
  const j = existing.indexOf(end);
  const marked = `${start}\n${block}\n${end}`;
  return i === -1 || j === -1 ? `${existing.trimEnd()}\n\n${marked}\n` : existing.slice(0, i) + marked + existing.slice(j + end.length);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const python = await pythonEnv();
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const sections: string[] = [];
  if (options.only !== 'remote') sections.push(await listingSection(python, options));
  if (options.only !== 'listing') sections.push(await remoteSection(python, options));
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const header = [
    '## Team scale',
    '',
    `Written by \`npm run bench:team\` (bench/team.ts); ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}, commit ${commit}, median of ${options.repeat} after ${options.warmup} warm-up(s).`,
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} at the end (shared).`,
    'Rows marked ·wall are whole processes timed from outside (start-up and output included); "in-process" rows time themselves',
    "(MLflow's without its import). Peak RSS is the process's VmHWM (GNU time %M), MLflow's including its import.",
    '',
  ].join('\n');
  const block = `${header}\n${sections.join('\n\n')}`;
  process.stdout.write(`${block}\n`);
  if (options.write) writeFileSync(RESULTS, update(readFileSync(RESULTS, 'utf8'), block));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:team: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
