/**
 * Serving capture: what a scoring-server request becomes (one flat JSON line per row), what is
 * skipped and why, where the log may go, rotation by size with row counts kept across sessions,
 * and the proxy streaming requests to a stand-in model server (a plain Node HTTP server answering
 * as `mlflow models serve` does; the real one is test/contract/capture.test.ts). The log is read
 * back with the drift core's JSONL reader, malformed and half-written lines included.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readJsonl } from '../../src/core/drift/table/jsonl.js';
import { CaptureLog, captureFileName, mustRotate } from '../../src/core/monitoring/captureLog.js';
import { captureLocation, modelSlug, uriVersion } from '../../src/core/monitoring/captureLocation.js';
import { CaptureProxy } from '../../src/core/monitoring/captureProxy.js';
import { captureLines, inputRows, predictionList } from '../../src/core/monitoring/captureRows.js';

const scratch = mkdtempSync(join(tmpdir(), 'mlw-capture-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const context = { modelUri: 'models:/iris/3', modelVersion: '3', requestId: 'r1', timestamp: new Date('2026-12-06T10:00:00.000Z') };
const lines = (outcome: ReturnType<typeof captureLines>): Record<string, unknown>[] => {
  assert.ok('lines' in outcome, JSON.stringify(outcome));
  return outcome.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
};

describe('capture rows', () => {
  test('dataframe_split: one line per row, inputs by column name, prediction, timestamp and model version', () => {
    const body = JSON.stringify({ dataframe_split: { columns: ['a', 'b'], data: [[1, 'x'], [2.5, null]] } });
    assert.deepEqual(lines(captureLines(body, '{"predictions": [0, 1]}', context)), [
      { timestamp: '2026-12-06T10:00:00.000Z', model_uri: 'models:/iris/3', model_version: '3', request_id: 'r1', prediction: 0, a: 1, b: 'x' },
      { timestamp: '2026-12-06T10:00:00.000Z', model_uri: 'models:/iris/3', model_version: '3', request_id: 'r1', prediction: 1, a: 2.5, b: null },
    ]);
  });

  test('dataframe_records, instances and inputs (records, lists, column-wise), as pandas builds the frame', () => {
    assert.deepEqual(inputRows({ dataframe_records: [{ a: 1 }, { a: 2, b: 3 }] }), [{ a: 1 }, { a: 2, b: 3 }]);
    assert.deepEqual(inputRows({ instances: [[1, 2], [3, 4]] }), [{ '0': 1, '1': 2 }, { '0': 3, '1': 4 }]);
    assert.deepEqual(inputRows({ inputs: { a: [1, 2], b: 7 } }), [{ a: 1, b: 7 }, { a: 2, b: 7 }]);
    assert.deepEqual(inputRows({ inputs: [5, 6] }), [{ '0': 5 }, { '0': 6 }]);
    assert.equal(inputRows({ inputs: { a: [1, 2], b: [1] } }), undefined);
    assert.equal(inputRows({ something: [] }), undefined);
    assert.deepEqual(predictionList({ predictions: { label: [1, 0], score: [0.9, 0.2] } }), [{ label: 1, score: 0.9 }, { label: 0, score: 0.2 }]);
    assert.deepEqual(predictionList([1, 2]), [1, 2]);
  });

  test('an input column named like a metadata column keeps its value under input.<name>', () => {
    const [line] = lines(captureLines('{"dataframe_records": [{"timestamp": 5, "prediction": "p", "x": 1}]}', '{"predictions": [9]}', context));
    assert.equal(line!['timestamp'], '2026-12-06T10:00:00.000Z');
    assert.equal(line!['prediction'], 9);
    assert.equal(line!['input.timestamp'], 5);
    assert.equal(line!['input.prediction'], 'p');
  });

  test('bad input: not JSON, unknown format, too many rows, predictions that do not match are skipped with a reason', () => {
    const reason = (outcome: ReturnType<typeof captureLines>): string | undefined => ('skipped' in outcome ? outcome.skipped.reason : undefined);
    assert.equal(reason(captureLines('a,b\n1,2\n', '{"predictions": [0]}', context)), 'not-json');
    assert.equal(reason(captureLines('{"columns": ["a"]}', '{}', context)), 'unknown-format');
    assert.equal(reason(captureLines('{"inputs": [1, 2, 3]}', '{"predictions": [1, 2, 3]}', { ...context, maxRows: 2 })), 'too-many-rows');
    assert.equal(reason(captureLines('{"inputs": [1, 2]}', '{"predictions": [1]}', context)), 'predictions-mismatch');
    // An answer that is not JSON keeps the inputs, with no prediction.
    assert.deepEqual(lines(captureLines('{"inputs": [1]}', '<html>', context)).map((l) => l['prediction']), [null]);
    // A hostile string stays one line.
    const hostile = (captureLines('{"inputs": [{"t": "a\\nb\\u2028<script>"}]}', '{"predictions": [1]}', context) as { lines: string[] }).lines;
    assert.equal(hostile.length, 1);
    assert.ok(!hostile[0]!.includes('\n'));
  });
});

describe('capture location', () => {
  test("default: the extension's storage, one folder per model URI; a workspace folder only inside the workspace", () => {
    assert.deepEqual(captureLocation({ workspaceFolder: '/ws', storageDir: '/store/capture', modelUri: 'models:/iris/3' }), { dir: '/store/capture/iris-3', inWorkspace: false });
    assert.deepEqual(captureLocation({ folderSetting: 'monitoring/capture', workspaceFolder: '/ws', storageDir: '/s', modelUri: 'models:/iris@champion' }), { dir: '/ws/monitoring/capture/iris@champion', inWorkspace: true });
    assert.ok('error' in captureLocation({ folderSetting: '../elsewhere', workspaceFolder: '/ws', storageDir: '/s', modelUri: 'models:/iris/3' }));
    assert.ok('error' in captureLocation({ folderSetting: '/etc', workspaceFolder: '/ws', storageDir: '/s', modelUri: 'models:/iris/3' }));
    assert.equal(modelSlug('models:/../../x/1'), 'x-1');
    assert.equal(uriVersion('models:/iris/12'), '12');
    assert.equal(uriVersion('models:/iris@champion'), undefined);
  });
});

describe('capture log', () => {
  test('rotates by size, keeps N files, and counts rows again in a new session', async () => {
    assert.equal(mustRotate(0, 500, 100), false);
    assert.equal(mustRotate(60, 50, 100), true);
    const dir = join(scratch, 'rotate');
    const log = new CaptureLog({ dir, maxBytes: 100, keepFiles: 2 });
    const row = (i: number): string => JSON.stringify({ i, pad: 'x'.repeat(20) }); // 37 bytes with its newline
    for (let i = 0; i < 10; i++) await log.append([row(i)]);
    assert.deepEqual(readdirSync(dir).sort(), [captureFileName(0), captureFileName(1), captureFileName(2)].sort());
    // 10 rows of 37 bytes, 2 per file: the current file holds rows 8–9, the oldest kept 4–5.
    assert.deepEqual(readFileSync(join(dir, captureFileName(0)), 'utf8').trim().split('\n').map((l) => JSON.parse(l).i), [8, 9]);
    assert.deepEqual(readFileSync(join(dir, captureFileName(2)), 'utf8').trim().split('\n').map((l) => JSON.parse(l).i), [4, 5]);
    assert.equal(log.stats.rows, 6);
    const again = new CaptureLog({ dir, maxBytes: 100, keepFiles: 2 });
    await again.open();
    assert.deepEqual(again.stats, { rows: 6, files: 3, bytes: 6 * 37 });
  });

  test('a line cut short by a crash stays one malformed line; the reader names it and reads the rest; a half-written last line is left out', async () => {
    const dir = join(scratch, 'torn');
    const log = new CaptureLog({ dir, maxBytes: 1 << 20, keepFiles: 1 });
    await log.append(['{"a": 1}', '{"a": 2}']);
    appendFileSync(log.path, '{"a": 3, "b"'); // a crash mid-line
    const next = new CaptureLog({ dir, maxBytes: 1 << 20, keepFiles: 1 });
    await next.open();
    assert.equal(next.stats.rows, 2);
    await next.append(['{"a": 4}']);
    appendFileSync(log.path, '{"a": 5'); // being written while read
    const table = await readJsonl(log.path);
    assert.equal(table.rows, 3);
    assert.deepEqual(table.problems.map((p) => [p.reason, p.line]), [['malformed-line', 3], ['incomplete-last-line', 5]]);
  });
});

describe('capture proxy', () => {
  let upstream: Server | undefined;
  const proxies: CaptureProxy[] = [];
  after(() => {
    upstream?.close();
    for (const proxy of proxies) proxy.dispose();
  });

  const call = (port: number, method: string, path: string, body?: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), headers: res.headers }));
      });
      req.on('error', reject);
      req.end(body);
    });

  test('forwards every path unchanged, captures 200 answers to /invocations only, forwards but skips large bodies, answers 502 when the server is gone', async () => {
    // Stand-in scoring server: one prediction (the row's `a` doubled) per dataframe_split row; 400 on a bad column.
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/ping') return res.writeHead(200).end('\n');
        const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
        const split = body.dataframe_split;
        if (!split || split.columns[0] !== 'a') return res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error_code": "BAD_REQUEST"}');
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Model': 'stand-in' }).end(JSON.stringify({ predictions: split.data.map((r: number[]) => r[0]! * 2) }));
      });
    });
    await new Promise<void>((resolve) => upstream!.listen(0, '127.0.0.1', resolve));
    const upstreamPort = (upstream.address() as { port: number }).port;
    const log = new CaptureLog({ dir: join(scratch, 'proxy'), maxBytes: 1 << 20, keepFiles: 1 });
    const proxy = new CaptureProxy({ upstreamPort, log, modelUri: 'models:/m/1', modelVersion: '1', maxBodyBytes: 4096, now: () => new Date('2026-01-01T00:00:00Z') });
    proxies.push(proxy);
    const port = await proxy.listen();

    assert.equal((await call(port, 'GET', '/ping')).status, 200);
    const ok = await call(port, 'POST', '/invocations', JSON.stringify({ dataframe_split: { columns: ['a'], data: [[1], [2]] } }));
    assert.deepEqual([ok.status, JSON.parse(ok.body), ok.headers['x-model']], [200, { predictions: [2, 4] }, 'stand-in']);
    const bad = await call(port, 'POST', '/invocations', JSON.stringify({ dataframe_split: { columns: ['z'], data: [[1]] } }));
    assert.equal(bad.status, 400);
    const big = await call(port, 'POST', '/invocations', JSON.stringify({ dataframe_split: { columns: ['a'], data: Array.from({ length: 2000 }, (_, i) => [i]) } }));
    assert.equal(JSON.parse(big.body).predictions.length, 2000);
    await log.flush();
    const captured = readFileSync(log.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(captured.map((l) => [l.a, l.prediction, l.model_version, l.timestamp]), [[1, 2, '1', '2026-01-01T00:00:00.000Z'], [2, 4, '1', '2026-01-01T00:00:00.000Z']]);
    assert.equal(captured[0].request_id, captured[1].request_id);
    assert.deepEqual([proxy.captureCounts.captured, proxy.captureCounts.skipped, proxy.captureCounts.lastSkip?.reason], [1, 2, 'too-large']);
    assert.equal(log.stats.rows, 2);

    upstream.close();
    upstream.closeAllConnections();
    const gone = await call(port, 'POST', '/invocations', '{"inputs": [1]}');
    assert.equal(gone.status, 502);
    assert.match(gone.body, /ECONNREFUSED/);
    assert.ok(existsSync(log.path));
  });
});

test('nothing else is written: the capture folder holds the log files only', () => {
  const dir = join(scratch, 'proxy');
  assert.deepEqual(readdirSync(dir), ['requests.jsonl']);
});

test('a recorded server keeps its capture proxy port pair; a bad upstream port drops the record', async () => {
  const { serverRecords } = await import('../../src/core/tasks/modelServers.js');
  const base = { id: 'a', modelUri: 'models:/m/1', port: 5001, pid: 4242, startedAt: 1, logFile: '/l', folderUri: 'file:///ws' };
  assert.deepEqual(serverRecords([{ ...base, upstreamPort: 5002, captureDir: '/c' }]), [{ ...base, upstreamPort: 5002, captureDir: '/c' }]);
  assert.deepEqual(serverRecords([{ ...base, upstreamPort: 70000 }, { ...base, captureDir: 3 }]), []);
});
