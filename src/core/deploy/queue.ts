/**
 * Model-on-Demand: a worker that takes prediction requests from Redis (a stream read through a
 * consumer group), and a client script that sends requests and waits for their results; the
 * scaffold plan (files created from templates, never over existing ones) and the argv of the
 * worker, the client and a local `redis-server` for trying it out.
 */
import { join } from 'node:path';
import { requireOperand, type TaskSpec, trackingEnv, type TrackingTarget } from '../tasks/spec.js';
import type { FileEdit } from './batchStage.js';
import { DeployError } from './errors.js';
import { projectPath } from './paths.js';
import { renderTemplate } from './templates.js';

export interface QueueScaffoldRequest {
  /** The queue's name: the prefix of its Redis keys (`iris` → `iris:requests`). */
  readonly queue: string;
  readonly modelUri: string;
  /** The project-relative folder the two scripts go into. */
  readonly folder: string;
  /** Baked into the worker for when MLFLOW_TRACKING_URI is not set. */
  readonly trackingUri?: string;
  /** The model's example request body (requestPayload), sent by the client when given no input. */
  readonly exampleRequest?: string;
}

export interface QueueScaffoldContext {
  /** Project-relative paths that exist already. */
  readonly existing: ReadonlySet<string>;
  readonly workerTemplate: string;
  readonly clientTemplate: string;
}

export interface QueueScaffold {
  readonly workerPath: string;
  readonly clientPath: string;
  readonly edits: readonly FileEdit[];
  readonly warnings: readonly string[];
}

const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function queueScaffoldPaths(folder: string): { workerPath: string; clientPath: string } {
  const base = projectPath(folder, 'folder');
  return { workerPath: `${base}/queue_worker.py`, clientPath: `${base}/queue_client.py` };
}

export function planQueueWorker(request: QueueScaffoldRequest, context: QueueScaffoldContext): QueueScaffold {
  if (!QUEUE_NAME.test(request.queue)) throw new DeployError('invalid-argument', `"${request.queue}" cannot name a queue: use letters, digits, ".", "_" and "-" (at most 64).`, request.queue);
  if (!request.modelUri.trim() || request.modelUri.startsWith('-')) throw new DeployError('invalid-argument', 'The model URI is empty.', request.modelUri);
  const { workerPath, clientPath } = queueScaffoldPaths(request.folder);
  for (const path of [workerPath, clientPath]) {
    if (context.existing.has(path)) throw new DeployError('file-exists', `${path} exists already: choose another folder (files are never overwritten).`, path);
  }
  const example = request.exampleRequest && isJsonObject(request.exampleRequest) ? JSON.stringify(JSON.parse(request.exampleRequest)) : '';
  const warnings = example ? [] : ['The model has no input example or signature: queue_client.py needs --input with a table of rows.'];
  const values = { queue: request.queue, model_uri: request.modelUri, tracking_uri: request.trackingUri ?? '', example_request: example, worker: `python ${workerPath}` };
  return {
    workerPath,
    clientPath,
    warnings,
    edits: [
      { path: workerPath, after: renderTemplate(context.workerTemplate, { ...values, script: workerPath }, 'queue_worker.py') },
      { path: clientPath, after: renderTemplate(context.clientTemplate, { ...values, script: clientPath }, 'queue_client.py') },
    ],
  };
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** `redis://127.0.0.1:PORT/0`. */
export function redisUrl(port: number, host = '127.0.0.1', db = 0): string {
  checkPort(port);
  return `redis://${host.includes(':') ? `[${host}]` : host}:${port}/${db}`;
}

export interface RedisServerOptions {
  readonly port: number;
  /** A folder of its own (temporary): Redis writes nothing outside it. */
  readonly dir: string;
  /** Default `redis-server` on PATH. */
  readonly command?: string;
}

/**
 * `redis-server` for this machine only: bound to 127.0.0.1, protected mode on, no RDB snapshots
 * and no append-only file, working directory `dir`, logging to stdout, in the foreground.
 */
export function redisServer(options: RedisServerOptions): TaskSpec {
  checkPort(options.port);
  const dir = requireOperand(options.dir, 'Redis folder');
  const args = ['--bind', '127.0.0.1', '--port', String(options.port), '--protected-mode', 'yes', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', ''];
  return { command: options.command ?? 'redis-server', args, cwd: dir, env: {}, label: `redis-server 127.0.0.1:${options.port}` };
}

export interface QueueScriptBase {
  readonly python: string;
  /** The project folder the scripts are relative to. */
  readonly cwd: string;
  readonly redisUrl: string;
  readonly tracking?: TrackingTarget;
}

export interface QueueWorkerOptions extends QueueScriptBase {
  readonly workerPath: string;
  readonly modelUri?: string;
  readonly consumer?: string;
  readonly batchSize?: number;
  readonly claimIdleMs?: number;
  readonly blockMs?: number;
}

/** `python -u queue/queue_worker.py --redis-url URL [--model-uri URI] [--consumer NAME] …`. */
export function queueWorker(options: QueueWorkerOptions): TaskSpec {
  const script = requireOperand(options.workerPath, 'worker script');
  const args = ['-u', script, '--redis-url', checkRedisUrl(options.redisUrl)];
  if (options.modelUri !== undefined) args.push('--model-uri', requireOperand(options.modelUri, 'model URI'));
  if (options.consumer !== undefined) args.push('--consumer', requireOperand(options.consumer, 'consumer name'));
  for (const [flag, value] of [['--batch-size', options.batchSize], ['--claim-idle-ms', options.claimIdleMs], ['--block-ms', options.blockMs]] as const) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) throw new DeployError('invalid-argument', `${flag} must be a positive whole number (got ${value}).`, String(value));
    args.push(flag, String(value));
  }
  return { command: options.python, args, cwd: options.cwd, env: trackingEnv(options.tracking ?? {}), label: `queue worker ${script}` };
}

