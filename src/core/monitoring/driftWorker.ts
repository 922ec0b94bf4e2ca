/** The worker thread of drift checks: one job per message, the result (plain JSON) or the error back. */
import { parentPort } from 'node:worker_threads';
import { runDriftJob, type DriftJob } from './driftJob.js';

parentPort?.on('message', (message: { id: number; job: DriftJob }) => {
  runDriftJob(message.job).then(
    (result) => parentPort?.postMessage({ id: message.id, result }),
    (error: Error & { reason?: string }) => parentPort?.postMessage({ id: message.id, error: { message: error.message, reason: error.reason ?? 'error' } }),
  );
});
