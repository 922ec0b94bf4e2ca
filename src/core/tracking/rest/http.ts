/**
 * A small JSON client for an MLflow tracking server, on node:http/https rather than fetch: TLS
 * options (skip verification, a CA bundle) are per client, which Node 20's fetch only allows
 * through undici's Agent, a package we would have to add; node:http also lets a download be
 * counted and cut off byte by byte, and its timeout be one of inactivity, as `requests` has it.
 *
 * Auth follows mlflow/utils/rest_utils.py `http_request`: Basic when a user name and password
 * are known, else Bearer with a token. Retries follow its transient statuses, with a capped
 * back-off (see retry.ts). Credentials never reach the log: it gets method, path, status, time.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger, type Logger } from '../../log.js';
import { TrackingError } from '../errors.js';
import { DEFAULT_RETRY_POLICY, isRetriedNetworkError, isRetriedStatus, retryDelayMs, type RetryPolicy } from './retry.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './jsonDepth.js';
import { header, isRedirect, readBody, streamBody, type Reply } from './replies.js';
import { badResponse, deadlineError, errorForStatus, networkError, parseChallenge, timeoutError, tooDeep, tooManyRedirects, type Exchange } from './serverErrors.js';

export interface RestCredentials {
  readonly username: string;
  readonly password: string;
}

/** What the caller knows up front (MLflow's MLFLOW_TRACKING_USERNAME/PASSWORD/TOKEN). */
export interface RestAuth {
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
}

export interface RestTls {
  /** Skip certificate verification (MLFLOW_TRACKING_INSECURE_TLS). */
  readonly insecure?: boolean;
  /** A PEM CA bundle that replaces the default roots, as `requests`' verify=path does (MLFLOW_TRACKING_SERVER_CERT_PATH). */
  readonly caPath?: string;
}

/** Why the credentials callback is asked: a 401, what it challenged, and whether an earlier answer was refused. */
export interface CredentialsRequest {
  /** host[:port] of the server. */
  readonly host: string;
  /** WWW-Authenticate's scheme and realm (`Basic`, `mlflow`) when the server sent one. */
  readonly scheme?: string;
  readonly realm?: string;
  /** True when the callback's previous answer is what the server just refused (a password changed mid-session). */
  readonly refused: boolean;
}

/** How often one request asks for credentials (a first answer and two corrections). */
export const MAX_CREDENTIAL_ASKS = 3;

export interface RestOptions {
  readonly auth?: RestAuth;
  /**
   * Asked when the server answers 401 and no credentials were given (the host: an input box and
   * SecretStorage; the CLI: nothing); the request is then sent again with the answer, which later
   * requests keep using. An answer the server refuses is asked for again (`refused: true`), up to
   * MAX_CREDENTIAL_ASKS times per request; no answer stops asking. Concurrent 401s share one question.
   * Undefined means "none": the 401 is a TrackingError 'unauthenticated' whose `authentication`
   * says what was sent. Given credentials that the server refuses are never replaced by asking.
   */
  readonly credentials?: (request: CredentialsRequest) => Promise<RestCredentials | undefined>;
  readonly tls?: RestTls;
  /** Per try: how long the server may stay silent (connect, headers, between body chunks). Default 120 s. */
  readonly timeoutMs?: number;
  /**
   * Per try: how long one exchange may take in all, however steadily the server trickles its
   * answer (ML_WORKBENCH_HTTP_REQUEST_DEADLINE). Default 300 s.
   */
  readonly deadlineMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly logger?: Logger;
}

export type QueryValue = string | number | boolean;
export type Query = Readonly<Record<string, QueryValue | readonly QueryValue[] | undefined>>;
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly query?: Query;
  /** Sent as JSON (with Content-Type: application/json), as MLflow requires for POST/PATCH/DELETE. */
  readonly body?: unknown;
}

export interface BytesOptions {
  readonly signal?: AbortSignal;
  readonly query?: Query;
  /** Refuse bodies larger than this (typed 'too-large'), by Content-Length or by counting. */
  readonly maxBytes?: number;
}

export interface StreamOptions {
  readonly signal?: AbortSignal;
  readonly query?: Query;
  /**
   * Where a 2xx body goes, opened once per try (a retry starts again from its first byte): the
   * caller gives a fresh stream each time, and `size` is the Content-Length when the server sent one.
   */
  readonly open: (size: number | undefined) => Writable;
  /** Bytes of this try's body received so far. */
  readonly onData?: (received: number) => void;
}

