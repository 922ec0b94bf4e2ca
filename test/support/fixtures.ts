/**
 * Tracking stores made by real MLflow (test/fixtures/make_tracking_store.py), once per process
 * and removed when it exits, and a runner for the built CLI.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { env, pythonEnv, REPO_ROOT } from './python';

const execFileAsync = promisify(execFile);

export type Backend = 'sqlite' | 'file';

/** What make_tracking_store.py prints: ids by the names it gave. */
export interface TrackingSummary {
  readonly backend: Backend | 'server';
  readonly tracking_uri: string;
  readonly dir: string;
  /** Experiment name → id ("Default" → "0"; "archived" is deleted). */
  readonly experiments: Readonly<Record<string, string>>;
  readonly deleted_experiments: readonly string[];
  readonly deleted_runs: readonly string[];
  /** Run name → run id. */
  readonly runs: Readonly<Record<string, string>>;
  /** Deleted, then restored. */
  readonly restored_experiments: readonly string[];
  readonly restored_runs: readonly string[];
  /** Run names with logged artifacts. */
  readonly artifact_runs: readonly string[];
  /** Logged model name → model id. */
  readonly logged_models: Readonly<Record<string, string>>;
  readonly registered_models: readonly string[];
  /** [model name, version] of versions deleted from the registry. */
  readonly deleted_model_versions: readonly (readonly [string, string])[];
}

export interface TrackingFixture {
  readonly dir: string;
  readonly uri: string;
  readonly summary: TrackingSummary;
}

const fixtures = new Map<Backend, Promise<TrackingFixture>>();

/** A fresh store in a temp folder, generated once per process and backend (~5 s). */
export function trackingFixture(backend: Backend): Promise<TrackingFixture> {
  let fixture = fixtures.get(backend);
  if (!fixture) {
    fixture = makeFixture(backend);
    fixtures.set(backend, fixture);
  }
  return fixture;
}

async function makeFixture(backend: Backend): Promise<TrackingFixture> {
  const dir = temporaryDirectory(`mlw-${backend}-`);
  const summary = await makeTrackingStore(['--backend', backend, '--out', dir]);
  return { dir, uri: summary.tracking_uri, summary };
}

/**
 * The same content as trackingFixture's, logged through a running `mlflow server` at `url`
 * (~15 s). The server keeps the store; `dir` only holds the files uploaded as artifacts.
 */
