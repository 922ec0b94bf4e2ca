/**
 * Reads metric histories of local stores in worker threads: a million points cost the extension
 * host nothing but the hand-over of three buffers, and several runs read on several cores at once.
 * Workers start on first use and stop when idle; a CLI or a test reads on its own thread instead
 * (no pool).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../worker.js';
import { TrackingError } from '../errors.js';
import type { MetricColumns } from '../metricColumns.js';
import { stepPart } from '../sqliteRuns.js';
import type { ColumnsReply, ColumnsRequest } from './historyWorkerMessages.js';

export interface HistoryPoolOptions {
  /** The bundled worker script; default: `historyWorker.js` beside the bundle (worker.ts under tsx). */
  readonly workerPath?: string;
  /** At most this many threads (default: the cores, up to 2). */
  readonly size?: number;
  /** Stop a worker after this long without requests (default 30 s). */
  readonly idleMs?: number;
  /** A SQLite history spanning at least this many steps is read in parts, one per thread (default 20,000). */
  readonly splitSteps?: number;
}

/** A shorter history is read whole: one request, no bounds asked first. */
const SPLIT_STEPS = 20_000;

interface Pending {
  readonly resolve: (answer: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  idle?: NodeJS.Timeout;
}

export class HistoryPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private nextSlot = 0;
  private disposed = false;

  constructor(private readonly options: HistoryPoolOptions = {}) {}

  /**
   * One metric's history of a local store (`uri` absolute), read in a worker. A long SQLite
   * history asked for while the threads are idle is read in equal spans of steps on every thread
   * at once and joined in step order (a million points: SQLite hands rows over at ~2 million a
   * second per core).
   */
  async read(uri: string, runId: string, key: string, signal?: AbortSignal): Promise<MetricColumns> {
    signal?.throwIfAborted();
    const parts = this.size();
    // Parts only while the threads are otherwise idle: reads of several runs already keep every
    // thread busy, and parts would only add their round trips (measured: 20 runs read slower).
    const busy = this.slots.some((slot) => slot.pending.size > 0);
    if (parts < 2 || busy || !uri.startsWith('sqlite:')) return (await this.request({ uri, runId, key }, signal)) as MetricColumns;
    const bounds = (await this.request({ uri, runId, key, bounds: true }, signal)) as { first: number; last: number } | null;
    if (!bounds) return { step: new Float64Array(0), timestamp: new Float64Array(0), value: new Float64Array(0) };
    if (bounds.last - bounds.first < (this.options.splitSteps ?? SPLIT_STEPS)) return (await this.request({ uri, runId, key, steps: {} }, signal)) as MetricColumns;
    const pieces = await Promise.all(Array.from({ length: parts }, (_, index) => this.request({ uri, runId, key, steps: stepPart(bounds.first, bounds.last, index, parts) }, signal)));
    return joinColumns(pieces as MetricColumns[]);
  }

  /**
   * About `points` points of a long history (a file store's or SQLite's), read in a worker ahead of
   * whole reads asked for after it; undefined for a short history.
   */
  async sample(uri: string, runId: string, key: string, points: number, signal?: AbortSignal): Promise<MetricColumns | undefined> {
    const answer = (await this.request({ uri, runId, key, sample: points }, signal)) as MetricColumns | null;
    return answer ?? undefined;
  }

  private request(body: Omit<ColumnsRequest, 'id'>, signal: AbortSignal | undefined): Promise<unknown> {
    signal?.throwIfAborted();
    if (this.disposed) return Promise.reject(new Error('the history readers were stopped'));
    const slot = this.slot();
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = (): void => {
        // The worker finishes the read anyway; its answer is dropped.
        slot.pending.delete(id);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = <T>(settle: (value: T) => void) => (value: T): void => {
        signal?.removeEventListener('abort', onAbort);
        this.scheduleIdle(slot);
        settle(value);
      };
      slot.pending.set(id, { resolve: done(resolve), reject: done(reject) });
      clearTimeout(slot.idle);
      // Referenced while it has work, so a process waiting on an answer does not exit.
      slot.worker.ref();
      const request: ColumnsRequest = { id, ...body };
      slot.worker.postMessage(request);
    });
  }

  private size(): number {
    return Math.max(1, this.options.size ?? Math.min(2, availableParallelism()));
  }

  dispose(): void {
    this.disposed = true;
    for (const slot of this.slots.splice(0)) this.stop(slot, new Error('the history readers were stopped'));
  }

  private slot(): Slot {
    const size = this.size();
    // A free worker first; otherwise start one while under the limit; otherwise round-robin.
    const free = this.slots.find((s) => s.pending.size === 0);
    if (free) return free;
    if (this.slots.length < size) return this.start();
    return this.slots[this.nextSlot++ % this.slots.length]!;
  }

  private start(): Slot {
    const worker = startWorker({ caller: __filename, source: 'worker.ts', bundle: 'historyWorker.js', workerPath: this.options.workerPath });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: ColumnsReply) => {
      const pending = slot.pending.get(reply.id);
      // An aborted read's answer: dropped, but the worker may now be idle.
      if (!pending) return this.scheduleIdle(slot);
      slot.pending.delete(reply.id);
      if ('error' in reply) pending.reject(reply.error.reason ? new TrackingError(reply.error.reason, reply.error.message, reply.error.subject) : new Error(reply.error.message));
      else if ('bounds' in reply) pending.resolve(reply.bounds);
      else if ('none' in reply) pending.resolve(null);
      else pending.resolve({ step: reply.step, timestamp: reply.timestamp, value: reply.value });
    });
    worker.on('error', (error) => this.stop(slot, error));
    worker.on('exit', (code) => this.stop(slot, new Error(`a history reader stopped (exit code ${code})`)));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private scheduleIdle(slot: Slot): void {
    if (slot.pending.size > 0) return;
    slot.worker.unref();
    clearTimeout(slot.idle);
    slot.idle = setTimeout(() => this.stop(slot, new Error('idle')), this.options.idleMs ?? 30_000);
    slot.idle.unref();
  }

  private stop(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    clearTimeout(slot.idle);
    for (const pending of slot.pending.values()) pending.reject(error);
    slot.pending.clear();
    void slot.worker.terminate();
  }
}


/** Parts of one history, in step order, as one set of columns. */
export function joinColumns(pieces: readonly MetricColumns[]): MetricColumns {
  if (pieces.length === 1) return pieces[0]!;
  const length = pieces.reduce((n, p) => n + p.step.length, 0);
  const join = (pick: (p: MetricColumns) => Float64Array): Float64Array => {
    const out = new Float64Array(length);
    let at = 0;
    for (const piece of pieces) {
      out.set(pick(piece), at);
      at += pick(piece).length;
    }
    return out;
  };
  return { step: join((p) => p.step), timestamp: join((p) => p.timestamp), value: join((p) => p.value) };
}
