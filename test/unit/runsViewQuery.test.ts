import assert from 'node:assert/strict';
import test from 'node:test';
import { describeRunQuery, runSearchFor, sortKeysOf, validateRunFilter, validateRunOrderBy } from '../../src/core/tracking/runsViewQuery.js';
import type { Run } from '../../src/core/tracking/entities.js';

test('toggles become MLflow clauses ANDed to the typed filter', () => {
  assert.deepEqual(runSearchFor({}), { filter: undefined, orderBy: undefined, viewType: 'ACTIVE_ONLY' });
  assert.deepEqual(runSearchFor({ filter: ' metrics.acc > 0.9 ', status: 'FAILED', showDeleted: true, orderBy: 'metrics.acc DESC' }), {
    filter: "metrics.acc > 0.9 AND attributes.status = 'FAILED'",
    orderBy: ['metrics.acc DESC'],
    viewType: 'ALL',
  });
  assert.equal(runSearchFor({ status: 'RUNNING' }).filter, "attributes.status = 'RUNNING'");
});

test('filters are validated with the grammar\'s own message, pointing at the offending token', () => {
  assert.equal(validateRunFilter("metrics.acc > 0.9 AND params.solver = 'lbfgs'"), undefined);
  assert.equal(validateRunFilter('   '), undefined);
  const message = validateRunFilter('metrics.acc > 0.9 OR params.x = 1');
  assert.match(message!, /^Invalid clause\(s\) in filter string: 'OR'/);
  assert.match(message!, /at position 19: 'OR'/);
  assert.equal(validateRunOrderBy('metrics.acc SIDEWAYS'), "Invalid ordering key in order_by clause 'metrics.acc SIDEWAYS'.");
  assert.equal(validateRunOrderBy('metrics.acc DESC'), undefined);
});

test('the view description sums up the query', () => {
  assert.equal(describeRunQuery({}), undefined);
  assert.equal(describeRunQuery({ filter: 'metrics.acc > 0.9', status: 'RUNNING', showDeleted: true, orderBy: 'metrics.acc DESC' }), 'metrics.acc > 0.9 · running only · with deleted · ↓ metrics.acc');
  assert.equal(describeRunQuery({ orderBy: 'attributes.run_name' }), '↑ attributes.run_name');
});

test('sort keys: attributes, then metric and param keys of the runs, quoted when needed', () => {
  const run = (metrics: string[], params: string[]): Run => ({
    info: { run_id: 'r', run_uuid: 'r', experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active' },
    data: { metrics: metrics.map((key) => ({ key, value: 1, timestamp: 0, step: 0 })), params: params.map((key) => ({ key, value: 'v' })) },
  });
  assert.deepEqual(sortKeysOf([run(['loss', 'val/f1-score'], ['lr']), run(['loss'], ['batch size'])]), [
    'attributes.start_time',
    'attributes.end_time',
    'attributes.run_name',
    'attributes.status',
    'metrics.loss',
    'metrics.`val/f1-score`',
    'params.`batch size`',
    'params.lr',
  ]);
  for (const key of sortKeysOf([run(['val/f1-score'], ['batch size'])])) assert.equal(validateRunOrderBy(`${key} DESC`), undefined, key);
});
