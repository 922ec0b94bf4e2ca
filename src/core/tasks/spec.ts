/**
 * What every task builder returns, and the one error type they throw. A `TaskSpec` is an argv
 * array, never a shell string: the host hands it to `vscode.ProcessExecution(command, args,
 * { cwd, env })`, so no value is ever interpreted by a shell.
 */
import { WorkbenchError } from '../errors.js';

export interface TaskSpec {
  /** The program: the user's interpreter for everything Python (`python -m dvc`, `python -m mlflow`). */
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /**
   * Variables added to the inherited environment (ProcessExecution merges them into the parent's
   * environment, so this holds only what the task sets).
   */
  readonly env: Readonly<Record<string, string>>;
  /** A short human label such as `dvc repro train` (task name, status bar, logs). */
  readonly label: string;
}

export type TaskErrorReason =
  /** A stage, target, entry point or model name that would be read as an option or is empty. */
  | 'invalid-argument'
  /** The MLproject file is not what MLflow accepts (multiple environments, bad YAML, no command…). */
  | 'invalid-mlproject'
  /** The entry point is not in the MLproject file and is not a runnable script either. */
  | 'unknown-entry-point'
  /** A declared parameter without a default got no value. */
  | 'missing-parameter'
  /** A value does not have the declared type (float, int, uri) or a local `path` does not exist. */
  | 'invalid-parameter'
  /** The command template uses a `str.format` feature other than `{name}`, or a name that is not a parameter. */
  | 'invalid-template'
  /** Docker (or another external tool) is not available. */
  | 'unavailable';

export class TaskError extends WorkbenchError {
  override readonly name = 'TaskError';
  constructor(
    override readonly reason: TaskErrorReason,
    message: string,
    /** The parameter, entry point, stage or file the error is about. */
    readonly subject?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isTaskError(error: unknown): error is TaskError {
  return error instanceof TaskError;
}

/**
 * A positional value (stage name, target, model URI) must not start with `-`: argparse and click
 * would read it as an option. Names are checked, never escaped, because no escaping exists for that.
 */
export function requireOperand(value: string, what: string): string {
  if (value.trim() === '') throw new TaskError('invalid-argument', `The ${what} is empty.`, value);
  if (value.startsWith('-')) throw new TaskError('invalid-argument', `The ${what} "${value}" starts with "-", which the command would read as an option.`, value);
  if (/[\0\n\r]/.test(value)) throw new TaskError('invalid-argument', `The ${what} contains a line break or NUL character.`, value);
  return value;
}

/** The environment that points MLflow's client (in a script, `mlflow run` or a server) at the workspace's store. */
export interface TrackingTarget {
  /** The resolved tracking URI, for example `sqlite:////abs/mlflow.db` or `http://127.0.0.1:5000`. */
  readonly trackingUri?: string;
  readonly experimentName?: string;
  readonly experimentId?: string;
  /**
   * MLflow 3.17 refuses a `./mlruns` file store unless MLFLOW_ALLOW_FILE_STORE=true; the host
   * sets this when the workspace's store is such a folder and the user opted in.
   */
  readonly allowFileStore?: boolean;
}

export function trackingEnv(target: TrackingTarget): Record<string, string> {
  const env: Record<string, string> = {};
  if (target.trackingUri) env['MLFLOW_TRACKING_URI'] = target.trackingUri;
  if (target.experimentName && target.experimentId) {
    throw new TaskError('invalid-argument', 'Give either an experiment name or an experiment id, not both (MLflow refuses both).');
  }
  if (target.experimentName) env['MLFLOW_EXPERIMENT_NAME'] = target.experimentName;
  if (target.experimentId) env['MLFLOW_EXPERIMENT_ID'] = target.experimentId;
  if (target.allowFileStore) env['MLFLOW_ALLOW_FILE_STORE'] = 'true';
  return env;
}
