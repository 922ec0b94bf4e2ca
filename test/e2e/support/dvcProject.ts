/**
 * The demo project (scripts/demo/make_demo_project.sh: git + DVC pipeline + MLflow runs, three
 * commits of data and params), built once per version of the demo scripts into the cache and
 * copied for each test; and what real DVC, git and MLflow say about a copy.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { env, pythonEnv } from '../../support/python';
import { REPO_ROOT } from './codeServer';
import { alive, removeTree } from './processes';

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

const e2eCache = (): string => join(process.env.ML_WORKBENCH_CACHE ?? join(homedir(), '.cache', 'ml-workbench'), 'e2e');
/** The demo scripts' version: a build is reused only by the scripts that made it. */
const demoVersion = (): string => hashTree(DEMO, createHash('sha256').update('in-place')).digest('hex').slice(0, 12);

function buildDemo(dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('bash', [join(DEMO, 'make_demo_project.sh'), dir], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10 * 60_000 });
}

/** A fresh copy of the demo project in a temporary folder (the build is cached), for a suite that only reads its store. */
export async function demoProject(): Promise<string> {
  await pythonEnv();
  // Built where it stays: MLflow's store records each run's and model's artifact folder as an
  // absolute path, so a renamed build would list no artifacts. A copy's store still points to the
  // build's artifacts. The marker beside it, written last, says the build is complete.
  // Two suites running at once wait for one build (a lock beside it).
  const built = join(e2eCache(), `demo-${demoVersion()}`);
  const complete = (): boolean => existsSync(`${built}.done`) && existsSync(join(built, 'mlruns'));
  if (!complete()) {
    await waitForLock(`${built}.lock`);
    try {
      if (!complete()) {
        rmSync(built, { recursive: true, force: true });
        buildDemo(built);
        writeFileSync(`${built}.done`, new Date().toISOString());
      }
    } finally {
      rmSync(`${built}.lock`, { recursive: true, force: true });
    }
  }
  const copy = join(mkdtempSync(join(tmpdir(), 'mlwb-dvc-e2e-')), 'demo');
  cpSync(built, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

export interface WritableDemo {
  /** The project folder (named `demo`, as the demo script names it). */
  readonly dir: string;
  /** Stops what still works in it, removes it, and lets the next run have it. */
  release(): Promise<void>;
}

/**
 * The demo project for a suite that writes to its store (trainings, served and monitored models,
 * runs logged): a copy elsewhere would log its new runs' artifacts into the build, since the store
 * keeps each experiment's artifact folder as an absolute path. So it lives at one path of the cache
 * per suite, built there once and put back from a copy of that build before each use: the paths
 * its store names are its own, and a run starts from the project as the demo script left it. While
 * a process holds a suite's project (a lock beside it), another one builds its own in a temporary
 * folder.
 */
export async function writableDemoProject(suite: string): Promise<WritableDemo> {
  await pythonEnv();
  const root = join(e2eCache(), `${suite}-demo-${demoVersion()}`);
  const lock = `${root}.lock`;
  if (!takeLock(lock)) {
    const dir = join(mkdtempSync(join(tmpdir(), `mlwb-${suite}-`)), 'demo');
    console.log(`[e2e ${suite}] ${root} is in use by another test process: building the demo in ${dir}`);
    buildDemo(dir);
    return { dir, release: () => removeTree(dirname(dir)) };
  }
  const dir = join(root, 'demo');
  const snapshot = join(root, 'snapshot');
  try {
    if (!existsSync(`${snapshot}.done`) || !existsSync(join(snapshot, 'mlruns'))) {
      await removeTree(root);
      buildDemo(dir);
      cpSync(dir, snapshot, { recursive: true, verbatimSymlinks: true });
      writeFileSync(`${snapshot}.done`, new Date().toISOString());
    } else {
      await removeTree(dir);
      cpSync(snapshot, dir, { recursive: true, verbatimSymlinks: true });
    }
  } catch (error) {
    rmSync(lock, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    release: async () => {
      try {
        await removeTree(dir);
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    },
  };
}

/** Takes the lock when it is free, else waits for it (20 minutes at most: a build takes one or two). */
async function waitForLock(lock: string): Promise<void> {
  const deadline = Date.now() + 20 * 60_000;
  while (!takeLock(lock)) {
    if (Date.now() > deadline) throw new Error(`${lock} is still held by process ${readFileSync(join(lock, 'pid'), 'utf8')}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** Takes a lock folder (mkdir is atomic), or one a process that no longer runs left behind. */
function takeLock(lock: string): boolean {
  mkdirSync(dirname(lock), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }));
      if (holder > 0 && alive(holder)) return false;
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return false;
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
