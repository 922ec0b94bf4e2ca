/**
 * Loaded values as the experiments model holds them: plain JSON-like data, ints as numbers (as
 * strings past 2^53, where a number would lose digits). Non-finite floats stay numbers (NaN,
 * ±Infinity, which Python's json writes as bare words and `JSON.stringify` writes as null).
 */
import { isDict, type PyValue } from '../pyValue.js';

export function jsonValue(value: PyValue): unknown {
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(jsonValue);
  if (isDict(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) Object.defineProperty(out, key, { value: jsonValue(item), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}
