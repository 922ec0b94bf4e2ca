import type { Dirent } from 'node:fs';
import { opendir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { mapLimit } from '../util/concurrency.js';
import { TrackingError } from './errors.js';
import type { KeyValue } from './model.js';

/** Reading MLflow's file-store conventions: YAML written by PyYAML, one file per key. */

export type Yaml = Record<string, unknown>;

/** Open files at once: enough to keep the disk busy, far below any file-descriptor limit. */
export const PARALLEL_READS = 64;

/** Params and tags: one file per key, the whole file is the value; `/` in a key makes folders. */
export async function readKeyValues(dir: string): Promise<KeyValue[] | undefined> {
  const keys = await filesUnder(dir);
  if (keys.length === 0) return undefined;
  const values = await mapLimit(keys, PARALLEL_READS, (key) => readFile(join(dir, key), 'utf8'));
  return keys.map((key, i) => ({ key, value: values[i]! }));
}

/**
 * Relative POSIX paths of every file below `dir`, in the order Python's os.walk yields them (the
 * folder's files in directory order, then each sub-folder's, recursively): MLflow lists params,
 * tags and metrics in that order, so ours match it entry for entry. None when `dir` is absent.
 */
export async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const entries = await entriesInDirectoryOrder(dir);
  const files = entries.filter((e) => e.isFile()).map((e) => prefix + e.name);
  for (const sub of entries.filter((e) => e.isDirectory())) files.push(...(await filesUnder(join(dir, sub.name), `${prefix}${sub.name}/`)));
  return files;
}

/** Sub-folder names in directory order. */
export async function subdirectories(dir: string): Promise<string[]> {
  return (await entriesInDirectoryOrder(dir)).filter((e) => e.isDirectory()).map((e) => e.name);
}

/**
 * The entries of `dir` in the order the file system returns them, as Python's os.scandir and
 * os.listdir do (Node's readdir sorts them: libuv's scandir applies alphasort).
 */
async function entriesInDirectoryOrder(dir: string): Promise<Dirent[]> {
  let handle;
  try {
    handle = await opendir(dir, { bufferSize: 128 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
  const entries: Dirent[] = [];
  for await (const entry of handle) entries.push(entry);
  return entries;
}

export async function isDirectory(dir: string): Promise<boolean> {
  try {
    await readdir(dir);
    return true;
  } catch {
    return false;
  }
}

export async function readYaml(path: string): Promise<Yaml> {
  const text = await readFile(path, 'utf8');
  let value: unknown;
  try {
    // PyYAML writes YAML 1.1, so read it as 1.1 (`yes`, `0123` and friends differ in 1.2).
    value = parseYaml(text, { version: '1.1' });
  } catch (error) {
    throw new TrackingError('corrupt-entity', `${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, path, { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TrackingError('corrupt-entity', `${path} is empty or not a mapping (half-written?)`, path);
  }
  return value as Yaml;
}

