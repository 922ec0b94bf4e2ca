/**
 * The main thread's handle on the hashing worker: small requests out, small answers and progress
 * back, AbortSignal turned into the worker's shared cancel flag. The worker starts on first use and
 * stops after a quiet spell (the stat cache is on disk, so a new one starts warm).
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../worker.js';
import type { HashProgress } from '../entities.js';
import type { DirEntry } from './dirListing.js';
import { HashEngine, type CacheQuery, type EngineHooks, type MeasureItem, type Measured } from './engine.js';
import type { WorkerOptions, WorkerReply, WorkerRequest } from './hashWorkerMessages.js';
import { WorkbenchError } from '../../errors.js';

export interface HashServiceOptions {
  /** Where the stat cache lives (the extension's storage); none: hashes are not remembered. */
  readonly statCachePath?: string;
  /** The bundled worker script; default: `dvcHashWorker.js` beside the bundle (or worker.ts under tsx). */
  readonly workerPath?: string;
  /** Stop the worker after this long without requests (default 30 s). */
  readonly idleMs?: number;
  /**
   * Hash on the calling thread instead (a CLI has no event loop to keep free, and a worker costs
   * its start-up). Never in the extension host.
   */
  readonly inProcess?: boolean;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: HashProgress) => void;
}

export class HashingError extends WorkbenchError {
  constructor(
    message: string,
    override readonly reason: 'cancelled' | 'worker-failed',
  ) {
    super(message);
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (progress: HashProgress) => void;
}

type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

export class HashService {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private engine: HashEngine | undefined;

  constructor(private readonly options: HashServiceOptions = {}) {}

  measure(items: readonly MeasureItem[], options: RequestOptions = {}): Promise<Measured[]> {
    if (items.length === 0) return Promise.resolve([]);
    const cancel = new SharedArrayBuffer(4);
    return this.request<Measured[]>({ type: 'measure', items, cancel }, options, () => Atomics.store(new Int32Array(cancel), 0, 1));
  }

  inCache(queries: readonly CacheQuery[], options: RequestOptions = {}): Promise<boolean[]> {
    if (queries.length === 0) return Promise.resolve([]);
    return this.request<boolean[]>({ type: 'inCache', queries }, options);
  }

  async listing(query: CacheQuery, options: RequestOptions = {}): Promise<DirEntry[] | undefined> {
    return (await this.request<DirEntry[] | null>({ type: 'listing', query }, options)) ?? undefined;
  }

  async clearStatCache(): Promise<void> {
    await this.request({ type: 'clearStatCache' }, {});
  }

  async dispose(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new HashingError('the hashing service was disposed', 'cancelled'));
    this.pending.clear();
    await worker?.terminate();
  }

  private request<T>(body: RequestBody, options: RequestOptions, onAbort?: () => void): Promise<T> {
    options.signal?.throwIfAborted();
    if (this.options.inProcess) return this.inProcess<T>(body, options);
    const id = this.nextId++;
    const worker = this.ensureWorker();
    clearTimeout(this.idleTimer);
    // Referenced while a request waits, so a CLI does not exit with the answer still to come.
    worker.ref();
    return new Promise<T>((resolve, reject) => {
      const abort = (): void => {
        onAbort?.();
        this.settle(id);
        reject(new HashingError('cancelled', 'cancelled'));
      };
      options.signal?.addEventListener('abort', abort, { once: true });
      this.pending.set(id, {
        resolve: (value) => {
          options.signal?.removeEventListener('abort', abort);
          resolve(value as T);
        },
        reject: (error) => {
          options.signal?.removeEventListener('abort', abort);
          reject(error);
        },
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      worker.postMessage({ ...body, id } as WorkerRequest);
    });
  }

  private async inProcess<T>(body: RequestBody, options: RequestOptions): Promise<T> {
    this.engine ??= new HashEngine(this.options.statCachePath);
    const engine = this.engine;
    const hooks: EngineHooks = {
      checkpoint: () => {
        if (options.signal?.aborted) throw new HashingError('cancelled', 'cancelled');
      },
      progress: (p) => options.onProgress?.({ ...p }),
    };
    switch (body.type) {
      case 'measure':
        return (await engine.measure(body.items, hooks)) as T;
      case 'inCache':
        return engine.inCache(body.queries) as T;
      case 'listing':
        return (engine.readListing(body.query) ?? null) as T;
      case 'clearStatCache':
        engine.clearStatCache();
        return null as T;
    }
  }

  private settle(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) {
      this.worker?.unref();
      this.scheduleIdleStop();
    }
    return pending;
  }

  private scheduleIdleStop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.pending.size > 0) return;
      const worker = this.worker;
      this.worker = undefined;
      void worker?.terminate();
    }, this.options.idleMs ?? 30_000);
    this.idleTimer.unref();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const workerData: WorkerOptions = { statCachePath: this.options.statCachePath };
    const worker = startWorker({ caller: __filename, source: 'worker.ts', bundle: 'dvcHashWorker.js', workerPath: this.options.workerPath, workerData });
    worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (code !== 0) this.failAll(new Error(`the hashing worker stopped (exit code ${code})`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private onReply(reply: WorkerReply): void {
    if (reply.type === 'progress') {
      this.pending.get(reply.id)?.onProgress?.(reply.progress);
      return;
    }
    const pending = this.settle(reply.id);
    if (!pending) return;
    if (reply.type === 'result') pending.resolve(reply.value);
    else pending.reject(new HashingError(reply.message, reply.cancelled ? 'cancelled' : 'worker-failed'));
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(new HashingError(error.message, 'worker-failed'));
    this.pending.clear();
  }
}

