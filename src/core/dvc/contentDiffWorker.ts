/**
 * The worker thread of content diffs (contentDiffRunner.ts): one diff per worker; an `abort`
 * message aborts it, so its temporary files are removed before the worker is ended.
 */
import { parentPort } from 'node:worker_threads';
import { diffContent, type ContentDiffOptions } from './contentDiff.js';
import type { ContentDiffJob, ContentDiffReply } from './contentDiffRunner.js';

const controller = new AbortController();

parentPort?.on('message', (message: { job: ContentDiffJob } | { abort: true }) => {
  if ('abort' in message) return controller.abort();
  const { root, path, before, after, options } = message.job;
  const withSignal: ContentDiffOptions = { ...options, signal: controller.signal, ...(message.job.summary ? { onSummary: (summary) => parentPort?.postMessage({ summary } satisfies ContentDiffReply) } : {}) };
  diffContent(root, path, before, after, withSignal).then(
    (result) => parentPort?.postMessage({ result } satisfies ContentDiffReply),
    (error: Error & { reason?: string }) => parentPort?.postMessage({ error: { name: error.name, message: error.message, ...(error.reason ? { reason: error.reason } : {}) } } satisfies ContentDiffReply),
  );
});
