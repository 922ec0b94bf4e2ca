/**
 * Directory hashes as dvc-data builds them (dvc_data/hashfile/tree.py `as_list`/`as_bytes`/
 * `digest`): one `{"md5", "relpath"}` entry per file (legacy trees too keep the key `md5`), sorted
 * by relpath in code-point order, serialised as Python's `json.dumps(..., sort_keys=True)` with
 * `ensure_ascii` (", " and ": " separators, `\uXXXX` escapes), hashed with plain MD5, + ".dir".
 */
import { createHash } from 'node:crypto';

export interface DirEntry {
  readonly relpath: string;
  readonly md5: string;
}

/** Python compares str by code point; JS `<` compares UTF-16 units (differs only past U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Printable ASCII but `"` and `\`: the same in JSON and in Python's json, nothing to escape (most paths, every md5). */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Python's `json.dumps(str)` with `ensure_ascii=True`. */
export function pythonJsonString(value: string): string {
  if (PLAIN.test(value)) return `"${value}"`;
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

export function dirListingText(entries: readonly DirEntry[]): string {
  const sorted = [...entries].sort((a, b) => compareCodePoints(a.relpath, b.relpath));
  return '[' + sorted.map((e) => `{"md5": ${pythonJsonString(e.md5)}, "relpath": ${pythonJsonString(e.relpath)}}`).join(', ') + ']';
}

export function dirHash(entries: readonly DirEntry[]): string {
  return createHash('md5').update(dirListingText(entries), 'latin1').digest('hex') + '.dir';
}

/** Reads a `.dir` object from the cache (a JSON list of entries); undefined when malformed. */
export function parseDirListing(text: string): DirEntry[] | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(raw)) return undefined;
  const out: DirEntry[] = [];
  for (const item of raw) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { relpath, md5 } = item as Record<string, unknown>;
    if (typeof relpath !== 'string' || typeof md5 !== 'string') return undefined;
    out.push({ relpath, md5 });
  }
  return out;
}