/** A 2xx answer's bytes, read as JSON when the caller asks (RestClient.jsonReply). */
export interface JsonReply {
  readonly body: Buffer;
  parse<T>(): T;
  /** The error for an answer that is JSON but not what was asked for (`why`: "JSON whose … is …"). */
  failure(why: string): Error;
}

const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_DEADLINE_MS = 300_000;
const MAX_REDIRECTS = 5;
const MAX_ERROR_BODY = 64 * 1024;

interface Prepared {
  method: Method;
  url: URL;
  body: Buffer | undefined;
  /** False after a redirect to another origin: credentials stay with the server they are for. */
  sendAuth: boolean;
  readonly maxBytes: number | undefined;
  /** A 2xx body goes here instead of into memory. */
  readonly stream?: Pick<StreamOptions, 'open' | 'onData'>;
}

export class RestClient {
  /** host[:port], for labels and messages. */
  readonly host: string;
  private readonly base: URL;
  private readonly auth: RestAuth;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly logger: Logger;
  private agent: http.Agent | undefined;
  /** What the `credentials` callback gave; dropped when the server refuses it. */
  private prompted: RestCredentials | undefined;
  private asking: Promise<RestCredentials | undefined> | undefined;
  /** The last answer was refused: the next question says so. */
  private promptRefused = false;

  constructor(
    baseUrl: string | URL,
    private readonly options: RestOptions = {},
  ) {
    const url = new URL(baseUrl);
    // requests takes user:password@ in the URL as Basic auth when nothing else is given.
    this.auth = options.auth ?? (url.username ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : {});
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    this.base = url;
    this.host = url.host;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.logger = options.logger ?? silentLogger;
  }

