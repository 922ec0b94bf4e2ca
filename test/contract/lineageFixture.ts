/**
 * The lineage project made by real git, DVC and MLflow (test/fixtures/make_lineage_repo.py), built
 * once per version of the script and venv into $ML_WORKBENCH_CACHE or ~/.cache/ml-workbench (it takes minutes: a dozen
 * DVC and MLflow processes) and never written by the tests; what the real tools say about it comes
 * from test/support/lineage_reference.py.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main';
import { env, pythonEnv, REPO_ROOT } from '../support/python';

const run = promisify(execFile);

export interface LineageFixture {
  readonly repo: string;
  readonly other: string;
  readonly tracking_uri: string;
  readonly commits: Record<string, string>;
  readonly runs: Record<string, string>;
}

export async function lineageFixture(): Promise<LineageFixture> {
  const python = await pythonEnv();
  const script = join(REPO_ROOT, 'test', 'fixtures', 'make_lineage_repo.py');
  const key = createHash('sha256').update(readFileSync(script)).update(python.venv).digest('hex').slice(0, 12);
  const dir = join(process.env['ML_WORKBENCH_CACHE'] || join(homedir(), '.cache', 'ml-workbench'), `lineage-fixture-${key}`);
  const summary = join(dir, 'summary.json');
  if (existsSync(summary)) return JSON.parse(readFileSync(summary, 'utf8')) as LineageFixture;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, '..'), { recursive: true });
  const { stdout } = await run(python.python, [script, '--out', dir], { env: env(python), maxBuffer: 1 << 24, timeout: 30 * 60_000 });
  writeFileSync(summary, stdout);
  return JSON.parse(stdout) as LineageFixture;
}

export async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd, maxBuffer: 1 << 24 })).stdout.trim();
}

export interface DvcView {
  readonly outs: Record<string, { hash: string | null; in_cache: boolean }>;
  readonly deps: Record<string, Record<string, string | null>>;
}

export async function dvcReference(repo: string, revs: readonly string[]): Promise<Record<string, DvcView>> {
  const python = await pythonEnv();
  const { stdout } = await run(python.python, [join(REPO_ROOT, 'test', 'support', 'lineage_reference.py'), 'dvc', repo, ...revs], { env: env(python), cwd: repo, maxBuffer: 1 << 24, timeout: 10 * 60_000 });
  return JSON.parse(stdout) as Record<string, DvcView>;
}

export interface MlflowView {
  readonly runs: Record<string, { name: string; tags: Record<string, string>; params: Record<string, string>; metrics: Record<string, number>; datasets: { name: string; digest: string; context: string | null }[] }>;
  readonly versions: { name: string; version: string; run_id: string; aliases: string[]; tags: Record<string, string>; source: string }[];
}

export async function mlflowReference(uri: string): Promise<MlflowView> {
  const python = await pythonEnv();
  const { stdout } = await run(python.python, [join(REPO_ROOT, 'test', 'support', 'lineage_reference.py'), 'mlflow', uri], { env: env(python), maxBuffer: 1 << 24, timeout: 10 * 60_000 });
  return JSON.parse(stdout) as MlflowView;
}

/** Our CLI's answer (through main(): argv parsing, store opening, exit code). */
export async function cli(args: readonly string[]): Promise<{ code: number; json: unknown; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  let json: unknown;
  try {
    json = JSON.parse(out);
  } catch {
    json = undefined;
  }
  return { code, json, err };
}
