/**
 * What the editor shows for deployment, decided in core: the hover and the diagnostics of
 * models:/ URIs in Python (from a registry's answers), the batch stage lens in dvc.yaml, the names
 * a new batch stage proposes, and the Deploy… pick's steps for each way a model is used.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BatchStageCheck } from '../../src/core/deploy/batchStatus.js';
import { batchInputCandidates, batchStageDefaults, batchStageLens, deploySteps, modelUriHover, stageKeyLine, takenBatchNames } from '../../src/core/deploy/editorInfo.js';
import { checkModelUris, codeLensTitle, modelUriDiagnostics } from '../../src/core/deploy/modelUriChecks.js';
import { PATTERNS, recommendPatterns, USAGES, type Usage } from '../../src/core/deploy/patterns.js';
import { findModelUris } from '../../src/core/deploy/pythonModelUris.js';
import { RegistryLookup } from '../../src/core/deploy/resolve.js';
import type { ModelVersion, RegisteredModel } from '../../src/core/tracking/entities.js';
import type { ModelRegistry } from '../../src/core/tracking/store.js';

/** A registry answering as MLflow's REST API does for `name = '…'` filters (the shapes of its entities). */
function registry(models: readonly RegisteredModel[], versions: readonly ModelVersion[], failing = false): ModelRegistry {
  const named = (filter: string | undefined): string | undefined => (filter ? /name = '(.*)'/.exec(filter)?.[1]?.replace(/\\'/g, "'") : undefined);
  return {
    async searchRegisteredModels(options) {
      if (failing) throw new Error('connection refused');
      const name = named(options?.filter);
      return { items: models.filter((model) => name === undefined || model.name === name), problems: [] };
    },
    async searchModelVersions(options) {
      if (failing) throw new Error('connection refused');
      const name = named(options?.filter);
      return { items: versions.filter((version) => name === undefined || version.name === name), problems: [] };
    },
  };
}

const IRIS: RegisteredModel = { name: 'iris', aliases: [{ alias: 'champion', version: '2' }] };
const VERSIONS: ModelVersion[] = [
  { name: 'iris', version: '1', status: 'READY', run_id: 'r1', creation_timestamp: Date.UTC(2026, 0, 2, 3, 4, 5) },
  { name: 'iris', version: '2', status: 'READY', run_id: 'r2', creation_timestamp: Date.UTC(2026, 1, 3, 4, 5, 6), description: 'line one\nline <b>two</b>' },
  { name: 'iris', version: '3', status: 'FAILED_REGISTRATION', status_message: 'disk full' },
];

const SOURCE = [
  'import mlflow',
  'a = mlflow.pyfunc.load_model("models:/iris@champion")',
  'b = mlflow.pyfunc.load_model("models:/iris/9")',
  'c = mlflow.pyfunc.load_model("models:/iris@nope")',
  "d = mlflow.pyfunc.load_model('models:/irsi/1')",
  'e = mlflow.pyfunc.load_model("models:/iris/3")',
  '# models:/ghost/1 in a comment is prose',
].join('\n');

async function checks(failing = false) {
  return checkModelUris(findModelUris(SOURCE), new RegistryLookup(registry([IRIS], VERSIONS, failing)));
}

describe('models:/ URIs in Python: diagnostics', () => {
  test('a missing version, alias or model is an error on the URI itself; a failed registration too; the comment is left alone', async () => {
    const diagnostics = modelUriDiagnostics(await checks());
    assert.deepEqual(
      diagnostics.map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.severity, d.code]),
      [
        [2, 30, 44, 'error', 'version-not-found'],
        [3, 30, 47, 'error', 'alias-not-found'],
        [4, 30, 44, 'error', 'model-not-found'],
        [5, 30, 44, 'error', 'registration-failed'],
      ],
    );
    assert.equal(diagnostics[0]!.message, 'iris has no version 9 (versions: 1, 2, 3).');
    assert.equal(diagnostics[1]!.message, 'iris has no alias "nope" (aliases: champion → 2).');
    assert.equal(diagnostics[2]!.message, 'No registered model named "irsi" in the registry. Did you mean "iris"?');
    assert.match(diagnostics[3]!.message, /failed to register: disk full/);
  });

  test('a registry that cannot be read claims nothing: no diagnostic, the hover says why', async () => {
    const unreadable = await checks(true);
    assert.deepEqual(modelUriDiagnostics(unreadable), []);
    assert.deepEqual(unreadable.map((check) => check.state), ['unchecked', 'unchecked', 'unchecked', 'unchecked', 'unchecked']);
    const hover = modelUriHover(unreadable[0]!);
    assert.equal(hover.problem, 'The model registry could not be read: connection refused');
    assert.equal(codeLensTitle(unreadable[0]!), '$(warning) Registry not readable');
  });
});

describe('models:/ URIs in Python: what is not a URI to check', () => {
  test('the bare prefix in code, and patterns in help text, are left alone; a real URI next to them is found', () => {
    const source = [
      'if uri.startswith("models:/"):',
      '    path = uri[len(\'models:/\'):]',
      'HELP = "models:/NAME/VERSION, models:/NAME@ALIAS or models:/<name>/latest"',
      'm = load("models:/{name}/1")',
      'x = load("models:/iris/2")',
      'y = load("models:/IRIS/PROD")',
    ].join('\n');
    // An upper-case model that is not a placeholder word is checked like any other.
    assert.deepEqual(findModelUris(source).map((found) => found.text), ['models:/iris/2', 'models:/IRIS/PROD']);
  });
});

