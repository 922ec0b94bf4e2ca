/**
 * Content diffs off the caller's thread: each diff in a worker of its own, so the extension host
 * never parses a gigabyte of CSV (the diff yields often, but the stats of every column still cost
 * tens of seconds of CPU). Aborting rejects at once; the worker then aborts the diff, removes its
 * temporary files and is ended.
 */
import { startWorker } from '../worker.js';
import { ContentDiffError, type ContentDiffErrorReason, type ContentDiffOptions, type ContentDiffResult } from './contentDiff.js';

export interface ContentDiffJob {
  readonly root: string;
  readonly path: string;
  readonly before: string;
  readonly after: string;
  readonly options: Omit<ContentDiffOptions, 'signal' | 'onSummary'>;
  /** Post the diff without its column stats first (ContentDiffOptions.onSummary). */
  readonly summary?: boolean;
}

export type ContentDiffReply = { readonly summary: ContentDiffResult } | { readonly result: ContentDiffResult } | { readonly error: { readonly name: string; readonly message: string; readonly reason?: string } };

/** How long an aborted diff may take to clean up before its worker is ended anyway. */
const CLEANUP_MS = 5_000;

/** `diffContent` in a worker; `workerPath` is the bundled worker (dist/contentDiffWorker.js) beside the caller. */
export function diffContentInWorker(root: string, path: string, before: string, after: string, options: ContentDiffOptions & { workerPath?: string } = {}): Promise<ContentDiffResult> {
  const { signal, workerPath, onSummary, ...rest } = options;
  signal?.throwIfAborted();
  const worker = startWorker({ caller: __filename, source: 'contentDiffWorker.ts', bundle: 'contentDiffWorker.js', workerPath: workerPath });
  return new Promise<ContentDiffResult>((resolve, reject) => {
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (!settle()) return;
      worker.postMessage({ abort: true });
      // The worker answers once its diff has stopped and cleaned up; ended after that, or after a bound.
      const end = setTimeout(() => void worker.terminate(), CLEANUP_MS);
      end.unref();
      const stopped = (reply: ContentDiffReply): void => {
        if ('summary' in reply) return;
        worker.off('message', stopped);
        clearTimeout(end);
        void worker.terminate();
      };
      worker.on('message', stopped);
      reject(signal!.reason instanceof Error ? signal!.reason : new DOMException('This operation was aborted', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const onMessage = (reply: ContentDiffReply): void => {
      if ('summary' in reply) {
        if (!settled) onSummary?.(reply.summary);
        return;
      }
      worker.off('message', onMessage);
      if (!settle()) return;
      void worker.terminate();
      if ('result' in reply) resolve(reply.result);
      else reject(errorOf(reply.error));
    };
    worker.on('message', onMessage);
    worker.once('error', (error) => {
      if (!settle()) return;
      void worker.terminate();
      reject(new ContentDiffError('unreadable', `the diff worker failed: ${error.message}`));
    });
    worker.once('exit', (code) => {
      if (!settle()) return;
      reject(new ContentDiffError('unreadable', `the diff worker stopped (exit code ${code})`));
    });
    const job: ContentDiffJob = { root, path, before, after, options: rest, ...(onSummary ? { summary: true } : {}) };
    worker.postMessage({ job });
  });
}

const REASONS: readonly ContentDiffErrorReason[] = ['bad-revision', 'not-found', 'bad-key', 'unreadable'];

/** The worker's error as the caller would have seen it in-process (a content diff's reason kept). */
function errorOf(error: { name: string; message: string; reason?: string }): Error {
  if (error.name === 'AbortError') return new DOMException(error.message, 'AbortError');
  if (error.reason && (REASONS as readonly string[]).includes(error.reason)) return new ContentDiffError(error.reason as ContentDiffErrorReason, error.message);
  const plain = new Error(error.message);
  plain.name = error.name;
  return plain;
}

