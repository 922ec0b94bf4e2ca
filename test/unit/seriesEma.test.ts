/**
 * TensorBoard's debiased EMA (src/core/series/ema.ts): exact values, its quirks (non-finite pass
 * through, constant series untouched, weight clamping), and bit-for-bit equality with a plain
 * transcription of TensorBoard's `classicSmoothing` loop over random series.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { emaSmooth } from '../../src/core/series/ema.js';

const f64 = (values: readonly number[]): Float64Array => Float64Array.from(values);

/**
 * TensorBoard's loop as it reads (tensorboard/webapp/widgets/line_chart_v2/data_transformer.ts),
 * on plain arrays: Math.pow at every point, no shortcut.
 */
function tensorBoardSmoothing(ys: readonly number[], weight: number): number[] {
  let w = Number.isFinite(weight) ? weight : 0;
  w = Math.max(0, Math.min(w, 1));
  if (ys.every((y) => y == ys[0])) return [...ys];
  let last = ys.length > 0 ? 0 : NaN;
  let numAccum = 0;
  return ys.map((y) => {
    if (!Number.isFinite(y)) return y;
    last = last * w + (1 - w) * y;
    numAccum++;
    const debiasWeight = w === 1 ? 1 : 1 - Math.pow(w, numAccum);
    return last / debiasWeight;
  });
}

test('smooths with the debiased moving average', () => {
  // last: 0.5, 1.25, 2.125; divided by 1 − 0.5^n: 0.5, 0.75, 0.875.
  assert.deepEqual([...emaSmooth(f64([1, 2, 3]), 0.5)], [1, 1.6666666666666667, 2.4285714285714284]);
});

test('non-finite values pass through and neither move the average nor count', () => {
  const smoothed = emaSmooth(f64([1, NaN, Infinity, -Infinity, 3]), 0.5);
  assert.deepEqual([...smoothed], [1, NaN, Infinity, -Infinity, 1.75 / 0.75]);
});

test('weight 0 is the identity, even for −0; NaN weights count as 0; weights clamp to [0, 1]', () => {
  const ys = f64([3, -0, 7.5, NaN, -2]);
  assert.ok([...emaSmooth(ys, 0)].every((y, i) => Object.is(y, ys[i])));
  assert.ok([...emaSmooth(ys, NaN)].every((y, i) => Object.is(y, ys[i])));
  assert.deepEqual([...emaSmooth(f64([1, 2, NaN, 4]), 1)], [0, 0, NaN, 0], 'w = 1 leaves finite points at 0, as TensorBoard draws them');
  assert.deepEqual([...emaSmooth(f64([1, 2]), 7)], [0, 0]);
  assert.deepEqual([...emaSmooth(f64([1, 2]), -3)], [1, 2]);
});

test('a constant series comes back as is (TensorBoard #786); one with NaN is not constant', () => {
  assert.deepEqual([...emaSmooth(f64([0.1, 0.1, 0.1]), 0.9)], [0.1, 0.1, 0.1]);
  assert.deepEqual([...emaSmooth(f64([]), 0.9)], []);
  assert.deepEqual([...emaSmooth(f64([NaN, NaN]), 0.9)], [NaN, NaN]);
});

test('smooths into a given array, which may be the input', () => {
  const ys = f64([1, 2, 3]);
  const out = emaSmooth(ys, 0.5, ys);
  assert.equal(out, ys);
  assert.deepEqual([...ys], [1, 1.6666666666666667, 2.4285714285714284]);
  assert.throws(() => emaSmooth(ys, 0.5, new Float64Array(2)), RangeError);
});

const value = fc.oneof(
  { weight: 10, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, 1) },
);
const weight = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.5, 0.6, 0.9, 0.99, 0.999, 1, -1, 2, NaN));

test('property: equal bit for bit to TensorBoard on any series and weight', () => {
  fc.assert(
    fc.property(fc.array(value, { maxLength: 5000 }), weight, (ys, w) => {
      const expected = tensorBoardSmoothing(ys, w);
      const actual = emaSmooth(f64(ys), w);
      assert.equal(actual.length, expected.length);
      for (let i = 0; i < expected.length; i++) assert.ok(Object.is(actual[i], expected[i]) || (!(w > 0) && actual[i] === expected[i]), `point ${i}: ${actual[i]} vs ${expected[i]}`);
    }),
    { numRuns: 300 },
  );
});

test('long histories: equal to TensorBoard after the debias divisor reaches 1 (the Math.pow shortcut)', () => {
  const ys = Array.from({ length: 60_000 }, (_, i) => (i % 997 === 5 ? NaN : Math.sin(i / 50) * 10 + (i % 13) / 7));
  for (const w of [0.6, 0.99, 0.999]) {
    const expected = tensorBoardSmoothing(ys, w);
    const actual = emaSmooth(f64(ys), w);
    assert.ok(expected.every((y, i) => Object.is(actual[i], y)), `w = ${w}`);
  }
});
