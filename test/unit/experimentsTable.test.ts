/**
 * The Experiments table's row model: MLflow runs and DVC experiments as rows, MLflow's filter
 * syntax on both (errors with their position), multi-column sort with children under parents,
 * grouping with aggregates, duplicate names told apart, filter completion, and rows that say what
 * is wrong with them while the others stay intact.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { experimentRows, type ExpState } from '../../src/core/dvc/experiments/index.js';
import {
  aggregates,
  buildView,
  completeFilter,
  completionIndex,
  distinguishNames,
  orderByFor,
  renderEntry,
  rowsFromExperiments,
  rowsFromRuns,
  tableColumns,
  type TableRow,
  type ViewEntry,
} from '../../src/core/experimentsTable/index.js';
import type { Run } from '../../src/core/tracking/entities.js';

function run(id: string, name: string, params: Record<string, string>, metrics: Record<string, number>, tags: Record<string, string> = {}, start = 1000): Run {
  return {
    info: { run_id: id, run_uuid: id, run_name: name, experiment_id: '1', status: 'FINISHED', start_time: start, end_time: start + 500, lifecycle_stage: 'active' },
    data: {
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })),
      tags: [...Object.entries(tags).map(([key, value]) => ({ key, value })), { key: 'mlflow.runName', value: name }],
    },
  };
}

const runs: Run[] = [
  run('aaaa1111', 'rf', { lr: '0.1', depth: '3' }, { acc: 0.8 }, { team: 'a' }, 1),
  run('bbbb2222', 'rf', { lr: '0.01', depth: '5' }, { acc: 0.9 }, { team: 'b' }, 2),
  run('cccc3333', 'child', { lr: '0.01' }, { acc: 0.95 }, { 'mlflow.parentRunId': 'aaaa1111', team: 'a' }, 3),
  run('dddd4444', 'nometric', { lr: '0.5' }, {}, {}, 4),
];

const exp = (rev: string, name: string | null, params: unknown, metrics: unknown, error: ExpState['error'] = null): ExpState => ({
  rev,
  name,
  error,
  experiments: null,
  data: { rev, timestamp: '2026-01-01T00:00:00', params: { 'params.yaml': params as never }, metrics: { 'metrics.json': metrics as never }, deps: {}, outs: {}, meta: {} },
});
const B = 'b'.repeat(40);
const states: ExpState[] = [
  exp('workspace', null, { data: { lr: 0.3 } }, { data: { acc: 0.5 } }),
  {
    ...exp(B, 'main', { data: { lr: 0.3 } }, { data: { acc: 0.5 } }),
    experiments: [
      { name: 'exp-a', executor: null, revs: [exp('1'.repeat(40), 'exp-a', { data: { lr: 0.2 } }, { data: { acc: 0.7 } })] },
      { name: 'exp-a', executor: null, revs: [exp('2'.repeat(40), 'exp-a', { data: { lr: 0.4 } }, { data: { acc: 0.6 } })] },
      { name: 'broken', executor: { state: 'failed', name: 'dvc-task', local: null }, revs: [{ ...exp('3'.repeat(40), 'broken', {}, {}), data: { rev: '3'.repeat(40), timestamp: null, params: { 'params.yaml': { error: { type: 'YAMLError', msg: 'bad indentation at line 2' } } }, metrics: {}, deps: {}, outs: {}, meta: {} } }] },
      { name: 'lost', executor: { state: 'queued', name: 'dvc-task', local: null }, revs: [{ rev: '4'.repeat(40), name: 'lost', data: null, error: { type: 'RevError', msg: 'commit 4444 is not in this git repository' }, experiments: null }] },
    ],
  },
];

const mlflowRows = (): TableRow[] => rowsFromRuns('s', runs);
const dvcRows = (): TableRow[] => rowsFromExperiments('r', experimentRows(states));
const labels = (entries: readonly ViewEntry[]): string[] => entries.map((e) => (e.kind === 'row' ? `${'  '.repeat(e.depth)}${e.row.label}` : `# ${String(e.value)} (${e.count})`));

describe('experiments table rows', () => {
  it('nests child runs under their parent and keys cells by MLflow identifiers', () => {
    const rows = mlflowRows();
    assert.deepEqual(rows.map((r) => [r.label, r.parentId]), [['rf', null], ['child', 'mlflow:s:aaaa1111'], ['rf', null], ['nometric', null]]);
    assert.equal(rows[0]!.cells['params.lr'], '0.1');
    assert.equal(rows[0]!.cells['metrics.acc'], 0.8);
    assert.equal(rows[0]!.cells['tags.team'], 'a');
    assert.equal(rows[0]!.cells['attributes.duration'], 500);
  });

  it('groups DVC experiments under their baseline, flattening params and metrics', () => {
    const rows = dvcRows();
    assert.deepEqual(rows.map((r) => [r.kind, r.label, r.parentId]), [
      ['workspace', 'workspace', null],
      ['baseline', 'main', null],
      ['experiment', 'exp-a (1111111)', `dvc:r:${B}`],
      ['experiment', 'exp-a (2222222)', `dvc:r:${B}`],
      ['experiment', 'broken', `dvc:r:${B}`],
      ['experiment', 'lost', `dvc:r:${B}`],
    ]);
    assert.equal(rows[2]!.cells['params.lr'], 0.2);
    assert.equal(rows[2]!.cells['metrics.acc'], 0.7);
  });

  it('says on the row what is wrong: unreadable params file, a queue entry whose commit is gone; others intact', () => {
    const rows = dvcRows();
    assert.deepEqual(rows[4]!.problems, ['Params file params.yaml could not be read: bad indentation at line 2']);
    assert.equal(rows[4]!.status, 'failed');
    assert.deepEqual(rows[5]!.problems, ['RevError: commit 4444 is not in this git repository']);
    assert.equal(rows[5]!.status, 'queued');
    assert.deepEqual(rows[2]!.problems, []);
  });

  it('tells apart identical names with the short id', () => {
    const rows = distinguishNames(mlflowRows());
    assert.deepEqual(rows.map((r) => r.label), ['rf (aaaa1111)', 'child', 'rf (bbbb2222)', 'nometric']);
  });
});

describe('experiments table view', () => {
  it('filters with MLflow syntax; a parent stays (as context) when a child matches', () => {
    const view = buildView(mlflowRows(), { filter: 'metrics.acc >= 0.9', sort: [] });
    assert.deepEqual(labels(view.entries), ['rf', '  child', 'rf']);
    assert.equal(view.matched, 2);
    const parent = view.entries[0]!;
    assert.equal(parent.kind === 'row' && parent.matched, false);
  });

  it('applies the same filter to DVC experiments', () => {
    const view = buildView(dvcRows(), { filter: "params.lr = '0.2'", sort: [] });
    assert.deepEqual(labels(view.entries), ['main', '  exp-a (1111111)']);
  });

  it('reports a filter error with its position and keeps the rows', () => {
    const view = buildView(mlflowRows(), { filter: 'metrics.acc > 0.5 AND params.lr = 3', sort: [] });
    assert.ok(view.error);
    assert.equal(view.error.position, 'metrics.acc > 0.5 AND params.lr = '.length);
    assert.equal(view.entries.length, 4);
  });

  it('sorts by several columns, missing values last in both directions, children under parents', () => {
    const asc = buildView(mlflowRows(), { filter: '', sort: [{ column: 'params.lr', descending: false }] });
    assert.deepEqual(labels(asc.entries), ['rf', 'rf', '  child', 'nometric'].map((l) => l));
    const desc = buildView(mlflowRows(), { filter: '', sort: [{ column: 'metrics.acc', descending: true }] });
    assert.deepEqual(labels(desc.entries), ['rf', 'rf', '  child', 'nometric']);
    const two = buildView(mlflowRows(), { filter: '', sort: [{ column: 'tags.team', descending: false }, { column: 'metrics.acc', descending: true }] });
    assert.deepEqual(two.entries.filter((e) => e.kind === 'row' && e.depth === 0).map((e) => e.kind === 'row' && e.row.ref), ['aaaa1111', 'bbbb2222', 'dddd4444']);
  });

  it('hides the children of a collapsed row', () => {
    const view = buildView(mlflowRows(), { filter: '', sort: [], collapsed: ['mlflow:s:aaaa1111'] });
    assert.deepEqual(labels(view.entries), ['rf', 'rf', 'nometric']);
  });

  it('groups by a param with count and aggregates', () => {
    const view = buildView(mlflowRows(), { filter: '', sort: [], groupBy: 'params.lr' });
    assert.deepEqual(labels(view.entries), ['# 0.01 (2)', '  child', '  rf', '# 0.1 (1)', '  rf', '# 0.5 (1)', '  nometric']);
    const group = view.entries[0]!;
    assert.ok(group.kind === 'group');
    assert.deepEqual(group.aggregates['metrics.acc'], { kind: 'metric', count: 2, mean: 0.925, min: 0.9, max: 0.95 });
  });

  it('aggregates metrics only: a numeric param gets its count and distinct values, never a mean', () => {
    // DVC's params are numbers (params.yaml's lr 0.3, 0.3, 0.2, 0.4): a mean of them means nothing.
    const rows = dvcRows().filter((r) => typeof r.cells['params.lr'] === 'number');
    assert.equal(rows.length, 4);
    const all = aggregates(rows);
    assert.deepEqual(all['params.lr'], { kind: 'values', count: 4, distinct: 3 });
    assert.equal(all['metrics.acc']!.kind, 'metric');
    assert.equal(all['attributes.start_time'], undefined);
    const view = buildView(rows, { filter: '', sort: [], groupBy: 'attributes.status' });
    const columns = tableColumns(rows);
    const cellOf = (entry: ViewEntry, column: string): string | undefined => {
      const rendered = renderEntry(entry, columns);
      return rendered.kind === 'group' ? rendered.cells[columns.findIndex((c) => c.id === column)] : undefined;
    };
    const groups = view.entries.filter((e) => e.kind === 'group');
    assert.ok(groups.length > 0);
    for (const group of groups) {
      assert.doesNotMatch(cellOf(group, 'params.lr')!, /x̄/);
      assert.match(cellOf(group, 'metrics.acc')!, /^x̄ /);
    }
    const byLr = buildView(rows, { filter: '', sort: [], groupBy: 'params.lr' }).entries.find((e) => e.kind === 'group' && e.value === 0.3)!;
    assert.equal(cellOf(byLr, 'params.lr'), '= 0.3');
    const mixed = buildView(mlflowRows(), { filter: '', sort: [], groupBy: 'tags.team' }).entries.find((e) => e.kind === 'group' && e.value === 'a')!;
    const mlflowColumns = tableColumns(mlflowRows());
    const rendered = renderEntry(mixed, mlflowColumns);
    assert.ok(rendered.kind === 'group');
    assert.equal(rendered.cells[mlflowColumns.findIndex((c) => c.id === 'params.lr')], '2 distinct');
    assert.equal(rendered.details[mlflowColumns.findIndex((c) => c.id === 'params.lr')], '2 distinct values over 2 rows');
  });

  it('renders cells as text aligned with the columns', () => {
    const rows = mlflowRows();
    const columns = tableColumns(rows);
    assert.deepEqual(columns.filter((c) => c.group !== 'attributes').map((c) => c.id), ['metrics.acc', 'params.depth', 'params.lr', 'tags.team']);
    const rendered = renderEntry(buildView(rows, { filter: '', sort: [] }).entries[0]!, columns);
    assert.ok(rendered.kind === 'row');
    assert.equal(rendered.cells[columns.findIndex((c) => c.id === 'metrics.acc')], '0.8');
    assert.equal(rendered.cells[columns.findIndex((c) => c.id === 'attributes.duration')], '500ms');
  });

  it('pushes the orderable part of the sort down to MLflow', () => {
    assert.deepEqual(orderByFor([{ column: 'metrics.acc', descending: true }, { column: 'attributes.duration', descending: false }, { column: 'params.lr', descending: false }]), ['metrics.`acc` DESC']);
    // A metric's min/max/at-step column is the table's own: the store is asked for the order before it.
    assert.deepEqual(orderByFor([{ column: 'params.lr', descending: false }, { column: 'metrics.acc@min', descending: true }, { column: 'metrics.acc', descending: true }]), ['params.`lr` ASC']);
  });
});

describe('experiments table filter completion', () => {
  const index = completionIndex(mlflowRows());
  it('completes entities, keys, comparators and quoted values', () => {
    assert.deepEqual(completeFilter('me', 2, index).items.map((i) => i.label), ['metrics.']);
    assert.deepEqual(completeFilter('params.', 7, index).items.map((i) => i.label), ['depth', 'lr']);
    assert.deepEqual(completeFilter('metrics.acc ', 12, index).items.map((i) => i.label), ['>', '>=', '<', '<=', '=', '!=']);
    const values = completeFilter("params.lr = '0.0", 16, index);
    assert.deepEqual(values.items.map((i) => i.insert), ["'0.01'"]);
    assert.equal(values.from, 12);
    assert.deepEqual(completeFilter("params.lr = '0.1' ", 18, index).items.map((i) => i.label), ['AND']);
  });
});

describe('dvc experiment actions as argv', () => {
  it('builds each command and refuses operands that would be options', async () => {
    const { dvcExperimentCommand } = await import('../../src/core/tasks/dvcExperiments.js');
    const base = { python: '/py', cwd: '/repo' };
    assert.deepEqual(dvcExperimentCommand(base, { kind: 'apply', rev: 'exp-a' }).args, ['-m', 'dvc', 'exp', 'apply', 'exp-a']);
    assert.deepEqual(dvcExperimentCommand(base, { kind: 'remove', revs: ['a', 'b'] }).args, ['-m', 'dvc', 'exp', 'remove', 'a', 'b']);
    assert.deepEqual(dvcExperimentCommand(base, { kind: 'branch', rev: 'a', branch: 'feat' }).args, ['-m', 'dvc', 'exp', 'branch', 'a', 'feat']);
    assert.deepEqual(dvcExperimentCommand(base, { kind: 'queueStart', jobs: 99 }).args, ['-m', 'dvc', 'queue', 'start', '--jobs', '16']);
    assert.deepEqual(dvcExperimentCommand(base, { kind: 'logs', rev: 'q1' }).args, ['-m', 'dvc', 'queue', 'logs', 'q1']);
    assert.deepEqual(dvcExperimentCommand(base, { kind: 'push', remote: 'origin', revs: ['a'] }).args, ['-m', 'dvc', 'exp', 'push', 'origin', 'a']);
    assert.deepEqual(dvcExperimentCommand(base, { kind: 'pull', remote: 'origin', allCommits: false }).args, ['-m', 'dvc', 'exp', 'pull', 'origin']);
    assert.deepEqual(dvcExperimentCommand(base, { kind: 'pull', remote: '/srv/exps.git', allCommits: true }).args, ['-m', 'dvc', 'exp', 'pull', '--all-commits', '/srv/exps.git']);
    assert.throws(() => dvcExperimentCommand(base, { kind: 'pull', remote: '--upload-pack=x', allCommits: true }), /option/);
    assert.throws(() => dvcExperimentCommand(base, { kind: 'apply', rev: '--force' }), /option/);
    assert.throws(() => dvcExperimentCommand(base, { kind: 'remove', revs: [] }), /empty/);
  });
});

describe('runs view rows say what the query says', () => {
  it('names the metrics, params and tags sorted then filtered by, once each; an invalid query names nothing', async () => {
    const { queriedKeys } = await import('../../src/core/tracking/runsViewQuery.js');
    assert.deepEqual(queriedKeys({ orderBy: 'metrics.acc DESC', filter: "metrics.acc > 0.5 AND params.lr = '0.1' AND attributes.status = 'FINISHED'" }), [
      { type: 'metric', key: 'acc' },
      { type: 'parameter', key: 'lr' },
    ]);
    assert.deepEqual(queriedKeys({ filter: 'metrics.acc >' }), []);
    assert.deepEqual(queriedKeys({}), []);
  });

  it('shows the run\'s values of those keys and tells shared names apart', async () => {
    const { queriedValues, sharedNames } = await import('../../src/core/tracking/runsViewQuery.js');
    const { formatMetricValue } = await import('../../src/core/format.js');
    assert.deepEqual(queriedValues(runs[0]!, [{ type: 'metric', key: 'acc' }, { type: 'parameter', key: 'lr' }, { type: 'metric', key: 'loss' }], formatMetricValue), ['acc 0.8', 'lr 0.1', 'loss —']);
    assert.deepEqual([...sharedNames(runs, (r) => r.info.run_name!)], ['rf']);
  });
});

describe('grouping across sources', () => {
  it('puts DVC\'s number 0.3 and MLflow\'s param text \'0.3\' in one group', () => {
    const rows = [...rowsFromRuns('s', [run('eeee5555', 'x', { lr: '0.3' }, { acc: 0.1 })]), ...dvcRows()];
    const view = buildView(rows, { filter: '', sort: [], groupBy: 'params.lr' });
    const group = view.entries.find((e) => e.kind === 'group' && String(e.value) === '0.3');
    assert.ok(group && group.kind === 'group');
    assert.equal(group.count, 3);
  });
});
