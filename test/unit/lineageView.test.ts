/**
 * What the Lineage panel, the views' badges and the Go/No-Go report panel are given: the graph
 * and currency decided from a lineage answer, the badges' words, the criteria template offered
 * when none exists, the gate's alias choice and an unknown metric; and both panels' protocols
 * refusing anything but their own messages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CriteriaError, criteriaTemplate, parseCriteria } from '../../src/core/lineage/criteria.js';
import { evaluateGate } from '../../src/core/lineage/gate.js';
import { currencyOfLineage, graphOfData, graphOfLineage, modelVersionBadge, trainedOnSummary } from '../../src/core/lineage/graph.js';
import type { LineageService } from '../../src/core/lineage/lineage.js';
import type { DataInput, DataLineage, Lineage } from '../../src/core/lineage/model.js';
import type { ModelVersion, Run } from '../../src/core/tracking/entities.js';
import type { ModelRegistry, TrackingStore } from '../../src/core/tracking/store.js';
import * as gateProtocol from '../../src/protocol/gatePanel.js';
import * as lineageProtocol from '../../src/protocol/lineagePanel.js';

const HEAD = '0299a8e46f21c9fdbf0f3faab16a3fa43fc089a5';
const TRAINED_AT = '16d0f0f06df3a728db2ceffd54d8c59eb41a9db2';

function input(path: string, over: Partial<DataInput['currency']> = {}, kind: DataInput['kind'] = 'dvc'): DataInput {
  const stale = over.currentAtHead === false;
  return {
    path,
    kind,
    recordedIn: kind === 'dvc' ? 'dvc.lock' : null,
    producedBy: kind === 'dvc' ? 'prepare' : null,
    trackedAs: kind === 'dvc' ? 'data/prepared' : null,
    hash: kind === 'dvc' ? '8e8c83db3dbc815c42119b1c5dd47d63.dir' : 'e53608a0bfc37c935a57920fb01c5bcc60cc694a',
    lockHash: null,
    version: kind === 'dvc' ? 1 : null,
    range: kind === 'dvc' ? { from: '3faf710b01db472623c9840d3e898c79e5315fb4', until: stale ? HEAD : null } : null,
    inCache: kind === 'dvc' ? true : null,
    currency: { headHash: null, headVersion: stale ? 2 : 1, currentAtHead: true, workspaceHash: null, currentInWorkspace: true, changedIn: stale ? [HEAD] : [], ...over },
  };
}

function lineage(inputs: DataInput[], over: Partial<Lineage> = {}): Lineage {
  const stale = inputs.filter((i) => i.currency.currentAtHead === false);
  return {
    subject: { kind: 'model-version', id: 'iris-classifier/3' },
    modelVersion: { name: 'iris-classifier', version: '3', aliases: ['champion'], source: 'models:/m-1', runId: 'run1', modelId: 'm-1' },
    run: { runId: 'run1', runName: 'sgd-alpha0.01', experimentId: '1', status: 'FINISHED', startTime: 1, params: { 'train.alpha': '0.01' }, metrics: { test_accuracy: 0.947 }, sourceName: 'src/train.py', repoUrl: null },
    experiment: null,
    commit: { id: TRAINED_AT, inClone: true, dirty: false, subject: 'Raise regularisation', time: null, behindHead: 1 },
    stages: [{ address: 'train', file: 'dvc.yaml', cmd: 'python src/train.py', params: { 'params.yaml': { train: { alpha: 0.01 } } }, inputs, outputs: [] }],
    datasets: [{ name: 'iris-train', digest: '9a0d9c2c', sourceType: 'local', source: '{"uri": "data/prepared/train.csv"}', context: 'training' }],
    currency: { state: stale.length ? 'stale' : 'current', head: HEAD, stale: stale.map((i) => ({ path: i.path, trainedVersion: 1, headVersion: 2, message: `trained on ${i.path} v1 — HEAD has v2, 1 commit later (1 change since)` })) },
    gaps: [],
    ...over,
  };
}

describe('lineage graph', () => {
  it('columns data → stage → run → model version → aliases, each node naming what it opens', () => {
    const graph = graphOfLineage(lineage([input('src/train.py', {}, 'git'), input('data/prepared/train.csv', { currentAtHead: false })]));
    assert.deepEqual(
      graph.nodes.map((n) => [n.id, n.column, n.state]),
      [
        ['stage:train', 1, 'ok'],
        ['data:src/train.py', 0, 'ok'],
        ['data:data/prepared/train.csv', 0, 'stale'],
        ['dataset:iris-train:9a0d9c2c', 0, 'ok'],
        ['run:run1', 2, 'ok'],
        ['mv:iris-classifier/3', 3, 'ok'],
        ['alias:iris-classifier@champion', 4, 'ok'],
      ],
    );
    assert.deepEqual(graph.edges, [
      ['data:src/train.py', 'stage:train'],
      ['data:data/prepared/train.csv', 'stage:train'],
      ['stage:train', 'run:run1'],
      ['dataset:iris-train:9a0d9c2c', 'run:run1'],
      ['run:run1', 'mv:iris-classifier/3'],
      ['mv:iris-classifier/3', 'alias:iris-classifier@champion'],
    ]);
    const node = (id: string) => graph.nodes.find((n) => n.id === id)!;
    assert.deepEqual(node('data:data/prepared/train.csv').target, { kind: 'data', path: 'data/prepared', commit: '3faf710b01db472623c9840d3e898c79e5315fb4' });
    assert.equal(node('data:data/prepared/train.csv').detail, 'v1 · HEAD has v2');
    assert.deepEqual(node('stage:train').target, { kind: 'stage', file: 'dvc.yaml', stage: 'train' });
    assert.deepEqual(node('run:run1').target, { kind: 'run', runId: 'run1' });
    assert.equal(node('run:run1').detail, 'commit 16d0f0f, 1 commit behind HEAD');
    assert.deepEqual(node('alias:iris-classifier@champion').target, { kind: 'model-version', name: 'iris-classifier', version: '3' });
    assert.equal(node('dataset:iris-train:9a0d9c2c').target, null);
    assert.equal(graph.title, 'Lineage of iris-classifier version 3');
    assert.equal(graph.currency.state, 'stale');
    assert.equal(graph.currency.headline, 'trained on data/prepared/train.csv v1 — HEAD has v2, 1 commit later (1 change since)');
  });

  it('a stated gap is a node of its own and listed as is, never a guessed stage', () => {
    const gap = { code: 'no-commit-tag' as const, message: 'run run1 has no mlflow.source.git.commit tag', subject: 'run1' };
    const graph = graphOfLineage(lineage([], { stages: [], commit: null, gaps: [gap], currency: { state: 'unknown', head: HEAD, stale: [] } }));
    const node = graph.nodes.find((n) => n.kind === 'gap')!;
    assert.deepEqual([node.label, node.detail, node.state, node.column, node.target], ['Data unknown', 'run has no git commit tag', 'gap', 1, null]);
    assert.deepEqual(graph.gaps, [{ code: 'no-commit-tag', message: gap.message }]);
    assert.equal(graph.currency.headline, 'Whether the data is current is unknown: run has no git commit tag');
    assert.equal(graph.subtitle, 'no commit recorded');
  });

  it('a run with the versions registered from it; HTML in names stays text in the graph data', () => {
    const traced = lineage([input('data/prepared/train.csv')], { modelVersion: null, subject: { kind: 'run', id: 'run1' }, run: { ...lineage([]).run!, runName: '<img src=x onerror=alert(1)>' } });
    const graph = graphOfLineage(traced, [{ name: 'iris', version: '7', aliases: [], source: null, runId: 'run1', modelId: null }]);
    assert.equal(graph.nodes.find((n) => n.kind === 'run')!.label, '<img src=x onerror=alert(1)>');
    assert.ok(graph.edges.some(([a, b]) => a === 'run:run1' && b === 'mv:iris/7'));
    assert.equal(graph.title, 'Lineage of run <img src=x onerror=alert(1)>');
  });

  it('currency: HEAD current but the workspace records new data is stale, uncommitted', () => {
    const currency = currencyOfLineage(lineage([input('data/prepared/train.csv', { currentInWorkspace: false })]));
    assert.deepEqual(currency, { state: 'stale', headline: 'data/prepared/train.csv: the workspace records a version HEAD does not have yet (uncommitted)', lines: [] });
    assert.equal(currencyOfLineage(lineage([input('data/prepared/train.csv')])).headline, "Trained on HEAD's data: every DVC input is the version HEAD (0299a8e) records");
  });

  it('Models view badge: "trained on stale data" only when stale, the reason in the tooltip', () => {
    const stale = modelVersionBadge(lineage([input('data/prepared/train.csv', { currentAtHead: false })]));
    assert.deepEqual(stale, { state: 'stale', description: 'trained on stale data', tooltip: 'trained on data/prepared/train.csv v1 — HEAD has v2, 1 commit later (1 change since)' });
    const current = modelVersionBadge(lineage([input('data/prepared/train.csv')]));
    assert.equal(current.description, undefined);
    assert.equal(current.state, 'current');
  });

  it('data version: what was trained on it, in the graph and in the Data view line', () => {
    const data: DataLineage = {
      path: 'data/prepared',
      rev: TRAINED_AT,
      commit: TRAINED_AT,
      hash: '8e8c83db3dbc815c42119b1c5dd47d63.dir',
      recordedIn: 'dvc.lock',
      versions: [{ version: 1, from: '3faf710b01db472623c9840d3e898c79e5315fb4', until: HEAD }],
      inCache: true,
      runs: [
        { runId: 'r1', runName: 'alpha0.001', experimentId: '1', commit: '3faf710b01db472623c9840d3e898c79e5315fb4', stage: 'train' },
        { runId: 'r2', runName: 'alpha0.01', experimentId: '1', commit: TRAINED_AT, stage: 'train' },
      ],
      experiments: [],
      modelVersions: [{ name: 'iris-classifier', version: '3', aliases: ['champion'], source: null, runId: 'r2', modelId: null }],
      gaps: [],
    };
    assert.deepEqual(trainedOnSummary(data).description, 'trained 2 runs · iris-classifier v3 @champion');
    const graph = graphOfData(data);
    assert.deepEqual(graph.nodes.map((n) => n.id), ['data:data/prepared', 'stage:train', 'run:r1', 'run:r2', 'mv:iris-classifier/3', 'alias:iris-classifier@champion']);
    assert.ok(graph.edges.some(([a, b]) => a === 'run:r2' && b === 'mv:iris-classifier/3'));
    assert.equal(graph.currency.headline, 'Trained on this version: 2 runs, 1 model version');
    assert.equal(trainedOnSummary({ ...data, runs: [], modelVersions: [] }).description, undefined);
    assert.equal(graphOfData({ ...data, runs: [], modelVersions: [] }).nodes.at(-1)!.kind, 'gap');
  });
});

describe('criteria template and the gate', () => {
  it('the template parses, uses a metric the candidate logged, and survives a hostile model name', () => {
    const file = parseCriteria(criteriaTemplate('iris-classifier', ['train_loss', 'test_accuracy']));
    const rules = file.models.get('iris-classifier')!;
    assert.equal(rules.alias, 'champion');
    assert.deepEqual(rules.criteria.slice(0, 2), [
      { kind: 'metric-min', metric: 'test_accuracy', min: 0.9 },
      { kind: 'vs-champion', metric: 'test_accuracy', tolerance: 0.01, goal: 'maximize' },
    ]);
    assert.deepEqual(parseCriteria(criteriaTemplate('m', ['rmse'])).models.get('m')!.criteria[0], { kind: 'metric-max', metric: 'rmse', max: 1 });
    const hostile = 'a: "b" # c\n\'d\'';
    assert.ok(parseCriteria(criteriaTemplate(hostile, [])).models.has(hostile));
    assert.throws(() => parseCriteria(criteriaTemplate('x', []).replace('min: 0.9', 'min: high')), CriteriaError);
  });

  const version = (v: string, runId: string): ModelVersion => ({ name: 'iris', version: v, run_id: runId, source: `runs:/${runId}/model`, aliases: [] }) as unknown as ModelVersion;
  const run = (id: string, metrics: Record<string, number>): Run => ({ info: { run_id: id }, data: { metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: 0 })) } }) as unknown as Run;
  const store = { getRun: async (id: string) => ({ r2: run('r2', { accuracy: 0.95 }), r1: run('r1', { accuracy: 0.97 }) })[id]! } as unknown as TrackingStore & ModelRegistry;
  const lineageOf = (aliases: Record<string, string>) =>
    ({
      findModelVersion: async (_name: string, selector: { version: string } | { alias: string }) => {
        const v = 'version' in selector ? selector.version : aliases[selector.alias];
        if (!v) throw new Error('no such alias');
        return version(v, `r${v}`);
      },
    }) as unknown as LineageService;

  it('an unknown metric fails its criterion and says so; the picked alias names the champion', async () => {
    const criteria = parseCriteria('models:\n  iris:\n    criteria:\n      - metric: no_such_metric\n        min: 0.5\n      - metric: accuracy\n        not_worse_than_champion_by: 0.01\n');
    const report = await evaluateGate({ store, lineage: lineageOf({ champion: '1', staging: '2' }), criteria, criteriaFile: 'acceptance.yaml', now: () => new Date(0) }, 'iris', '2');
    assert.equal(report.decision, 'no-go');
    assert.deepEqual(report.criteria.map((c) => [c.pass, c.detail]), [
      [false, "version 2's run logged no no_such_metric"],
      [false, '0.95 vs @champion (version 1) 0.97: worse than the tolerance of 0.01'],
    ]);
    const staging = await evaluateGate({ store, lineage: lineageOf({ champion: '1', staging: '2' }), criteria, criteriaFile: 'acceptance.yaml' }, 'iris', '2', 'staging');
    assert.equal(staging.alias, 'staging');
    assert.equal(staging.champion, '2');
    assert.equal(staging.criteria[1]!.pass, true);
  });
});

describe('panel protocols', () => {
  it('lineage: ready, refresh and open with a node id; anything else is dropped', () => {
    assert.deepEqual(lineageProtocol.parseFromWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(lineageProtocol.parseFromWebview({ type: 'open', nodeId: 'run:abc', extra: 1 }), { type: 'open', nodeId: 'run:abc' });
    for (const bad of [null, 'open', [], { type: 'open' }, { type: 'open', nodeId: 7 }, { type: 'open', nodeId: '' }, { type: 'open', nodeId: 'x'.repeat(5000) }, { type: 'exec', command: 'rm' }, { type: '__proto__' }]) {
      assert.equal(lineageProtocol.parseFromWebview(bad), undefined, JSON.stringify(bad));
    }
  });

  it('gate: only its five actions, with nothing carried along', () => {
    for (const type of ['ready', 'promote', 'override', 'reevaluate', 'openCriteria']) assert.deepEqual(gateProtocol.parseFromWebview({ type, reason: 'injected', override: true }), { type });
    for (const bad of [undefined, 42, { type: 'Promote' }, { type: 'setAlias', alias: 'champion' }, { type: ['promote'] }, { type: 'toString' }]) assert.equal(gateProtocol.parseFromWebview(bad), undefined, JSON.stringify(bad));
  });
});
