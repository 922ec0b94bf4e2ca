/**
 * Talking to a model server started by `mlflow models serve` (mlflow/pyfunc/scoring_server):
 * `GET /ping` (200 once the model is loaded), `GET /version` (MLflow's version as text),
 * `POST /invocations` with a JSON body. Plain node:http with no keep-alive, so a stopped server
 * leaves no socket of ours behind; every call takes an AbortSignal and a timeout.
 */
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { shlexQuote } from './pythonValues.js';

export interface ServerAddress {
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly port: number;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
  /** Default 5 s for health, 60 s for a prediction (MLflow's own request timeout). */
  readonly timeoutMs?: number;
}

export type HttpOutcome =
  | { readonly ok: true; readonly status: number; readonly contentType: string; readonly body: string; readonly latencyMs: number }
  | { readonly ok: false; readonly reason: 'unreachable' | 'timeout'; readonly message: string; readonly latencyMs: number };

export interface Health {
  /** `/ping` answered 200: the model is loaded and the server accepts requests. */
  readonly healthy: boolean;
  readonly ping: HttpOutcome;
  /** From `/version`, when it answered. */
  readonly mlflowVersion?: string;
}

export const baseUrl = (address: ServerAddress): string => `http://${hostForUrl(address.host ?? '127.0.0.1')}:${address.port}`;

/** `/ping` then `/version`; never throws except when aborted. */
export async function checkHealth(address: ServerAddress, options: CallOptions = {}): Promise<Health> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const ping = await httpCall(address, 'GET', '/ping', undefined, { ...options, timeoutMs });
  const healthy = ping.ok && ping.status === 200;
  if (!healthy) return { healthy, ping };
  const version = await httpCall(address, 'GET', '/version', undefined, { ...options, timeoutMs });
  const mlflowVersion = version.ok && version.status === 200 ? version.body.trim() : undefined;
  return { healthy, ping, ...(mlflowVersion ? { mlflowVersion } : {}) };
}

/** Polls `/ping` until the server is healthy (a model takes seconds to load) or `timeoutMs` passes. */
export async function waitUntilHealthy(address: ServerAddress, options: CallOptions & { readonly intervalMs?: number } = {}): Promise<Health> {
  const deadline = performance.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const health = await checkHealth(address, { signal: options.signal, timeoutMs: 2_000 });
    if (health.healthy || performance.now() >= deadline) return health;
    await sleep(options.intervalMs ?? 250, options.signal);
  }
}

/** `POST /invocations` with a JSON body; the outcome carries the status and body whatever the status. */
export function sendTestRequest(address: ServerAddress, jsonBody: string, options: CallOptions = {}): Promise<HttpOutcome> {
  return httpCall(address, 'POST', '/invocations', jsonBody, { ...options, timeoutMs: options.timeoutMs ?? 60_000 });
}

/** The same request as a `curl` command line for a POSIX shell, every argument single-quoted where needed. */
export function curlCommand(address: ServerAddress, jsonBody: string): string {
  const words = ['curl', '-sS', '-X', 'POST', `${baseUrl(address)}/invocations`, '-H', 'Content-Type: application/json', '--data-raw', jsonBody];
  return words.map(shlexQuote).join(' ');
}

const MAX_BODY = 16 << 20;

function httpCall(address: ServerAddress, method: 'GET' | 'POST', path: string, body: string | undefined, options: CallOptions & { timeoutMs: number }): Promise<HttpOutcome> {
  options.signal?.throwIfAborted();
  const started = performance.now();
  const elapsed = (): number => Math.round((performance.now() - started) * 10) / 10;
  return new Promise<HttpOutcome>((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const req = request({
      host: address.host ?? '127.0.0.1',
      port: address.port,
      method,
      path,
      agent: false,
      headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {},
    });
    let settled = false;
    const finish = (outcome: HttpOutcome | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => {
      finish({ ok: false, reason: 'timeout', message: `${method} ${path}: no answer within ${options.timeoutMs / 1_000} s`, latencyMs: elapsed() });
      req.destroy();
    }, options.timeoutMs);
    const onAbort = (): void => {
      finish(options.signal!.reason instanceof Error ? options.signal!.reason : new Error('aborted'));
      req.destroy();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.once('error', (error: NodeJS.ErrnoException) => finish({ ok: false, reason: 'unreachable', message: `${method} ${path}: ${error.code ?? error.message}`, latencyMs: elapsed() }));
    req.once('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY) chunks.push(chunk);
      });
      response.once('error', (error) => finish({ ok: false, reason: 'unreachable', message: `${method} ${path}: ${error.message}`, latencyMs: elapsed() }));
      response.once('end', () =>
        finish({ ok: true, status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8'), latencyMs: elapsed() }),
      );
    });
    req.end(payload);
  });
}

const hostForUrl = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
