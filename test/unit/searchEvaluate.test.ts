/** Filtering and ordering runs with the answers of MLflow's SQLite store (NaN, missing keys, LIKE case). */
import assert from 'node:assert/strict';
import test from 'node:test';
import type { Run } from '../../src/core/tracking/entities';
import { searchRunsInMemory } from '../../src/core/tracking/search/index';

function run(id: string, start: number, metrics: Record<string, number | 'NaN'>, tags: Record<string, string> = {}): Run {
  return {
    info: { run_id: id, run_uuid: id, experiment_id: '0', status: 'FINISHED', start_time: start, lifecycle_stage: 'active' },
    data: {
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    },
  };
}

const runs = [run('a', 1, { acc: 0.5 }, { team: 'Core' }), run('b', 2, { acc: 'NaN' }, { team: 'core' }), run('c', 3, {}), run('d', 1, { acc: 0.9 }, { 'mlflow.runName': 'x_1' })];
const ids = (filter?: string, orderBy?: string[]): string[] => searchRunsInMemory(runs, { filter, orderBy }).map((r) => r.info.run_id);

test('NaN metrics only satisfy !=, and missing keys satisfy nothing but IS NULL', () => {
  assert.deepEqual(ids('metrics.acc != 0.5'), ['b', 'd']);
  assert.deepEqual(ids('metrics.acc > -1'), ['a', 'd']);
  assert.deepEqual(ids('tags.team IS NULL'), ['c', 'd']);
});

test('LIKE is case-sensitive, ILIKE folds ASCII; run_name reads the mlflow.runName tag', () => {
  assert.deepEqual(ids("tags.team LIKE 'c%'"), ['b']);
  assert.deepEqual(ids("tags.team ILIKE 'C%'"), ['b', 'a']);
  assert.deepEqual(ids("run_name LIKE 'x__'"), ['d']);
});

test('values first, then NaN, then missing, in both directions; ties by start_time DESC then run_id', () => {
  assert.deepEqual(ids(undefined, ['metrics.acc']), ['a', 'd', 'b', 'c']);
  assert.deepEqual(ids(undefined, ['metrics.acc DESC']), ['d', 'a', 'b', 'c']);
  assert.deepEqual(ids(), ['c', 'b', 'a', 'd']);
});
