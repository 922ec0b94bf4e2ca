/**
 * Drift checks off the caller's thread: each job in a worker of its own (started for it, ended
 * after it or when aborted, so a cancelled check stops computing at once).
 */
import { startWorker } from '../worker.js';
import type { DriftJob, DriftJobResult } from './driftJob.js';

export class DriftJobError extends Error {
  override readonly name = 'DriftJobError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Runs `job` in a worker; `workerPath` is the bundled worker (dist/driftWorker.js) beside the caller. */
export function runDriftInWorker(job: DriftJob, options: { signal?: AbortSignal; workerPath?: string } = {}): Promise<DriftJobResult> {
  options.signal?.throwIfAborted();
  const worker = startWorker({ caller: __filename, source: 'driftWorker.ts', bundle: 'driftWorker.js', workerPath: options.workerPath });
  return new Promise<DriftJobResult>((resolve, reject) => {
    const finish = (): void => {
      options.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
    };
    const onAbort = (): void => {
      finish();
      reject(options.signal!.reason instanceof Error ? options.signal!.reason : new DriftJobError('cancelled', 'cancelled'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (message: { result?: DriftJobResult; error?: { message: string; reason: string } }) => {
      finish();
      if (message.result) resolve(message.result);
      else reject(new DriftJobError(message.error?.reason ?? 'error', message.error?.message ?? 'the drift worker failed'));
    });
    worker.once('error', (error) => {
      finish();
      reject(new DriftJobError('worker-failed', `the drift worker failed: ${error.message}`));
    });
    worker.postMessage({ id: 1, job });
  });
}

