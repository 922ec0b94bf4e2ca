/**
 * How the Metrics panel shapes what it shows (src/core/charts/chartShape.ts) and the run palette
 * (src/core/series/colors.ts slotStyle): single values as bars on an axis from zero, short ids for
 * runs that share a name, system metrics apart, and colour–dash pairs that never repeat.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { barScale, chartKind, legendLabels, metricSections } from '../../src/core/charts/chartShape.js';
import { DASHES, PALETTE, slotStyle } from '../../src/core/series/colors.js';

test('a metric every run logged once is drawn as bars; any history makes it a line', () => {
  assert.equal(chartKind([{ total: 1 }, { total: 1 }]), 'bars');
  assert.equal(chartKind([{ total: 1 }, { total: 2 }]), 'line');
  assert.equal(chartKind([{ total: 100 }]), 'line');
  assert.equal(chartKind([]), 'line');
});

test('the bar axis starts at zero and ends on a nice tick just past the data', () => {
  assert.deepEqual(barScale([0.91, 0.93, 0.953]), { min: 0, max: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
  assert.deepEqual(barScale([12, 87]), { min: 0, max: 100, ticks: [0, 20, 40, 60, 80, 100] });
  // Mixed signs span both sides of zero; all negative ends at zero.
  assert.deepEqual(barScale([-3, 7]), { min: -4, max: 8, ticks: [-4, -2, 0, 2, 4, 6, 8] });
  assert.deepEqual(barScale([-0.5, -0.2]), { min: -0.5, max: 0, ticks: [-0.5, -0.4, -0.3, -0.2, -0.1, 0] });
  // NaN and infinities are left out; nothing finite gives a unit axis, not NaN.
  assert.deepEqual(barScale([Number.NaN, 2, Number.POSITIVE_INFINITY]).max, 2);
  assert.deepEqual(barScale([Number.NaN]), { min: 0, max: 1, ticks: [0, 0.5, 1] });
  assert.deepEqual(barScale([0, 0]), { min: 0, max: 1, ticks: [0, 0.5, 1] });
});

test('runs that share a name get the shortest id prefix (≥ 7) that tells them apart', () => {
  const labels = legendLabels([
    { runId: 'abcdef0123', name: 'rf' },
    { runId: 'abcdef0999', name: 'rf' },
    { runId: '1234567890', name: 'svm' },
    { runId: 'ffff', name: 'gb' },
  ]);
  assert.deepEqual(Object.fromEntries(labels), { abcdef0123: 'rf (abcdef01)', abcdef0999: 'rf (abcdef09)', '1234567890': 'svm', ffff: 'gb' });
  const seven = legendLabels([
    { runId: 'aaaaaaa1xx', name: 'x' },
    { runId: 'bbbbbbb2xx', name: 'x' },
  ]);
  assert.deepEqual([...seven.values()], ['x (aaaaaaa)', 'x (bbbbbbb)']);
});

test('system metrics (system/…) go to their own section, each section keeps its order', () => {
  assert.deepEqual(metricSections(['loss', 'system/cpu_utilization_percentage', 'acc', 'system/gpu_0_memory_usage_megabytes', 'systemic']), {
    model: ['loss', 'acc', 'systemic'],
    system: ['system/cpu_utilization_percentage', 'system/gpu_0_memory_usage_megabytes'],
  });
});

test('the palette is Okabe–Ito (no red–green pair, no black) and 24 slots are 24 distinct colour–dash pairs', () => {
  const okabeIto = new Set(['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7']);
  for (const kind of ['dark', 'light'] as const) {
    assert.equal(PALETTE[kind].length, 6);
    for (const color of PALETTE[kind]) assert.ok(okabeIto.has(color), color);
    const pairs = new Set(Array.from({ length: 24 }, (_, i) => JSON.stringify(slotStyle(i, kind))));
    assert.equal(pairs.size, 24);
    // Slot 24 wraps to slot 0; negative slots are folded in, never undefined.
    assert.deepEqual(slotStyle(24, kind), slotStyle(0, kind));
    assert.ok(slotStyle(-1, kind).color);
  }
  // The first two runs differ in colour and in dash.
  assert.notEqual(slotStyle(0, 'dark').color, slotStyle(1, 'dark').color);
  assert.notDeepEqual(slotStyle(0, 'dark').dash, slotStyle(1, 'dark').dash);
  assert.deepEqual(slotStyle(0, 'light'), { color: '#0072B2', dash: DASHES[0] });
});
