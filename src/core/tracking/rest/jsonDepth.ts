/**
 * How deep a JSON text nests, found without parsing it: a server's answer is untrusted, and
 * whatever walks the parsed value recursively (JSON.stringify, structuredClone, postMessage)
 * overflows the stack some thousands of levels down. MLflow's own answers nest a handful deep.
 */

/** Far above any MLflow answer, far below what recursion in V8 survives. */
export const MAX_JSON_DEPTH = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** True when objects and arrays in `bytes` (UTF-8 JSON) open more than `limit` levels deep. */
export function jsonDepthExceeds(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
