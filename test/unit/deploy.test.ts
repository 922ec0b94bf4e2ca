/**
 * The deployment core's pure parts and their bad input: models:/ URIs (as MLflow 3.17 parses them),
 * URIs in Python source, requirement merges, import placement, snippets, the queue scaffold and
 * argv, Dockerfile summaries, Kubernetes manifests, and the scheme matrix the README carries.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { planBatchStage, type BatchStageContext, type BatchStageRequest } from '../../src/core/deploy/batchStage.js';
import { findBatchStages, recordModelVersion } from '../../src/core/deploy/batchStatus.js';
import { summarizeDockerfile } from '../../src/core/deploy/docker.js';
import { isDeployError } from '../../src/core/deploy/errors.js';
import { kubernetesManifests, kubernetesName } from '../../src/core/deploy/kubernetes.js';
import { parseModelUri, tryParseModelUri } from '../../src/core/deploy/modelUri.js';
import { PATTERNS, recommendPatterns, SCHEME_MATRIX, schemeMatrixMarkdown, USAGES, type Usage } from '../../src/core/deploy/patterns.js';
import { satisfies } from '../../src/core/deploy/pep440.js';
import { importEdit } from '../../src/core/deploy/pythonImports.js';
import { findModelUris } from '../../src/core/deploy/pythonModelUris.js';
import { planQueueWorker, queueClient, queueWorker, redisServer, redisUrl } from '../../src/core/deploy/queue.js';
import { condaPipRequirements, mergeRequirements, modelRequirements, parseRequirement } from '../../src/core/deploy/requirements.js';
import { modelSnippet, pythonLiteral } from '../../src/core/deploy/snippets.js';
import { renderTemplate } from '../../src/core/deploy/templates.js';

const ROOT = join(__dirname, '..', '..');
const template = (name: string): string => readFileSync(join(ROOT, 'templates', name), 'utf8');

const reason = (expected: string) => (error: unknown) => isDeployError(error) && error.reason === expected;

describe('models:/ URIs', () => {
  test('versions, aliases, latest, stages and logged model ids, as MLflow reads them', () => {
    assert.deepEqual(parseModelUri('models:/iris/3'), { kind: 'version', uri: 'models:/iris/3', name: 'iris', version: '3' });
    assert.deepEqual(parseModelUri('models:/iris@champion'), { kind: 'alias', uri: 'models:/iris@champion', name: 'iris', alias: 'champion' });
    assert.equal(parseModelUri('models:/iris/LATEST').kind, 'latest');
    assert.deepEqual(parseModelUri('models:/iris/Production'), { kind: 'stage', uri: 'models:/iris/Production', name: 'iris', stage: 'Production' });
    assert.deepEqual(parseModelUri('models:/m-0123abcd'), { kind: 'logged-model', uri: 'models:/m-0123abcd', modelId: 'm-0123abcd' });
    assert.equal(parseModelUri('models://profile/iris/2').kind, 'version');
    assert.deepEqual(parseModelUri('models:/Churn Model/1'), { kind: 'version', uri: 'models:/Churn Model/1', name: 'Churn Model', version: '1' });
  });

  test('what MLflow refuses is an invalid-model-uri error with MLflow’s wording', () => {
    for (const uri of ['models:/', 'models:iris/1', 'models:/a/b/c', 'models:/iris/', 'models:/iris@', 'models:/ /1']) {
      assert.throws(() => parseModelUri(uri), (error: unknown) => reason('invalid-model-uri')(error) && /Not a proper models:\/ URI/.test((error as Error).message), uri);
    }
    assert.equal(tryParseModelUri('runs:/abc/model'), undefined);
    assert.ok(isDeployError(tryParseModelUri('models:/a/b/c')));
  });
});

describe('models:/ URIs in Python source', () => {
  test('string literals only, with exact ranges; comments, f-string fields and escapes left out', () => {
    const source = [
      '# models:/in-comment/1',
      'a = load("models:/iris/1")',
      "b = load('''models:/iris@champion''')",
      'c = f"models:/{name}/1"',
      'd = "see models:/iris/2, then"',
      'e = "models:/Churn Model/4"',
      'f = "models:/bad\\x41/1"',
      'g = rb"models:/raw/5"',
      'h = "models:/a/b/c"',
      '',
    ].join('\n');
    const found = findModelUris(source);
    assert.deepEqual(found.map((occurrence) => occurrence.text), ['models:/iris/1', 'models:/iris@champion', 'models:/iris/2', 'models:/Churn Model/4', 'models:/raw/5', 'models:/a/b/c']);
    const lines = source.split('\n');
    for (const occurrence of found) {
      assert.equal(occurrence.range.start.line, occurrence.range.end.line);
      assert.equal(lines[occurrence.range.start.line]!.slice(occurrence.range.start.character, occurrence.range.end.character), occurrence.text);
      assert.equal(source.slice(occurrence.start, occurrence.end), occurrence.text);
    }
    assert.ok(isDeployError(found.at(-1)!.parsed));
  });

  test('hostile source: unterminated literals and huge files stay linear and do not throw', () => {
    assert.deepEqual(findModelUris('x = "models:/iris/1\ny = 2').map((occurrence) => occurrence.text), ['models:/iris/1']);
    assert.deepEqual(findModelUris('"""models:/iris/1'), findModelUris('"""models:/iris/1'));
    const big = `${'x = "a" # b\n'.repeat(50_000)}m = "models:/iris/9"\n`;
    assert.equal(findModelUris(big)[0]!.range.start.line, 50_000);
  });
});

describe('requirements merge', () => {
  const model = ['mlflow==3.17.2', 'scikit-learn==1.5.2', 'numpy==1.26.4', 'cloudpickle==3.1.0', '-c constraints.txt', 'scikit-learn==1.5.2', ''];

  test('adds what the project lacks at its end; keeps what it has; reports conflicts', () => {
    const project = 'Scikit_Learn>=1.6  # newer\nnumpy<2\nrequests\n';
    const merge = mergeRequirements({ project, model, source: 'models:/iris@champion (version 3)' });
    assert.deepEqual(merge.added, ['mlflow==3.17.2', 'cloudpickle==3.1.0']);
    assert.deepEqual(merge.satisfied, ['numpy']);
    assert.deepEqual(merge.conflicts.map((conflict) => [conflict.name, conflict.project]), [['scikit-learn', 'Scikit_Learn>=1.6']]);
    assert.deepEqual(merge.skipped, ['-c constraints.txt']);
    assert.equal(merge.after, `${project}\n# Requirements of models:/iris@champion (version 3), added by ML Workbench\nmlflow==3.17.2\ncloudpickle==3.1.0\n`);
  });

  test('no project file, CRLF files, nothing to add, a newline in the source name', () => {
    assert.equal(mergeRequirements({ model: ['a==1'], source: 'x' }).after, '# Requirements of x, added by ML Workbench\na==1\n');
    const crlf = mergeRequirements({ project: 'b==2\r\n', model: ['a==1'], source: 'x\ny' }).after;
    assert.equal(crlf, 'b==2\r\n\r\n# Requirements of x y, added by ML Workbench\r\na==1\r\n');
    assert.equal(mergeRequirements({ project: 'a>=0.5', model: ['a==1'], source: 'x' }).after, 'a>=0.5');
  });

  test('requirement lines as pip reads them; conda.yaml pip lists; a YAML bomb is not expanded', async () => {
    assert.deepEqual(parseRequirement('torch[cuda] >= 2.1 ; python_version >= "3.9"  # gpu'), { text: 'torch[cuda] >= 2.1 ; python_version >= "3.9"', name: 'torch', key: 'torch', specifier: '>=2.1', marker: 'python_version >= "3.9"' });
    assert.equal(parseRequirement('pkg @ https://example.com/p.whl')?.url, 'https://example.com/p.whl');
    assert.equal(parseRequirement('-r other.txt'), undefined);
    assert.equal(parseRequirement('name ~~ 1'), undefined);
    assert.deepEqual(condaPipRequirements('dependencies:\n- python=3.11\n- pip:\n  - mlflow==3.17.2\n  - numpy\n'), ['mlflow==3.17.2', 'numpy']);
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`).join('\n')}\ndependencies: *j\n`;
    assert.deepEqual(condaPipRequirements(bomb), []);
    const read = async (path: string) => ({ 'conda.yaml': 'dependencies:\n- python=3.10.4\n- pip:\n  - x==1\n', 'python_env.yaml': 'python: 3.11.9\n' })[path];
    assert.deepEqual(await modelRequirements(read), { lines: ['x==1'], file: 'conda.yaml', python: '3.11.9' });
    assert.equal(await modelRequirements(async () => undefined), undefined);
  });

  test('PEP 440 specifiers (the contract test compares a larger table with packaging)', () => {
    assert.ok(satisfies('1.4.2', '>=1.4,<2'));
    assert.ok(!satisfies('2.0', '>=1.4,<2'));
    assert.ok(!satisfies('2.0rc1', '<2'));
    assert.ok(satisfies('1.4.0+cpu', '==1.4'));
    assert.ok(!satisfies('1.0.post1', '>1.0'));
    assert.throws(() => satisfies('1.0', '~=1'));
    // Prefix matches compare the candidate cut to the prefix's length (packaging pads only the candidate).
    assert.ok(satisfies('1.4.2', '~=1.4'));
    assert.ok(satisfies('1.4.2', '~=1.4.1'));
    assert.ok(!satisfies('2.0.1', '!=2.0.*'));
    assert.ok(satisfies('1', '==1.0.*'));
    assert.ok(!satisfies('1.40', '==1.4.*'));
  });
});

describe('imports and snippets', () => {
  test('missing imports go after the docstring, __future__ and the leading import block', () => {
    const source = '#!/usr/bin/env python\n"""Doc\nstring."""\nfrom __future__ import annotations\nimport os\nfrom typing import (\n    Any,\n)\n\nx = 1\n';
    assert.deepEqual(importEdit(source, ['import mlflow', 'import os']), { line: 8, text: 'import mlflow\n' });
    assert.equal(importEdit('import mlflow.pyfunc\n', ['import mlflow']).text, '');
    assert.equal(importEdit('def f():\n    import mlflow\n', ['import mlflow']).text, 'import mlflow\n');
    assert.equal(importEdit('', ['import mlflow']).line, 0);
  });

  test('pyfunc by default; floats stay floats; hostile URIs and values are Python literals, not code', () => {
    const body = JSON.stringify({ dataframe_split: { columns: ['a"b', 'n'], data: [[5, 'x\n"""']] } });
    const snippet = modelSnippet({ modelUri: 'models:/evil")\nimport os#@champion', resolvedVersion: '3', example: { body, columnTypes: { 'a"b': 'double' } } });
    assert.deepEqual(snippet.imports, ['import mlflow', 'import pandas as pd']);
    const lines = snippet.code.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[1], 'model = mlflow.pyfunc.load_model("models:/evil\\")\\nimport os#@champion")');
    assert.match(lines[2]!, /^frame = pd\.DataFrame\(\[\[5\.0, "x\\n\\"\\"\\""\]\], columns=\["a\\"b", "n"\]\)/);
    assert.equal(lines[3], 'predictions = model.predict(frame)');
    assert.equal(pythonLiteral(Number.NaN), 'float("nan")');
    assert.equal(pythonLiteral({ k: [true, null] }), '{"k": [True, None]}');
    assert.throws(() => modelSnippet({ modelUri: 'models:/x/1', flavor: 'no-such-flavor' }));
  });
});

describe('queue scaffold and argv', () => {
  const context = { existing: new Set<string>(), workerTemplate: template('queue_worker.py'), clientTemplate: template('queue_client.py') };

  test('two scripts from the templates, every placeholder filled, values as Python literals', () => {
    const plan = planQueueWorker({ queue: 'iris', modelUri: 'models:/iris"\n@champion', folder: 'queue', trackingUri: 'sqlite:///mlflow.db', exampleRequest: '{"inputs": [1]}' }, context);
    assert.deepEqual(plan.edits.map((edit) => edit.path), ['queue/queue_worker.py', 'queue/queue_client.py']);
    assert.deepEqual(plan.warnings, []);
    for (const edit of plan.edits) assert.doesNotMatch(edit.after, /\{\{[a-z_]+\}\}/);
    assert.match(plan.edits[0]!.after, /^MODEL_URI = "models:\/iris\\"\\n@champion"$/m);
    assert.match(plan.edits[1]!.after, /^EXAMPLE_REQUEST = "\{\\"inputs\\":\[1\]\}"$/m);
  });

  test('never over existing files; bad names, folders and URIs refused; no example is a warning', () => {
    assert.throws(() => planQueueWorker({ queue: 'iris', modelUri: 'models:/i/1', folder: 'queue' }, { ...context, existing: new Set(['queue/queue_client.py']) }), reason('file-exists'));
    assert.throws(() => planQueueWorker({ queue: 'a b', modelUri: 'models:/i/1', folder: 'queue' }, context), reason('invalid-argument'));
    assert.throws(() => planQueueWorker({ queue: 'iris', modelUri: '--help', folder: 'queue' }, context), reason('invalid-argument'));
    assert.throws(() => planQueueWorker({ queue: 'iris', modelUri: 'models:/i/1', folder: '../out' }, context), reason('invalid-argument'));
    assert.throws(() => planQueueWorker({ queue: 'iris', modelUri: 'models:/i/1', folder: '/etc' }, context), reason('invalid-argument'));
    assert.equal(planQueueWorker({ queue: 'iris', modelUri: 'models:/i/1', folder: 'q', exampleRequest: '[1]' }, context).warnings.length, 1);
    assert.throws(() => renderTemplate('x = "{{nope}}"', {}, 't.py'), reason('template'));
  });

  test('argv only: redis-server on 127.0.0.1 without persistence, worker and client options checked', () => {
    const server = redisServer({ port: 6390, dir: '/tmp/r' });
    assert.equal(server.command, 'redis-server');
    assert.deepEqual(server.args.slice(0, 4), ['--bind', '127.0.0.1', '--port', '6390']);
    assert.ok(server.args.includes('--appendonly') && server.args[server.args.indexOf('--save') + 1] === '');
    assert.throws(() => redisServer({ port: 70_000, dir: '/tmp/r' }), reason('invalid-argument'));
    assert.equal(redisUrl(6390), 'redis://127.0.0.1:6390/0');
    assert.equal(redisUrl(1, '::1'), 'redis://[::1]:1/0');
    const worker = queueWorker({ python: 'py', cwd: '/p', workerPath: 'queue/queue_worker.py', redisUrl: 'redis://h:1/0', consumer: 'w; rm -rf /', batchSize: 8, tracking: { trackingUri: 'sqlite:///m.db' } });
    assert.deepEqual(worker.args, ['-u', 'queue/queue_worker.py', '--redis-url', 'redis://h:1/0', '--consumer', 'w; rm -rf /', '--batch-size', '8']);
    assert.equal(worker.env['MLFLOW_TRACKING_URI'], 'sqlite:///m.db');
    assert.throws(() => queueWorker({ python: 'py', cwd: '/p', workerPath: 'w.py', redisUrl: 'http://x' }), reason('invalid-argument'));
    assert.throws(() => queueWorker({ python: 'py', cwd: '/p', workerPath: 'w.py', redisUrl: 'redis://x', batchSize: 0 }), reason('invalid-argument'));
    assert.throws(() => queueWorker({ python: 'py', cwd: '/p', workerPath: '-c', redisUrl: 'redis://x' }));
    const client = queueClient({ python: 'py', cwd: '/p', clientPath: 'c.py', redisUrl: 'redis://x:1/0', mode: 'send', input: 'in.csv', idsFile: 'ids.json' });
    assert.deepEqual(client.args, ['-u', 'c.py', 'send', '--redis-url', 'redis://x:1/0', '--input', 'in.csv', '--ids-file', 'ids.json']);
    assert.throws(() => queueClient({ python: 'py', cwd: '/p', clientPath: 'c.py', redisUrl: 'redis://x', timeoutSeconds: -1 }), reason('invalid-argument'));
  });
});

describe('Model-as-Service', () => {
  test('a Dockerfile as MLflow writes it, summarised; one without FROM is an error', () => {
    const text = 'FROM python:3.11.9-slim\n\nRUN apt-get -y update && \\\n    apt-get install -y --no-install-recommends nginx\nWORKDIR /opt/mlflow\nRUN pip install mlflow==3.17.2\nCOPY model_dir /opt/ml/model\nENV MLFLOW_DISABLE_ENV_CREATION=True\nENTRYPOINT ["python", "-c", "from mlflow.models import container as C; C._serve(\'local\')"]\n';
    const summary = summarizeDockerfile(text);
    assert.equal(summary.baseImage, 'python:3.11.9-slim');
    assert.deepEqual(summary.modelCopy, { from: 'model_dir', to: '/opt/ml/model' });
    assert.equal(summary.mlflowVersion, '3.17.2');
    assert.equal(summary.env['MLFLOW_DISABLE_ENV_CREATION'], 'True');
    assert.equal(summary.entrypoint?.[0], 'python');
    assert.throws(() => summarizeDockerfile('# nothing\nRUN x\n'), reason('invalid-file'));
  });

  test('Kubernetes names and manifests; bad names, images, quantities refused; URIs only in annotations', () => {
    assert.equal(kubernetesName('Iris_Classifier', 'champion'), 'iris-classifier-champion');
    assert.equal(kubernetesName('42'), 'model-42');
    assert.equal(kubernetesName('-'.repeat(10)), 'model');
    assert.ok(kubernetesName('a'.repeat(100)).length <= 63);
    const text = kubernetesManifests({ name: 'iris', image: 'iris:1', modelUri: 'models:/iris/1\nkind: Secret' });
    assert.equal(text.split('\n---\n').length, 2);
    assert.doesNotMatch(text, /^kind: Secret/m);
    assert.match(text, /readinessProbe:\n\s+httpGet:\n\s+path: \/ping/);
    assert.throws(() => kubernetesManifests({ name: 'Iris', image: 'iris:1', modelUri: 'm' }), reason('invalid-argument'));
    assert.throws(() => kubernetesManifests({ name: 'iris', image: 'iris:1 --privileged', modelUri: 'm' }), reason('invalid-argument'));
    assert.throws(() => kubernetesManifests({ name: 'iris', image: 'iris:1', modelUri: 'm', limits: { cpu: 'lots', memory: '1Gi' } }), reason('invalid-argument'));
    assert.throws(() => kubernetesManifests({ name: 'iris', image: 'iris:1', modelUri: 'm', replicas: -1 }), reason('invalid-argument'));
  });
});

describe('batch prediction stage plan', () => {
  const dvcYaml = '# the pipeline\nstages:\n  train:  # trains\n    cmd: python train.py\n    deps: [data/input.csv]\n';
  const params = 'train:\n  lr: 0.1  # tuned\n';
  const context: BatchStageContext = { dvcYaml, params, existing: new Set(['src/existing.py', 'data/input.csv']), tracked: ['data/input.csv', 'data/raw'], template: template('batch_predict.py') };
  const request: BatchStageRequest = { stageName: 'predict', modelUri: 'models:/iris@champion', resolvedVersion: '3', inputPath: 'data/input.csv', outputPath: 'predictions/iris.csv', scriptPath: 'src/predict.py' };

  test('edits dvc.yaml and params.yaml in place (the user’s text kept byte for byte) and records the version', () => {
    const plan = planBatchStage(request, context);
    const [dvc, prm, script] = plan.edits;
    assert.equal(dvc!.before, dvcYaml);
    assert.ok(dvc!.after.startsWith(dvcYaml), dvc!.after);
    assert.match(dvc!.after, /\n {2}predict:\n {4}cmd: python src\/predict.py --params params.yaml --section predict --input data\/input.csv --output predictions\/iris.csv\n/);
    assert.ok(prm!.after.startsWith(params));
    assert.match(prm!.after, /predict:\n {2}model_uri: models:\/iris@champion\n {2}model_version: 3\n/);
    assert.equal(script!.before, undefined);
    assert.doesNotMatch(script!.after, /\{\{[a-z_]+\}\}/);
    assert.deepEqual(findBatchStages(dvc!.after, prm!.after), [{ stage: 'predict', section: 'predict', modelUri: 'models:/iris@champion', recordedVersion: '3' }]);
    const recorded = recordModelVersion(prm!.after, 'predict', '4');
    assert.equal(recorded, prm!.after.replace('model_version: 3', 'model_version: 4'));
  });

  test('never replaces a stage, a params section or a file; refuses untracked inputs and paths out of the project', () => {
    const withStage = { ...context, dvcYaml: `${dvcYaml}  predict:\n    cmd: echo\n` };
    assert.throws(() => planBatchStage(request, withStage), reason('stage-exists'));
    assert.throws(() => planBatchStage(request, { ...context, params: `${params}predict: {}\n` }), reason('params-exist'));
    assert.throws(() => planBatchStage({ ...request, scriptPath: 'src/existing.py' }, context), reason('file-exists'));
    assert.throws(() => planBatchStage({ ...request, inputPath: 'data/other.csv' }, context), reason('input-not-tracked'));
    assert.ok(planBatchStage({ ...request, inputPath: 'data/raw/part.csv' }, context));
    assert.throws(() => planBatchStage({ ...request, outputPath: '../out.csv' }, context), reason('invalid-argument'));
    assert.throws(() => planBatchStage({ ...request, outputPath: 'data/raw/p.csv' }, context), reason('invalid-argument'));
    assert.throws(() => planBatchStage({ ...request, stageName: 'a b' }, context), reason('invalid-argument'));
    assert.throws(() => planBatchStage({ ...request, modelUri: 'models:/iris/Production' }, context), reason('invalid-model-uri'));
    assert.throws(() => planBatchStage({ ...request, modelUri: 'models:/iris/2' }, context), reason('invalid-argument'));
    assert.throws(() => planBatchStage(request, { ...context, dvcYaml: 'stages: [a' }), reason('invalid-file'));
    assert.throws(() => planBatchStage(request, { ...context, dvcYaml: '- a\n- b\n' }), reason('invalid-file'));
  });

  test('hostile values are quoted for DVC’s shell', () => {
    const plan = planBatchStage({ ...request, outputPath: 'predictions/$(touch x) ;.csv', keepColumns: ['id', "it's"] }, context);
    assert.match(plan.stage.cmd, /--output 'predictions\/\$\(touch x\) ;\.csv' --keep-columns 'id,it'"'"'s'$/);
  });
});

describe('patterns', () => {
  test('every usage offers one best pattern first; every pattern has actions', () => {
    for (const usage of Object.keys(USAGES) as Usage[]) {
      const offered = recommendPatterns(usage);
      assert.equal(offered[0]!.fit, 'best');
      assert.equal(offered.filter((item) => item.fit === 'best').length, 1);
    }
    for (const info of Object.values(PATTERNS)) assert.ok(info.actions.length > 0);
    for (const row of SCHEME_MATRIX) assert.equal(Object.values(row.fits).filter((fit) => fit === 'best').length, 1, row.label);
  });

  test('the README carries the scheme matrix as the core has it', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const match = /<!-- scheme-matrix[^>]*-->\n([\s\S]*?)\n<!-- \/scheme-matrix -->/.exec(readme);
    assert.ok(match, 'the README has the scheme-matrix block');
    assert.equal(match[1], schemeMatrixMarkdown());
  });
});
