/**
 * Writes to a local store (sqlite:///…, an mlruns folder) through MLflow's own Python client in
 * the user's interpreter: one `python -c WRITE_SCRIPT REQUEST` process per write, the request one
 * argv element of ASCII JSON. MLflow's errors come back as `{error_code, message}` and become
 * TrackingErrors with the reasons reads use; interpreter trouble becomes a WriteError.
 */
import { basename } from 'node:path';
import { runProcess, type ProcessResult } from '../../python/process.js';
import { TrackingError, type TrackingErrorReason } from '../errors.js';
import type { WriteOperation } from './operations.js';
import { WriteError } from './errors.js';
import { WRITE_SCRIPT } from './pythonScript.js';
import { OperationWriter } from './writer.js';

export interface PythonWriterOptions {
  /** The interpreter: an absolute path, or a command looked up on PATH (`python3`). */
  readonly python: string;
  /** The workspace folder: the child's working directory. */
  readonly cwd: string;
  /** The environment the child starts from (the host's process.env); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Per write, including MLflow's import (~2 s) and a first-use schema check. Default 60 s. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

interface ScriptAnswer {
  readonly result?: unknown;
  readonly error_code?: string;
  readonly message?: string;
  readonly type?: string;
  readonly mlflow_version?: string;
}

export class PythonTrackingWriter extends OperationWriter {
  readonly label: string;

  constructor(
    /** The tracking URI MLflow is given, absolute (sqlite:////abs/mlflow.db, file:///abs/mlruns). */
    readonly uri: string,
    private readonly options: PythonWriterOptions,
  ) {
    super();
    this.label = `python: ${basename(options.python)} → ${uri}`;
  }

  protected async execute(operation: WriteOperation, signal: AbortSignal | undefined): Promise<unknown> {
    const { python } = this.options;
    const request = asciiJson({ tracking_uri: this.uri, operation });
    let outcome: ProcessResult;
    try {
      outcome = await runProcess(python, ['-c', WRITE_SCRIPT, request], {
        cwd: this.options.cwd,
        env: childEnvironment(this.options.env ?? process.env),
        timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw spawnFailure(python, error);
    }
    if (outcome.timedOut) {
      const seconds = (this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1_000;
      throw new TrackingError('timeout', `MLflow (${python}) did not finish ${operation.op} on ${this.uri} within ${seconds} s`, this.uri);
    }
    return answerOf(python, this.uri, operation, outcome);
  }

  dispose(): void {
    // One process per write: nothing stays open between writes.
  }
}

/**
 * Non-ASCII characters as \uXXXX escapes: the argument then survives any locale's argv
 * decoding byte for byte, and Python's json.loads restores the exact string.
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The user's environment, minus what would redirect or break the write: the URIs come from the
 * request (MlflowClient's arguments win anyway, but MLFLOW_REGISTRY_URI must not send registry
 * writes elsewhere). MLflow 3.7+ refuses file stores unless MLFLOW_ALLOW_FILE_STORE is set; the
 * user already keeps runs in one, so writing to it is allowed. PYTHONSAFEPATH (3.11+) keeps the
 * working directory off sys.path, as the script itself also ensures.
 */
function childEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, MLFLOW_ALLOW_FILE_STORE: 'true', PYTHONSAFEPATH: '1', PYTHONIOENCODING: 'utf-8' };
  delete env['MLFLOW_TRACKING_URI'];
  delete env['MLFLOW_REGISTRY_URI'];
  return env;
}

function spawnFailure(python: string, error: unknown): WriteError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR') {
    return new WriteError('python-not-found', `Cannot run the Python interpreter ${python} (${code}): select an interpreter that has MLflow installed`, python, { cause: error });
  }
  return new WriteError('python-failed', `Cannot run the Python interpreter ${python}: ${(error as Error).message}`, python, { cause: error });
}

function answerOf(python: string, uri: string, operation: WriteOperation, outcome: ProcessResult): unknown {
  let answer: ScriptAnswer | undefined;
  try {
    const parsed: unknown = JSON.parse(outcome.stdout);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) answer = parsed as ScriptAnswer;
  } catch {
    answer = undefined;
  }
  if (!answer) {
    const tail = outcome.stderr.trim().split('\n').slice(-3).join(' | ') || 'no output';
    throw new WriteError('python-failed', `${python} exited ${outcome.code ?? 'by a signal'} without an answer while running ${operation.op}: ${tail}`, python);
  }
  if (answer.error_code === undefined) return answer.result;
  throw errorOf(python, uri, operation, answer);
}

function errorOf(python: string, uri: string, operation: WriteOperation, answer: ScriptAnswer): Error {
  const message = answer.message ?? '';
  switch (answer.error_code) {
    case 'MLW_MLFLOW_MISSING':
      return new WriteError('mlflow-not-installed', `MLflow is not installed in the Python interpreter ${python} (${message}): install it there (pip install mlflow) or select another interpreter`, python);
    case 'MLW_MLFLOW_TOO_OLD':
      return new WriteError('mlflow-too-old', `MLflow ${answer.mlflow_version ?? ''} in ${python} cannot ${operation.op} (${message}): upgrade MLflow or select another interpreter`, python);
    case 'MLW_PYTHON_ERROR':
      if (/database is locked/i.test(message)) return new TrackingError('busy', `The store ${uri} is locked by another process: ${message}`, uri);
      return new WriteError('python-failed', `MLflow in ${python} failed to ${operation.op} on ${uri}: ${answer.type ?? 'Error'}: ${message}`, python);
    default:
      if (/database is locked/i.test(message)) return new TrackingError('busy', `The store ${uri} is locked by another process: ${message}`, uri);
      return new TrackingError(reasonOf(answer.error_code ?? ''), `MLflow refused ${operation.op} on ${uri}: ${answer.error_code}: ${message}`, uri);
  }
}

/** The reason the same error_code gets from a server (ERROR_CODE_TO_HTTP_STATUS, serverErrors.ts). */
function reasonOf(errorCode: string): TrackingErrorReason {
  switch (errorCode) {
    case 'RESOURCE_DOES_NOT_EXIST':
    case 'NOT_FOUND':
    case 'ENDPOINT_NOT_FOUND':
      return 'not-found';
    case 'INVALID_PARAMETER_VALUE':
    case 'BAD_REQUEST':
    case 'RESOURCE_ALREADY_EXISTS':
      return 'invalid-argument';
    case 'UNAUTHENTICATED':
      return 'unauthenticated';
    case 'PERMISSION_DENIED':
      return 'forbidden';
    default:
      return 'server-error';
  }
}
