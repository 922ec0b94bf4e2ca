import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { dockerAvailability, findFreePort, findOnPath, isPortInUse } from '../../src/core/tasks/machine.js';
import { checkHealth, curlCommand, sendTestRequest } from '../../src/core/tasks/servingClient.js';
import { requestPayload, signatureSkeleton } from '../../src/core/tasks/servingPayload.js';

const reader = (files: Record<string, string>) => async (path: string) => files[path];

// As MLflow 3.17 writes it for log_model(..., input_example=<DataFrame>).
const MLMODEL_DF = `flavors:
  python_function: {loader_module: mlflow.sklearn}
mlflow_version: 3.17.2
saved_input_example_info:
  artifact_path: input_example.json
  pandas_orient: split
  serving_input_path: serving_input_example.json
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "sepal length (cm)", "required": true}, {"type": "long", "name": "n", "required": true}]'
  outputs: '[{"type": "long", "required": true}]'
  params: null
`;
const SERVING = '{\n  "dataframe_split": {\n    "columns": ["sepal length (cm)", "n"],\n    "data": [[5.1, 1]]\n  }\n}';

test('payload: the saved serving input example, as written', async () => {
  assert.deepEqual(await requestPayload(MLMODEL_DF, reader({ 'serving_input_example.json': SERVING })), { source: 'serving-input-example', body: SERVING, file: 'serving_input_example.json' });
});

test('payload: an older input_example.json, wrapped as its type says', async () => {
  const noServing = MLMODEL_DF.replace('  serving_input_path: serving_input_example.json\n', '');
  assert.deepEqual(await requestPayload(noServing, reader({ 'input_example.json': '{"columns": ["a"], "data": [[1.5]]}' })), { source: 'input-example', body: '{"dataframe_split":{"columns":["a"],"data":[[1.5]]}}', file: 'input_example.json' });
  const ndarray = noServing.replace('type: dataframe', 'type: ndarray').replace('  pandas_orient: split\n', '');
  assert.equal((await requestPayload(ndarray, reader({ 'input_example.json': '[[1, 2, 3]]' }))).body, '{"inputs":[[1,2,3]]}');
  const withParams = ndarray.replace('type: ndarray', 'type: json_object\n  params: "true"');
  assert.equal((await requestPayload(withParams, reader({ 'input_example.json': '{"inputs": ["hi"], "params": {"k": 2}}' }))).body, '{"inputs":["hi"],"params":{"k":2}}');
});

test('payload: a skeleton from the signature when no example was saved', async () => {
  const bare = MLMODEL_DF.replace(/saved_input_example_info:\n( {2}.*\n)+/, '');
  const payload = await requestPayload(bare, reader({}));
  assert.equal(payload.source, 'signature');
  assert.deepEqual(JSON.parse(payload.body), { dataframe_split: { columns: ['sepal length (cm)', 'n'], data: [[0, 0]] } });
  assert.match(payload.body, /\[\s*0\.0,\s*0\s*\]/);
  assert.deepEqual(await requestPayload('flavors: {}\n', reader({})), { source: 'none', body: '{}' });
});

test('signature skeletons: tensors (named and not), nested types, params with defaults', () => {
  assert.deepEqual(JSON.parse(signatureSkeleton('[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 3]}}]')!), { inputs: [[0, 0, 0]] });
  assert.deepEqual(JSON.parse(signatureSkeleton('[{"name": "ids", "type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}, {"name": "mask", "type": "tensor", "tensor-spec": {"dtype": "bool", "shape": [2]}}]')!), { inputs: { ids: [0], mask: [false, false] } });
  assert.deepEqual(
    JSON.parse(signatureSkeleton('[{"type": "string", "name": "text"}, {"type": "array", "items": {"type": "long"}, "name": "ids"}, {"type": "object", "properties": {"x": {"type": "boolean"}}, "name": "o"}]', '[{"name": "temperature", "type": "float", "default": 0.7, "shape": null}]')!),
    { dataframe_split: { columns: ['text', 'ids', 'o'], data: [['', [0], { x: false }]] }, params: { temperature: 0.7 } },
  );
  assert.equal(signatureSkeleton(null), undefined);
});

test('curl line: every argument survives a real POSIX shell unchanged', () => {
  const body = `{"inputs": ["it's $(touch /tmp/x) \`id\` \\"q\\"\\n"]}`;
  const line = curlCommand({ port: 5001 }, body);
  assert.ok(line.startsWith("curl -sS -X POST http://127.0.0.1:5001/invocations -H 'Content-Type: application/json' --data-raw '{"), line);
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-curl-'));
  const fake = join(dir, 'curl');
  writeFileSync(fake, '#!/bin/sh\nfor a in "$@"; do printf "%s\\0" "$a"; done\n');
  chmodSync(fake, 0o755);
  const out = execFileSync('/bin/sh', ['-c', line], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8' });
  assert.deepEqual(out.split('\0').slice(0, -1), ['-sS', '-X', 'POST', 'http://127.0.0.1:5001/invocations', '-H', 'Content-Type: application/json', '--data-raw', body]);
});

test('free port: bindable now, and isPortInUse sees a listener come and go', async () => {
  const port = await findFreePort();
  assert.ok(port > 0 && port < 65_536);
  assert.equal(await isPortInUse(port), false);
  const server = createServer().listen(port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  assert.equal(await isPortInUse(port), true);
  await new Promise((resolve) => server.close(resolve));
  assert.equal(await isPortInUse(port), false);
});

test('docker: found on PATH when there, a typed reason when not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-path-'));
  assert.deepEqual(await dockerAvailability({ path: dir }), { available: false, reason: 'unavailable', message: 'unavailable: docker not found on PATH' });
  writeFileSync(join(dir, 'docker'), '#!/bin/sh\n');
  assert.deepEqual(await dockerAvailability({ path: dir }), { available: false, reason: 'unavailable', message: 'unavailable: docker not found on PATH' }, 'not executable');
  chmodSync(join(dir, 'docker'), 0o755);
  assert.deepEqual(await dockerAvailability({ path: `/nonexistent:${dir}` }), { available: true, path: join(dir, 'docker') });
  assert.equal(await findOnPath('docker', { path: dir, platform: 'win32', pathext: '.EXE' }), join(dir, 'docker'));
});

test('client: an unreachable server, a server that never answers (timeout), an abort', { timeout: 30_000 }, async () => {
  const port = await findFreePort();
  const down = await checkHealth({ port });
  assert.equal(down.healthy, false);
  assert.deepEqual([down.ping.ok, !down.ping.ok && down.ping.reason], [false, 'unreachable']);
  const sockets: Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
  await new Promise((resolve) => silent.once('listening', resolve));
  const silentPort = (silent.address() as { port: number }).port;
  const slow = await sendTestRequest({ port: silentPort }, '{}', { timeoutMs: 200 });
  assert.deepEqual([slow.ok, !slow.ok && slow.reason, !slow.ok && slow.message], [false, 'timeout', 'POST /invocations: no answer within 0.2 s']);
  const controller = new AbortController();
  const pending = sendTestRequest({ port: silentPort }, '{}', { signal: controller.signal, timeoutMs: 10_000 });
  setTimeout(() => controller.abort(new Error('user cancelled')), 50);
  await assert.rejects(pending, /user cancelled/);
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});
