/**
 * Zoom windows and queries (src/core/series/window.ts, rangePoints.ts): the range holds every point
 * inside [xmin, xmax] and exactly one neighbour beyond each edge when there is one; a zoomed-in
 * range under the target comes back at full detail.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { FLAG_ABSENT, FLAG_NAN } from '../../src/core/series/flags.js';
import { queryRuns, querySeries, valuesAt } from '../../src/core/series/rangePoints.js';
import { lowerBound, upperBound, windowRange } from '../../src/core/series/window.js';

const f64 = (values: readonly number[]): Float64Array => Float64Array.from(values);

test('bisection finds the first x >= and the first x > a value', () => {
  const xs = f64([0, 1, 2, 2, 3, 5, 8]);
  assert.deepEqual([lowerBound(xs, 2), upperBound(xs, 2)], [2, 4]);
  assert.deepEqual([lowerBound(xs, -1), upperBound(xs, 9)], [0, 7]);
  assert.deepEqual([lowerBound(xs, 4), upperBound(xs, 4)], [5, 5]);
});

test('a window reaches one point beyond each edge, or none when there is none', () => {
  const xs = f64([0, 1, 2, 2, 3, 5, 8]);
  assert.deepEqual(windowRange(xs, 2, 5), { start: 1, end: 7 });
  assert.deepEqual(windowRange(xs, -10, 0.5), { start: 0, end: 2 });
  assert.deepEqual(windowRange(xs, 9, 20), { start: 6, end: 7 });
  assert.deepEqual(windowRange(xs, 2.5, 2.7), { start: 3, end: 5 }, 'nothing inside: the two neighbours, so the line crosses the plot');
  assert.deepEqual(windowRange(xs, -Infinity, Infinity), { start: 0, end: 7 });
  assert.deepEqual(windowRange(xs, NaN, 3), { start: 0, end: 0 });
  assert.deepEqual(windowRange(f64([]), 0, 1), { start: 0, end: 0 });
});

const sorted = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 200 }).map((steps) => {
  let x = 0;
  return f64(steps.map((dx) => (x += dx)));
});

test('property: the window is every point inside plus at most one neighbour each side, which exists when one does', () => {
  fc.assert(
    fc.property(sorted, fc.integer({ min: -5, max: 500 }), fc.integer({ min: 0, max: 300 }), (xs, xmin, width) => {
      const xmax = xmin + width;
      const { start, end } = windowRange(xs, xmin, xmax);
      for (let i = 0; i < xs.length; i++) {
        const inside = xs[i]! >= xmin && xs[i]! <= xmax;
        if (inside) assert.ok(i >= start && i < end, `point ${i} inside is selected`);
        else if (i >= start && i < end) assert.ok((i === start && xs[i]! < xmin) || (i === end - 1 && xs[i]! > xmax), `point ${i} outside is a neighbour`);
      }
      if (xs.some((x) => x < xmin)) assert.ok(xs[start]! < xmin, 'the left neighbour is selected');
      if (xs.some((x) => x > xmax)) assert.ok(xs[end - 1]! > xmax, 'the right neighbour is selected');
    }),
    { numRuns: 500 },
  );
});

const ramp = (n: number): Float64Array => f64(Array.from({ length: n }, (_, i) => i));

test('zooming in ends at full detail: every point of the window, flagged full', () => {
  const xs = ramp(10_000);
  const ys = f64(Array.from({ length: 10_000 }, (_, i) => (i === 5020 ? NaN : Math.sin(i))));
  const whole = querySeries(xs, ys, { target: 100 });
  assert.equal(whole.full, false);
  assert.ok(whole.x.length <= 100);
  assert.deepEqual([whole.range, whole.total, whole.x[0], whole.x[whole.x.length - 1]], [{ start: 0, end: 10_000 }, 10_000, 0, 9999]);
  const zoomed = querySeries(xs, ys, { target: 100, xmin: 5000, xmax: 5050 });
  assert.equal(zoomed.full, true);
  assert.deepEqual([...zoomed.sourceIndex], Array.from({ length: 53 }, (_, i) => 4999 + i));
  assert.deepEqual([...zoomed.y].slice(0, 3), [Math.sin(4999), Math.sin(5000), Math.sin(5001)]);
  assert.equal(zoomed.flags[5020 - 4999], FLAG_NAN);
  const between = querySeries(xs, ys, { target: 100, xmin: 2000, xmax: 7000 });
  assert.equal(between.full, false);
  assert.deepEqual([between.sourceIndex[0], between.sourceIndex[between.sourceIndex.length - 1]], [1999, 7001]);
});

test('runs are queried alike and aligned on one x array, absent where a run has no point', () => {
  const a = { x: f64([0, 1, 2, 3]), y: f64([10, 11, 12, 13]) };
  const b = { x: f64([1, 3, 5]), y: f64([21, NaN, 25]) };
  const { slices, aligned } = queryRuns([a, b], { target: 10, xmin: 1, xmax: 3 });
  assert.deepEqual(slices.map((s) => [...s.sourceIndex]), [[0, 1, 2, 3], [0, 1, 2]]);
  assert.deepEqual([...aligned.x], [0, 1, 2, 3, 5]);
  assert.deepEqual([...aligned.ys[0]!], [10, 11, 12, 13, NaN]);
  assert.deepEqual([...aligned.flags[0]!], [0, 0, 0, 0, FLAG_ABSENT]);
  assert.deepEqual([...aligned.ys[1]!], [NaN, 21, NaN, NaN, 25]);
  assert.deepEqual([...aligned.flags[1]!], [FLAG_ABSENT, 0, FLAG_ABSENT, FLAG_NAN, 0]);
});

test('valuesAt reads a column at the kept points', () => {
  assert.deepEqual([...valuesAt(f64([5, 6, 7, 8]), Uint32Array.from([0, 3]))], [5, 8]);
});