export interface QueueClientOptions extends QueueScriptBase {
  readonly clientPath: string;
  readonly mode?: 'roundtrip' | 'send' | 'receive';
  readonly input?: string;
  readonly rowsPerRequest?: number;
  readonly idsFile?: string;
  readonly output?: string;
  readonly timeoutSeconds?: number;
}

/** `python -u queue/queue_client.py roundtrip --redis-url URL [--input TABLE] …`. */
export function queueClient(options: QueueClientOptions): TaskSpec {
  const script = requireOperand(options.clientPath, 'client script');
  const args = ['-u', script, options.mode ?? 'roundtrip', '--redis-url', checkRedisUrl(options.redisUrl)];
  if (options.input !== undefined) args.push('--input', requireOperand(options.input, 'input table'));
  if (options.rowsPerRequest !== undefined) args.push('--rows-per-request', String(positive(options.rowsPerRequest, '--rows-per-request')));
  if (options.idsFile !== undefined) args.push('--ids-file', requireOperand(options.idsFile, 'ids file'));
  if (options.output !== undefined) args.push('--output', requireOperand(options.output, 'output file'));
  if (options.timeoutSeconds !== undefined) args.push('--timeout', String(positive(options.timeoutSeconds, '--timeout')));
  return { command: options.python, args, cwd: options.cwd, env: trackingEnv(options.tracking ?? {}), label: `queue client ${options.mode ?? 'roundtrip'}` };
}

/** Where the extension keeps a local Redis's folder: one per port under its storage. */
export function redisDirectory(storageDir: string, port: number): string {
  return join(storageDir, 'redis', String(checkPort(port)));
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new DeployError('invalid-argument', `${port} is not a TCP port.`, String(port));
  return port;
}

function checkRedisUrl(url: string): string {
  if (!/^rediss?:\/\/[^\s]+$|^unix:\/\/[^\s]+$/.test(url)) throw new DeployError('invalid-argument', `"${url}" is not a Redis URL (redis://host:port/db).`, url);
  return url;
}

function positive(value: number, flag: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new DeployError('invalid-argument', `${flag} must be positive (got ${value}).`, String(value));
  return value;
}
