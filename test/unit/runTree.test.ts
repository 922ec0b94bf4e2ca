import assert from 'node:assert/strict';
import test from 'node:test';
import type { Run } from '../../src/core/tracking/entities.js';
import { nestRuns, runDisplayName, runSummary, type RunNode } from '../../src/core/tracking/runTree.js';

function run(id: string, options: { parent?: string; name?: string; start?: number; end?: number } = {}): Run {
  const tags = [{ key: 'mlflow.runName', value: options.name ?? `tag-${id}` }];
  if (options.parent) tags.push({ key: 'mlflow.parentRunId', value: options.parent });
  return {
    info: { run_id: id, run_uuid: id, run_name: options.name, experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active', start_time: options.start, end_time: options.end },
    data: { tags },
  };
}

const shape = (nodes: readonly RunNode[]): unknown => nodes.map((n) => [n.run.info.run_id, shape(n.children)]);

test('child runs nest under their parent, in listing order at every level', () => {
  const runs = [run('c2', { parent: 'p' }), run('p'), run('c1', { parent: 'p' }), run('g', { parent: 'c1' }), run('q')];
  assert.deepEqual(shape(nestRuns(runs)), [['p', [['c2', []], ['c1', [['g', []]]]]], ['q', []]]);
});

test('a child whose parent is not listed stays at the top; a cycle of parent tags terminates', () => {
  assert.deepEqual(shape(nestRuns([run('orphan', { parent: 'gone' })])), [['orphan', []]]);
  assert.deepEqual(shape(nestRuns([run('self', { parent: 'self' })])), [['self', []]]);
  // a → b → a: neither is a root, so both are unreachable from the top; nothing hangs.
  assert.deepEqual(shape(nestRuns([run('a', { parent: 'b' }), run('b', { parent: 'a' })])), []);
});

test('display name falls back from run_name to the mlflow.runName tag to the id', () => {
  assert.equal(runDisplayName(run('x', { name: 'named' })), 'named');
  assert.equal(runDisplayName(run('x')), 'tag-x');
  assert.equal(runDisplayName({ info: { ...run('x').info, run_name: '' }, data: {} }), 'x');
});

test('the run summary lists status, ids, times and a running duration so far', () => {
  const format = { duration: (ms: number) => `${ms}ms`, date: (ms: number) => `@${ms}` };
  const rows = runSummary(run('r1', { name: 'n', parent: 'p0', start: 1000, end: 4000 }), 'iris', 9000, format);
  assert.deepEqual(rows, [
    { label: 'Status', value: 'FINISHED' },
    { label: 'Run ID', value: 'r1' },
    { label: 'Experiment', value: 'iris (#1)' },
    { label: 'Parent run', value: 'p0' },
    { label: 'Started', value: '@1000' },
    { label: 'Ended', value: '@4000' },
    { label: 'Duration', value: '3000ms' },
  ]);
  const running = runSummary(run('r2', { start: 1000 }), 'iris', 9000, format);
  assert.deepEqual(running.find((r) => r.label === 'Duration'), { label: 'Duration', value: '8000ms so far' });
});
