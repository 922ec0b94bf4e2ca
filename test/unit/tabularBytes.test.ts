/**
 * The byte-level helpers the data diff's fast paths rest on, against the obvious slow answer on
 * random bytes at every alignment (a fast path that miscounts shows as a wrong row count).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SIMD_PIECE, simdCounter } from '../../src/core/tabular/newlineSimd.js';
import { countNewlines } from '../../src/core/tabular/records.js';
import { ColumnAccumulator, DISTINCT_CAP, TOP } from '../../src/core/tabular/stats.js';

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

  it('a window of nothing but newlines (every lane full, past 255 words and 255 SIMD vectors)', () => {
    for (const length of [4 * 1000, 16 * 1000 + 5]) {
      const bytes = Buffer.from(new ArrayBuffer(length)).fill(0x0a);
      assert.equal(countNewlines(bytes, 0, bytes.length), bytes.length);
      assert.equal(countNewlines(bytes, 1, bytes.length - 2), bytes.length - 3);
    }
  });

  it('a stretch longer than the SIMD module holds at once: counted piece by piece', () => {
    const bytes = randomBytes(SIMD_PIECE * 2 + 4099, 99);
    let expected = 0;
    for (let i = 5; i < bytes.length; i++) if (bytes[i] === 0x0a) expected++;
    assert.ok(simdCounter() !== null, 'WebAssembly SIMD is available in Node 20');
    assert.equal(countNewlines(bytes, 5, bytes.length), expected);
  });
});

describe('ColumnAccumulator: text values counted by their bytes', () => {
  /** The same counts kept the obvious way: a Map by text, new values refused past the cap. */
  function naive(values: readonly string[]): { distinct: number; capped: boolean; top: { value: string; count: number }[] } {
    const counts = new Map<string, number>();
    let capped = false;
    for (const value of values) {
      const count = counts.get(value);
      if (count !== undefined) counts.set(value, count + 1);
      else if (counts.size < DISTINCT_CAP) counts.set(value, 1);
      else capped = true;
    }
    const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP).map(([value, count]) => ({ value, count }));
    return { distinct: counts.size, capped, top };
  }

  it('past the distinct cap, with repeats, long values and lookalikes: the same distinct count and top values', () => {
    const values: string[] = [];
    let x = 7;
    for (let i = 0; i < 2 * DISTINCT_CAP + 30_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      // Some values often (top), many once (past the cap), long ones (compared natively), near-duplicates.
      const kind = x % 10;
      values.push(kind < 3 ? `city${x % 7}` : kind === 3 ? `${'long-'.repeat(10)}${x % 50}` : kind === 4 ? `n${x % 5}` : `n${i}`);
    }
    const column = new ColumnAccumulator('c');
    const bytes = Buffer.from(values.join('\n'));
    let start = 0;
    for (const value of values) {
      const end = start + Buffer.byteLength(value);
      column.addTextBytes(bytes, start, end);
      start = end + 1;
    }
    const stats = column.result();
    const expected = naive(values);
    assert.equal(stats.count, values.length);
    assert.equal(stats.distinct, expected.distinct);
    assert.equal(stats.distinctAtLeast === true, expected.capped);
    assert.deepEqual(stats.top, expected.top);
  });

  it('the most frequent values first, ties by value, whatever order they came in', () => {
    const column = new ColumnAccumulator('c');
    for (const value of 'gfedcbagdbgcafdabg') column.addText(value);
    assert.deepEqual(column.result().top, [
      { value: 'g', count: 4 },
      { value: 'a', count: 3 },
      { value: 'b', count: 3 },
      { value: 'd', count: 3 },
      { value: 'c', count: 2 },
    ]);
  });

  it('byte strings that are not UTF-8 and read as the same text are one value', () => {
    const column = new ColumnAccumulator('c');
    for (const bytes of [Buffer.from([0x61, 0xff]), Buffer.from([0x61, 0xfe]), Buffer.from('a\ufffd')]) column.addTextBytes(bytes, 0, bytes.length);
    assert.deepEqual(column.result().top, [{ value: 'a\ufffd', count: 3 }]);
    assert.equal(column.result().distinct, 1);
  });
});

describe('ColumnAccumulator: value counts of numbers', () => {
  for (const kinds of [2, 8, 9, 40, 1000, 1001, 5000]) {
    it(`${kinds} distinct numbers: the counts a Map keeps, or none past 1,000`, () => {
      const column = new ColumnAccumulator('n');
      const counts = new Map<number, number>();
      for (let i = 0; i < 12_000; i++) {
        const value = ((i * 7919) % kinds) / 4 - 3;
        column.addNumber(value);
        counts.set(value, (counts.get(value) ?? 0) + 1);
      }
      const stats = column.result();
      if (kinds > 1000) {
        assert.equal(stats.distinct, undefined);
        return;
      }
      assert.equal(stats.distinct, counts.size);
      const expected = [...counts].map(([v, c]) => [String(v), c] as const).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP);
      assert.deepEqual(stats.top, expected.map(([value, count]) => ({ value, count })));
    });
  }
});
