/**
 * Why a write through MLflow's Python client could not even start or finish. What MLflow itself
 * refused (a missing run, an invalid value, a locked database) is a TrackingError, as for reads.
 * The host switches on `reason`: the first three deserve a "Select Interpreter" action.
 */
import { WorkbenchError } from '../../errors.js';
export type WriteErrorReason =
  /** The interpreter could not be started (no such file, not executable). */
  | 'python-not-found'
  /** The interpreter runs but `import mlflow` fails with ImportError. */
  | 'mlflow-not-installed'
  /** MLflow is there but too old for the operation (its MlflowClient lacks the method or argument). */
  | 'mlflow-too-old'
  /** The interpreter or MLflow failed in a way MLflow does not type: a crash, a traceback, no answer. */
  | 'python-failed';

export class WriteError extends WorkbenchError {
  override readonly name = 'WriteError';
  constructor(
    override readonly reason: WriteErrorReason,
    message: string,
    /** The interpreter the write ran in (for "Select Interpreter"). */
    readonly interpreter: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isWriteError(error: unknown): error is WriteError {
  return error instanceof WriteError;
}

/** True for the errors the host should answer with "Select Interpreter". */
export function needsAnotherInterpreter(error: unknown): error is WriteError {
  return error instanceof WriteError && error.reason !== 'python-failed';
}
