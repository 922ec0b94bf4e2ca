/**
 * The test rig's Python: a venv with the pins of scripts/python/requirements.txt (real MLflow and
 * DVC), built once by scripts/python-env.sh and reused while the pins don't change.
 */
import { execFile } from 'node:child_process';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface PythonEnv {
  /** The venv folder. */
  readonly venv: string;
  /** Its interpreter. */
  readonly python: string;
  /** Its bin folder (mlflow, dvc, python). */
  readonly bin: string;
}

let pending: Promise<PythonEnv> | undefined;
let resolved: PythonEnv | undefined;

/** Builds the venv on first use (about a minute with a warm pip cache), then answers at once. */
export function pythonEnv(): Promise<PythonEnv> {
  pending ??= build().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function build(): Promise<PythonEnv> {
  const { stdout } = await execFileAsync('bash', [join(REPO_ROOT, 'scripts', 'python-env.sh')], {
    maxBuffer: 1 << 20,
    timeout: 15 * 60_000,
  });
  const venv = stdout.trim();
  const bin = join(venv, 'bin');
  resolved = { venv, python: join(bin, 'python'), bin };
  return resolved;
}

/**
 * The environment for MLflow/DVC child processes: the venv first on PATH, the file store allowed
 * (MLflow 3.17 raises on ./mlruns without MLFLOW_ALLOW_FILE_STORE=true), and no tracking URI
 * inherited from the developer's shell (unless `extra` sets one). Without `python`, uses the venv
 * of an earlier `await pythonEnv()`.
 */
export function env(python: PythonEnv | undefined = resolved, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  if (!python) throw new Error('env() needs `await pythonEnv()` first');
  const result: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [python.bin, process.env['PATH'] ?? ''].join(delimiter),
    VIRTUAL_ENV: python.venv,
    MLFLOW_ALLOW_FILE_STORE: 'true',
    PYTHONWARNINGS: 'ignore',
    ...extra,
  };
  if (!('MLFLOW_TRACKING_URI' in extra)) delete result['MLFLOW_TRACKING_URI'];
  return result;
}
