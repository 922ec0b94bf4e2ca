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
