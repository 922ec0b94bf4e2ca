import assert from 'node:assert/strict';
import test from 'node:test';
import { ChartHistory } from '../../src/core/series/chartHistory.js';
import { columnsOf } from '../../src/core/tracking/metricColumns.js';
import { compareRuns } from '../../src/core/tracking/comparison.js';
import type { Metric, Run } from '../../src/core/tracking/entities.js';
import { parseCompareState, parseFromWebview as parseCompareMessage } from '../../src/protocol/comparePanel.js';
import { DEFAULT_VIEW, parseFromWebview, parseWebviewState } from '../../src/protocol/metricsPanel.js';

const history = (values: readonly (number | 'NaN' | 'Infinity' | '-Infinity')[], start = 1_000_000) =>
  columnsOf(values.map((value, step): Metric => ({ key: 'loss', value, timestamp: start + step * 1500, step })));

test('metrics protocol: valid messages pass, anything else is dropped', () => {
  assert.deepEqual(parseFromWebview({ type: 'ready', width: 420 }), { type: 'ready', width: 420 });
  assert.deepEqual(parseFromWebview({ type: 'zoom', key: 'loss', requestId: 3, window: [1, 2], width: 400 }), { type: 'zoom', key: 'loss', requestId: 3, window: [1, 2], width: 400 });
  assert.deepEqual(parseFromWebview({ type: 'zoom', key: 'loss', requestId: 3, window: null, width: 400 })?.type, 'zoom');
  assert.equal(parseFromWebview({ type: 'zoom', key: 'loss', requestId: 3, window: [2, 1], width: 400 }), undefined, 'inverted window');
  assert.equal(parseFromWebview({ type: 'zoom', key: 'loss', requestId: 3, window: [0, Infinity], width: 400 }), undefined, 'infinite bound');
  assert.equal(parseFromWebview({ type: 'ready', width: Number.NaN }), undefined);
  assert.equal(parseFromWebview({ type: 'exportPng', key: 'loss', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=' }), undefined, 'only PNG data URLs');
  assert.equal(parseFromWebview({ type: 'exportCsv', key: 'x'.repeat(10_001), full: true }), undefined, 'oversized key');
  assert.equal(parseFromWebview({ type: 'view', view: { ...DEFAULT_VIEW, smoothing: 1 } }), undefined, 'smoothing must stay below 1');
  assert.equal(parseFromWebview({ type: 'view', view: { ...DEFAULT_VIEW, xAxis: 'epoch' } }), undefined);
  assert.equal(parseFromWebview({ type: 'runCommand', command: 'rm -rf ~' }), undefined, 'unknown types');
  assert.equal(parseFromWebview(null), undefined);
});

test('metrics webview state: a selection brings the panel back, the view falls back to the default', () => {
  assert.deepEqual(parseWebviewState({ selection: { trackingKey: 'f0', runIds: ['a', 'b'] } }), { selection: { trackingKey: 'f0', runIds: ['a', 'b'] }, view: DEFAULT_VIEW });
  assert.equal(parseWebviewState({ selection: { trackingKey: 'f0', runIds: [] } }), undefined, 'no runs');
  assert.equal(parseWebviewState({ selection: { trackingKey: 'f0', runIds: [42] } }), undefined);
  assert.equal(parseWebviewState('garbage'), undefined);
});

test('compare protocol: select and openMetrics take run ids only; restored state keeps only well-formed fields', () => {
  assert.deepEqual(parseCompareMessage({ type: 'select', runId: 'abc' }), { type: 'select', runId: 'abc' });
  assert.equal(parseCompareMessage({ type: 'select', runId: '' }), undefined);
  assert.equal(parseCompareMessage({ type: 'openMetrics', runIds: ['a', 3] }), undefined);
  const state = parseCompareState({ selection: { trackingKey: 'f1', runIds: ['a', 'b'] }, view: { hidden: ['params.x', 7], onlyDiffering: 'yes', sort: { column: 'metrics.loss', descending: true } } });
  assert.deepEqual(state, { selection: { trackingKey: 'f1', runIds: ['a', 'b'] }, view: { hidden: ['params.x'], onlyDiffering: false, sort: { column: 'metrics.loss', descending: true }, target: undefined, scatterX: undefined, scatterY: undefined } });
});

const run = (id: string, name: string, params: Record<string, string>, metrics: Record<string, number | 'NaN'>): Run => ({
  info: { run_id: id, run_uuid: id, run_name: name, experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active', start_time: 0, end_time: 90_000 },
  data: { params: Object.entries(params).map(([key, value]) => ({ key, value })), metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })) },
});

test('comparison: a column per attribute, param and metric; differences, numbers and missing values', () => {
  const { columns, rows } = compareRuns([run('a', '<b>x</b>', { lr: '0.1', solver: 'adam', note: '1e-3' }, { acc: 0.9, loss: 'NaN' }), run('b', 'two', { lr: '0.2', solver: 'adam' }, { acc: 0.8 })], 0);
  assert.deepEqual(
    columns.map((c) => [c.id, c.differs, c.numeric]),
    [
      ['attributes.status', false, false],
      ['attributes.duration', false, true],
      ['attributes.start_time', false, true],
      ['params.lr', true, true],
      ['params.note', true, true],
      ['params.solver', false, false],
      ['metrics.acc', true, true],
      ['metrics.loss', true, true],
    ],
  );
  assert.equal(rows[0]!.name, '<b>x</b>', 'names stay data (the webview renders them as text)');
  assert.deepEqual(rows[0]!.cells['params.note'], { text: '1e-3', number: 0.001 });
  assert.equal(rows[1]!.cells['params.note'], undefined, 'a missing param has no cell');
  assert.ok(Number.isNaN(rows[0]!.cells['metrics.loss']!.number));
  assert.equal(rows[0]!.cells['attributes.duration']!.text, '1m 30s');
});

test('chart history: small histories whole; windows reach one point past each edge; tails index the full history', () => {
  const h = new ChartHistory(history([3, 2, 'NaN', 1, 'Infinity', 0.5, 0.25]), 'step', undefined);
  const all = h.overview(100);
  assert.ok(all.full);
  assert.deepEqual([...all.x], [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...all.flags], [0, 0, 1, 0, 2, 0, 0], 'NaN and +Infinity flagged');
  const window = h.window(2.5, 4.5, 100);
  assert.deepEqual([...window.x], [2, 3, 4, 5]);
  const tail = h.tail(5);
  assert.deepEqual([...tail.x], [5, 6]);
  assert.deepEqual([...tail.sourceIndex], [5, 6]);
  assert.equal(tail.total, 7);
});

test('chart history: time axes in seconds; relative time from the run start', () => {
  const wall = new ChartHistory(history([1, 2, 3], 1_700_000_000_000), 'time', undefined);
  assert.deepEqual([...wall.overview(10).x], [1_700_000_000, 1_700_000_001.5, 1_700_000_003]);
  const relative = new ChartHistory(history([1, 2, 3], 1_700_000_000_000), 'relative', 1_699_999_999_000);
  assert.deepEqual([...relative.overview(10).x], [1, 2.5, 4]);
});

test('chart history: a long history is downsampled with its first and last point, and says so', () => {
  const values = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 50));
  const h = new ChartHistory(history(values), 'step', undefined);
  const overview = h.overview(500);
  assert.equal(overview.full, false);
  assert.ok(overview.x.length <= 500);
  assert.equal(overview.x[0], 0);
  assert.equal(overview.x.at(-1), 9_999);
  assert.equal(overview.total, 10_000);
});
