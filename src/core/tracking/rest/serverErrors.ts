/**
 * Turns what a tracking server answered into typed errors. MLflow's error body is
 * `{"error_code": "...", "message": "..."}` with the HTTP status of ERROR_CODE_TO_HTTP_STATUS
 * (mlflow/exceptions.py); proxies in front of it answer HTML or plain text instead.
 */
import { TrackingError, type TrackingErrorReason } from '../errors.js';

/** Which exchange an error is about: `host` is host[:port], `endpoint` the method and path (no query). */
export interface Exchange {
  readonly host: string;
  readonly endpoint: string;
  /** Where it went, for the error's subject: origin + path, never credentials or the query. */
  readonly subject: string;
  /** What the request carried to authenticate: a user name and password, a token, or nothing. */
  readonly credentialsSent?: 'password' | 'token';
  /** Values to blank out should the server's answer echo them. */
  readonly secrets?: readonly string[];
}

export interface ServerReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

interface MlflowErrorBody {
  readonly error_code?: string;
  readonly message?: string;
}

export function errorForStatus(exchange: Exchange, reply: ServerReply): TrackingError {
  const error = mlflowError(reply.body);
  const detail = redact(error ? `${error.error_code ?? 'ERROR'}: ${error.message ?? ''}` : `${snippet(reply)}`, exchange.secrets ?? []);
  const where = `MLflow server ${exchange.host} answered ${reply.status} to ${exchange.endpoint}`;
  const reason = reasonForStatus(reply.status, error?.error_code);
  let message = `${where}: ${detail}`;
  if (reply.status === 401) message = `${where}: ${unauthenticated(exchange.credentialsSent)} (${detail})`;
  if (reply.status === 403 && /Invalid Host header/i.test(detail)) {
    message += ` — the server only accepts its allowed hosts; start it with --allowed-hosts ${exchange.host}`;
  }
  return new TrackingError(reason, message, exchange.subject);
}

/** Which credentials were refused, never what they were. */
function unauthenticated(sent: Exchange['credentialsSent']): string {
  if (sent === 'password') return 'the server needs a user name and password and refused the ones that were sent; check them';
  if (sent === 'token') return 'the server refused the token that was sent (MLFLOW_TRACKING_TOKEN); check it';
  return 'the server needs a user name and password (MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD), and none were sent';
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length >= 3).reduce((out, secret) => out.split(secret).join('***'), text);
}

function reasonForStatus(status: number, errorCode: string | undefined): TrackingErrorReason {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404 || errorCode === 'RESOURCE_DOES_NOT_EXIST') return 'not-found';
  if (status === 400) return 'invalid-argument';
  return 'server-error';
}

/** An answer that should be MLflow's JSON object and is not (a login page, a proxy's error page). */
export function badResponse(exchange: Exchange, reply: ServerReply, why: string): TrackingError {
  return new TrackingError(
    'bad-response',
    `MLflow server ${exchange.host} answered ${exchange.endpoint} with ${why} instead of MLflow's JSON (is a proxy or login page in the way?): ${snippet(reply)}`,
    exchange.subject,
  );
}

export function networkError(exchange: Exchange, error: unknown): TrackingError {
  const code = (error as NodeJS.ErrnoException).code;
  const cause = code ? `${code} (${(error as Error).message})` : (error as Error).message;
  return new TrackingError('network', `Cannot reach MLflow server ${exchange.host} for ${exchange.endpoint}: ${cause}`, exchange.subject, { cause: error });
}

/** A trickle: the server kept sending, never long silent, but never finished. */
export function deadlineError(exchange: Exchange, deadlineMs: number): TrackingError {
  return new TrackingError(
    'timeout',
    `MLflow server ${exchange.host} did not finish its answer to ${exchange.endpoint} within ${deadlineMs / 1_000} s (the deadline per request; ML_WORKBENCH_HTTP_REQUEST_DEADLINE sets it in seconds)`,
    exchange.subject,
  );
}

export function tooManyRedirects(exchange: Exchange, limit: number, location: string): TrackingError {
  const next = location.replace(/\?.*$/s, '');
  return new TrackingError(
    'bad-response',
    `MLflow server ${exchange.host} redirected ${exchange.endpoint} more than ${limit} times (too many redirects; the last went to ${next}): check the tracking URI, or the proxy in front of the server`,
    exchange.subject,
  );
}

export function tooDeep(exchange: Exchange, limit: number): TrackingError {
  return new TrackingError('bad-response', `MLflow server ${exchange.host} answered ${exchange.endpoint} with JSON nested more than ${limit} levels deep; MLflow's answers never are, so it was not read`, exchange.subject);
}

export function timeoutError(exchange: Exchange, timeoutMs: number): TrackingError {
  return new TrackingError('timeout', `MLflow server ${exchange.host} did not answer ${exchange.endpoint} within ${timeoutMs / 1_000} s`, exchange.subject);
}

function mlflowError(body: Buffer): MlflowErrorBody | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && ('error_code' in parsed || 'message' in parsed)) return parsed as MlflowErrorBody;
  } catch {
    // Not JSON: described by its text instead.
  }
  return undefined;
}

function snippet(reply: ServerReply): string {
  const text = reply.body.subarray(0, 300).toString('utf8').replace(/\s+/g, ' ').trim();
  const type = reply.contentType || 'no content type';
  return text ? `${type} '${text}${reply.body.length > 300 ? '…' : ''}'` : `${type}, empty body`;
}
