/**
 * Metric columns on demand (core/experimentsTable/metricViews): min, max and value at a step over a
 * run's whole history, read once per run and metric and read again when the run logs again; the
 * columns sort and render like any metric column. MLflow's own answer for the same histories is
 * compared in test/contract/experimentsTableMetricViews.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildView, MetricViewCells, metricViewColumn, parseMetricViewColumn, rowsFromRuns, summarizeHistory, tableColumns, viewValue, type HistoryReader, type TableRow } from '../../src/core/experimentsTable/index.js';
import type { Metric, Run } from '../../src/core/tracking/entities.js';
import { parseFromWebview, parseQuery } from '../../src/protocol/experimentsTable.js';

const point = (step: number, value: number | string, timestamp = step): Metric => ({ key: 'loss', value: value as number, step, timestamp });

describe('metric history summaries', () => {
  it('min and max leave NaN out; a history of NaN only is NaN; no history is an empty cell', () => {
    const s = summarizeHistory([point(0, 3), point(1, 'NaN'), point(2, -1), point(3, 'Infinity')], []);
    assert.equal(viewValue(s, { key: 'loss', aggregate: 'min' }), -1);
    assert.equal(viewValue(s, { key: 'loss', aggregate: 'max' }), Infinity);
    assert.ok(Number.isNaN(viewValue(summarizeHistory([point(0, 'NaN')], []), { key: 'loss', aggregate: 'min' }) as number));
    assert.equal(viewValue(summarizeHistory([], []), { key: 'loss', aggregate: 'max' }), null);
  });

  it('the value at a step is MLflow’s latest at that step (latest timestamp, then the larger value); a step never logged is empty', () => {
    const s = summarizeHistory([point(5, 1, 100), point(5, 2, 300), point(5, 9, 200), point(6, 4, 10), point(6, 7, 10)], [5, 6, 7]);
    assert.equal(viewValue(s, { key: 'loss', aggregate: 'step', step: 5 }), 2);
    assert.equal(viewValue(s, { key: 'loss', aggregate: 'step', step: 6 }), 7);
    assert.equal(viewValue(s, { key: 'loss', aggregate: 'step', step: 7 }), null);
  });

  it('derived column ids round-trip; other ids are not derived', () => {
    for (const view of [{ key: 'val/loss', aggregate: 'min' }, { key: 'a.b', aggregate: 'max' }, { key: 'acc', aggregate: 'step', step: 120 }, { key: 'acc', aggregate: 'step', step: -1 }] as const) {
      assert.deepEqual(parseMetricViewColumn(metricViewColumn(view)), view);
    }
    for (const id of ['metrics.loss', 'params.x@min', 'metrics.loss@mean', 'metrics.loss@step=', 'metrics.loss@step=1e3']) assert.equal(parseMetricViewColumn(id), undefined);
  });
});

const run = (id: string, latest: number, timestamp = 1): Run => ({
  info: { run_id: id, run_uuid: id, experiment_id: '1', status: 'FINISHED', start_time: 1000, lifecycle_stage: 'active', run_name: id },
  data: { metrics: [{ key: 'loss', value: latest, step: 2, timestamp }], params: [], tags: [] },
});

const HISTORIES: Record<string, Metric[]> = {
  a: [point(0, 5), point(1, 2), point(2, 3)],
  b: [point(0, 9), point(1, 1), point(2, 4)],
  c: [point(0, 7), point(1, 6), point(2, 0.5)],
};

function reader(calls: string[], fail: ReadonlySet<string> = new Set()): HistoryReader {
  return async (row, key) => {
    calls.push(`${row.ref}:${key}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (fail.has(row.ref)) throw new Error('HTTP 500');
    return HISTORIES[row.ref]!;
  };
}

async function settle(cells: MetricViewCells, rows: () => readonly TableRow[], views: Parameters<MetricViewCells['apply']>[1]): Promise<TableRow[]> {
  for (let i = 0; i < 100; i++) {
    const out = cells.apply(rows(), views);
    if (cells.status.done === cells.status.total) return out;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('reads never settled');
}

describe('metric view cells', () => {
  const views = [{ key: 'loss', aggregate: 'min' }, { key: 'loss', aggregate: 'step', step: 1 }] as const;

  it('fills each run’s min and value at a step from its history, read once; the columns sort like any metric', async () => {
    const calls: string[] = [];
    let reads = 0;
    const cells = new MetricViewCells(() => reader(calls), () => reads++);
    const rows = rowsFromRuns('s', [run('a', 3), run('b', 4), run('c', 0.5)]);
    const pending = cells.apply(rows, views);
    assert.equal(pending[0]!.cells['metrics.loss@min'], null, 'empty while the read is pending');
    const out = await settle(cells, () => rows, views);
    assert.deepEqual(out.map((r) => [r.ref, r.cells['metrics.loss@min'], r.cells['metrics.loss@step=1']]), [['a', 2, 2], ['b', 1, 1], ['c', 0.5, 6]]);
    assert.deepEqual(calls.sort(), ['a:loss', 'b:loss', 'c:loss']);
    assert.ok(reads >= 3);
    const columns = tableColumns(out);
    assert.deepEqual(columns.filter((c) => c.id.startsWith('metrics.')).map((c) => [c.id, c.label, c.numeric]), [
      ['metrics.loss', 'loss', true],
      ['metrics.loss@min', 'loss (min)', true],
      ['metrics.loss@step=1', 'loss @ step 1', true],
    ]);
    const sorted = buildView(out, { filter: '', sort: [{ column: 'metrics.loss@min', descending: false }] });
    assert.deepEqual(sorted.entries.map((e) => (e.kind === 'row' ? e.row.ref : '')), ['c', 'b', 'a']);
    // Asked again with the same rows: nothing read again.
    cells.apply(rows, views);
    assert.equal(calls.length, 3);
  });

  it('a run that logged again (its latest value changed) is read again; the others are not', async () => {
    const calls: string[] = [];
    const cells = new MetricViewCells(() => reader(calls), () => undefined);
    let rows = rowsFromRuns('s', [run('a', 3), run('b', 4)]);
    await settle(cells, () => rows, views);
    rows = rowsFromRuns('s', [run('a', 3, 99), run('b', 4)]);
    await settle(cells, () => rows, views);
    assert.deepEqual(calls, ['a:loss', 'b:loss', 'a:loss']);
  });

  it('a history that cannot be read leaves its cells empty and says so; the other rows fill; retried after retryFailed (Refresh)', async () => {
    const failing = new Set(['b']);
    const calls: string[] = [];
    const cells = new MetricViewCells(() => reader(calls, failing), () => undefined);
    const rows = rowsFromRuns('s', [run('a', 3), run('b', 4)]);
    const out = await settle(cells, () => rows, views);
    assert.equal(out[0]!.cells['metrics.loss@min'], 2);
    assert.equal(out[1]!.cells['metrics.loss@min'], null);
    assert.equal(cells.status.failed, 1);
    assert.match(cells.status.errors[0]!, /^b: loss: HTTP 500$/);
    await settle(cells, () => rows, views);
    assert.deepEqual(calls.filter((c) => c === 'b:loss').length, 1, 'a failure is not read again by itself');
    failing.clear();
    cells.retryFailed();
    const again = await settle(cells, () => rows, views);
    assert.equal(again[1]!.cells['metrics.loss@min'], 1);
    assert.equal(cells.status.failed, 0);
  });

  it('adding a min or max view, or removing a step view, reads nothing again; a new step reads again', async () => {
    const calls: string[] = [];
    const cells = new MetricViewCells(() => reader(calls), () => undefined);
    const rows = rowsFromRuns('s', [run('a', 3)]);
    await settle(cells, () => rows, [{ key: 'loss', aggregate: 'step', step: 1 }]);
    const more = await settle(cells, () => rows, [{ key: 'loss', aggregate: 'step', step: 1 }, { key: 'loss', aggregate: 'max' }, { key: 'loss', aggregate: 'min' }]);
    assert.deepEqual([more[0]!.cells['metrics.loss@min'], more[0]!.cells['metrics.loss@step=1']], [2, 2]);
    await settle(cells, () => rows, [{ key: 'loss', aggregate: 'min' }]);
    assert.deepEqual(calls, ['a:loss']);
    const pending = cells.apply(rows, [{ key: 'loss', aggregate: 'min' }, { key: 'loss', aggregate: 'step', step: 0 }]);
    assert.equal(pending[0]!.cells['metrics.loss@min'], 2, 'min stays shown while the new step is read');
    assert.equal(pending[0]!.cells['metrics.loss@step=0'], null);
    const stepped = await settle(cells, () => rows, [{ key: 'loss', aggregate: 'min' }, { key: 'loss', aggregate: 'step', step: 0 }]);
    assert.equal(stepped[0]!.cells['metrics.loss@step=0'], 5);
    assert.deepEqual(calls, ['a:loss', 'a:loss']);
  });

  it('at most `concurrency` reads at once; removing the views stops the rest', async () => {
    let active = 0;
    let most = 0;
    const started: string[] = [];
    const slow: HistoryReader = async (row, _key, signal) => {
      started.push(row.ref);
      active++;
      most = Math.max(most, active);
      await new Promise((resolve) => setTimeout(resolve, 20));
      active--;
      signal.throwIfAborted();
      return HISTORIES.a!;
    };
    const many = Array.from({ length: 12 }, (_, i) => run(`r${i}`, 1));
    const cells = new MetricViewCells(() => slow, () => undefined, 3);
    cells.apply(rowsFromRuns('s', many), views);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(most, 3);
    const out = cells.apply(rowsFromRuns('s', many), []);
    assert.equal(out[0]!.cells['metrics.loss@min'], undefined);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(started.length, 3, 'no read started after the views went');
    assert.deepEqual(cells.status, { done: 0, total: 0, failed: 0, errors: [] });
  });

  it('runs without the metric get no derived cell and no read (DVC rows: dvcliveHistory.test.ts)', async () => {
    const calls: string[] = [];
    const cells = new MetricViewCells(() => reader(calls), () => undefined);
    const noLoss: Run = { ...run('z', 1), data: { metrics: [{ key: 'acc', value: 1, step: 0, timestamp: 0 }], params: [], tags: [] } };
    const out = cells.apply(rowsFromRuns('s', [noLoss]), views);
    assert.equal(out[0]!.cells['metrics.loss@min'], undefined);
    assert.equal(cells.status.total, 0);
    assert.deepEqual(calls, []);
  });
});

describe('metric views in the protocol', () => {
  it('a query keeps valid views and refuses bad ones', () => {
    const ok = parseQuery({ filter: '', sort: [], collapsed: [], metricViews: [{ key: 'loss', aggregate: 'min' }, { key: 'acc', aggregate: 'step', step: 10 }] });
    assert.deepEqual(ok?.metricViews, [{ key: 'loss', aggregate: 'min' }, { key: 'acc', aggregate: 'step', step: 10 }]);
    for (const bad of [[{ key: 'loss', aggregate: 'mean' }], [{ key: 'acc', aggregate: 'step' }], [{ key: 'acc', aggregate: 'step', step: 1.5 }], [{ key: '', aggregate: 'min' }], [{ key: 'x'.repeat(700), aggregate: 'min' }], Array.from({ length: 13 }, (_, i) => ({ key: `m${i}`, aggregate: 'min' }))]) {
      assert.equal(parseQuery({ filter: '', sort: [], collapsed: [], metricViews: bad }), undefined, JSON.stringify(bad).slice(0, 80));
    }
    assert.equal(parseFromWebview({ type: 'query', query: { filter: '', sort: [], collapsed: [], metricViews: 'min' } }), undefined);
  });
});
