import assert from 'node:assert/strict';
import test from 'node:test';
import { formatBytes, formatDuration, formatMetricValue, formatRelativeTime, oneLine } from '../../src/core/format.js';

test('durations read naturally at every scale', () => {
  assert.equal(formatDuration(450), '450ms');
  assert.equal(formatDuration(12_340), '12.3s');
  assert.equal(formatDuration(187_000), '3m 07s');
  assert.equal(formatDuration(3_725_000), '1h 02m');
  assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000 + 60_000), '3d 04h');
  assert.equal(formatDuration(-1), '');
});

test('relative start times', () => {
  const now = Date.UTC(2026, 10, 27, 12);
  assert.equal(formatRelativeTime(now - 10_000, now), 'just now');
  assert.equal(formatRelativeTime(now - 5 * 60_000, now), '5 min ago');
  assert.equal(formatRelativeTime(now - 3 * 3_600_000, now), '3 h ago');
  assert.equal(formatRelativeTime(now - 26 * 3_600_000, now), 'yesterday');
  assert.equal(formatRelativeTime(now - 5 * 86_400_000, now), '5 days ago');
  assert.equal(formatRelativeTime(Date.UTC(2025, 0, 2), now), '2025-01-02');
});

test('metric values are short, exact enough, and non-finite values are named', () => {
  assert.equal(formatMetricValue(0.973333333), '0.973333');
  assert.equal(formatMetricValue(42), '42');
  assert.equal(formatMetricValue(0.0000123), '1.23e-5');
  assert.equal(formatMetricValue(1.7976931348623157e308), '1.798e+308');
  assert.equal(formatMetricValue('NaN'), 'NaN');
  assert.equal(formatMetricValue('Infinity'), '+∞');
  assert.equal(formatMetricValue('-Infinity'), '−∞');
});

test('oneLine flattens newlines and cuts long values', () => {
  assert.equal(oneLine('a\nb'), 'a ⏎ b');
  assert.equal(oneLine('x'.repeat(6000), 10), `${'x'.repeat(9)}…`);
});

test('byte sizes', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(23 * 1024 * 1024), '23 MB');
  assert.equal(formatBytes(5 * 1024 ** 4), '5.0 TB');
});
