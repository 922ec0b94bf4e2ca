/**
 * Tracking stores made by real MLflow (test/fixtures/make_tracking_store.py), once per process,
 * and a runner for the built CLI.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { env, pythonEnv, REPO_ROOT } from './python';

const execFileAsync = promisify(execFile);

export type Backend = 'sqlite' | 'file';

/** What make_tracking_store.py prints: ids by the names it gave. */
export interface TrackingSummary {
  readonly backend: Backend;
  readonly tracking_uri: string;
  readonly dir: string;
  /** Experiment name → id ("Default" → "0"; "archived" is deleted). */
  readonly experiments: Readonly<Record<string, string>>;
  readonly deleted_experiments: readonly string[];
  readonly deleted_runs: readonly string[];
  /** Run name → run id. */
  readonly runs: Readonly<Record<string, string>>;
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
  const python = await pythonEnv();
  const dir = mkdtempSync(join(tmpdir(), `mlw-${backend}-`));
  const script = join(REPO_ROOT, 'test', 'fixtures', 'make_tracking_store.py');
  const { stdout } = await execFileAsync(python.python, [script, '--backend', backend, '--out', dir], {
    env: env(python),
    maxBuffer: 16 << 20,
  });
  const summary = JSON.parse(stdout) as TrackingSummary;
  return { dir, uri: summary.tracking_uri, summary };
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
