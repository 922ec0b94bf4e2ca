/**
 * The Monitoring view's model (core/monitoring/checks.ts): drift checks read back from the runs
 * Log to MLflow writes (monitoringRunPayload's tags and metrics), grouped by model version, newest
 * first, the last verdict as the status; odd or missing values are unknowns. The runs themselves
 * are written by MLflow's client in the monitoring e2e.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { checkSummary, groupChecks } from '../../src/core/monitoring/checks.js';
import { MONITORING_TAGS } from '../../src/core/monitoring/mlflowRun.js';
import type { Run } from '../../src/core/tracking/entities.js';

function run(id: string, start: number, tags: Record<string, string>, metrics: Record<string, number | string>): Run {
  return {
    info: { run_id: id, run_uuid: id, run_name: `drift ${id}`, experiment_id: '7', status: 'FINISHED', start_time: start, lifecycle_stage: 'active' },
    data: { tags: Object.entries(tags).map(([key, value]) => ({ key, value })), metrics: Object.entries(metrics).map(([key, value]) => ({ key, value: value as number, step: 0, timestamp: start })), params: [] },
  };
}
const model = (name: string, version: string, detected: boolean): Record<string, string> => ({ [MONITORING_TAGS.kind]: 'drift', [MONITORING_TAGS.modelName]: name, [MONITORING_TAGS.modelVersion]: version, [MONITORING_TAGS.detected]: String(detected) });
const counts = (drifted: number, tested: number): Record<string, number> => ({ drifted_columns: drifted, tested_columns: tested, share_of_drifted_columns: drifted / tested, dataset_drift: drifted / tested >= 0.5 ? 1 : 0 });

test('grouped by model version, newest check first, the last verdict as the status', () => {
  const groups = groupChecks([
    run('a', 1_000, model('iris', '3', false), counts(1, 4)),
    run('b', 3_000, model('iris', '3', true), counts(3, 4)),
    run('c', 2_000, model('iris', '10', false), counts(0, 4)),
    run('d', 5_000, { [MONITORING_TAGS.kind]: 'drift', [MONITORING_TAGS.detected]: 'false' }, counts(0, 2)),
    run('e', 9_000, { 'other.tag': 'x' }, {}),
  ]);
  assert.deepEqual(groups.map((g) => [g.model ? `${g.model.name} v${g.model.version}` : 'none', g.status, g.checks.map((c) => c.runId)]), [
    ['iris v10', 'no-drift', ['c']],
    ['iris v3', 'drift', ['b', 'a']],
    ['none', 'no-drift', ['d']],
  ]);
  assert.equal(checkSummary(groups[1]!.checks[0]!), 'dataset drift: 3 of 4 columns drifted (75%)');
});

test('untrusted runs: a missing verdict tag falls back to the metric; odd values are unknown, never a crash', () => {
  const [group] = groupChecks([
    run('x', 1, { [MONITORING_TAGS.kind]: 'drift', [MONITORING_TAGS.modelName]: '<b>m</b>', [MONITORING_TAGS.modelVersion]: '1' }, { dataset_drift: 1, tested_columns: 'NaN' }),
    run('y', 0, { [MONITORING_TAGS.kind]: 'drift', [MONITORING_TAGS.modelName]: '<b>m</b>', [MONITORING_TAGS.modelVersion]: '1', [MONITORING_TAGS.detected]: 'maybe' }, {}),
  ]);
  assert.equal(group!.model!.name, '<b>m</b>');
  assert.equal(group!.checks[0]!.detected, true);
  assert.equal(group!.checks[0]!.tested, undefined);
  assert.equal(group!.checks[1]!.detected, undefined);
  assert.equal(checkSummary(group!.checks[1]!), 'verdict unknown');
  assert.equal(group!.status, 'drift');
});
