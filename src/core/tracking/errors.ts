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

/** What a 401 said and what had been sent: enough for the host to word its question (or not ask). */
export interface AuthenticationFailure {
  /** The WWW-Authenticate scheme (`Basic`, `Bearer`) and realm, when the server named them. */
  readonly scheme?: string;
  readonly realm?: string;
  /**
   * What the refused request carried: nothing; credentials the caller gave (MLflow's variables,
   * ~/.mlflow/credentials: fix them there, asking would hide them); or what the callback answered.
   */
  readonly sent: 'nothing' | 'given' | 'asked';
}

export class TrackingError extends WorkbenchError {
  override readonly name = 'TrackingError';
  /** Set when reason is 'unauthenticated'. */
  readonly authentication?: AuthenticationFailure;
  constructor(
    override readonly reason: TrackingErrorReason,
    message: string,
    /** The store path, run id, experiment id or file the error is about. */
    readonly subject?: string,
    options?: { cause?: unknown; authentication?: AuthenticationFailure },
  ) {
    super(message, options);
    if (options?.authentication) this.authentication = options.authentication;
  }
}

export function isTrackingError(error: unknown): error is TrackingError {
  return error instanceof TrackingError;
}
