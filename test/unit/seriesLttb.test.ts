/**
 * Downsampling (src/core/series/lttb.ts): exact picks on hand-computed series, and the
 * invariants a chart relies on, property-tested: source order without duplicates, first and last
 * kept, every bucket's min and max kept, every non-finite value represented by a flagged gap,
 * identity at or under the target, and a bounded output.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { FLAG_NAN, FLAG_NEG_INF, FLAG_POS_INF, nonFiniteFlag } from '../../src/core/series/flags.js';
import { bucketCount, bucketEdges, downsample, MIN_TARGET, type Downsampled } from '../../src/core/series/lttb.js';

const f64 = (values: readonly number[]): Float64Array => Float64Array.from(values);
const indices = (d: Downsampled): number[] => [...d.sourceIndex];
const plain = (a: Float64Array): number[] => [...a];

test('one bucket keeps the largest triangle from the first to the last point, and the min and max', () => {
  const xs = f64([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const ys = f64([0, 1, 5, 2, 3, -4, 6, 0, 1, 2]);
  // Twice the areas to (9, 2) from (0, 0): 7, 41, 12, 19, 46, 42, 14, 7 for points 1..8.
  const d = downsample(xs, ys, 5);
  assert.deepEqual(indices(d), [0, 5, 6, 9]);
  assert.deepEqual(plain(d.x), [0, 5, 6, 9]);
  assert.deepEqual(plain(d.y), [0, -4, 6, 2]);
  assert.deepEqual([...d.flags], [0, 0, 0, 0]);
});

test('the largest triangle need not be an extreme: it is kept besides min and max', () => {
  const xs = f64([0, 1, 2, 3, 4, 10]);
  const ys = f64([0, 0, -1, 5, 0, 10]);
  // To (10, 10) from (0, 0), twice the areas of points 1..4 are 10|x − y|: 10, 30, 20, 40.
  assert.deepEqual(indices(downsample(xs, ys, 5)), [0, 2, 3, 4, 5]);
});

test('buckets chain their anchors, average the next bucket without its non-finite values, and mark gaps', () => {
  const xs = f64([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const ys = f64([0, 3, NaN, -1, 2, 1, 4, Infinity, 0, 5, 1, 2]);
  // Buckets [1, 6) and [6, 11). Bucket 0 leans on (0, 0) and bucket 1's finite mean (8.25, 2.5):
  // point 1 wins; bucket 1 leans on (1, 3) and the last point (11, 2): point 9 wins.
  assert.deepEqual([...bucketEdges({ start: 0, end: 12 }, 8)], [1, 6, 11]);
  const d = downsample(xs, ys, 8);
  assert.deepEqual(indices(d), [0, 1, 2, 3, 7, 8, 9, 11]);
  assert.deepEqual(plain(d.y), [0, 3, NaN, -1, NaN, 0, 5, 2]);
  assert.deepEqual([...d.flags], [0, 0, FLAG_NAN, 0, FLAG_POS_INF, 0, 0, 0]);
});

test("a bucket's gap marker is its first non-finite point, flagged with every kind the bucket holds", () => {
  const xs = f64([0, 1, 2, 3, 4, 5, 6]);
  const ys = f64([1, 2, -Infinity, NaN, 3, Infinity, 4]);
  const d = downsample(xs, ys, 5);
  assert.deepEqual(indices(d), [0, 1, 2, 4, 6]);
  assert.deepEqual([...d.flags], [0, 0, FLAG_NAN | FLAG_POS_INF | FLAG_NEG_INF, 0, 0]);
});

test('non-finite first and last points are kept with their own flags', () => {
  const ys = f64([-Infinity, 1, 2, 3, 4, 5, 6, 7, NaN]);
  const d = downsample(f64([0, 1, 2, 3, 4, 5, 6, 7, 8]), ys, 5);
  assert.equal(d.sourceIndex[0], 0);
  assert.equal(d.flags[0], FLAG_NEG_INF);
  assert.equal(d.sourceIndex[d.sourceIndex.length - 1], 8);
  assert.equal(d.flags[d.flags.length - 1], FLAG_NAN);
});

test('at or under the target every point comes back, ±Infinity as flagged NaN', () => {
  const d = downsample(f64([1, 2, 2, 3]), f64([0.5, Infinity, -2, NaN]), 4);
  assert.deepEqual(indices(d), [0, 1, 2, 3]);
  assert.deepEqual(plain(d.x), [1, 2, 2, 3]);
  assert.deepEqual(plain(d.y), [0.5, NaN, -2, NaN]);
  assert.deepEqual([...d.flags], [0, FLAG_POS_INF, 0, FLAG_NAN]);
  assert.deepEqual(indices(downsample(f64([]), f64([]), 10)), []);
  assert.deepEqual(indices(downsample(f64([7]), f64([1]), 0)), [0], 'targets under MIN_TARGET are raised');
});

test('a range downsamples only its points and reports indices of the whole input', () => {
  const xs = f64(Array.from({ length: 100 }, (_, i) => i));
  const ys = f64(Array.from({ length: 100 }, (_, i) => (i === 50 ? 100 : i % 7)));
  const d = downsample(xs, ys, 8, { start: 40, end: 61 });
  assert.equal(d.sourceIndex[0], 40);
  assert.equal(d.sourceIndex[d.sourceIndex.length - 1], 60);
  assert.ok(d.sourceIndex.includes(50), 'the spike at 50 is kept');
  assert.throws(() => downsample(xs, ys, 8, { start: 10, end: 101 }), RangeError);
  assert.throws(() => downsample(xs, f64([1]), 8), RangeError);
});

const special = fc.constantFrom(NaN, Infinity, -Infinity);
const value = fc.oneof({ weight: 8, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }) }, { weight: 1, arbitrary: special }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) });
/** Non-decreasing xs with ties (several values at one step), and values with a few non-finite. */
const series = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), value), { maxLength: 300 }).map((points) => {
  let x = 0;
  return { xs: f64(points.map(([dx]) => (x += dx))), ys: f64(points.map(([, y]) => y)) };
});
const target = fc.integer({ min: 0, max: 60 });

