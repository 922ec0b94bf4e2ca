/**
 * Entry of the hashing worker thread: the engine's walks, stats, reads and MD5 run here, off the
 * extension host's event loop. A measure is asynchronous (reads in flight while MD5 runs), so a
 * cache-presence request is answered while it goes on. Cancellation arrives through a shared flag
 * (checked between chunks, whatever the thread is doing), progress goes out as messages.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { CancelledError, HashEngine, type EngineHooks } from './engine.js';
import type { WorkerOptions, WorkerReply, WorkerRequest } from './hashWorkerMessages.js';

const PROGRESS_INTERVAL_MS = 50;

const port = parentPort;
if (port) {
  yieldToHost();
  const engine = new HashEngine((workerData as WorkerOptions).statCachePath);
  const reply = (message: WorkerReply): void => port.postMessage(message);
  port.on('message', (request: WorkerRequest) => {
    handle(engine, request, reply).then(
      (value) => reply({ type: 'result', id: request.id, value }),
      (error: unknown) => reply({ type: 'error', id: request.id, message: (error as Error).message, cancelled: error instanceof CancelledError }),
    );
  });
}

async function handle(engine: HashEngine, request: WorkerRequest, reply: (m: WorkerReply) => void): Promise<unknown> {
  switch (request.type) {
    case 'measure':
      return engine.measure(request.items, hooks(request.id, new Int32Array(request.cancel), reply));
    case 'inCache':
      return engine.inCache(request.queries);
    case 'listing':
      return engine.readListing(request.query) ?? null;
    case 'clearStatCache':
      engine.clearStatCache();
      return null;
  }
}

function hooks(id: number, cancel: Int32Array, reply: (m: WorkerReply) => void): EngineHooks {
  let last = 0;
  return {
    checkpoint() {
      if (Atomics.load(cancel, 0) !== 0) throw new CancelledError('cancelled');
    },
    progress(progress) {
      const now = performance.now();
      if (now - last < PROGRESS_INTERVAL_MS && progress.filesDone !== progress.filesTotal) return;
      last = now;
      reply({ type: 'progress', id, progress: { ...progress } });
    },
  };
}

/**
 * On Linux a thread has its own nice value: this one (and only this one) steps back, so when the
 * cores are busy the extension host's thread runs first and hashing takes what is left. Threads
 * inherit it, so libuv's pool would too if this thread started it — the host has long started it.
 */
function yieldToHost(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10);
  } catch {
    // No /proc, or not allowed: hashing runs at the host's priority, as elsewhere.
  }
}
