import assert from 'node:assert/strict';
import test from 'node:test';
import { compareRunsMarkdown, escapeCell } from '../../src/core/tracking/compare.js';
import type { Run } from '../../src/core/tracking/model.js';

const run = (id: string, name: string, params: Record<string, string>, metrics: Record<string, number>): Run => ({
  info: { run_id: id, run_uuid: id, run_name: name, experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active', start_time: 0, end_time: 60_000 },
  data: { params: Object.entries(params).map(([key, value]) => ({ key, value })), metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })) },
});

test('compare table: one column per run, differing rows marked, missing values dashed', () => {
  const markdown = compareRunsMarkdown([run('a', 'lr-0.1', { lr: '0.1', solver: 'adam' }, { acc: 0.9 }), run('b', 'lr-0.2', { lr: '0.2', solver: 'adam' }, {})], 60_000);
  assert.equal(
    markdown.split('\n').slice(2, 9).join('\n'),
    [
      '|  | lr-0.1 | lr-0.2 |',
      '| --- | --- | --- |',
      '| status | FINISHED | FINISHED |',
      '| duration | 1m 00s | 1m 00s |',
      '| **≠** params.lr | 0.1 | 0.2 |',
      '| params.solver | adam | adam |',
      '| **≠** metrics.acc | 0.9 | — |',
    ].join('\n'),
  );
});

test('cells neutralise markup, pipes and newlines from run data', () => {
  assert.equal(escapeCell('<img src=x onerror=alert(1)>'), '&lt;img src=x onerror=alert(1)&gt;');
  assert.equal(escapeCell('a|b\nc'), 'a\\|b ⏎ c');
  assert.equal(escapeCell('[link](javascript:x) `code` *bold*'), '\\[link\\](javascript:x) \\`code\\` \\*bold\\*');
  assert.equal(escapeCell('x'.repeat(300)).length, 200);
});
