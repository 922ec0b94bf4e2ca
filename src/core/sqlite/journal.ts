/**
 * Rolling back a hot rollback journal onto a private copy of the database, as SQLite's pager
 * does when it opens a database a writer left mid-transaction (sqlite/src/pager.c
 * `pager_playback`, `readJournalHdr`, `pager_playback_one_page`, `readSuperJournal`; format in
 * https://www.sqlite.org/fileformat.html §4.1). For the sql.js path, which only ever sees bytes.
 *
 * A journal is a series of headers (one sector each): magic, record count, checksum seed,
 * the database's size in pages when the transaction began, sector size, page size. Each header
 * is followed by records: page number, the page as it was, a checksum of every 200th byte.
 */

import { resized } from './bytes.js';

const MAGIC = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7];
/** The byte offset of SQLite's lock page; the super-journal record claims its page number. */
const PENDING_BYTE = 0x40000000;

export class JournalRecoveryError extends Error {}

export interface Rollback {
  /** The database as it was before the interrupted transaction. */
  readonly database: Uint8Array;
  /** Pages written back (0: the journal was not hot, or held nothing to undo). */
  readonly pagesRestored: number;
}

/** The pages as they were before the transaction `journal` belongs to (`database`, a private copy, is written in place). */
export function rollBack(database: Uint8Array, journal: Uint8Array): Rollback {
  if (!isHot(database, journal)) return { database, pagesRestored: 0 };
  if (superJournalName(journal) !== undefined) {
    throw new JournalRecoveryError('its hot journal belongs to a transaction over several databases (it names a super-journal)');
  }
  let db = database;
  let restored = 0;
  let pageSize = 0;
  let sectorSize = 0;
  let offset = 0;
  for (let first = true; ; first = false) {
    const header = readHeader(journal, offset, first ? undefined : sectorSize);
    if (!header) break;
    if (first) {
      ({ pageSize, sectorSize } = header);
      db = resized(db, header.originalPages * pageSize);
    }
    offset += sectorSize;
    const recordSize = pageSize + 8;
    const records = header.records === 0xffffffff ? Math.floor((journal.length - offset) / recordSize) : header.records;
    const lastPage = db.length / pageSize;
    let done = false;
    for (let i = 0; i < records; i++, offset += recordSize) {
      if (offset + recordSize > journal.length) return { database: db, pagesRestored: restored };
      const view = new DataView(journal.buffer, journal.byteOffset + offset, recordSize);
      const page = view.getUint32(0);
      const data = journal.subarray(offset + 4, offset + 4 + pageSize);
      if (page === 0 || page === Math.floor(PENDING_BYTE / pageSize) + 1) {
        done = true;
        break;
      }
      if (page > lastPage) continue;
      if (checksum(header.seed, data) !== view.getUint32(4 + pageSize)) {
        done = true;
        break;
      }
      db.set(data, (page - 1) * pageSize);
      restored++;
    }
    if (done) break;
    offset = Math.ceil(offset / sectorSize) * sectorSize;
  }
  return { database: db, pagesRestored: restored };
}

/**
 * `hasHotJournal`, minus the lock test no file read can make: a non-empty journal whose first
 * byte is set (a writer zeroes the magic until the journal is synced, and PERSIST mode zeroes it
 * at commit) next to a non-empty database. A journal of a writer still holding its lock before
 * writing the database restores the pages the database still holds: the result is the same.
 */
function isHot(database: Uint8Array, journal: Uint8Array): boolean {
  return database.length > 0 && journal.length > 0 && journal[0] !== 0;
}

interface Header {
  readonly records: number;
  readonly seed: number;
  readonly originalPages: number;
  readonly sectorSize: number;
  readonly pageSize: number;
}

function readHeader(journal: Uint8Array, offset: number, sectorSize: number | undefined): Header | undefined {
  if (offset + 28 > journal.length) return undefined;
  for (let i = 0; i < MAGIC.length; i++) if (journal[offset + i] !== MAGIC[i]) return undefined;
  const view = new DataView(journal.buffer, journal.byteOffset + offset, 28);
  const header = { records: view.getUint32(8), seed: view.getUint32(12), originalPages: view.getUint32(16), sectorSize: sectorSize ?? view.getUint32(20), pageSize: view.getUint32(24) };
  if (sectorSize === undefined) {
    // A header with sizes out of range was never synced: SQLite stops reading there.
    if (!isPowerOfTwo(header.pageSize, 512, 65536) || !isPowerOfTwo(header.sectorSize, 32, 65536)) return undefined;
    if (offset + header.sectorSize > journal.length) return undefined;
  }
  return header;
}

const isPowerOfTwo = (value: number, min: number, max: number): boolean => value >= min && value <= max && (value & (value - 1)) === 0;

/** `pager_cksum`: the seed plus every 200th byte, counting down from 200 before the page's end. */
function checksum(seed: number, page: Uint8Array): number {
  let sum = seed;
  for (let i = page.length - 200; i > 0; i -= 200) sum = (sum + page[i]!) >>> 0;
  return sum;
}

/** `readSuperJournal`: the name a multi-database transaction leaves at the journal's end. */
function superJournalName(journal: Uint8Array): string | undefined {
  if (journal.length < 16) return undefined;
  const tail = journal.length - 16;
  for (let i = 0; i < MAGIC.length; i++) if (journal[tail + 8 + i] !== MAGIC[i]) return undefined;
  const length = new DataView(journal.buffer, journal.byteOffset + tail, 4).getUint32(0);
  if (length === 0 || length > tail) return undefined;
  return Buffer.from(journal.subarray(tail - length, tail)).toString('utf8');
}