test('property: kept points are in source order, each once, with x, y and flags of their source', () => {
  fc.assert(
    fc.property(series, target, ({ xs, ys }, t) => {
      const d = downsample(xs, ys, t);
      for (let i = 0; i < d.sourceIndex.length; i++) {
        const source = d.sourceIndex[i]!;
        if (i > 0) assert.ok(source > d.sourceIndex[i - 1]!, 'strictly increasing source indices');
        if (i > 0) assert.ok(d.x[i]! >= d.x[i - 1]!, 'non-decreasing x');
        assert.equal(d.x[i], xs[source]);
        const own = nonFiniteFlag(ys[source]!);
        if (own === 0) {
          assert.equal(d.flags[i], 0);
          assert.equal(d.y[i], ys[source]);
        } else {
          assert.ok((d.flags[i]! & own) !== 0, 'a non-finite point is flagged with its kind');
          assert.ok(Number.isNaN(d.y[i]!));
        }
      }
    }),
    { numRuns: 400 },
  );
});

test('property: first and last kept; identity when n <= target; bounded output otherwise', () => {
  fc.assert(
    fc.property(series, target, ({ xs, ys }, t) => {
      const d = downsample(xs, ys, t);
      const n = xs.length;
      if (n === 0) return assert.equal(d.sourceIndex.length, 0);
      assert.equal(d.sourceIndex[0], 0);
      assert.equal(d.sourceIndex[d.sourceIndex.length - 1], n - 1);
      if (n <= Math.max(t, MIN_TARGET)) return assert.deepEqual(indices(d), Array.from({ length: n }, (_, i) => i));
      const buckets = bucketCount(t);
      assert.ok(d.sourceIndex.length <= 2 + 4 * buckets);
      if (ys.every(Number.isFinite)) assert.ok(d.sourceIndex.length <= Math.max(t, MIN_TARGET), 'finite series fit the target');
    }),
    { numRuns: 400 },
  );
});

test("property: every bucket keeps its finite min and max, and one gap marker holding all its non-finite kinds", () => {
  fc.assert(
    fc.property(series, target, ({ xs, ys }, t) => {
      const n = xs.length;
      fc.pre(n > Math.max(t, MIN_TARGET));
      const d = downsample(xs, ys, t);
      const kept = new Map([...d.sourceIndex].map((source, i) => [source, d.flags[i]!]));
      const edges = bucketEdges({ start: 0, end: n }, t);
      for (let b = 0; b + 1 < edges.length; b++) {
        let min = -1;
        let max = -1;
        let gap = -1;
        let kinds = 0;
        for (let i = edges[b]!; i < edges[b + 1]!; i++) {
          const y = ys[i]!;
          const flag = nonFiniteFlag(y);
          if (flag !== 0) {
            if (gap < 0) gap = i;
            kinds |= flag;
            continue;
          }
          if (min < 0 || y < ys[min]!) min = i;
          if (max < 0 || y > ys[max]!) max = i;
        }
        if (min >= 0) assert.ok(kept.has(min) && kept.has(max), `bucket ${b} keeps ${min} and ${max}`);
        if (gap >= 0) assert.equal(kept.get(gap), kinds, `bucket ${b}'s gap marker at ${gap}`);
        const inBucket = [...kept.keys()].filter((i) => i >= edges[b]! && i < edges[b + 1]!);
        assert.ok(inBucket.length <= (min >= 0 ? 3 : 0) + (gap >= 0 ? 1 : 0));
        assert.ok(inBucket.filter((i) => nonFiniteFlag(ys[i]!) !== 0).length === (gap >= 0 ? 1 : 0));
      }
    }),
    { numRuns: 400 },
  );
});

test('property: a range gives what the same points alone give, with indices of the whole input', () => {
  fc.assert(
    fc.property(series, target, fc.nat(), fc.nat(), ({ xs, ys }, t, a, b) => {
      const start = xs.length === 0 ? 0 : a % (xs.length + 1);
      const end = start + (xs.length === 0 ? 0 : b % (xs.length - start + 1));
      const ranged = downsample(xs, ys, t, { start, end });
      const alone = downsample(xs.slice(start, end), ys.slice(start, end), t);
      assert.deepEqual([...ranged.sourceIndex], [...alone.sourceIndex].map((i) => i + start));
      assert.deepEqual([plain(ranged.x), plain(ranged.y), [...ranged.flags]], [plain(alone.x), plain(alone.y), [...alone.flags]]);
    }),
    { numRuns: 300 },
  );
  assert.throws(() => downsample(f64([1]), f64([1]), NaN), RangeError);
  assert.equal(downsample(f64([1, 2]), f64([1, 2]), Infinity).x.length, 2);
});