export async function loggedThroughServer(url: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<TrackingFixture> {
  const dir = temporaryDirectory('mlw-server-upload-');
  const summary = await makeTrackingStore(['--backend', 'server', '--uri', url, '--out', dir], { ...extraEnv, MLFLOW_TRACKING_URI: url });
  return { dir, uri: summary.tracking_uri, summary };
}

async function makeTrackingStore(args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<TrackingSummary> {
  const python = await pythonEnv();
  const script = join(REPO_ROOT, 'test', 'fixtures', 'make_tracking_store.py');
  const { stdout } = await execFileAsync(python.python, [script, ...args], { env: env(python, extra), maxBuffer: 16 << 20 });
  return JSON.parse(stdout) as TrackingSummary;
}

export interface LongHistoryFixture {
  readonly dir: string;
  /** Steps of `loss` (0 to steps - 1, and a second point at step 300). */
  readonly steps: number;
  readonly sqlite: { readonly uri: string; readonly run_id: string };
  readonly file: { readonly uri: string; readonly run_id: string };
}

const LONG_STEPS = 30_000;

/**
 * One run with a 30,000-step `loss` (and a 20-step `accuracy`) in both local stores, logged by
 * MLflow's client (test/fixtures/log_long_history.py). Built once per version of the script into
 * the cache (about 10 s) and renamed into place, so two test processes building it at once do
 * not collide; the URIs are made from where it lies (the runs' artifact folders, which nothing
 * here reads, keep the build folder's name). Tests never write to it.
 */
export async function longHistoryFixture(): Promise<LongHistoryFixture> {
  const python = await pythonEnv();
  const script = join(REPO_ROOT, 'test', 'fixtures', 'log_long_history.py');
  const key = createHash('sha256').update(readFileSync(script)).update(python.venv).update(String(LONG_STEPS)).digest('hex').slice(0, 12);
  const cache = process.env['ML_WORKBENCH_CACHE'] || join(homedir(), '.cache', 'ml-workbench');
  const dir = join(cache, `long-history-${key}`);
  if (!existsSync(join(dir, 'summary.json'))) {
    mkdirSync(cache, { recursive: true });
    const building = mkdtempSync(join(cache, '.long-history-'));
    try {
      const { stdout } = await execFileAsync(python.python, [script, '--out', building, '--steps', String(LONG_STEPS)], { cwd: building, env: env(python), maxBuffer: 1 << 20, timeout: 10 * 60_000 });
      writeFileSync(join(building, 'summary.json'), stdout);
      renameSync(building, dir);
    } catch (error) {
      // Another process put its build in place first: use that one.
      if (!existsSync(join(dir, 'summary.json'))) throw error;
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
  }
  const ids = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<'sqlite' | 'file', { run_id: string }>;
  return { dir, steps: LONG_STEPS, sqlite: { uri: `sqlite:///${dir}/mlflow.db`, run_id: ids.sqlite.run_id }, file: { uri: `file://${dir}/mlruns`, run_id: ids.file.run_id } };
}

const temporaryDirectories = new Set<string>();

/** A temp folder removed when the process exits, whether its tests passed or not. */
function temporaryDirectory(prefix: string): string {
  if (temporaryDirectories.size === 0) process.once('exit', removeTemporaryDirectories);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirectories.add(dir);
  return dir;
}

function removeTemporaryDirectories(): void {
  for (const dir of temporaryDirectories) rmSync(dir, { recursive: true, force: true });
  temporaryDirectories.clear();
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/cli.js ...args` (build first); never throws on a non-zero exit. */
export async function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const childEnv = { ...(options.env ?? process.env) };
  if (!options.env) delete childEnv['MLFLOW_TRACKING_URI'];
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), ...args], {
      cwd: REPO_ROOT,
      env: childEnv,
      maxBuffer: 256 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failure.code !== 'number') throw error;
    return { code: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface ReferenceQuery {
  readonly experimentIds?: readonly string[];
  readonly viewType?: ViewType;
}

/**
 * What MLflow's REST handler would answer for experiments/search or runs/search on this store,
 * every page merged (test/support/mlflow_reference.py), parsed.
 */
export async function mlflowReference(
  command: 'experiments' | 'runs',
  uri: string,
  query: ReferenceQuery = {},
): Promise<unknown> {
  const python = await pythonEnv();
  const args = [join(REPO_ROOT, 'test', 'support', 'mlflow_reference.py'), command, '--tracking-uri', uri];
  for (const id of query.experimentIds ?? []) args.push('--experiment-id', id);
  if (query.viewType) args.push('--view-type', query.viewType);
  const { stdout } = await execFileAsync(python.python, args, { env: env(python), maxBuffer: 256 << 20 });
  return JSON.parse(stdout) as unknown;
}

/** One `ml-workbench` call, options by their CLI names (test/support/mlflow_reference.py, batch). */
export interface CliQuery {
  readonly command: string;
  readonly [option: string]: unknown;
}

/**
 * MLflow's REST handler's answer to each query (a list of pages for `pages: true`), from one
 * Python process: importing MLflow costs ~2 s, so the queries of a suite go in one batch.
 */
export async function mlflowReferenceBatch(uri: string, queries: readonly CliQuery[]): Promise<unknown[]> {
  const python = await pythonEnv();
  const script = join(REPO_ROOT, 'test', 'support', 'mlflow_reference.py');
  const child = spawn(python.python, [script, 'batch', '--tracking-uri', uri], { env: env(python), stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-16_384)));
  child.stdin.end(JSON.stringify(queries));
  const code = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('close', resolve));
  if (code !== 0) throw new Error(`mlflow_reference.py batch exited ${code}:\n${stderr}`);
  return JSON.parse(Buffer.concat(stdout).toString('utf8')) as unknown[];
}
