import { readdir, readFile } from 'node:fs/promises';
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

/** Relative POSIX paths of every file below `dir`, sorted; none when `dir` does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
  const prefix = dir.length + 1;
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name).slice(prefix).split('\\').join('/'))
    .sort();
}

export async function subdirectories(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
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

