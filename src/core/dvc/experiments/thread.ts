/**
 * DVC experiments read in a worker thread, for the extension host: the same answers as
 * DvcExperiments (it runs there), while the host's event loop only posts a request and receives
 * the result — spawning git, reading the queue and parsing every params and metrics file of
 * hundreds of commits happen off it. The worker starts on the first read, keeps its readers (and
 * so their commit rows) until dispose(), and does not keep the process alive while idle.
 *
 *   const experiments = new ExperimentsThread(root, { rowCachePath });
 *   const { states } = await experiments.read({ num: 5 });
 *   experiments.dispose();
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../worker.js';
import type { DvcExperimentsOptions, ExperimentsResult } from './experiments.js';
import { ExperimentsError, type ExpShowOptions } from './model.js';
import type { ExperimentsReply, ExperimentsRequest } from './threadProtocol.js';

export interface ExperimentsThreadOptions extends Pick<DvcExperimentsOptions, 'gitCommand' | 'rowCachePath'> {
  /** The bundled worker script; default: `dvcExpWorker.js` beside the bundle (worker.ts under tsx). */
  readonly workerPath?: string;
}

interface Pending {
  readonly resolve: (result: ExperimentsResult) => void;
  readonly reject: (error: Error) => void;
}

export class ExperimentsThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;

  constructor(
    readonly root: string,
    private readonly options: ExperimentsThreadOptions = {},
  ) {}

  async show(options: ExpShowOptions = {}): Promise<ExperimentsResult['states']> {
    return (await this.read(options)).states;
  }

  read(options: ExpShowOptions = {}): Promise<ExperimentsResult> {
    const { signal, ...rest } = options;
    signal?.throwIfAborted();
    if (this.disposed) return Promise.reject(new Error('the experiments reader was closed'));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<ExperimentsResult>((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(id);
        this.post({ kind: 'abort', id });
        this.idle();
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(fn: (value: T) => void) => (value: T): void => {
        signal?.removeEventListener('abort', onAbort);
        fn(value);
      };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      worker.ref();
      this.post({
        kind: 'read',
        id,
        root: this.root,
        options: rest,
        ...(this.options.rowCachePath ? { rowCachePath: this.options.rowCachePath } : {}),
        ...(this.options.gitCommand ? { gitCommand: this.options.gitCommand } : {}),
      });
    });
  }

  dispose(): void {
    this.disposed = true;
    this.stop(new Error('the experiments reader was closed'));
  }

  private post(request: ExperimentsRequest): void {
    this.worker?.postMessage(request);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker({ caller: __filename, source: 'worker.ts', bundle: 'dvcExpWorker.js', workerPath: this.options.workerPath });
    worker.on('message', (reply: ExperimentsReply) => {
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      this.idle();
      if (!pending) return;
      if (reply.error) pending.reject(reply.error.reason ? new ExperimentsError(reply.error.reason, reply.error.message) : new Error(reply.error.message));
      else pending.resolve(reply.result);
    });
    // A worker that was replaced (after a crash) no longer speaks for this reader.
    worker.on('error', (error) => this.worker === worker && this.stop(error));
    worker.on('exit', (code) => this.worker === worker && this.stop(new Error(`the experiments reader stopped (exit code ${code})`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** Unreferenced while nothing waits on it: an idle reader does not keep the process alive. */
  private idle(): void {
    if (this.pending.size === 0) this.worker?.unref();
  }

  private stop(error: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    void worker?.terminate();
  }
}

