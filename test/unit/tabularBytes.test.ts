/**
 * The byte-level helpers the data diff's fast paths rest on, against the obvious slow answer on
 * random bytes at every alignment (a fast path that miscounts shows as a wrong row count).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countNewlines } from '../../src/core/tabular/records.js';

/** Deterministic bytes rich in newlines and in bytes one bit away from one (0x0b, 0x8a, 0x0e, 0x00, 0xff). */
function randomBytes(length: number, seed: number): Buffer {
  const tricky = [0x0a, 0x0a, 0x0b, 0x08, 0x8a, 0x0e, 0x2a, 0x00, 0xff, 0x7f, 0x80, 0x22, 0x2c];
  const out = Buffer.from(new ArrayBuffer(length + 8), 3, length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x % 3 === 0 ? tricky[(x >>> 8) % tricky.length]! : (x >>> 16) & 0xff;
  }
  return out;
}

describe('countNewlines', () => {
  it('counts what a byte loop counts, at every start and end alignment, across its 255-word batches', () => {
    for (const length of [0, 1, 3, 4, 7, 64, 1021, 1020 * 4 + 9, 5000]) {
      const bytes = randomBytes(length, length + 1);
      for (let start = 0; start < Math.min(length, 9); start++) {
        for (const end of [length, Math.max(start, length - 1), Math.max(start, length - 5)]) {
          let expected = 0;
          for (let i = start; i < end; i++) if (bytes[i] === 0x0a) expected++;
          assert.equal(countNewlines(bytes, start, end), expected, `length ${length}, [${start}, ${end})`);
        }
      }
    }
  });

  it('a window of nothing but newlines (every lane of every word full, past 255 words)', () => {
    const bytes = Buffer.from(new ArrayBuffer(4 * 1000)).fill(0x0a);
    assert.equal(countNewlines(bytes, 0, bytes.length), bytes.length);
    assert.equal(countNewlines(bytes, 1, bytes.length - 2), bytes.length - 3);
  });
});
