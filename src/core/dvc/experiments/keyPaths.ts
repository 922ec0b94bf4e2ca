/**
 * The tracked keys of a params file as DVC shows them (`read_param_file` with key paths:
 * `dpath.search(config, key, separator=".")` merged over every key): the file's nested structure
 * cut down to the paths the keys name. A segment may be a glob (`*`, `?`, `[…]`, as fnmatch);
 * a list is indexed by number, and a kept list item keeps its index (earlier slots are null).
 */
import { isDict, type PyDict, type PyValue } from '../pyValue.js';

export function searchKeys(value: PyValue, keys: readonly string[]): PyDict {
  const out: PyDict = {};
  for (const key of new Set(keys)) mergeInto(out, search(value, key.split('.')));
  return out;
}

function search(node: PyValue, parts: readonly string[]): PyValue | undefined {
  if (parts.length === 0) return structuredClone(node);
  const [head, ...rest] = parts as [string, ...string[]];
  const match = globMatcher(head);
  if (isDict(node)) {
    let found: PyDict | undefined;
    for (const [key, child] of Object.entries(node)) {
      if (!match(key)) continue;
      const sub = search(child, rest);
      if (sub === undefined) continue;
      found ??= {};
      setKey(found, key, sub);
    }
    return found;
  }
  if (Array.isArray(node)) {
    let found: PyValue[] | undefined;
    node.forEach((child, index) => {
      if (!match(String(index))) return;
      const sub = search(child, rest);
      if (sub === undefined) return;
      found ??= [];
      while (found.length < index) found.push(null);
      found[index] = sub;
    });
    return found;
  }
  return undefined;
}

function mergeInto(into: PyDict, from: PyValue | undefined): void {
  if (!isDict(from)) return;
  for (const [key, value] of Object.entries(from)) {
    const existing = Object.prototype.hasOwnProperty.call(into, key) ? into[key] : undefined;
    if (isDict(existing) && isDict(value)) mergeInto(existing, value);
    else setKey(into, key, value);
  }
}

const GLOB = /[*?[]/;

function globMatcher(segment: string): (key: string) => boolean {
  if (!GLOB.test(segment)) return (key) => key === segment;
  let pattern = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') pattern += '.*';
    else if (c === '?') pattern += '.';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) pattern += '\\[';
      else {
        const body = segment.slice(i + 1, end);
        pattern += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
        i = end;
      }
    } else pattern += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const regex = new RegExp(`^${pattern}$`, 's');
  return (key) => regex.test(key);
}

function setKey(out: PyDict, key: string, value: PyValue): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}
