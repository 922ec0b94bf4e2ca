/** The Experiments table's messages: what the host accepts from the webview and what the webview accepts from the host. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFromWebview, parseLayout, parseSources, parseToWebview } from '../../src/protocol/experimentsTable.js';

describe('experiments table protocol', () => {
  it('accepts the messages the webview sends', () => {
    assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
    const query = { filter: 'metrics.acc > 0.5', sort: [{ column: 'metrics.acc', descending: true }], starredOnly: false, collapsed: [], groupBy: 'params.lr' };
    assert.deepEqual(parseFromWebview({ type: 'query', query }), { type: 'query', query });
    assert.deepEqual(parseFromWebview({ type: 'window', version: 3, start: 100, count: 200 }), { type: 'window', version: 3, start: 100, count: 200 });
    assert.deepEqual(parseFromWebview({ type: 'rowAction', action: 'compare', rowIds: ['mlflow:a:1', 'mlflow:a:2'] }), { type: 'rowAction', action: 'compare', rowIds: ['mlflow:a:1', 'mlflow:a:2'] });
    assert.deepEqual(parseFromWebview({ type: 'complete', requestId: 1, text: 'met', cursor: 3 }), { type: 'complete', requestId: 1, text: 'met', cursor: 3 });
  });

  it('refuses anything else', () => {
    for (const bad of [
      null,
      'ready',
      { type: 'unknown' },
      { type: 'query', query: { filter: 1, sort: [], collapsed: [] } },
      { type: 'query', query: { filter: '', sort: [{ column: 'x' }], collapsed: [] } },
      { type: 'query', query: { filter: 'x'.repeat(5000), sort: [], collapsed: [] } },
      { type: 'window', version: 1, start: -1, count: 10 },
      { type: 'window', version: 1, start: 0, count: 100_000 },
      { type: 'rowAction', action: 'rm -rf', rowIds: ['a'] },
      { type: 'rowAction', action: 'remove', rowIds: [] },
      { type: 'rowAction', action: 'remove', rowIds: [7] },
      { type: 'complete', requestId: 1, text: 'ab', cursor: 5 },
      { type: 'tableAction', action: 'format' },
    ]) {
      assert.equal(parseFromWebview(bad), undefined, JSON.stringify(bad));
    }
  });

  it('lets the webview drop malformed host messages', () => {
    assert.equal(parseToWebview({ type: 'window', version: 1, start: 0, entries: [{ kind: 'row', id: 'a', label: 1, cells: [] }] }), undefined);
    assert.ok(parseToWebview({ type: 'window', version: 1, start: 0, entries: [{ kind: 'row', id: 'a', label: '<b>x</b>', cells: ['1'] }] }));
    assert.equal(parseToWebview({ type: 'error' }), undefined);
  });

  it('restores layout and sources defensively', () => {
    assert.deepEqual(parseLayout({ widths: { a: 120, b: 5, c: 'x' }, order: ['a'], hidden: 'b' }), { widths: { a: 120 }, order: ['a'], hidden: [] });
    assert.deepEqual(parseSources([{ kind: 'dvc', place: '/repo' }, { kind: 'mlflow', place: 'k', experimentId: '1' }]), [{ kind: 'dvc', place: '/repo' }, { kind: 'mlflow', place: 'k', experimentId: '1' }]);
    assert.equal(parseSources([{ kind: 'mlflow', place: 'k' }]), undefined);
    assert.equal(parseSources([]), undefined);
  });
});
