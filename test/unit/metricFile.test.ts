import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { latestOf, parseMetricLine, parsePythonFloat, type MetricPoint } from '../../src/core/tracking/metricFile.js';
import { TrackingError } from '../../src/core/tracking/errors.js';

test('metric lines of 2, 3 and 5 fields parse as MLflow reads them', () => {
  assert.deepEqual(parseMetricLine('1700000000000 0.5 7', 'loss'), { timestamp: 1700000000000, value: 0.5, step: 7 });
  assert.deepEqual(parseMetricLine('1700000000000 3', 'loss'), { timestamp: 1700000000000, value: 3, step: 0 });
  // MLflow's file store reads 5-field lines (with a dataset) with step 0: kept for identical answers.
  assert.deepEqual(parseMetricLine('1700000000000 1e-05 4 train abc123', 'loss'), {
    timestamp: 1700000000000,
    value: 1e-5,
    step: 0,
    datasetName: 'train',
    datasetDigest: 'abc123',
  });
  assert.equal(parseMetricLine('1 -3 -900719925474099', 'x').step, -900719925474099);
});

test('Python float spellings of non-finite values map to NaN and ±Infinity', () => {
  assert.ok(Number.isNaN(parsePythonFloat('nan', 'k')));
  assert.equal(parsePythonFloat('inf', 'k'), Infinity);
  assert.equal(parsePythonFloat('-inf', 'k'), -Infinity);
  assert.equal(parsePythonFloat('Infinity', 'k'), Infinity);
  assert.equal(parsePythonFloat('1.7976931348623157e+308', 'k'), 1.7976931348623157e308);
});

test('truncated or garbage metric lines raise a typed error naming the metric', () => {
  for (const line of ['1700000000000', '1700000000000 0.5 1 2', 'abc 0.5 1', '1 zzz 1', '1 0.5 1.5']) {
    assert.throws(
      () => parseMetricLine(line, 'val/loss'),
      (error: unknown) => error instanceof TrackingError && error.reason === 'corrupt-entity' && error.message.includes('val/loss'),
      line,
    );
  }
});

test('the latest point is the max of (step, timestamp, value), an earlier NaN tie kept', () => {
  const points: MetricPoint[] = [
    { timestamp: 5, value: 1, step: 2 },
    { timestamp: 9, value: 0, step: 1 },
    { timestamp: 5, value: 3, step: 2 },
    { timestamp: 4, value: 99, step: 2 },
  ];
  assert.deepEqual(latestOf(points), { timestamp: 5, value: 3, step: 2 });
  const nanFirst: MetricPoint[] = [
    { timestamp: 5, value: NaN, step: 2 },
    { timestamp: 5, value: 7, step: 2 },
  ];
  // Python: (2, 5, 7) > (2, 5, nan) is False, so the NaN point stays the max.
  assert.ok(Number.isNaN(latestOf(nanFirst)!.value));
  assert.equal(latestOf([]), undefined);
});

test('latestOf agrees with a sort by (step, timestamp, value) on finite values', () => {
  const point = fc.record({ timestamp: fc.integer({ min: 0, max: 20 }), value: fc.double({ noNaN: true, noDefaultInfinity: true }), step: fc.integer({ min: -5, max: 5 }) });
  fc.assert(
    fc.property(fc.array(point, { minLength: 1, maxLength: 30 }), (points) => {
      const best = latestOf(points)!;
      const max = [...points].sort((a, b) => b.step - a.step || b.timestamp - a.timestamp || b.value - a.value)[0]!;
      assert.equal(best.step, max.step);
      assert.equal(best.timestamp, max.timestamp);
      assert.equal(best.value, max.value);
    }),
  );
});

test('any line of three integers and a float round-trips', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 52 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), (timestamp, value, step) => {
      // Python writes -0.0 with its sign; JavaScript's String(-0) would drop it.
      const text = Object.is(value, -0) ? '-0.0' : String(value);
      assert.deepEqual(parseMetricLine(`${timestamp} ${text} ${step}`, 'k'), { timestamp, value, step });
    }),
  );
});

test('latestInText picks the same point as latestOf over parsed lines, for any file', async () => {
  const { latestInText, parseMetricText } = await import('../../src/core/tracking/metricFile.js');
  const value = fc.oneof(fc.double({ noDefaultInfinity: true, noNaN: true }).map((v) => (Object.is(v, -0) ? '-0.0' : String(v))), fc.constantFrom('nan', 'inf', '-inf', '1', '0.5'));
  const line = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 9 }), value, fc.integer({ min: -3, max: 3 })).map(([t, v, s]) => `${t} ${v} ${s}`),
    fc.tuple(fc.integer({ min: 0, max: 9 }), value).map(([t, v]) => `${t} ${v}`),
    fc.tuple(fc.integer({ min: 0, max: 9 }), value, fc.integer({ min: -3, max: 3 })).map(([t, v, s]) => `${t} ${v} ${s} train d1`),
  );
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), (lines) => {
      const text = lines.join('\n') + '\n';
      const fast = latestInText(text, 'k');
      const slow = latestOf(parseMetricText(text, 'k'));
      assert.deepEqual(fast, slow, text);
    }),
    { numRuns: 2000 },
  );
});
