/**
 * Downloads a run's artifacts (a file or a folder, recursively) to a local folder, as
 * `mlflow artifacts download -r RUN [-a PATH] -d DEST` lays them out: the file or folder PATH
 * names lands as DEST/basename(PATH) (mlflow.artifacts.download_artifacts opens the repository at
 * PATH's parent), everything when PATH is empty directly in DEST. Each file is
 * streamed (memory stays at one chunk per file in flight whatever its size) into a temporary
 * sibling and renamed into place once complete, so a cancel or a failure never leaves a partial
 * file under its real name; files finished before a cancel stay. Paths come from the store and
 * are untrusted: one that would leave DEST (`..`, absolute, a drive) is refused before anything
 * is written.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { TrackingError } from './errors.js';
import type { FileInfo } from './entities.js';
import type { ByteSink, QueryOptions, TrackingStore } from './store.js';

export interface DownloadProgress {
  /** The artifact path of the file that moved. */
  readonly path: string;
  /** Bytes of that file so far, and its size when known (listing or Content-Length). */
  readonly fileBytes: number;
  readonly fileSize: number | undefined;
  /** Bytes of every file so far, and the sum of the listed sizes. */
  readonly bytes: number;
  readonly totalBytes: number;
  readonly filesDone: number;
  readonly totalFiles: number;
}

export interface DownloadOptions extends QueryOptions {
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Files fetched at once (default 4). */
  readonly concurrency?: number;
}

export interface DownloadedFile {
  /** The artifact path. */
  readonly path: string;
  /** Where it was written. */
  readonly file: string;
  readonly bytes: number;
}

export interface DownloadResult {
  /** The local path of what was asked for: DEST/basename(PATH) (DEST when PATH is the artifact root). */
  readonly localPath: string;
  readonly files: readonly DownloadedFile[];
  readonly bytes: number;
}

/** A sink as the Node stream it is: ByteSink only names its shape (see store.ts for why). */
export function asWritable(sink: ByteSink): Writable {
  return sink as unknown as Writable;
}

const DEFAULT_CONCURRENCY = 4;
const MAX_LISTED_FILES = 1_000_000;

export async function downloadArtifacts(store: TrackingStore, runId: string, path: string | undefined, destination: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const root = resolve(destination);
  const artifactPath = normalise(path ?? '');
  const parent = artifactPath.includes('/') ? artifactPath.slice(0, artifactPath.lastIndexOf('/') + 1) : '';
  const localPath = artifactPath === '' ? root : localFile(root, artifactPath.slice(parent.length));
  const files = await filesUnder(store, runId, artifactPath, options.signal);
  // Every path is checked before the first byte is written: inside what was asked for, and inside DEST.
  const planned = files.map((info) => {
    const inside = artifactPath === '' || info.path === artifactPath || info.path.startsWith(`${artifactPath}/`);
    if (!inside) throw new TrackingError('invalid-argument', `Refusing the artifact path '${info.path}': the store listed it under '${artifactPath}'`, info.path);
    return { info, file: localFile(root, normalise(info.path).slice(parent.length)) };
  });
  const totalBytes = files.reduce((sum, info) => sum + (info.file_size ?? 0), 0);
  const done: DownloadedFile[] = [];
  let bytes = 0;
  const report = (info: FileInfo, fileBytes: number, delta: number): void => {
    bytes += delta;
    options.onProgress?.({ path: info.path, fileBytes, fileSize: info.file_size, bytes, totalBytes, filesDone: done.length, totalFiles: files.length });
  };
  await mkdir(localPath === root ? root : dirname(localPath), { recursive: true });
  // The first failure stops the other files, and nothing is written once this function returns.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < planned.length) {
      signal.throwIfAborted();
      const { info, file } = planned[next++]!;
      let counted = 0;
      const written = await downloadOne(store, runId, info, file, signal, (received) => {
        // A retry starts the file again: its bytes are counted again from zero.
        report(info, received, received - counted);
        counted = received;
      });
      done.push({ path: info.path, file, bytes: written });
      report(info, written, written - counted);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, planned.length));
  const outcomes = await Promise.allSettled(
    Array.from({ length: workers }, () =>
      worker().catch((error: unknown) => {
        stop.abort(error);
        throw error;
      }),
    ),
  );
  options.signal?.throwIfAborted();
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  if (files.length === 0) await mkdir(localPath, { recursive: true });
  done.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { localPath, files: done, bytes: done.reduce((sum, file) => sum + file.bytes, 0) };
}

/**
 * The files to fetch: every file below a folder (breadth first, in the store's order), or the one
 * file `path` names (a listing of a file is empty; its size comes from its parent's listing).
 */
async function filesUnder(store: TrackingStore, runId: string, path: string, signal: AbortSignal | undefined): Promise<FileInfo[]> {
  const listing = await store.listArtifacts(runId, path || undefined, { signal });
  if (listing.files.length === 0 && path !== '') {
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : undefined;
    const siblings = await store.listArtifacts(runId, parent, { signal });
    const self = siblings.files.find((file) => file.path === path);
    if (self?.is_dir) return [];
    if (!self) throw new TrackingError('not-found', `Run ${runId} has no artifact '${path}'`, path);
    return [self];
  }
  const files: FileInfo[] = [];
  const folders: FileInfo[][] = [[...listing.files]];
  while (folders.length > 0) {
    for (const entry of folders.shift()!) {
      if (!entry.is_dir) files.push(entry);
      else folders.push([...(await store.listArtifacts(runId, entry.path, { signal })).files]);
      if (files.length > MAX_LISTED_FILES) throw new TrackingError('too-large', `Run ${runId} lists more than ${MAX_LISTED_FILES} artifact files under '${path || '/'}'`, path);
    }
  }
  return files;
}

async function downloadOne(store: TrackingStore, runId: string, info: FileInfo, file: string, signal: AbortSignal | undefined, onData: (received: number) => void): Promise<number> {
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.mlw-partial-${randomBytes(4).toString('hex')}`;
  let stream: WriteStream | undefined;
  try {
    const written = await store.streamArtifact(runId, info.path, () => (stream = createWriteStream(partial)), { signal, onData });
    await rename(partial, file);
    return written;
  } catch (error) {
    // A stream destroyed before its file was open still opens (creates) it, then closes: the
    // partial file is removed only once the stream is closed, or it would come back after.
    if (stream && !stream.closed) {
      const closed = once(stream, 'close').catch(() => undefined);
      stream.destroy();
      await closed;
    }
    await rm(partial, { force: true });
    throw error;
  }
}

/** `a/b` from what the store or the user gave; refuses what could leave the destination. */
function normalise(path: string): string {
  if (path.startsWith('/')) throw new TrackingError('invalid-argument', `Refusing the artifact path '${path}': it is absolute`, path);
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '';
  const parts = trimmed.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..' || part.includes('\\') || part.includes('\0')) || /^[a-zA-Z]:/.test(trimmed)) {
    throw new TrackingError('invalid-argument', `Refusing the artifact path '${path}': it could leave the download folder`, path);
  }
  return trimmed;
}

function localFile(root: string, artifactPath: string): string {
  const file = join(root, ...normalise(artifactPath).split('/'));
  if (!file.startsWith(root + sep)) throw new TrackingError('invalid-argument', `Refusing the artifact path '${artifactPath}': it leaves ${root}`, artifactPath);
  return file;
}
