/** Why a tracking store could not answer. The host switches on `reason`, never on messages. */
export type TrackingErrorReason =
  | 'invalid-uri'
  | 'unsupported-uri'
  | 'not-found'
  | 'corrupt-store'
  | 'corrupt-entity'
  | 'busy'
  | 'invalid-argument';

export class TrackingError extends Error {
  override readonly name = 'TrackingError';
  constructor(
    readonly reason: TrackingErrorReason,
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
