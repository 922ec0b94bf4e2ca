import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { parseMetricColumns } from '../../src/core/tracking/metricColumns.js';
import { parseMetricText } from '../../src/core/tracking/metricFile.js';

/** What the point-by-point parser (checked against MLflow elsewhere) reads, as columns. */
function reference(text: string): { step: number[]; timestamp: number[]; value: number[] } | 'error' {
  try {
    const points = parseMetricText(text, 'k');
    return { step: points.map((p) => p.step), timestamp: points.map((p) => p.timestamp), value: points.map((p) => p.value) };
  } catch {
    return 'error';
  }
}

function columns(text: string): { step: number[]; timestamp: number[]; value: number[] } | 'error' {
  try {
    const c = parseMetricColumns(text, 'k');
    return { step: [...c.step], timestamp: [...c.timestamp], value: [...c.value] };
  } catch {
    return 'error';
  }
}

const field = fc.oneof(
  fc.integer({ min: -1e15, max: 1e15 }).map(String),
  fc.double({ noNaN: false }).map((v) => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v))),
  fc.constantFrom('9007199254740993', '-0', '+5', '1e3', '1.5', 'abc', '', 'train', 'd1g3st'),
);
const line = fc.array(field, { minLength: 1, maxLength: 6 }).map((fields) => fields.join(' '));

test('metric files read into columns exactly as the point-by-point parser reads them (and fail alike)', () => {
  fc.assert(
    fc.property(fc.array(line, { maxLength: 20 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), (lines, newline, trailing) => {
      const text = lines.join(newline) + (trailing ? newline : '');
      const expected = reference(text);
      const actual = columns(text);
      if (expected === 'error') assert.equal(actual, 'error', JSON.stringify(text));
      else assert.deepEqual(actual, expected, JSON.stringify(text));
    }),
    { numRuns: 2000 },
  );
});

test('a million-line file parses into columns with the values of each line', () => {
  const lines: string[] = [];
  for (let i = 0; i < 1_000_000; i++) lines.push(`${1_700_000_000_000 + i} ${i % 7 === 0 ? 'nan' : (i / 3).toString()} ${i}`);
  const c = parseMetricColumns(`${lines.join('\n')}\n`, 'loss');
  assert.equal(c.step.length, 1_000_000);
  assert.equal(c.step[999_999], 999_999);
  assert.equal(c.timestamp[12], 1_700_000_000_012);
  assert.ok(Number.isNaN(c.value[7]!));
  assert.equal(c.value[8], 8 / 3);
});
