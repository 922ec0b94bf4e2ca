/**
 * The deployment contract tests' project (test/fixtures/make_deploy_project.py: git + DVC with
 * tracked Iris tables, an MLflow SQLite store with two versions of "iris-deploy" and a model
 * without signature), made once per process, and MLflow's own answers on it
 * (test/support/deploy_reference.py).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { env, pythonEnv, REPO_ROOT } from './python';

const execFileAsync = promisify(execFile);

/** The scaffold templates as the repository holds them (the .vsix ships them as dist/templates). */
export const TEMPLATE_DIR = join(REPO_ROOT, 'templates');

export interface DeployProject {
  readonly dir: string;
  readonly project: string;
  readonly trackingUri: string;
  readonly versions: readonly { readonly name: string; readonly version: string; readonly model_id: string }[];
  /** Rows of data/input.csv where versions 1 and 2 of iris-deploy disagree. */
  readonly differ: readonly number[];
}

let pending: Promise<DeployProject> | undefined;

export function deployProject(): Promise<DeployProject> {
  pending ??= make();
  return pending;
}

async function make(): Promise<DeployProject> {
  const python = await pythonEnv();
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-deploy-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const script = join(REPO_ROOT, 'test', 'fixtures', 'make_deploy_project.py');
  const { stdout } = await execFileAsync(python.python, [script, '--out', dir], { cwd: dir, env: env(python), maxBuffer: 16 << 20, timeout: 15 * 60_000 });
  const summary = JSON.parse(stdout) as { project: string; tracking_uri: string; versions: DeployProject['versions']; differ: number[] };
  return { dir, project: summary.project, trackingUri: summary.tracking_uri, versions: summary.versions, differ: summary.differ };
}

export type ReferenceCommand =
  | { readonly op: 'predict'; readonly model_uri: string; readonly input: string }
  | { readonly op: 'set_alias'; readonly name: string; readonly alias: string; readonly version: string }
  | { readonly op: 'requirements'; readonly model_uri: string }
  | { readonly op: 'resolve'; readonly model_uri: string }
  | { readonly op: 'contains'; readonly cases: readonly (readonly [string, string])[] };

/** MLflow's answers to each command, from one Python process. */
export async function mlflowAnswers(trackingUri: string, commands: readonly ReferenceCommand[]): Promise<unknown[]> {
  const python = await pythonEnv();
  const child = spawn(python.python, [join(REPO_ROOT, 'test', 'support', 'deploy_reference.py')], { env: env(python, { MLFLOW_TRACKING_URI: trackingUri }), stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-16_384)));
  child.stdin.end(JSON.stringify(commands));
  const code = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('close', resolve));
  if (code !== 0) throw new Error(`deploy_reference.py exited ${code}:\n${stderr}`);
  return JSON.parse(Buffer.concat(stdout).toString('utf8')) as unknown[];
}
