/**
 * Metric histories as x/y columns for the step, wall-time and relative-time axes
 * (src/core/series/axes.ts), and several runs on one shared x array (align.ts).
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { alignSeries } from '../../src/core/series/align.js';
import { changeAxis, metricSeries, type HistoryPoint } from '../../src/core/series/axes.js';
import { FLAG_ABSENT, FLAG_NAN, FLAG_POS_INF } from '../../src/core/series/flags.js';
import type { Metric } from '../../src/core/tracking/entities.js';

const f64 = (values: readonly number[]): Float64Array => Float64Array.from(values);

const history: Metric[] = [
  { key: 'loss', step: 2, timestamp: 1_700_000_001_000, value: 'NaN' },
  { key: 'loss', step: 1, timestamp: 1_700_000_003_000, value: 1 },
  { key: 'loss', step: 1, timestamp: 1_700_000_002_000, value: 2 },
  { key: 'loss', step: 0, timestamp: 1_700_000_004_000, value: 'Infinity' },
];

test('step axis: ordered by (step, timestamp), every value at one step kept, x is the step', () => {
  const s = metricSeries(history, 'step');
  assert.deepEqual([...s.x], [0, 1, 1, 2]);
  assert.deepEqual([...s.y], [Infinity, 2, 1, NaN]);
  assert.deepEqual([...s.timestamp], [1_700_000_004_000, 1_700_000_002_000, 1_700_000_003_000, 1_700_000_001_000]);
  assert.equal(s.x, s.step);
  assert.equal(s.origin, undefined);
});

test('wall time: seconds since the epoch, ordered by (timestamp, step)', () => {
  const s = metricSeries(history, 'wall');
  assert.deepEqual([...s.x], [1_700_000_001, 1_700_000_002, 1_700_000_003, 1_700_000_004]);
  assert.deepEqual([...s.step], [2, 1, 1, 0]);
  assert.deepEqual([...s.y], [NaN, 2, 1, Infinity]);
});

test("relative time: seconds since the first point, or since the run's start when given", () => {
  const s = metricSeries(history, 'relative');
  assert.deepEqual([...s.x], [0, 1, 2, 3]);
  assert.equal(s.origin, 1_700_000_001_000);
  const fromStart = changeAxis(s, 'relative', { startTime: 1_700_000_000_500 });
  assert.deepEqual([...fromStart.x], [0.5, 1.5, 2.5, 3.5]);
  assert.deepEqual([...changeAxis(fromStart, 'step').y], [Infinity, 2, 1, NaN]);
});

test('ties on (step, timestamp) keep the input order; an ordered history is not copied', () => {
  const tied: HistoryPoint[] = [
    { step: 1, timestamp: 5, value: 3 },
    { step: 1, timestamp: 5, value: 1 },
    { step: 2, timestamp: 4, value: 0 },
  ];
  const s = metricSeries(tied, 'step');
  assert.deepEqual([...s.y], [3, 1, 0]);
  const again = changeAxis(s, 'step');
  assert.equal(again.y, s.y, 'already in order: the same arrays');
  assert.deepEqual([...changeAxis(s, 'wall').y], [0, 3, 1]);
  assert.deepEqual([...metricSeries([], 'relative').x], []);
});

test('property: each axis orders like a stable sort of the objects by its keys', () => {
  const point = fc.record({ step: fc.integer({ min: 0, max: 20 }), timestamp: fc.integer({ min: 0, max: 30 }), value: fc.double({ noNaN: true, noDefaultInfinity: true }) });
  fc.assert(
    fc.property(fc.array(point, { maxLength: 80 }), fc.constantFrom('step' as const, 'wall' as const, 'relative' as const), (points, axis) => {
      const byStep = axis === 'step';
      const expected = [...points].sort((a, b) => (byStep ? a.step - b.step || a.timestamp - b.timestamp : a.timestamp - b.timestamp || a.step - b.step));
      const s = metricSeries(points, axis);
      assert.deepEqual([...s.y], expected.map((p) => p.value));
      assert.deepEqual([...s.step], expected.map((p) => p.step));
      const origin = expected[0]?.timestamp ?? 0;
      assert.deepEqual([...s.x], expected.map((p) => (byStep ? p.step : axis === 'wall' ? p.timestamp / 1000 : (p.timestamp - origin) / 1000)));
    }),
    { numRuns: 300 },
  );
});

test('alignment: the union of x, repeated x as often as the run that repeats it most, absent slots flagged', () => {
  const a = { x: f64([1, 1, 2]), y: f64([10, 11, 12]) };
  const b = { x: f64([1, 2, 2, 2]), y: f64([20, Infinity, 22, 23]) };
  const aligned = alignSeries([a, b]);
  assert.deepEqual([...aligned.x], [1, 1, 2, 2, 2]);
  assert.deepEqual([...aligned.ys[0]!], [10, 11, 12, NaN, NaN]);
  assert.deepEqual([...aligned.flags[0]!], [0, 0, 0, FLAG_ABSENT, FLAG_ABSENT]);
  assert.deepEqual([...aligned.ys[1]!], [20, NaN, NaN, 22, 23]);
  assert.deepEqual([...aligned.flags[1]!], [0, FLAG_ABSENT, FLAG_POS_INF, 0, 0]);
  assert.deepEqual(alignSeries([]), { x: f64([]), ys: [], flags: [] });
});

test('alignment keeps given flags and refuses unsorted or NaN x', () => {
  const flagged = alignSeries([{ x: f64([0, 1]), y: f64([NaN, 1]), flags: Uint8Array.from([FLAG_NAN | FLAG_POS_INF, 0]) }]);
  assert.deepEqual([...flagged.flags[0]!], [FLAG_NAN | FLAG_POS_INF, 0]);
  assert.throws(() => alignSeries([{ x: f64([2, 1]), y: f64([0, 0]) }]), RangeError);
  assert.throws(() => alignSeries([{ x: f64([0, 1]), y: f64([0, 0]) }, { x: f64([0, NaN]), y: f64([0, 0]) }]), RangeError);
  assert.throws(() => alignSeries([{ x: f64([0, 1]), y: f64([0]) }]), RangeError);
});

const sortedSeries = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.oneof(fc.integer({ min: -50, max: 50 }), fc.constant(NaN))), { maxLength: 40 }).map((points) => {
  let x = 0;
  return { x: f64(points.map(([dx]) => (x += dx))), y: f64(points.map(([, y]) => y)) };
});

test('property: every run keeps all its points in order, and each x appears as often as its most repeating run', () => {
  fc.assert(
    fc.property(fc.array(sortedSeries, { maxLength: 6 }), (runs) => {
      const aligned = alignSeries(runs);
      for (let i = 1; i < aligned.x.length; i++) assert.ok(aligned.x[i]! >= aligned.x[i - 1]!);
      const count = (xs: Float64Array, v: number): number => xs.filter((x) => x === v).length;
      for (const v of new Set(runs.flatMap((r) => [...r.x]))) assert.equal(count(aligned.x, v), Math.max(...runs.map((r) => count(r.x, v))));
      runs.forEach((run, s) => {
        const present = [...aligned.flags[s]!].flatMap((flag, i) => (flag === FLAG_ABSENT ? [] : [i]));
        assert.deepEqual(present.map((i) => aligned.x[i]), [...run.x]);
        assert.deepEqual(present.map((i) => aligned.ys[s]![i]), [...run.y]);
      });
    }),
    { numRuns: 300 },
  );
});
