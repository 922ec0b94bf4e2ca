/**
 * The Pipeline Graph and Data Diff panels' protocols: the host acts only on messages these parsers
 * accept, so a compromised or buggy webview cannot name a stage by a non-string, an index out of
 * range, or a key column of unbounded length.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { parseFromWebview as parseDiff } from '../../src/protocol/dataDiff.js';
import { parseFromWebview as parseGraph } from '../../src/protocol/pipelineGraph.js';

test('pipeline graph: ready, refresh, export and openStage pass; anything else is dropped', () => {
  assert.deepEqual(parseGraph({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseGraph({ type: 'refresh', extra: 1 }), { type: 'refresh' });
  assert.deepEqual(parseGraph({ type: 'exportMermaid' }), { type: 'exportMermaid' });
  assert.deepEqual(parseGraph({ type: 'openStage', project: 0, stage: 'train' }), { type: 'openStage', project: 0, stage: 'train' });
  for (const bad of [
    null,
    'ready',
    { type: 'run' },
    { type: 'openStage', project: -1, stage: 'train' },
    { type: 'openStage', project: 1.5, stage: 'train' },
    { type: 'openStage', project: '0', stage: 'train' },
    { type: 'openStage', project: 0, stage: '' },
    { type: 'openStage', project: 0, stage: 'x'.repeat(5000) },
    { type: 'openStage', project: 0, stage: ['train'] },
  ]) assert.equal(parseGraph(bad), undefined, JSON.stringify(bad)?.slice(0, 80));
});

test('data diff: ready and setKey (a column name, or null for by position) pass; nothing else', () => {
  assert.deepEqual(parseDiff({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseDiff({ type: 'setKey', key: 'id' }), { type: 'setKey', key: 'id' });
  assert.deepEqual(parseDiff({ type: 'setKey', key: null }), { type: 'setKey', key: null });
  for (const bad of [undefined, { type: 'setKey' }, { type: 'setKey', key: '' }, { type: 'setKey', key: 3 }, { type: 'setKey', key: 'k'.repeat(1001) }, { type: 'open', path: '/etc/passwd' }]) {
    assert.equal(parseDiff(bad), undefined, JSON.stringify(bad)?.slice(0, 80));
  }
});
