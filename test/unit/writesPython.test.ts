/**
 * The Python writer's process handling and the interpreter helpers: argv only (a workspace's
 * mlflow.py is never imported), typed errors for a missing interpreter or MLflow, timeout and
 * abort that end the child; and the REST writer's requests as MLflow's RestStore sends them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chooseInterpreter, interpreterCandidates, probeInterpreter } from '../../src/core/python/interpreter.js';
import { TrackingError } from '../../src/core/tracking/errors.js';
import { WriteError, needsAnotherInterpreter, type WriteErrorReason } from '../../src/core/tracking/writes/errors.js';
import { openTrackingWriter } from '../../src/core/tracking/writes/open.js';
import { PythonTrackingWriter, asciiJson } from '../../src/core/tracking/writes/pythonWriter.js';
import { RestTrackingWriter } from '../../src/core/tracking/writes/restWriter.js';
import { env, pythonEnv } from '../support/python';

const RUN = '0123456789abcdef0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'mlw-writes-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fakeInterpreter(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function writeError(reason: WriteErrorReason, pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof WriteError, String(error));
    assert.equal(error.reason, reason, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('PythonTrackingWriter without MLflow', () => {
  test("an interpreter that does not exist is 'python-not-found', naming it", async () => {
    const writer = new PythonTrackingWriter(`sqlite:///${dir}/x.db`, { python: join(dir, 'no-such-python'), cwd: dir });
    await assert.rejects(writer.deleteRun(RUN), writeError('python-not-found', /no-such-python \(ENOENT\)/));
  });

  test("an interpreter where `import mlflow` fails is 'mlflow-not-installed', naming it", async () => {
    const python = await pythonEnv();
    const shadow = join(dir, 'shadow');
    mkdirSync(join(shadow, 'mlflow'), { recursive: true });
    writeFileSync(join(shadow, 'mlflow', '__init__.py'), 'raise ImportError("No module named \'mlflow\'")\n');
    const writer = new PythonTrackingWriter(`sqlite:///${dir}/x.db`, { python: python.python, cwd: dir, env: { ...env(python), PYTHONPATH: shadow } });
    const check = writeError('mlflow-not-installed', /MLflow is not installed in the Python interpreter .*\/bin\/python \(No module named 'mlflow'\)/);
    await assert.rejects(writer.deleteRun(RUN), (error: unknown) => check(error) && needsAnotherInterpreter(error));
  });

  test('a mlflow.py in the workspace folder is never imported', async () => {
    const python = await pythonEnv();
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    const marker = join(workspace, 'imported');
    writeFileSync(join(workspace, 'mlflow.py'), `open(${JSON.stringify(marker)}, "w").close()\n`);
    writeFileSync(join(workspace, 'json.py'), `open(${JSON.stringify(marker)}, "w").close()\n`);
    const writer = new PythonTrackingWriter(`sqlite:///${dir}/x.db`, { python: python.python, cwd: workspace, env: env(python) });
    await assert.rejects(writer.setRunTag(RUN, 'k', 'v'), { name: 'TrackingError', reason: 'not-found' });
    assert.equal(existsSync(marker), false);
  });

  test("a crash without an answer is 'python-failed' with the end of stderr", async () => {
    const python = fakeInterpreter('crash', 'echo "Fatal Python error: boom" >&2; exit 3');
    const writer = new PythonTrackingWriter(`sqlite:///${dir}/x.db`, { python, cwd: dir });
    await assert.rejects(writer.deleteRun(RUN), writeError('python-failed', /exited 3 without an answer while running delete_run: Fatal Python error: boom/));
  });

  // The child sleeps 30 s and the hang guards are shorter: only the timeout or the abort ends it in
  // time. How soon they do: npm run bench:failures.
  test("the timeout kills the child and is a 'timeout' TrackingError", { timeout: 20_000 }, async () => {
    const pidFile = join(dir, 'timeout-pid');
    const python = fakeInterpreter('slow', `echo $$ > ${pidFile}; sleep 30`);
    const writer = new PythonTrackingWriter(`sqlite:///${dir}/x.db`, { python, cwd: dir, timeoutMs: 300 });
    await assert.rejects(writer.deleteRun(RUN), (error: unknown) => error instanceof TrackingError && error.reason === 'timeout');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  });

  test('abort kills the child and rejects with the signal’s reason', { timeout: 20_000 }, async () => {
    const pidFile = join(dir, 'pid');
    const python = fakeInterpreter('abortable', `echo $$ > ${pidFile}; sleep 30`);
    const writer = new PythonTrackingWriter(`sqlite:///${dir}/x.db`, { python, cwd: dir });
    const controller = new AbortController();
    const pending = writer.deleteRun(RUN, { signal: controller.signal });
    while (!existsSync(pidFile)) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  });

  test('the request is one argv element of ASCII JSON that round-trips exactly', () => {
    const value = `'; rm -rf ~ #\n$(x) ü 🚀 \u0000`;
    const encoded = asciiJson({ value });
    assert.match(encoded, /^[\x20-\x7e]*$/);
    assert.deepEqual(JSON.parse(encoded), { value });
  });

  test("opening a local store's writer without an interpreter is 'unsupported-uri'; a server needs none", () => {
    assert.throws(() => openTrackingWriter('sqlite:///mlflow.db', { cwd: dir }), { name: 'TrackingError', reason: 'unsupported-uri' });
    const writer = openTrackingWriter('http://127.0.0.1:5000', { cwd: dir });
    assert.ok(writer instanceof RestTrackingWriter);
    writer.dispose();
  });
});

describe('interpreter choice', () => {
  test('candidates: Python extension, setting, without duplicates; python3 on PATH only when nothing is chosen', () => {
    assert.deepEqual(interpreterCandidates({ pythonExtensionPath: '/venv/bin/python', setting: '.venv/bin/python', workspaceFolder: '/ws', platform: 'linux' }), [
      { command: '/venv/bin/python', source: 'python-extension' },
      { command: '/ws/.venv/bin/python', source: 'setting' },
    ]);
    assert.deepEqual(interpreterCandidates({ setting: '${workspaceFolder}/env/bin/python', workspaceFolder: '/ws', platform: 'linux' }), [{ command: '/ws/env/bin/python', source: 'setting' }]);
    assert.deepEqual(interpreterCandidates({ setting: ' ', workspaceFolder: '/ws', platform: 'linux' }), [{ command: 'python3', source: 'path' }]);
    assert.deepEqual(interpreterCandidates({ pythonExtensionPath: ' ', setting: 'python3', workspaceFolder: '/ws', platform: 'linux' }), [{ command: 'python3', source: 'setting' }]);
    assert.deepEqual(interpreterCandidates({ workspaceFolder: 'C:\\ws', platform: 'win32' }), [{ command: 'python', source: 'path' }]);
  });

  test("probe: the venv's Python and MLflow versions, as they report themselves; a missing one is 'not-found'", async () => {
    const python = await pythonEnv();
    const probe = await probeInterpreter(python.python, { env: env(python) });
    const [pythonVersion, mlflowVersion] = execFileSync(python.python, ['-c', 'import platform, mlflow; print(platform.python_version()); print(mlflow.__version__)'], { env: env(python), encoding: 'utf8' }).trim().split('\n');
    assert.equal(probe.ok && probe.hasMlflow, true);
    assert.equal(probe.ok ? probe.mlflowVersion : undefined, mlflowVersion);
    assert.equal(probe.ok ? probe.version : undefined, pythonVersion);
    const missing = await probeInterpreter(join(dir, 'nope'));
    assert.equal(missing.ok, false);
    assert.equal(missing.ok ? undefined : missing.problem, 'not-found');
  });

  test('chooseInterpreter skips candidates without MLflow', async () => {
    const python = await pythonEnv();
    const shadowless = fakeInterpreter('no-mlflow', `exec ${python.python} -c 'import sys, json; sys.stdout.write(json.dumps({"version": "3.11.0", "executable": "x", "mlflow": None}))'`);
    const choice = await chooseInterpreter(
      [
        { command: join(dir, 'missing'), source: 'python-extension' },
        { command: shadowless, source: 'setting' },
        { command: python.python, source: 'path' },
      ],
      { env: env(python) },
    );
    assert.equal(choice.chosen?.command, python.python);
    assert.deepEqual(
      choice.probes.map((probe) => (probe.ok ? `ok mlflow=${probe.hasMlflow}` : probe.problem)),
      ['not-found', 'ok mlflow=false', 'ok mlflow=true'],
    );
  });
});

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

describe('RestTrackingWriter requests', () => {
  const seen: Seen[] = [];
  let url = '';
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '';
      seen.push({ method: request.method ?? '', path, contentType: request.headers['content-type'], body: text ? JSON.parse(text) : undefined });
      response.setHeader('Content-Type', 'application/json');
      if (path.startsWith('/api/2.0/mlflow/runs/get')) return response.end(JSON.stringify({ run: { info: { run_id: RUN, status: 'FINISHED', end_time: 1700 } } }));
      if (path === '/api/2.0/mlflow/registered-models/create') {
        response.statusCode = 400;
        return response.end(JSON.stringify({ error_code: 'RESOURCE_ALREADY_EXISTS', message: 'exists' }));
      }
      if (path.startsWith('/api/2.0/mlflow/registered-models/get')) return response.end(JSON.stringify({ registered_model: { name: 'm' } }));
      if (path === '/api/2.0/mlflow/model-versions/create') return response.end(JSON.stringify({ model_version: { name: 'm', version: '4' } }));
      response.end('{}');
    });
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  test('each operation is the endpoint and JSON body of MLflow’s RestStore', async () => {
    const writer = new RestTrackingWriter(url, { retry: { maxRetries: 0 } });
    await writer.renameRun(RUN, 'new name');
    await writer.setRunTag(RUN, 'k', 'v');
    await writer.deleteRunTag(RUN, 'k');
    await writer.deleteRun(RUN);
    await writer.restoreRun(RUN);
    await writer.setRegisteredModelAlias('m', 'champion', '2');
    await writer.deleteRegisteredModelAlias('m', 'champion');
    await writer.setRegisteredModelTag('m', 'k', 'v');
    await writer.deleteRegisteredModelTag('m', 'k');
    await writer.setModelVersionTag('m', '2', 'k', 'v');
    await writer.deleteModelVersionTag('m', '2', 'k');
    await writer.updateRegisteredModelDescription('m', 'd');
    await writer.updateModelVersionDescription('m', '2', 'd');
    const version = await writer.createModelVersion('m', 'models:/m-9', RUN);
    writer.dispose();
    assert.deepEqual(version, { name: 'm', version: '4' });
    const api = '/api/2.0/mlflow';
    assert.deepEqual(
      seen.map(({ method, path, body }) => [method, path, body]),
      [
        ['GET', `${api}/runs/get?run_id=${RUN}`, undefined],
        ['POST', `${api}/runs/update`, { run_id: RUN, run_uuid: RUN, status: 'FINISHED', end_time: 1700, run_name: 'new name' }],
        ['POST', `${api}/runs/set-tag`, { run_id: RUN, run_uuid: RUN, key: 'k', value: 'v' }],
        ['POST', `${api}/runs/delete-tag`, { run_id: RUN, key: 'k' }],
        ['POST', `${api}/runs/delete`, { run_id: RUN }],
        ['POST', `${api}/runs/restore`, { run_id: RUN }],
        ['POST', `${api}/registered-models/alias`, { name: 'm', alias: 'champion', version: '2' }],
        ['DELETE', `${api}/registered-models/alias`, { name: 'm', alias: 'champion' }],
        ['POST', `${api}/registered-models/set-tag`, { name: 'm', key: 'k', value: 'v' }],
        ['DELETE', `${api}/registered-models/delete-tag`, { name: 'm', key: 'k' }],
        ['POST', `${api}/model-versions/set-tag`, { name: 'm', version: '2', key: 'k', value: 'v' }],
        ['DELETE', `${api}/model-versions/delete-tag`, { name: 'm', version: '2', key: 'k' }],
        ['PATCH', `${api}/registered-models/update`, { name: 'm', description: 'd' }],
        ['PATCH', `${api}/model-versions/update`, { name: 'm', version: '2', description: 'd' }],
        ['POST', `${api}/registered-models/create`, { name: 'm' }],
        ['GET', `${api}/registered-models/get?name=m`, undefined],
        ['POST', `${api}/model-versions/create`, { name: 'm', source: 'models:/m-9', run_id: RUN, model_id: 'm-9' }],
      ],
    );
    assert.ok(seen.filter((request) => request.body !== undefined).every((request) => request.contentType === 'application/json'));
  });
});