describe('models:/ URIs in Python: hover', () => {
  test('an alias shows the version it names now, its aliases, the source run and key metrics first', async () => {
    const [champion] = await checks();
    const run = { runId: 'r2', runName: 'bold-owl', experimentId: '1', status: 'FINISHED', metrics: [{ key: 'accuracy', value: '0.9733' }, { key: 'f1', value: '0.97' }, { key: 'loss', value: '0.1' }] };
    const hover = modelUriHover(champion!, run);
    assert.equal(hover.title, 'iris@champion → version 2');
    assert.deepEqual(hover.facts, [
      ['Status', 'READY'],
      ['Aliases', '@champion'],
      ['Registered', '2026-02-03 04:05:06 UTC'],
      ['Description', 'line one ⏎ line <b>two</b>'],
      ['Source run', 'bold-owl (FINISHED)'],
    ]);
    assert.deepEqual(hover.run, { runId: 'r2', label: 'bold-owl' });
    assert.equal(hover.metrics.length, 3);
    assert.equal(hover.problem, undefined);
    assert.equal(codeLensTitle(champion!, run), 'iris@champion → version 2 · accuracy 0.9733 · f1 0.97');
  });

  test('a problem URI: the title is the URI as written, the problem the registry’s answer', async () => {
    const all = await checks();
    const hover = modelUriHover(all[2]!);
    assert.equal(hover.title, 'models:/iris@nope');
    assert.equal(hover.problem, 'iris has no alias "nope" (aliases: champion → 2).');
    assert.deepEqual(hover.facts, []);
  });

  test('a version without a readable run still links its run id', async () => {
    const pinned = (await checkModelUris(findModelUris('x = "models:/iris/1"'), new RegistryLookup(registry([IRIS], VERSIONS))))[0]!;
    const hover = modelUriHover(pinned);
    assert.equal(hover.title, 'iris version 1');
    assert.deepEqual(hover.run, { runId: 'r1', label: 'r1' });
  });
});

describe('batch stages in dvc.yaml', () => {
  const record = { stage: 'predict_iris', section: 'predict_iris', modelUri: 'models:/iris@champion', recordedVersion: '1' };
  test('the lens says when the alias moved and offers the version to record', () => {
    const moved: BatchStageCheck = { record, state: 'moved', currentVersion: '2', explanation: '' };
    assert.deepEqual(batchStageLens(moved), { title: '$(warning) models:/iris@champion is version 2 now; the stage records 1', moved: '2' });
    assert.deepEqual(batchStageLens({ record, state: 'current', explanation: '' }), { title: '$(check) models:/iris@champion = version 1: predictions follow it' });
    assert.equal(batchStageLens({ record, state: 'problem', problem: new Error('x'), explanation: 'models:/iris@champion: gone\nnow' }).moved, undefined);
  });

  test('the stage key line, in block and in flow style; none for a missing stage or a broken file', () => {
    const dvcYaml = ['# pipeline', 'stages:', '  train:', '    cmd: python train.py', '  # predictions', '  predict_iris:', '    cmd: python p.py', ''].join('\n');
    assert.equal(stageKeyLine(dvcYaml, 'predict_iris'), 5);
    assert.equal(stageKeyLine(dvcYaml, 'train'), 2);
    assert.equal(stageKeyLine(dvcYaml, 'nope'), undefined);
    assert.equal(stageKeyLine('stages: {a: {cmd: x},\n  b: {cmd: y}}', 'b'), 1);
    assert.equal(stageKeyLine('stages: [', 'a'), undefined);
    assert.equal(stageKeyLine('stages: 3', 'a'), undefined);
  });

  test('a new stage’s names avoid stages, params sections and existing outputs', () => {
    const taken = takenBatchNames('stages:\n  predict_iris:\n    cmd: x\n', 'predict_iris_2:\n  model_uri: m\ntrain: {}\n');
    assert.deepEqual([...taken].sort(), ['predict_iris', 'predict_iris_2', 'train']);
    assert.deepEqual(batchStageDefaults('iris', taken, new Set()), { stageName: 'predict_iris_3', outputPath: 'predictions/predict_iris_3.csv', scriptPath: 'batch_predict.py' });
    assert.deepEqual(batchStageDefaults('Churn Model!', new Set(), new Set(['batch_predict.py', 'predictions/predict_Churn_Model.csv'])), {
      stageName: 'predict_Churn_Model_2',
      outputPath: 'predictions/predict_Churn_Model_2.csv',
      scriptPath: 'batch_predict_predict_Churn_Model_2.py',
    });
    assert.equal(batchStageDefaults('../../x', new Set(), new Set()).stageName, 'predict_x');
    assert.deepEqual([...takenBatchNames('stages: [', '{{{')], []);
  });

  test('inputs: tables first, then other tracked paths, each once', () => {
    assert.deepEqual(batchInputCandidates(['models', 'data/b.parquet', 'data/a.csv', 'data/a.csv', 'raw']), ['data/a.csv', 'data/b.parquet', 'models', 'raw']);
  });
});

describe('Deploy…', () => {
  test('each usage lists the steps of its best pattern first, then the ones that also fit, every step once', () => {
    for (const usage of Object.keys(USAGES) as Usage[]) {
      const steps = deploySteps(usage);
      const recommendations = recommendPatterns(usage);
      assert.equal(steps[0]!.fit, 'best');
      assert.equal(steps[0]!.patternTitle, PATTERNS[recommendations[0]!.pattern].title);
      assert.deepEqual(steps.map((step) => step.action), recommendations.flatMap((r) => PATTERNS[r.pattern].actions));
    }
    assert.deepEqual(deploySteps('request-response').map((s) => s.action), ['serveModel', 'generateDockerfile', 'buildDockerImage', 'kubernetesManifests', 'useModelInCode']);
  });
});
