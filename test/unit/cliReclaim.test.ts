/**
 * The CLI collects dead buffers when they stand a slack above what its last collection left
 * (src/cli/reclaim.ts): not on every look, and again as soon as they pile up.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Reclaimer } from '../../src/cli/reclaim.js';

const MB = 1024 * 1024;

test('collects when the buffers stand the slack above the floor, then measures the floor again at the next look', () => {
  let buffers = 3 * MB;
  let collected = 0;
  const reclaimer = new Reclaimer(() => buffers, () => collected++, 4 * MB);
  assert.equal(reclaimer.check(), false, 'no collection made yet: 3 MB is the floor only once looked at');
  buffers = 3 * MB;
  assert.equal(reclaimer.check(), false);
  buffers = 6.9 * MB;
  assert.equal(reclaimer.check(), false, '3.9 MB above the floor: under the slack');
  buffers = 7 * MB;
  assert.equal(reclaimer.check(), true, '4 MB above: collected');
  assert.equal(collected, 1);
  // What the collection left (freed after it returns) is the new floor, even if pages in flight raised it.
  buffers = 9 * MB;
  assert.equal(reclaimer.check(), false, 'the first look after a collection sets the floor');
  buffers = 12.5 * MB;
  assert.equal(reclaimer.check(), false);
  buffers = 13 * MB;
  assert.equal(reclaimer.check(), true);
  assert.equal(reclaimer.collections, 2);
});

test('the floor follows the buffers down: after a drop, the slack counts from there', () => {
  let buffers = 10 * MB;
  const reclaimer = new Reclaimer(() => buffers, () => undefined, 4 * MB);
  reclaimer.check();
  buffers = 2 * MB;
  assert.equal(reclaimer.check(), false);
  buffers = 6 * MB;
  assert.equal(reclaimer.check(), true, '4 MB above the lower floor');
});
