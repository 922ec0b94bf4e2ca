/** The Drift panel's protocol: only the messages the webview may send pass; the verdict line as people read it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFromWebview, parseViewState, verdictText, type DriftReport } from '../../src/protocol/driftPanel.js';

test('messages from the webview: ready and the three actions; anything else is refused', () => {
  assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
  for (const action of ['evidently', 'mlflow', 'rerun']) assert.deepEqual(parseFromWebview({ type: 'action', action }), { type: 'action', action });
  for (const bad of [null, 'ready', { type: 'action', action: 'rm -rf' }, { type: 'action' }, { type: 'open', path: '/etc/passwd' }, [], { type: '__proto__' }]) assert.equal(parseFromWebview(bad), undefined);
  assert.deepEqual(parseViewState({ selectedColumn: 'x' }), { selectedColumn: 'x' });
  assert.deepEqual(parseViewState({ selectedColumn: 5 }), {});
  assert.deepEqual(parseViewState('junk'), {});
});

test('verdict line: detected, not detected, nothing tested, text columns not counted', () => {
  const report = (dataset: Partial<DriftReport['dataset']>): DriftReport => ({ dataset: { tested: 4, drifted: 2, share: 0.5, driftShare: 0.5, detected: true, notComputed: 0, ...dataset } }) as DriftReport;
  assert.equal(verdictText(report({})), 'Dataset drift detected: 2 of 4 columns drifted (50%; dataset drift is declared from 50%).');
  assert.equal(verdictText(report({ drifted: 1, share: 0.25, detected: false, notComputed: 1 })), 'Dataset drift not detected: 1 of 4 columns drifted (25%; dataset drift is declared from 50%). 1 text column is not computed (Evidently scores text with a trained classifier) and not counted.');
  assert.equal(verdictText(report({ tested: 0, drifted: 0, share: 0, detected: false })), 'No column could be compared: see the problems below.');
});
