/**
 * Whether an object is in DVC's cache — for a directory, the `.dir` listing and every file it
 * lists. Checking 100,000 listed files is 100,000 `stat`s and the listing's parse on every
 * status; but objects only leave the cache by being unlinked, and an unlink changes its shard
 * folder's (`files/md5/ab/`) mtime and ctime. So once every object of a listing was seen present,
 * the stamps of its shard folders are remembered (in the stat cache's file) and, while none of
 * them changed, the answer stands at the cost of at most 256 `stat`s. A folder changed within
 * RACY_WINDOW_MS of the check is not remembered: a later unlink in the same timestamp tick
 * would leave its mtime as it was.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HashAlgorithm } from '../entities.js';
import { parseDirListing, type DirEntry } from './dirListing.js';
import { RACY_WINDOW_MS, type StatCache } from './statCache.js';

export interface CacheQuery {
  readonly cacheDir: string;
  readonly hash: string;
  readonly algorithm: HashAlgorithm;
}

/** DVC 3 objects live under `files/md5/`; DVC 2 (`md5-dos2unix`) objects at the cache's top. */
export function objectPath(cacheDir: string, hash: string, algorithm: HashAlgorithm): string {
  const base = algorithm === 'md5' ? join(cacheDir, 'files', 'md5') : cacheDir;
  return join(base, hash.slice(0, 2), hash.slice(2));
}

export function readListing(query: CacheQuery): DirEntry[] | undefined {
  try {
    return parseDirListing(readFileSync(objectPath(query.cacheDir, query.hash, query.algorithm), 'utf8'));
  } catch {
    return undefined;
  }
}

export function inCache(query: CacheQuery, memo: StatCache, nowMs = Date.now()): boolean {
  const path = objectPath(query.cacheDir, query.hash, query.algorithm);
  if (!query.hash.endsWith('.dir')) return existsSync(path);
  const remembered = memo.presenceStamp(path);
  if (remembered !== undefined) {
    const [shardList = ''] = remembered.split('|');
    if (stampObject(path, shardList.split(','), Infinity) === remembered) return true;
  }
  const entries = readListing(query);
  if (!entries) return false;
  const shards = [...new Set([query.hash, ...entries.map((e) => e.md5)].map((h) => h.slice(0, 2)))].sort();
  // Stamped before the objects are looked at: an unlink after this point changes the stamp.
  const stamp = stampObject(path, shards, nowMs - RACY_WINDOW_MS);
  const present = entries.every((e) => existsSync(objectPath(query.cacheDir, e.md5, query.algorithm)));
  memo.setPresenceStamp(path, present ? stamp : undefined);
  return present;
}

/**
 * `shards|digest of (inode, mtime, ctime, size) of the listing and of its shard folders`;
 * undefined when one is missing or changed after `stableBeforeMs`. The listing's own stat is in it
 * too: DVC never rewrites an object in place, but if someone did, the listing is read again.
 */
function stampObject(listing: string, shards: readonly string[], stableBeforeMs: number): string | undefined {
  const base = dirname(dirname(listing));
  const digest = createHash('md5');
  for (const path of [listing, ...shards.map((shard) => join(base, shard))]) {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats || Math.max(stats.mtimeMs, stats.ctimeMs) >= stableBeforeMs) return undefined;
    digest.update(`${path}\0${stats.ino} ${stats.mtimeMs} ${stats.ctimeMs} ${stats.size}\n`);
  }
  return `${shards.join(',')}|${digest.digest('hex')}`;
}
