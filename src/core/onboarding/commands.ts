/**
 * The commands that set a project up, as argv (run as visible tasks by the host): `git init`,
 * `dvc init`, `dvc add` of the incoming data, `dvc remote add -d`, and the creation of a local
 * MLflow store by MLflow itself.
 */
import { relative, sep } from 'node:path';
import { requireOperand, TaskError, type TaskSpec } from '../tasks/spec.js';

const spec = (command: string, args: readonly string[], cwd: string, label: string): TaskSpec => ({ command, args, cwd, env: {}, label });
const dvc = (python: string, args: readonly string[], cwd: string): TaskSpec => spec(python, ['-m', 'dvc', ...args], cwd, `dvc ${args.join(' ')}`);

export function gitInit(root: string, git = 'git'): TaskSpec {
  return spec(git, ['init'], root, 'git init');
}

/** `dvc init`; `--subdir` when the git work tree starts above the project (a monorepo). */
export function dvcInit(python: string, root: string, gitRoot: string | undefined): TaskSpec {
  return dvc(python, gitRoot !== undefined && gitRoot !== root ? ['init', '--subdir'] : ['init'], root);
}

export function dvcAdd(python: string, root: string, path: string): TaskSpec {
  return dvc(python, ['add', requireOperand(path, 'path')], root);
}

const REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Why a remote name is not usable, or undefined. DVC's names are config section names: keep them plain. */
export function remoteNameProblem(name: string): string | undefined {
  if (!name.trim()) return 'Enter a name';
  if (!REMOTE_NAME.test(name)) return 'Letters, digits, and . _ - (not first)';
  return undefined;
}

/**
 * Where a remote keeps data: a URL DVC knows (s3://, gs://, azure://, ssh://, http(s)://, …) or a
 * local/network folder. Paths are kept as typed (DVC resolves a relative one from .dvc/).
 */
export function remoteUrlProblem(url: string): string | undefined {
  const value = url.trim();
  if (!value) return 'Enter a URL (s3://bucket/path, gs://…, ssh://host/path) or a folder path';
  if (value.startsWith('-')) return 'A URL cannot start with "-"';
  if (/[\r\n]/.test(value)) return 'One line only';
  return undefined;
}

/** `dvc remote add -d [--force] NAME URL`: the project's default remote (`dvc push` / `pull` use it). */
export function dvcRemoteAddDefault(python: string, root: string, name: string, url: string, options: { readonly replace?: boolean } = {}): TaskSpec {
  const nameProblem = remoteNameProblem(name);
  if (nameProblem) throw new TaskError('invalid-argument', `Remote name "${name}": ${nameProblem}.`, name);
  const urlProblem = remoteUrlProblem(url);
  if (urlProblem) throw new TaskError('invalid-argument', `Remote URL "${url}": ${urlProblem}.`, url);
  return dvc(python, ['remote', 'add', '--default', ...(options.replace ? ['--force'] : []), name, url.trim()], root);
}

/**
 * Creates (or migrates) a local MLflow store through MLflow's own client: opening it makes the
 * SQLite file with MLflow's tables and the Default experiment, exactly as the first run would.
 */
export function createLocalStore(python: string, root: string, trackingUri: string): TaskSpec {
  const script = 'import sys, mlflow; c = mlflow.MlflowClient(tracking_uri=sys.argv[1]); e = c.search_experiments(max_results=1); print("MLflow store ready:", sys.argv[1], "(" + mlflow.__version__ + ")")';
  return spec(python, ['-c', script, trackingUri], root, `create MLflow store ${trackingUri}`);
}

/** A path inside `root` as DVC and git want it: relative, forward slashes. */
export function projectPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}
