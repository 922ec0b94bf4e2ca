/**
 * Precompute against the real tools: a batch prediction stage planned by our core on a project
 * real DVC and MLflow made, run by `dvc repro`; its predictions equal MLflow's own pyfunc
 * predictions; when the alias moves, recording the new version makes `dvc status` (and our native
 * status) report the stage, and `dvc repro` writes the new version's predictions. An alias that
 * moves between recording and running does not change what the run loads.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { gatherBatchStageContext } from '../../src/core/deploy/batchContext.js';
import { type BatchStageRequest, planBatchStage } from '../../src/core/deploy/batchStage.js';
import { checkBatchStages, findBatchStages, recordModelVersion } from '../../src/core/deploy/batchStatus.js';
import { RegistryLookup, resolveModelUri } from '../../src/core/deploy/resolve.js';
import { openDvcRepo } from '../../src/core/dvc/repo.js';
import { openTrackingStore } from '../../src/core/tracking/open.js';
import { type DeployProject, deployProject, mlflowAnswers, TEMPLATE_DIR } from '../support/deployProject';
import { env, pythonEnv } from '../support/python';

const run = promisify(execFile);
let project: DeployProject;

async function dvc(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('dvc', args, { cwd: project.project, env: env(undefined, { MLFLOW_TRACKING_URI: '' }), maxBuffer: 1 << 24, timeout: 10 * 60_000 });
}

function lookup(): RegistryLookup {
  return new RegistryLookup(openTrackingStore(project.trackingUri, { cwd: project.project }));
}

function predictionsOf(path: string): number[] {
  const [header, ...rows] = readFileSync(join(project.project, path), 'utf8').trim().split('\n');
  assert.equal(header, 'prediction');
  return rows.map(Number);
}

async function plan(request: Omit<BatchStageRequest, 'resolvedVersion'>): Promise<void> {
  const resolved = await resolveModelUri(lookup(), request.modelUri);
  const context = await gatherBatchStageContext({ dvcRoot: project.project, dvcDir: project.project, paths: [request.outputPath, request.scriptPath], templateDir: TEMPLATE_DIR });
  const planned = planBatchStage({ ...request, resolvedVersion: resolved.version.version }, context);
  for (const edit of planned.edits) {
    const path = join(project.project, edit.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, edit.after);
  }
}

before(async () => {
  await pythonEnv();
  project = await deployProject();
});

describe('a batch prediction stage, run by dvc repro', () => {
  test('predicts what MLflow predicts, follows the alias when its version is recorded, and never mixes versions', async () => {
    await plan({ stageName: 'predict_iris', modelUri: 'models:/iris-deploy@champion', inputPath: 'data/input.csv', outputPath: 'predictions/iris.csv', scriptPath: 'src/predict_iris.py', trackingUri: 'sqlite:///mlflow.db' });
    const params = readFileSync(join(project.project, 'params.yaml'), 'utf8');
    assert.match(params, /predict_iris:\n {2}model_uri: models:\/iris-deploy@champion\n {2}model_version: 1\n/);
    await dvc('repro', 'predict_iris');
    const input = join(project.project, 'data', 'input.csv');
    const [v1, v2] = (await mlflowAnswers(project.trackingUri, [
      { op: 'predict', model_uri: 'models:/iris-deploy/1', input },
      { op: 'predict', model_uri: 'models:/iris-deploy/2', input },
    ])) as [number[], number[]];
    assert.deepEqual(predictionsOf('predictions/iris.csv'), v1);
    assert.deepEqual(JSON.parse((await dvc('status', '--json')).stdout), {});

    // The alias moves: nothing in the repository changed yet, so DVC sees nothing; our check does.
    await mlflowAnswers(project.trackingUri, [{ op: 'set_alias', name: 'iris-deploy', alias: 'champion', version: '2' }]);
    const records = findBatchStages(readFileSync(join(project.project, 'dvc.yaml'), 'utf8'), params);
    assert.deepEqual(records, [{ stage: 'predict_iris', section: 'predict_iris', modelUri: 'models:/iris-deploy@champion', recordedVersion: '1' }]);
    const [check] = await checkBatchStages(records, lookup());
    assert.equal(check!.state, 'moved');
    assert.equal(check!.state === 'moved' && check!.currentVersion, '2');

    writeFileSync(join(project.project, 'params.yaml'), recordModelVersion(params, 'predict_iris', '2'));
    const theirs = JSON.parse((await dvc('status', '--json')).stdout) as Record<string, unknown>;
    assert.deepEqual(theirs, { predict_iris: [{ 'changed deps': { 'params.yaml': { 'predict_iris.model_version': 'modified' } } }] });
    const ours = await openDvcRepo(project.project).status();
    assert.deepEqual(ours.json, theirs);

    await dvc('repro', 'predict_iris');
    assert.deepEqual(predictionsOf('predictions/iris.csv'), v2);
    assert.ok(project.differ.length > 0 && project.differ.every((row) => v1[row] !== v2[row]));

    // The alias moves back while the params record 2: a forced run still predicts with version 2, and says why.
    await mlflowAnswers(project.trackingUri, [{ op: 'set_alias', name: 'iris-deploy', alias: 'champion', version: '1' }]);
    const forced = await dvc('repro', '--force', 'predict_iris');
    assert.match(forced.stderr + forced.stdout, /models:\/iris-deploy@champion now resolves to version 1, but the params record version 2: predicting with version 2/);
    assert.deepEqual(predictionsOf('predictions/iris.csv'), v2);
  });

  test('a model without a signature gets every column of its input, with a warning', async () => {
    await plan({ stageName: 'predict_nosig', modelUri: 'models:/iris-nosig/1', inputPath: 'data/features.csv', outputPath: 'predictions/nosig.csv', scriptPath: 'src/predict_nosig.py', trackingUri: 'sqlite:///mlflow.db' });
    const result = await dvc('repro', 'predict_nosig');
    assert.match(result.stderr + result.stdout, /the model has no input signature: every column of the input is passed to it/);
    const [expected] = (await mlflowAnswers(project.trackingUri, [{ op: 'predict', model_uri: 'models:/iris-nosig/1', input: join(project.project, 'data', 'features.csv') }])) as [number[]];
    assert.deepEqual(predictionsOf('predictions/nosig.csv'), expected);
  });
});
