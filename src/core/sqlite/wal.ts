/**
 * The committed content of a write-ahead log, laid over a private copy of the database, as
 * SQLite's WAL recovery finds it (sqlite/src/wal.c `walIndexRecover`, `walDecodeFrame`,
 * `walChecksumBytes`; format in https://www.sqlite.org/fileformat.html §4.3). For the sql.js
 * path, which only ever sees bytes: the committed transactions a writer has not checkpointed yet
 * live only in `-wal`.
 *
 * A WAL is a 32-byte header (magic, version, page size, checkpoint sequence, two salts, a
 * checksum) and frames: a 24-byte header (page number, the database size in pages for a commit
 * frame, the salts, a running checksum) and the page. Frames count while their salts match and
 * their checksum chain holds; the content is what the last valid commit frame closes.
 */

import { resized } from './bytes.js';

const MAGIC = 0x377f0682;
const VERSION = 3007000;
const HEADER = 32;
const FRAME_HEADER = 24;

export class WalRecoveryError extends Error {}

export interface WalReplay {
  readonly database: Uint8Array;
  /** Frames laid over the database (those up to the last commit). */
  readonly framesApplied: number;
}

/** The database with the WAL's committed frames applied (`database`, a private copy, may be written in place). */
export function applyWal(database: Uint8Array, wal: Uint8Array): WalReplay {
  if (wal.length < HEADER) return { database, framesApplied: 0 };
  const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const magic = view.getUint32(0);
  const pageSize = view.getUint32(8);
  // SQLite reads a WAL with a bad magic, page size or header checksum as holding nothing.
  if ((magic & 0xfffffffe) >>> 0 !== MAGIC || pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return { database, framesApplied: 0 };
  const bigEndian = (magic & 1) === 1;
  let sums = checksum(bigEndian, wal, 0, 24, [0, 0]);
  if (sums[0] !== view.getUint32(24) || sums[1] !== view.getUint32(28)) return { database, framesApplied: 0 };
  if (view.getUint32(4) !== VERSION) throw new WalRecoveryError(`its write-ahead log has format version ${view.getUint32(4)}, which SQLite ${VERSION} does not read`);
  const salt1 = view.getUint32(16);
  const salt2 = view.getUint32(20);
  const frames: { page: number; offset: number }[] = [];
  let committed = 0;
  let pages = 0;
  for (let offset = HEADER; offset + FRAME_HEADER + pageSize <= wal.length; offset += FRAME_HEADER + pageSize) {
    const page = view.getUint32(offset);
    if (page === 0 || view.getUint32(offset + 8) !== salt1 || view.getUint32(offset + 12) !== salt2) break;
    sums = checksum(bigEndian, wal, offset, 8, sums);
    sums = checksum(bigEndian, wal, offset + FRAME_HEADER, pageSize, sums);
    if (sums[0] !== view.getUint32(offset + 16) || sums[1] !== view.getUint32(offset + 20)) break;
    frames.push({ page, offset: offset + FRAME_HEADER });
    const sizeAfterCommit = view.getUint32(offset + 4);
    if (sizeAfterCommit !== 0) {
      committed = frames.length;
      pages = sizeAfterCommit;
    }
  }
  if (committed === 0) return { database, framesApplied: 0 };
  const db = resized(database, pages * pageSize);
  for (const frame of frames.slice(0, committed)) {
    if (frame.page <= pages) db.set(wal.subarray(frame.offset, frame.offset + pageSize), (frame.page - 1) * pageSize);
  }
  return { database: db, framesApplied: committed };
}

/** `walChecksumBytes`: two running sums over 32-bit words, in the byte order the magic names. */
function checksum(bigEndian: boolean, bytes: Uint8Array, start: number, length: number, [s0, s1]: readonly [number, number] | number[]): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, length);
  let a = s0!;
  let b = s1!;
  for (let i = 0; i < length; i += 8) {
    a = (a + view.getUint32(i, !bigEndian) + b) >>> 0;
    b = (b + view.getUint32(i + 4, !bigEndian) + a) >>> 0;
  }
  return [a, b];
}
