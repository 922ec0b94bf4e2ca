import { WorkbenchError } from '../errors.js';

/** Why a tracking store could not answer. The host switches on `reason`, never on messages. */
export type TrackingErrorReason =
  | 'invalid-uri'
  | 'unsupported-uri'
  | 'not-found'
  | 'corrupt-store'
  | 'corrupt-entity'
  | 'busy'
  | 'invalid-argument'
  | 'too-large'
  /** A server answered 401: credentials missing or wrong. */
  | 'unauthenticated'
  /** A server answered 403: authenticated, but not allowed. */
  | 'forbidden'
  /** A server answered with an MLflow error or a 5xx after the retries. */
  | 'server-error'
  /** A server answered something that is not MLflow's JSON (an HTML login page, a proxy error). */
  | 'bad-response'
  | 'network'
  | 'timeout'
  /** No store is open where one was asked for (the folder has none, or it failed to open). */
  | 'no-store';

export class TrackingError extends WorkbenchError {
  override readonly name = 'TrackingError';
  constructor(
    override readonly reason: TrackingErrorReason,
    message: string,
    /** The store path, run id, experiment id or file the error is about. */
    readonly subject?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isTrackingError(error: unknown): error is TrackingError {
  return error instanceof TrackingError;
}
