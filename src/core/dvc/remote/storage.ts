/**
 * Where DVC objects are looked up by key (`files/md5/ab/cdef…`, `ab/cdef…` for DVC 2 objects):
 * the local cache, a local remote, an S3 remote. One question per call, for many keys at once,
 * so that each backend answers in its cheapest way (a folder listing per shard, a bucket listing
 * or a request per key).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { HashAlgorithm } from '../entities.js';

export interface ObjectStorage {
  /** For messages: the folder or `s3://bucket/prefix`. */
  readonly label: string;
  /** The keys of `keys` that exist. */
  existing(keys: readonly string[], signal?: AbortSignal): Promise<Set<string>>;
  /** An object's bytes (a `.dir` listing), undefined when it does not exist or is larger than `maxBytes`. */
  read(key: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array | undefined>;
}

/** DVC 3 objects under `files/md5/`, DVC 2 (`md5-dos2unix`) ones at the top (dvc/cachemgr.py, data_cloud.py). */
export function objectKey(hash: string, algorithm: HashAlgorithm): string {
  const shard = `${hash.slice(0, 2)}/${hash.slice(2)}`;
  return algorithm === 'md5' ? `files/md5/${shard}` : shard;
}

/** Shards asked about for at most this many keys are answered by `stat`s; more, by one `readdir`. */
const STAT_LIMIT = 4;
/** Shards looked up at once (libuv's thread pool has 4 threads by default; more keeps them fed). */
const PARALLEL_SHARDS = 8;

/** A folder laid out as DVC's cache: the local cache itself, or a local remote. */
export class FolderStorage implements ObjectStorage {
  constructor(readonly root: string) {}

  get label(): string {
    return this.root;
  }

  async existing(keys: readonly string[], signal?: AbortSignal): Promise<Set<string>> {
    const byShard = new Map<string, string[]>();
    for (const key of keys) {
      const slash = key.lastIndexOf('/');
      const shard = key.slice(0, slash);
      const list = byShard.get(shard);
      if (list) list.push(key);
      else byShard.set(shard, [key]);
    }
    const found = new Set<string>();
    // One listing of each shards' parent (`files/md5`, or the top for DVC 2) skips shards that do not exist.
    const present = new Map<string, Set<string>>();
    for (const parent of new Set([...byShard.keys()].map((shard) => shard.slice(0, shard.lastIndexOf('/') + 1)))) {
      present.set(parent, new Set(await readdir(join(this.root, parent)).catch(() => [] as string[])));
    }
    const shards = [...byShard].filter(([shard]) => {
      const parent = shard.slice(0, shard.lastIndexOf('/') + 1);
      return present.get(parent)?.has(shard.slice(parent.length)) ?? false;
    });
    // Several shards at once: each is a round trip to the file system (libuv's threads run them side by side).
    let next = 0;
    const lookUp = async (): Promise<void> => {
      while (next < shards.length) {
        signal?.throwIfAborted();
        const [shard, shardKeys] = shards[next++]!;
        if (shardKeys.length <= STAT_LIMIT) {
          const files = await Promise.all(shardKeys.map((key) => isFile(join(this.root, key))));
          shardKeys.forEach((key, i) => files[i] && found.add(key));
          continue;
        }
        const names = new Set(await readdir(join(this.root, shard)).catch(() => [] as string[]));
        for (const key of shardKeys) if (names.has(key.slice(shard.length + 1))) found.add(key);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_SHARDS, shards.length) }, lookUp));
    return found;
  }

  async read(key: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const path = join(this.root, key);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || info.size > maxBytes) return undefined;
    return readFile(path).catch(() => undefined);
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}