  /** One MLflow REST call; the answer is the server's JSON object as it came. */
  async json<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.jsonReply(method, path, options)).parse<T>();
  }

  /**
   * One MLflow REST call whose answer is kept as bytes until the caller reads it: parse() makes
   * the object json() answers (with its errors); a caller that reads the bytes itself reports
   * what it refuses with failure().
   */
  async jsonReply(method: Method, path: string, options: RequestOptions = {}): Promise<JsonReply> {
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const prepared: Prepared = { method, url: this.url(path, options.query), body, sendAuth: true, maxBytes: undefined };
    const reply = await this.exchange(prepared, options.signal);
    return {
      body: reply.body,
      parse: <T>() => this.parseJson<T>(prepared, reply),
      failure: (why) => badResponse(this.exchangeOf(prepared), reply, why),
    };
  }

  private parseJson<T>(prepared: Prepared, reply: Reply): T {
    const text = reply.body.toString('utf8');
    // MLflow's client reads an empty 200 as {} (verify_rest_response).
    if (text.trim() === '') return {} as T;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw badResponse(this.exchangeOf(prepared), reply, reply.contentType.includes('html') ? 'an HTML page' : 'text that is not JSON');
    }
    // JSON.parse copes with any depth; what reads the answer next (printing, cloning) recurses.
    if (jsonDepthExceeds(reply.body, MAX_JSON_DEPTH)) throw tooDeep(this.exchangeOf(prepared), MAX_JSON_DEPTH);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badResponse(this.exchangeOf(prepared), reply, 'JSON that is not an object');
    return parsed as T;
  }

  /** Raw bytes (an artifact download). */
  async bytes(path: string, options: BytesOptions = {}): Promise<Uint8Array> {
    const prepared: Prepared = { method: 'GET', url: this.url(path, options.query), body: undefined, sendAuth: true, maxBytes: options.maxBytes };
    const reply = await this.exchange(prepared, options.signal);
    return new Uint8Array(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength);
  }

  /**
   * A body streamed to a writable (an artifact download): memory stays at one chunk whatever the
   * size. Errors, retries and credentials are as for json(); the answer is the byte count.
   */
  async stream(path: string, options: StreamOptions): Promise<number> {
    const prepared: Prepared = { method: 'GET', url: this.url(path, options.query), body: undefined, sendAuth: true, maxBytes: undefined, stream: options };
    const reply = await this.exchange(prepared, options.signal);
    return reply.streamed ?? 0;
  }

  dispose(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  private url(path: string, query: Query = {}): URL {
    const url = new URL(this.base.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(item));
    }
    return url;
  }

  /** Tries, retries, follows redirects and asks for credentials once; returns a 2xx reply or throws. */
  private async exchange(request: Prepared, signal: AbortSignal | undefined): Promise<Reply> {
    let retry = 0;
    let redirects = 0;
    let asks = 0;
    const requested = this.exchangeOf(request);
    for (;;) {
      signal?.throwIfAborted();
      let reply: Reply;
      try {
        reply = await this.attempt(request, signal);
      } catch (error) {
        if (signal?.aborted || error instanceof TrackingError) throw error;
        if (retry < this.policy.maxRetries && isRetriedNetworkError(error, retry)) {
          await this.backOff(request, `${(error as NodeJS.ErrnoException).code}`, retryDelayMs(this.policy, retry++), signal);
          continue;
        }
        throw networkError(this.exchangeOf(request), error);
      }
      if (reply.status >= 200 && reply.status < 300) return reply;
      if (isRedirect(reply)) {
        if (redirects++ >= MAX_REDIRECTS) throw tooManyRedirects(requested, MAX_REDIRECTS, header(reply, 'location')!);
        redirect(request, reply);
        continue;
      }
      // A refused answer is asked for again at once (told so), as a sign-in form does, a few times.
      if (reply.status === 401 && asks < MAX_CREDENTIAL_ASKS && this.mayAsk(request)) {
        asks++;
        if (await this.askCredentials(reply, signal)) continue;
      }
      if (isRetriedStatus(reply.status) && retry < this.policy.maxRetries) {
        await this.backOff(request, String(reply.status), retryDelayMs(this.policy, retry++, header(reply, 'retry-after')), signal);
        continue;
      }
      const sent = !request.sendAuth ? 'nothing' : this.hasGivenAuth() ? 'given' : this.prompted ? 'asked' : 'nothing';
      const carried = reply.status === 401 ? this.credentialsSent(request) : undefined;
      if (reply.status === 401 && this.prompted && request.sendAuth) {
        this.prompted = undefined;
        this.promptRefused = true;
      }
      throw errorForStatus({ ...this.exchangeOf(request), credentialsSent: carried, secrets: this.secrets() }, reply, sent);
    }
  }

  private async backOff(request: Prepared, why: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    this.logger.warn(`${request.method} ${request.url.pathname}: ${why}, retrying in ${ms} ms`);
    try {
      await sleep(ms, undefined, { signal });
    } catch (error) {
      signal?.throwIfAborted();
      throw error;
    }
  }

  private mayAsk(request: Prepared): boolean {
    return request.sendAuth && this.options.credentials !== undefined && !this.hasGivenAuth();
  }

  private hasGivenAuth(): boolean {
    return Boolean((this.auth.username && this.auth.password) || this.auth.token);
  }

  /** Concurrent 401s share one question. */
  private async askCredentials(reply: Reply, signal: AbortSignal | undefined): Promise<boolean> {
    const ask = this.options.credentials;
    if (!ask) return false;
    const refused = this.prompted !== undefined || this.promptRefused;
    this.prompted = undefined;
    this.promptRefused = false;
    this.asking ??= ask({ host: this.host, ...parseChallenge(reply.headers['www-authenticate']), refused }).finally(() => (this.asking = undefined));
    const credentials = await untilAborted(this.asking, signal);
    if (!credentials?.username || !credentials.password) return false;
    this.prompted = credentials;
    return true;
  }

  /** What an exchange sent to prove who we are (never the values). */
  private credentialsSent(request: Prepared): 'password' | 'token' | undefined {
    if (!request.sendAuth) return undefined;
    const authorization = this.authorization();
    return authorization === undefined ? undefined : authorization.startsWith('Basic ') ? 'password' : 'token';
  }

  /** Values an error text must never show, should a server echo them. */
  private secrets(): string[] {
    const { password, token } = this.auth;
    return [password, token, this.prompted?.password, this.authorization()?.replace(/^\S+ /, '')].filter((s): s is string => Boolean(s));
  }

  private authorization(): string | undefined {
    const { username, password, token } = this.auth;
    if (username && password) return basic(username, password);
    if (token) return `Bearer ${token}`;
    return this.prompted ? basic(this.prompted.username, this.prompted.password) : undefined;
  }

  private exchangeOf(request: Prepared): Exchange {
    return { host: request.url.host, endpoint: `${request.method} ${request.url.pathname}`, subject: `${request.url.origin}${request.url.pathname}` };
  }

  private headersFor(request: Prepared): http.OutgoingHttpHeaders {
    const headers: http.OutgoingHttpHeaders = { Accept: 'application/json', 'User-Agent': 'ml-workbench' };
    const authorization = request.sendAuth ? this.authorization() : undefined;
    if (authorization) headers['Authorization'] = authorization;
    if (request.body) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = request.body.length;
    }
    return headers;
  }

  /**
   * One HTTP exchange; the silence timer restarts whenever the server sends something, the
   * deadline does not: a server trickling a byte at a time still ends.
   */
  private attempt(request: Prepared, signal: AbortSignal | undefined): Promise<Reply> {
    const started = Date.now();
    const { url, method, body } = request;
    const headers = this.headersFor(request);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<Reply>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const deadline = setTimeout(() => fail(deadlineError(this.exchangeOf(request), this.deadlineMs)), this.deadlineMs);
      const settle = (error: unknown, reply?: Reply): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(deadline);
        signal?.removeEventListener('abort', onAbort);
        if (reply) {
          this.logger.trace(`${method} ${url.pathname} ${reply.status} ${Date.now() - started} ms`);
          resolve(reply);
        } else {
          this.logger.trace(`${method} ${url.pathname} failed after ${Date.now() - started} ms`);
          reject(error);
        }
      };
      const fail = (error: unknown): void => {
        settle(error);
        outgoing.destroy();
      };
      const onAbort = (): void => fail(signal?.reason);
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => fail(timeoutError(this.exchangeOf(request), this.timeoutMs)), this.timeoutMs);
      };
      const outgoing = transport.request(url, { method, headers, agent: this.agentFor(url) }, (incoming) => {
        arm();
        this.readReply(request, incoming, arm).then((reply) => settle(undefined, reply), fail);
      });
      outgoing.on('error', fail);
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
      outgoing.end(body);
    });
  }

  private readReply(request: Prepared, incoming: http.IncomingMessage, onData: () => void): Promise<Reply> {
    const ok = (incoming.statusCode ?? 0) >= 200 && (incoming.statusCode ?? 0) < 300;
    if (ok && request.stream) return streamBody(incoming, request.stream, onData);
    return readBody(incoming, ok ? request.maxBytes : MAX_ERROR_BODY, ok, onData, (limit, size) => this.tooLarge(request, limit, size));
  }

  private tooLarge(request: Prepared, limit: number, size?: number): TrackingError {
    const { endpoint, subject, host } = this.exchangeOf(request);
    const what = size === undefined ? `more than ${limit} bytes` : `${size} bytes`;
    return new TrackingError('too-large', `MLflow server ${host} would send ${what} for ${endpoint}; the limit is ${limit} bytes`, subject);
  }

  private agentFor(url: URL): http.Agent {
    if (this.agent) return this.agent;
    if (url.protocol !== 'https:') return (this.agent = new http.Agent({ keepAlive: true }));
    const { insecure, caPath } = this.options.tls ?? {};
    let ca: Buffer | undefined;
    if (caPath) {
      try {
        ca = readFileSync(caPath);
      } catch (error) {
        throw new TrackingError('invalid-argument', `Cannot read the CA bundle ${caPath} for MLflow server ${url.host}: ${(error as Error).message}`, caPath, { cause: error });
      }
    }
    // As in MLflow's MlflowHostCreds.verify, a CA bundle means verification even when insecure is set.
    return (this.agent = new https.Agent({ keepAlive: true, ca, rejectUnauthorized: Boolean(ca) || !insecure }));
  }
}

/** The host's input box may stay open; an abort must not wait for it. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** As `requests` does: 303 (and 301/302 after a POST) become GET; credentials never go to another origin. */
function redirect(request: Prepared, reply: Reply): void {
  const next = new URL(header(reply, 'location') ?? '', request.url);
  if (reply.status === 303 || ((reply.status === 301 || reply.status === 302) && request.method === 'POST')) {
    request.method = 'GET';
    request.body = undefined;
  }
  if (next.origin !== request.url.origin) request.sendAuth = false;
  request.url = next;
}
