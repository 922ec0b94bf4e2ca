/**
 * Cold hashing with the disk and the CPU busy at the same time. Reading a file synchronously and
 * then hashing it leaves the disk idle while MD5 runs and the CPU idle while the disk seeks
 * (`md5sum` does exactly that, which is why it is the floor we compare with). Here several files
 * are in flight at once (their reads wait in libuv's thread pool, giving the disk a queue), and
 * inside a file the next chunk is read while this one is hashed (two buffers), so one big file
 * overlaps too. Chunks are DVC's 1 MiB, so `md5-dos2unix` sees the same chunk boundaries.
 * Only reads wait on the disk: the walk's `stat` already brought each inode in, so opening and
 * closing are synchronous (three thread-pool round trips per small file cost more CPU than
 * hashing it: 100,000 cached one-line files took 5 s of CPU that way, 0.5 s synchronously).
 *
 * Files are read up to the size their `stat` gave: a file that grew since is hashed as it was,
 * and its new stat makes the next status hash it again (DVC would read on to the new end; the two
 * differ only for a file written during the check).
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, read } from 'node:fs';
import type { HashAlgorithm } from '../entities.js';
import { CHUNK_SIZE, updateHash } from './md5.js';

export interface HashJob {
  readonly path: string;
  readonly size: number;
  readonly algorithm: HashAlgorithm;
}

export interface ReaderHooks {
  /** Between chunks; throws to stop (cancellation). */
  checkpoint(): void;
  onChunk(bytes: number): void;
  onFile(index: number): void;
}

/**
 * Files in flight at once. Measured on the benchmark machine (2 cores, virtio disk, page cache
 * dropped, other jobs running): 1 lane hashes 1 GiB of 512 KiB files at `md5sum`'s speed, 4–16
 * lanes in 0.5–0.9 of its time; 100,000 one-line files take 10 s with 1 lane, 3.3–3.8 s with 8
 * or 16. More lanes only lengthen the queue of libuv's thread pool, which the whole process
 * (in the extension host: every extension) shares.
 */
export const LANES = 8;

/** The hashes of `jobs`, in order. The first failure stops every lane, and is thrown once all are closed. */
export async function hashFiles(jobs: readonly HashJob[], hooks: ReaderHooks, lanes = LANES): Promise<string[]> {
  const hashes = new Array<string>(jobs.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const checkpoint = (): void => {
    if (failure) throw failure.error;
    hooks.checkpoint();
  };
  const lane = async (): Promise<void> => {
    const buffers: [Buffer, Buffer] = [Buffer.allocUnsafe(CHUNK_SIZE), Buffer.allocUnsafe(CHUNK_SIZE)];
    while (!failure && next < jobs.length) {
      const index = next++;
      try {
        hashes[index] = await hashFile(jobs[index]!, buffers, checkpoint, hooks.onChunk);
        hooks.onFile(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, jobs.length) }, lane));
  if (failure) throw failure.error;
  return hashes;
}

async function hashFile(job: HashJob, buffers: [Buffer, Buffer], checkpoint: () => void, onChunk: (bytes: number) => void): Promise<string> {
  const fd = openSync(job.path, 'r');
  const hash = createHash('md5');
  let pending: Promise<number> | undefined = fillChunk(fd, buffers[0], 0, job.size);
  try {
    let position = 0;
    for (let which = 0; pending; which ^= 1) {
      const length: number = await pending;
      pending = undefined;
      position += length;
      // A full chunk may not be the last: read the next one while this one is hashed.
      if (length === CHUNK_SIZE) pending = fillChunk(fd, buffers[which ^ 1]!, position, job.size);
      checkpoint();
      if (length > 0) updateHash(hash, buffers[which]!.subarray(0, length), job.algorithm);
      onChunk(length);
    }
    return await hash.digest('hex');
  } finally {
    // Never close a descriptor a read still uses (the number could be reused by another lane's open).
    await pending?.catch(() => 0);
    closeSync(fd);
  }
}

/** Reads until the buffer is full or the file's stat size is reached, like Python's buffered `read(n)`. */
async function fillChunk(fd: number, buffer: Buffer, position: number, size: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length && position + filled < size) {
    const n = await fsRead(fd, buffer, filled, position + filled);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

function fsRead(fd: number, buffer: Buffer, offset: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buffer, offset, buffer.length - offset, position, (error, n) => (error ? reject(error) : resolve(n))));
}
