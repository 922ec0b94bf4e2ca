/**
 * The demo project (scripts/demo/make_demo_project.sh: git + DVC pipeline + MLflow runs, three
 * commits of data and params), built once per version of the demo scripts into the cache and
 * copied for each test; and what real DVC, git and MLflow say about a copy.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { env, pythonEnv } from '../../support/python';
import { REPO_ROOT } from './codeServer';

const execFileAsync = promisify(execFile);
const DEMO = join(REPO_ROOT, 'scripts', 'demo');

function hashTree(dir: string, hash = createHash('sha256')): ReturnType<typeof createHash> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) hashTree(path, hash.update(`${name}/`));
    else hash.update(name).update(readFileSync(path));
  }
  return hash;
}

/** A fresh copy of the demo project in a temporary folder (the build is cached). */
export async function demoProject(): Promise<string> {
  await pythonEnv();
  const cache = join(process.env.ML_WORKBENCH_CACHE ?? join(homedir(), '.cache', 'ml-workbench'), 'e2e');
  // Built where it stays: MLflow's store records each run's and model's artifact folder as an
  // absolute path, so a renamed build would list no artifacts. A copy's store still points to the
  // build's artifacts. The marker beside it, written last, says the build is complete.
  const built = join(cache, `demo-${hashTree(DEMO, createHash('sha256').update('in-place')).digest('hex').slice(0, 12)}`);
  if (!existsSync(`${built}.done`) || !existsSync(join(built, 'mlruns'))) {
    rmSync(built, { recursive: true, force: true });
    mkdirSync(built, { recursive: true });
    execFileSync('bash', [join(DEMO, 'make_demo_project.sh'), built], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10 * 60_000 });
    writeFileSync(`${built}.done`, new Date().toISOString());
  }
  const copy = join(mkdtempSync(join(tmpdir(), 'mlwb-dvc-e2e-')), 'demo');
  cpSync(built, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

/** The environment real DVC and git run in: the venv first on PATH, no user git config. */
export function toolEnv(): NodeJS.ProcessEnv {
  return { ...env(), GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', DVC_NO_ANALYTICS: '1' };
}

export type DvcStatusJson = Record<string, (string | Record<string, Record<string, string | Record<string, string>>>)[]>;

/** What `dvc status --json` prints for the project. */
export async function dvcStatus(dir: string): Promise<DvcStatusJson> {
  const { stdout } = await execFileAsync('dvc', ['status', '--json'], { cwd: dir, env: toolEnv(), maxBuffer: 16 << 20 });
  return JSON.parse(stdout) as DvcStatusJson;
}

export async function dvc(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('dvc', args, { cwd: dir, env: toolEnv(), maxBuffer: 64 << 20, timeout: 5 * 60_000 });
  return stdout;
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: toolEnv(), encoding: 'utf8' }).trim();
}

/** Commits that changed the md5 a `.dvc` file or a dvc.lock out records, newest first, read with git alone. */
export function recordedVersions(dir: string, file: string, read: (text: string) => string | undefined): { commit: string; subject: string; md5: string }[] {
  const commits = git(dir, 'log', '--format=%H%x1f%s', '--', file).split('\n').filter(Boolean).map((l) => l.split('\x1f') as [string, string]);
  const all = commits.map(([commit, subject]) => ({ commit, subject, md5: read(git(dir, 'show', `${commit}:${file}`)) ?? '' })).reverse();
  return all.filter((v, i) => v.md5 !== '' && (i === 0 || v.md5 !== all[i - 1]!.md5)).reverse();
}
