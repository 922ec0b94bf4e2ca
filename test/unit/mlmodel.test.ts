import assert from 'node:assert/strict';
import test from 'node:test';
import { describeSchema, parseMlModel } from '../../src/core/models/mlmodel.js';
import { TrackingError } from '../../src/core/tracking/errors.js';

// The shape MLflow 3.17 writes for mlflow.sklearn.log_model(..., input_example=X[:2]).
const MLMODEL = `artifact_path: /tmp/x/mlruns/1/models/m-cc8e/artifacts
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.skops
    predict_fn: predict
    python_version: 3.11.7
  sklearn:
    pickled_model: model.skops
    serialization_format: skops
    sklearn_version: 1.9.1
mlflow_version: 3.17.2
model_id: m-cc8e
model_size_bytes: 9479
run_id: 1ff2afea97bf4e5cadcc9348d22a664a
saved_input_example_info:
  artifact_path: input_example.json
  serving_input_path: serving_input_example.json
  type: ndarray
signature:
  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 3]}}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: null
utc_time_created: '2026-11-27 06:47:02.987869'
`;

test('MLmodel: flavors, signature, input example and origin', () => {
  assert.deepEqual(parseMlModel(MLMODEL), {
    flavors: ['python_function', 'sklearn'],
    loaderModule: 'mlflow.sklearn',
    mlflowVersion: '3.17.2',
    modelId: 'm-cc8e',
    runId: '1ff2afea97bf4e5cadcc9348d22a664a',
    created: '2026-11-27 06:47:02.987869',
    sizeBytes: 9479,
    signature: { inputs: ['tensor float64 [-1, 3]'], outputs: ['tensor int64 [-1]'], params: [] },
    inputExample: { artifactPath: 'input_example.json', servingInputPath: 'serving_input_example.json', type: 'ndarray' },
  });
});

test('column schemas and params read as one line each', () => {
  assert.deepEqual(describeSchema('[{"type": "double", "name": "sepal_length", "required": true}, {"type": "string", "name": "note", "required": false}]'), ['sepal_length: double', 'note: string (optional)']);
  assert.deepEqual(describeSchema('[{"name": "alpha", "type": "float", "default": 0.1, "shape": null}]'), ['alpha: float = 0.1']);
  assert.deepEqual(describeSchema(null), []);
});

test('a broken MLmodel is a typed error naming it', () => {
  assert.throws(() => parseMlModel('flavors: [unclosed', 'models:/m-1/MLmodel'), (e: unknown) => e instanceof TrackingError && e.message.includes('models:/m-1/MLmodel'));
  assert.throws(() => parseMlModel('', 'x'), (e: unknown) => e instanceof TrackingError && e.reason === 'corrupt-entity');
});

test('model sources: logged models, runs:/ URIs and plain artifact locations', async () => {
  const { parseModelSource, modelAliasUri, modelVersionUri } = await import('../../src/core/models/source.js');
  assert.deepEqual(parseModelSource('models:/m-181e76360fb64189a687bae37e517c6b'), { kind: 'logged-model', modelId: 'm-181e76360fb64189a687bae37e517c6b' });
  assert.deepEqual(parseModelSource('runs:/0ffceb27c6fe4665a9adafa4b4ab4dc9/model/'), { kind: 'run', runId: '0ffceb27c6fe4665a9adafa4b4ab4dc9', path: 'model' });
  assert.deepEqual(parseModelSource('file:///tmp/mlruns/1/abc/artifacts/model'), { kind: 'uri', uri: 'file:///tmp/mlruns/1/abc/artifacts/model' });
  assert.equal(modelVersionUri('iris-classifier', '3'), 'models:/iris-classifier/3');
  assert.equal(modelAliasUri('iris-classifier', 'champion'), 'models:/iris-classifier@champion');
});
