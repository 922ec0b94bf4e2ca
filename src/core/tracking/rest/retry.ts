/**
 * When a failed exchange with a tracking server is worth another try, and how long to wait first.
 * The retried statuses are MLflow's `_TRANSIENT_FAILURE_RESPONSE_CODES` (mlflow/utils/request_utils.py).
 */

export interface RetryPolicy {
  /** Retries after the first try (MLflow's MLFLOW_HTTP_REQUEST_MAX_RETRIES). */
  readonly maxRetries: number;
  /** The first back-off; each retry doubles it (MLflow's MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR, in ms). */
  readonly baseDelayMs: number;
  /** No back-off waits longer than this. */
  readonly maxDelayMs: number;
  /** A server's Retry-After is honoured up to this; beyond it the wait is capped here. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 1_000, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };

const RETRIED_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export function isRetriedStatus(status: number): boolean {
  return RETRIED_STATUSES.has(status);
}

/**
 * A dropped connection is retried; a refused one only after an earlier try reached the server
 * (it is restarting): a server that was never there fails at once rather than after the back-off.
 */
export function isRetriedNetworkError(error: unknown, retry: number): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return true;
  return code === 'ECONNREFUSED' && retry > 0;
}

/** Capped exponential back-off with jitter (half to all of the step), or the server's Retry-After. */
export function retryDelayMs(policy: RetryPolicy, retry: number, retryAfter?: string, now = Date.now()): number {
  const asked = parseRetryAfter(retryAfter, now);
  if (asked !== undefined) return Math.min(asked, policy.maxRetryAfterMs);
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(step * (0.5 + Math.random() / 2));
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
