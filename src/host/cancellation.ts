import * as vscode from 'vscode';

/**
 * The one edge where VS Code's cancellation meets core's: core takes an AbortSignal, the host is
 * handed a CancellationToken (a provider's, a progress notification's) and converts it here.
 */
export function toAbortSignal(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

/** A user's cancel, in any of its shapes: no error to report. */
export function isCancellation(error: unknown): boolean {
  return error instanceof vscode.CancellationError || (error as Error | undefined)?.name === 'AbortError' || ['aborted', 'cancelled'].includes(String((error as { reason?: unknown } | undefined)?.reason));
}
