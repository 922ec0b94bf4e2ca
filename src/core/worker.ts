/**
 * A worker thread of one of our worker modules, wherever the calling code runs:
 * - bundled (the extension, the CLI): the worker's own bundle beside the caller's (`dist/<bundle>`);
 * - from source under tsx (tests, benchmarks, the CLI from source): the worker's TypeScript
 *   source beside the caller, loaded through tsx's require hook (a worker does not inherit it);
 * - or an explicit script (`workerPath`), as tests and benchmarks pass one.
 */
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface WorkerModule {
  /** The caller's `__filename`: where its source and its bundle are. */
  readonly caller: string;
  /** The worker's source file name, beside the caller's source (e.g. `worker.ts`). */
  readonly source: string;
  /** The worker's bundle name, beside the caller's bundle (e.g. `dvcExpWorker.js`). */
  readonly bundle: string;
  /** A script to run instead (tests, benchmarks). */
  readonly workerPath?: string | undefined;
  readonly workerData?: unknown;
}

export function startWorker(module: WorkerModule): Worker {
  const options = module.workerData === undefined ? {} : { workerData: module.workerData };
  if (module.workerPath) return new Worker(module.workerPath, options);
  const here = dirname(module.caller);
  if (module.caller.endsWith('.ts')) {
    const source = join(here, module.source);
    return new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(source)});`, { ...options, eval: true });
  }
  return new Worker(join(here, module.bundle), options);
}
