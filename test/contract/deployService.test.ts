/**
 * Model-as-Service, finished, against the real tools: `mlflow models generate-dockerfile` run with
 * our argv writes a build context (no Docker daemon needed) that our summary reads right; a machine
 * without Docker gets a clear answer from the probe; the Kubernetes manifests we generate pass
 * kubernetes-validate (the Kubernetes OpenAPI schemas, strict), which does reject a broken one.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { checkDockerfileFolder, dockerStatus, modelsGenerateDockerfile, readDockerfileSummary } from '../../src/core/deploy/docker.js';
import { isDeployError } from '../../src/core/deploy/errors.js';
import { kubernetesManifests, kubernetesName } from '../../src/core/deploy/kubernetes.js';
import type { TaskSpec } from '../../src/core/tasks/spec.js';
import { type DeployProject, deployProject } from '../support/deployProject';
import { env, type PythonEnv, pythonEnv } from '../support/python';

const run = promisify(execFile);
let project: DeployProject;
let python: PythonEnv;

function runSpec(spec: TaskSpec): Promise<{ code: number | null; output: string }> {
  const child = spawn(spec.command, [...spec.args], { cwd: spec.cwd, env: env(python, { ...spec.env }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.once('error', reject).once('close', (code) => (clearTimeout(guard), resolve({ code, output })));
  });
}

/** kubernetes-validate --strict on a file: its exit code and report. */
async function kubernetesValidate(text: string): Promise<{ code: number; report: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-k8s-'));
  const file = join(dir, 'model.yaml');
  writeFileSync(file, text);
  try {
    const { stdout, stderr } = await run(join(python.bin, 'kubernetes-validate'), ['--strict', file], { env: env(python), timeout: 5 * 60_000 });
    return { code: 0, report: stdout + stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : -1, report: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

before(async () => {
  python = await pythonEnv();
  project = await deployProject();
});

describe('Generate Dockerfile with MLflow', () => {
  test('writes a build context with the model and MLflow’s scoring server, without a Docker daemon', async () => {
    const folder = join(project.project, 'docker', 'iris-deploy');
    await checkDockerfileFolder(folder);
    const spec = modelsGenerateDockerfile({ python: python.python, cwd: project.project, modelUri: 'models:/iris-deploy@champion', outputDirectory: folder, tracking: { trackingUri: project.trackingUri } });
    // No docker on the PATH the task gets: generating must not need it.
    const result = await runSpec({ ...spec, env: { ...spec.env, PATH: `${python.bin}:/usr/bin:/bin`, DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    assert.equal(result.code, 0, result.output);
    assert.ok(existsSync(join(folder, 'model_dir', 'MLmodel')), 'the model is copied into the build context');
    const mlmodel = readFileSync(join(folder, 'model_dir', 'MLmodel'), 'utf8');
    assert.match(mlmodel, /sklearn/);
    const summary = await readDockerfileSummary(folder);
    assert.ok(summary.baseImage.length > 0);
    assert.deepEqual(summary.modelCopy, { from: 'model_dir', to: '/opt/ml/model' });
    assert.ok(summary.entrypoint && /from mlflow\.models import container/.test(summary.entrypoint.join(" ")), JSON.stringify(summary.entrypoint));
    assert.equal(summary.port, 8080);

    // The folder is not empty now: a second generation into it is refused before MLflow runs.
    await assert.rejects(checkDockerfileFolder(folder), (error) => isDeployError(error) && error.reason === 'file-exists');
  });

  test('a URI MLflow cannot resolve fails the task with MLflow’s message', async () => {
    const folder = join(project.project, 'docker', 'missing');
    const spec = modelsGenerateDockerfile({ python: python.python, cwd: project.project, modelUri: 'models:/iris-deploy@no-such-alias', outputDirectory: folder, tracking: { trackingUri: project.trackingUri } });
    const result = await runSpec(spec);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /no-such-alias/);
  });
});

describe('Build Docker Image: whether a daemon is there', () => {
  test('no docker on PATH: a clear message pointing at Generate Dockerfile', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'mlwb-nodocker-'));
    const status = await dockerStatus({ path: empty, env: { PATH: empty } });
    assert.equal(status.state, 'no-cli');
    assert.match(status.state === 'no-cli' ? status.message : '', /Docker is not installed.*Generate Dockerfile/);
  });

  test('this machine: the probe agrees with `docker info` (or with docker being absent)', async () => {
    const status = await dockerStatus();
    let info: { ok: boolean; version?: string };
    try {
      const { stdout } = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 30_000 });
      info = { ok: stdout.trim() !== '', version: stdout.trim() };
    } catch (error) {
      info = { ok: false };
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        assert.equal(status.state, 'no-cli');
        return;
      }
    }
    assert.equal(status.state, info.ok ? 'ready' : 'no-daemon');
    if (status.state === 'ready') assert.equal(status.serverVersion, info.version);
    if (status.state === 'no-daemon') assert.match(status.message, /no Docker daemon answers|did not answer/);
  });
});

describe('Kubernetes manifests', () => {
  test('a Deployment and a Service that pass the Kubernetes schemas (strict), with a readiness probe on /ping', async () => {
    const name = kubernetesName('iris-deploy', 'champion');
    assert.equal(name, 'iris-deploy-champion');
    const text = kubernetesManifests({ name, image: 'registry.example.com:5000/ml/iris-deploy:1', modelUri: 'models:/iris-deploy@champion', modelVersion: '1', namespace: 'models', replicas: 3, serviceType: 'LoadBalancer', workers: 4 });
    const validated = await kubernetesValidate(text);
    assert.equal(validated.code, 0, validated.report);
    assert.match(validated.report, /passed for resource deployment\/iris-deploy-champion/);
    assert.match(validated.report, /passed for resource service\/iris-deploy-champion/);
    assert.match(text, /readinessProbe:\n\s+httpGet:\n\s+path: \/ping\n\s+port: http/);

    // Names and values from hostile model names still make valid resources.
    const odd = kubernetesManifests({ name: kubernetesName('9 Ünïcode Model!!', 'v' + '1'.repeat(80)), image: 'iris:latest', modelUri: 'models:/9 Ünïcode Model!!/1\nkind: Secret' });
    const oddValidated = await kubernetesValidate(odd);
    assert.equal(oddValidated.code, 0, oddValidated.report);
  });

  test('the validator does reject a broken manifest (the check can fail)', async () => {
    const text = kubernetesManifests({ name: 'iris', image: 'iris:1', modelUri: 'models:/iris/1' }).replace('periodSeconds: 10', 'periodSeconds: ten');
    const validated = await kubernetesValidate(text);
    assert.notEqual(validated.code, 0);
    assert.match(validated.report, /periodSeconds/);
  });
});
