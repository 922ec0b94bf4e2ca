/**
 * The Go/No-Go gate against real MLflow, on the lineage project (lineageFixture.ts) with a copy of
 * its store: thresholds drawn from the metrics MlflowClient reports, so each criterion is known to
 * pass or fail; `gate` exits 0 for Go and 1 for No-Go; `--promote` on a No-Go leaves the alias
 * where MlflowClient saw it and writes no tag; on a Go it records the decision, the criteria file's
 * sha256 and the report as model version tags, then moves the alias (read back with MlflowClient);
 * an explicit override is recorded as such.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { GateReport } from '../../src/core/lineage/gate';
import { pythonEnv } from '../support/python';
import { cli, lineageFixture, mlflowReference, type LineageFixture, type MlflowView } from './lineageFixture';

let fx: LineageFixture;
let scratch = '';
let uri = '';
let python = '';
let before_: MlflowView;

function versionOf(view: MlflowView, alias: string): MlflowView['versions'][number] {
  return view.versions.find((v) => v.name === 'lineage-model' && v.aliases.includes(alias))!;
}

before(async () => {
  fx = await lineageFixture();
  python = (await pythonEnv()).python;
  scratch = mkdtempSync(join(tmpdir(), 'gate-contract-'));
  // Writes go to a copy of the store (the artifacts it points to are only read).
  copyFileSync(fx.tracking_uri.replace(/^sqlite:\/\//, ''), join(scratch, 'mlflow.db'));
  uri = `sqlite:///${join(scratch, 'mlflow.db')}`;
  before_ = await mlflowReference(uri);
});

after(() => rmSync(scratch, { recursive: true, force: true }));

async function gate(criteria: string, ...extra: string[]): Promise<{ code: number; report: GateReport & { promoted: string | null }; err: string; file: string }> {
  const file = join(scratch, `criteria-${createHash('sha256').update(criteria).digest('hex').slice(0, 8)}.yaml`);
  writeFileSync(file, criteria);
  const challenger = versionOf(before_, 'challenger');
  const result = await cli(['gate', '--tracking-uri', uri, '--repo', fx.repo, '--model', 'lineage-model', '--version', challenger.version, '--criteria', file, '--python', python, '--json', ...extra]);
  return { code: result.code, report: result.json as GateReport & { promoted: string | null }, err: result.err, file };
}

describe('gate', () => {
  test('No-Go: a metric below its threshold and stale data; --promote moves nothing', async () => {
    const challenger = versionOf(before_, 'challenger');
    const accuracy = before_.runs[challenger.run_id]!.metrics['accuracy']!;
    const criteria = `models:\n  lineage-model:\n    criteria:\n      - metric: accuracy\n        min: ${accuracy + 0.001}\n      - require: signature\n      - require: current_data\n`;
    const { code, report, err } = await gate(criteria, '--promote');
    assert.equal(code, 1, err);
    assert.equal(report.decision, 'no-go');
    assert.equal(report.champion, versionOf(before_, 'champion').version);
    assert.deepEqual(report.criteria.map((c) => [c.kind, c.pass]), [['metric-min', false], ['signature', true], ['current-data', false]]);
    assert.equal(report.criteria[0]!.candidate, accuracy);
    assert.match(report.criteria[2]!.detail, /trained on data\/raw\.csv v3 — HEAD has v4/);
    assert.equal(report.promoted, null);
    assert.match(err, /was not moved/);
    const afterView = await mlflowReference(uri);
    assert.equal(versionOf(afterView, 'champion').version, versionOf(before_, 'champion').version);
    assert.deepEqual(afterView.versions.find((v) => v.version === challenger.version)!.tags, challenger.tags);
  });

  test('Go: thresholds met, not worse than @champion, signature and input example; --promote records and moves', async () => {
    const challenger = versionOf(before_, 'challenger');
    const champion = versionOf(before_, 'champion');
    const mine = before_.runs[challenger.run_id]!.metrics['accuracy']!;
    const theirs = before_.runs[champion.run_id]!.metrics['accuracy']!;
    const criteria = `version: 1\nmodels:\n  lineage-model:\n    alias: champion\n    criteria:\n      - metric: accuracy\n        min: ${mine - 0.001}\n      - metric: accuracy\n        not_worse_than_champion_by: ${Math.max(0, theirs - mine) + 0.001}\n      - require: signature\n      - require: input_example\n`;
    const { code, report, err, file } = await gate(criteria, '--promote');
    assert.equal(code, 0, err);
    assert.equal(report.decision, 'go');
    assert.deepEqual(report.criteria.map((c) => c.pass), [true, true, true, true]);
    assert.equal(report.criteria[1]!.champion, theirs);
    assert.equal(report.promoted, 'go');
    const afterView = await mlflowReference(uri);
    assert.equal(versionOf(afterView, 'champion').version, challenger.version);
    const tags = afterView.versions.find((v) => v.version === challenger.version)!.tags;
    assert.equal(tags['mlworkbench.gate.decision'], 'go');
    assert.equal(tags['mlworkbench.gate.alias'], 'champion');
    assert.equal(tags['mlworkbench.gate.criteria_sha256'], createHash('sha256').update(readFileSync(file)).digest('hex'));
    const { promoted: _promoted, ...recorded } = report;
    assert.deepEqual(JSON.parse(tags['mlworkbench.gate.report']!), recorded);
    assert.equal(tags['mlworkbench.gate.override_reason'], undefined);
  });

  test('an explicit override of a No-Go moves the alias and is recorded with its reason', async () => {
    const reason = 'hotfix: <script>alert(1)</script>\n"quoted" $(rm -rf /)';
    const criteria = `models:\n  lineage-model:\n    alias: staging\n    criteria:\n      - tag: reviewed_by\n`;
    const refused = await gate(criteria, '--promote');
    assert.equal(refused.code, 1);
    const { code, report, err } = await gate(criteria, '--promote', '--override', '--reason', reason);
    assert.equal(code, 1, err);
    assert.equal(report.decision, 'no-go');
    assert.equal(report.promoted, 'override');
    const challenger = versionOf(before_, 'challenger');
    const afterView = await mlflowReference(uri);
    assert.equal(versionOf(afterView, 'staging').version, challenger.version);
    const tags = afterView.versions.find((v) => v.version === challenger.version)!.tags;
    assert.equal(tags['mlworkbench.gate.decision'], 'no-go-overridden');
    assert.equal(tags['mlworkbench.gate.override_reason'], reason);
  });

  test('not evaluated (exit 3): no criteria for the model, an unknown version, a broken file; usage errors exit 2', async () => {
    const other = await gate('models:\n  someone-else:\n    criteria:\n      - require: signature\n');
    assert.equal(other.code, 3);
    assert.match(other.err, /no criteria for registered model 'lineage-model'/);
    const broken = await gate('models:\n  lineage-model:\n    criteria:\n      - metric: accuracy\n');
    assert.equal(broken.code, 3);
    assert.match(broken.err, /needs min, max/);
    const valid = join(scratch, 'valid.yaml');
    writeFileSync(valid, 'models:\n  lineage-model:\n    criteria:\n      - require: signature\n');
    const missing = await cli(['gate', '--tracking-uri', uri, '--repo', fx.repo, '--model', 'lineage-model', '--version', '99', '--criteria', valid]);
    assert.equal(missing.code, 3);
    assert.match(missing.err, /has no version 99/);
    const usage = await cli(['gate', '--tracking-uri', uri, '--model', 'lineage-model', '--version', '1', '--promote', '--override']);
    assert.equal(usage.code, 2);
  });
});
