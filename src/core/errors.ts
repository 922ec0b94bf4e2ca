/**
 * The one base of core's typed errors. Each family (TrackingError, WriteError, GitError, TaskError,
 * VersionsError, HashingError…) names why it failed in `reason`; the host switches on the reason
 * (to offer "Retry", "Set Credentials…", "Select Interpreter…") and never parses a message.
 */
export abstract class WorkbenchError extends Error {
  abstract readonly reason: string;
}

export function isWorkbenchError(error: unknown): error is WorkbenchError {
  return error instanceof WorkbenchError;
}

/** The reason of a core error, else undefined (a plain Error, a string thrown). */
export function reasonOf(error: unknown): string | undefined {
  return error instanceof WorkbenchError ? error.reason : undefined;
}

/** What the user can do about a failure: the command wrapper offers it as the notification's action. */
export type Remedy = 'retry' | 'set-credentials' | 'select-interpreter';

/**
 * The remedy a failure's reason calls for: a server that wants credentials (`unauthenticated`),
 * a store locked by a writer for a moment (`busy`), no interpreter with MLflow (`python-not-found`,
 * `mlflow-not-installed`, `mlflow-too-old`). Other failures have none.
 */
export function remedyFor(error: unknown): Remedy | undefined {
  switch (reasonOf(error)) {
    case 'unauthenticated':
      return 'set-credentials';
    case 'busy':
      return 'retry';
    case 'python-not-found':
    case 'mlflow-not-installed':
    case 'mlflow-too-old':
      return 'select-interpreter';
    default:
      return undefined;
  }
}
