/**
 * Run colours (src/core/series/colors.ts): a fixed hash (FNV-1a test vectors), and slots that
 * depend only on the set of runs, differ while slots remain, and are shared evenly beyond.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { assignColorSlots, preferredSlot, runIdHash } from '../../src/core/series/colors.js';

test('the hash is 32-bit FNV-1a, so colours never change between versions or sessions', () => {
  assert.deepEqual(['', 'a', 'foobar'].map(runIdHash), [0x811c9dc5, 0xe40c292c, 0xbf9cf968]);
  assert.equal(preferredSlot('foobar', 6), 0xbf9cf968 % 6);
  assert.throws(() => preferredSlot('a', 0), RangeError);
});

test('runs take their hashed slot first come first served in id order, else the next free one', () => {
  // r3, r5 and r9 all hash to slot 2 of 6; x hashes to slot 3.
  assert.deepEqual(['r3', 'r5', 'r9', 'x'].map((id) => preferredSlot(id, 6)), [2, 2, 2, 3]);
  const slots = assignColorSlots(['x', 'r9', 'r3', 'r5', 'r3'], 6);
  // In id order: r3 → 2; r5 → 3 (free then); r9 → 4; x finds 3 and 4 taken → 5.
  assert.deepEqual([...slots.entries()], [['r3', 2], ['r5', 3], ['r9', 4], ['x', 5]]);
  // Hashed slots of a..h: 4 1 2 1 2 5 0 1. d and e move on to free slots, f wraps round to 0;
  // with every slot used once, g and h take their own hashed slots again.
  const many = assignColorSlots(['h', 'g', 'f', 'e', 'd', 'c', 'b', 'a'], 6);
  assert.deepEqual(Object.fromEntries(many), { a: 4, b: 1, c: 2, d: 3, e: 5, f: 0, g: 0, h: 1 });
});

const runIds = fc.uniqueArray(fc.stringMatching(/^[0-9a-f]{32}$/), { maxLength: 30 });

test('property: slots depend only on the set, are distinct while they last, then shared evenly', () => {
  fc.assert(
    fc.property(runIds, fc.integer({ min: 1, max: 10 }), (ids, slots) => {
      const assigned = assignColorSlots(ids, slots);
      assert.deepEqual(assignColorSlots([...ids].reverse(), slots), assigned);
      const uses = new Array<number>(slots).fill(0);
      for (const slot of assigned.values()) uses[slot]!++;
      assert.ok(Math.max(...uses) - Math.min(...uses) <= 1, `even use: ${uses}`);
      const first = [...ids].sort()[0];
      if (first !== undefined) assert.equal(assigned.get(first), preferredSlot(first, slots), 'the first id gets its own slot');
    }),
    { numRuns: 300 },
  );
});
