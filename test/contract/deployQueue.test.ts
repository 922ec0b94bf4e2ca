/**
 * Model-on-Demand against real Redis (Debian's redis-server, started with our argv) and real
 * MLflow: the scaffolded worker and client (templates/queue_*.py, rendered by our core) move 100
 * requests through a consumer group and return MLflow's own predictions; malformed requests get
 * error results without disturbing the rest; a worker killed (SIGKILL) while it holds a batch and
 * then restarted loses no request and publishes no result twice; requests a dead worker left
 * pending are claimed; an unreachable broker is a clear error.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { planQueueWorker, queueClient, queueWorker, type QueueWorkerOptions } from '../../src/core/deploy/queue.js';
import { readTemplate } from '../../src/core/deploy/templates.js';
import { modelFileReader } from '../../src/core/models/files.js';
import { findFreePort } from '../../src/core/tasks/machine.js';
import { requestPayload } from '../../src/core/tasks/servingPayload.js';
import type { TaskSpec } from '../../src/core/tasks/spec.js';
import { openTrackingStore } from '../../src/core/tracking/open.js';
import { type DeployProject, deployProject, mlflowAnswers, TEMPLATE_DIR } from '../support/deployProject';
import { env, pythonEnv } from '../support/python';
import { RedisConnection, type RedisServer, startRedis } from '../support/redis';

let project: DeployProject;
let redis: RedisServer;
let db: RedisConnection;
let example = '';
const QUEUE = 'iris';
const workers = new Set<ChildProcess>();

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a task spec to its end (a hang guard, not a timing). */
function runSpec(spec: TaskSpec, timeoutMs = 10 * 60_000): Promise<Finished> {
  const child = spawn(spec.command, [...spec.args], { cwd: spec.cwd, env: env(undefined, { ...spec.env }), stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child, timeoutMs);
}

function collect(child: ChildProcess, timeoutMs: number): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hung: ${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Worker {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts a worker and waits for its "serving" line (it has loaded the model). */
async function startWorker(options: Partial<QueueWorkerOptions>): Promise<Worker> {
  const spec = queueWorker({ python: 'python', cwd: project.project, workerPath: 'queue/queue_worker.py', redisUrl: redis.url, batchSize: 10, ...options });
  const child = spawn(spec.command, [...spec.args], { cwd: spec.cwd, env: env(undefined, { ...spec.env }), stdio: ['ignore', 'pipe', 'pipe'] });
  workers.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (workers.delete(child), resolve(code))));
  await until(() => / on iris:requests at /.test(output) || child.exitCode !== null, 'the worker to load its model');
  assert.equal(child.exitCode, null, output);
  return { child, output: () => output, exited };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function client(mode: 'send' | 'receive', options: { input?: string; idsFile: string; output?: string }): TaskSpec {
  return queueClient({ python: 'python', cwd: project.project, clientPath: 'queue/queue_client.py', redisUrl: redis.url, mode, ...options, ...(mode === 'receive' ? { timeoutSeconds: 90 } : { rowsPerRequest: 1 }) });
}

async function results(): Promise<string[]> {
  const entries = (await db.command('XRANGE', `${QUEUE}:results`, '-', '+')) as [string, string[]][];
  return entries.map(([, fields]) => fields[fields.indexOf('id') + 1]!);
}

/** How many requests the group has handed to its workers so far (XINFO GROUPS entries-read). */
async function entriesRead(): Promise<number> {
  const groups = (await db.command('XINFO', 'GROUPS', `${QUEUE}:requests`)) as (string | number)[][];
  const group = groups.find((fields) => fields[fields.indexOf('name') + 1] === 'workers')!;
  return Number(group[group.indexOf('entries-read') + 1]);
}

async function pendingCount(): Promise<number> {
  const summary = (await db.command('XPENDING', `${QUEUE}:requests`, 'workers')) as [number, ...unknown[]];
  return summary[0];
}

function readResults(path: string): { id: string; predictions?: number[]; error?: string; model_version: string }[] {
  return readFileSync(join(project.project, path), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
}

function csvRows(path: string, rows: number[], times = 1): void {
  const [header, ...lines] = readFileSync(join(project.project, 'data', 'features.csv'), 'utf8').trim().split('\n');
  const picked = rows.map((row) => lines[row]!);
  writeFileSync(join(project.project, path), `${[header, ...Array.from({ length: times }, () => picked).flat()].join('\n')}\n`);
}

before(async () => {
  await pythonEnv();
  [project, redis] = await Promise.all([deployProject(), startRedis()]);
  db = await RedisConnection.open(redis.port);
  const store = openTrackingStore(project.trackingUri, { cwd: project.project });
  const version = (await store.searchModelVersions({ filter: "name = 'iris-deploy'" })).items.find((v) => v.version === '1')!;
  const read = modelFileReader(store, version);
  example = (await requestPayload((await read('MLmodel'))!, read)).body;
  const plan = planQueueWorker(
    { queue: QUEUE, modelUri: 'models:/iris-deploy@champion', folder: 'queue', trackingUri: 'sqlite:///mlflow.db', exampleRequest: example },
    { existing: new Set(), workerTemplate: await readTemplate(TEMPLATE_DIR, 'queueWorker'), clientTemplate: await readTemplate(TEMPLATE_DIR, 'queueClient') },
  );
  for (const edit of plan.edits) {
    mkdirSync(dirname(join(project.project, edit.path)), { recursive: true });
    writeFileSync(join(project.project, edit.path), edit.after);
  }
});

after(async () => {
  for (const child of workers) child.kill('SIGKILL');
  db?.close();
  await redis?.stop();
});

describe('a queue worker on Redis streams', () => {
  let worker: Worker;
  let expected: number[];

  test('100 requests in, 100 of MLflow’s predictions out; bad requests get errors and leave the rest alone', async () => {
    csvRows('data/first100.csv', Array.from({ length: 100 }, (_, index) => index));
    [expected] = (await mlflowAnswers(project.trackingUri, [{ op: 'predict', model_uri: 'models:/iris-deploy/1', input: join(project.project, 'data', 'features.csv') }])) as [number[]];
    const sent = await runSpec(client('send', { input: 'data/first100.csv', idsFile: 'ids-100.json' }));
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /sent 100 request\(s\) to iris:requests/);
    await db.command('XADD', `${QUEUE}:requests`, '*', 'id', 'bad-json', 'payload', '{not json');
    await db.command('XADD', `${QUEUE}:requests`, '*', 'id', 'bad-columns', 'payload', JSON.stringify({ dataframe_split: { columns: ['x'], data: [[1]] } }));

    worker = await startWorker({ consumer: 'w1', claimIdleMs: 1000 });
    assert.match(worker.output(), /worker w1: models:\/iris-deploy@champion \(version 1\) on iris:requests/);
    const received = await runSpec(client('receive', { idsFile: 'ids-100.json', output: 'results-100.jsonl' }));
    assert.equal(received.code, 0, received.stderr);
    assert.match(received.stdout, /received 100 of 100 result\(s\), 0 with an error/);
    const got = readResults('results-100.jsonl');
    const ids = (JSON.parse(readFileSync(join(project.project, 'ids-100.json'), 'utf8')) as { ids: string[] }).ids;
    assert.deepEqual(got.map((result) => result.id), ids);
    assert.deepEqual(got.map((result) => result.predictions), expected.slice(0, 100).map((value) => [value]));
    assert.ok(got.every((result) => result.model_version === '1'));

    await until(async () => (await results()).length === 102, 'the bad requests’ results');
    const badJson = JSON.parse((await db.command('GET', `${QUEUE}:result:bad-json`)) as string);
    assert.match(badJson.error, /^bad request: /);
    const badColumns = JSON.parse((await db.command('GET', `${QUEUE}:result:bad-columns`)) as string);
    assert.match(badColumns.error, /missing inputs/i);
    const published = await results();
    assert.equal(new Set(published).size, 102);
    assert.equal(await db.command('XLEN', `${QUEUE}:requests`), 0);
    assert.equal(await pendingCount(), 0);
  });

  test('killed while holding a batch and restarted: no request lost, no result published twice; a dead worker’s requests are claimed', async () => {
    // A dead worker "ghost" holds two requests: one unanswered, one whose result it had published
    // just before dying (the race a slow worker and a claiming one can run). MULTI: the running
    // worker cannot read them first.
    await db.command('MULTI');
    await db.command('XADD', `${QUEUE}:requests`, '*', 'id', 'ghost-open', 'payload', example);
    await db.command('XADD', `${QUEUE}:requests`, '*', 'id', 'ghost-done', 'payload', example);
    await db.command('SET', `${QUEUE}:result:ghost-done`, JSON.stringify({ id: 'ghost-done', predictions: [0], worker: 'ghost' }));
    await db.command('XREADGROUP', 'GROUP', 'workers', 'ghost', 'COUNT', 2, 'STREAMS', `${QUEUE}:requests`, '>');
    await db.command('EXEC');
    await until(async () => (await results()).includes('ghost-open') && (await pendingCount()) === 0, 'the ghost’s requests to be claimed');
    assert.match(worker.output(), /claimed 2 request\(s\) another worker left pending/);
    assert.equal(JSON.parse((await db.command('GET', `${QUEUE}:result:ghost-done`)) as string).worker, 'ghost');

    const before = (await results()).length;
    const readBefore = await entriesRead();
    const TIMES = 4;
    const REQUESTS = expected.length * TIMES;
    csvRows('data/crash.csv', Array.from({ length: expected.length }, (_, index) => index), TIMES);
    const send = async (): Promise<void> => {
      const sent = await runSpec(client('send', { input: 'data/crash.csv', idsFile: 'ids-crash.json' }));
      assert.equal(sent.code, 0, sent.stderr);
    };
    await send();
    // Freeze the worker once it is under way; kill it only while it holds requests it has taken
    // from the stream but not answered (mid-batch), whatever it did with them in Redis. A stop
    // lands mid-batch by chance: when the worker answers a whole round first (a loaded machine
    // polls slowly), the same requests are sent again and the hunt goes on.
    let pendingAtKill = 0;
    let inFlight = 0;
    let rounds = 1;
    await until(async () => {
      const answered = (await results()).length - before;
      if (answered >= rounds * REQUESTS) {
        await send();
        rounds++;
        return false;
      }
      if (answered < (rounds - 1) * REQUESTS + 10) return false;
      worker.child.kill('SIGSTOP');
      // A command the worker sent just before it stopped may still reach Redis: read until stable.
      let snapshot = '';
      for (let previous = undefined as string | undefined; snapshot !== previous; ) {
        previous = snapshot;
        inFlight = (await entriesRead()) - readBefore - ((await results()).length - before);
        pendingAtKill = await pendingCount();
        snapshot = `${inFlight}/${pendingAtKill}`;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (inFlight > 0) return true;
      worker.child.kill('SIGCONT');
      return false;
    }, 'the worker mid-batch', 5 * 60_000);
    // Acknowledged consumption: what it holds unanswered is still pending in the group.
    assert.equal(pendingAtKill, inFlight, 'requests a worker took but did not answer are acknowledged already: a crash loses them');
    worker.child.kill('SIGKILL');
    await worker.exited;
    const publishedAtKill = (await results()).length - before;
    assert.ok(publishedAtKill < rounds * REQUESTS, `the worker finished before it was killed (${publishedAtKill})`);
    console.log(`[contract queue] stopped mid-batch in round ${rounds} with ${inFlight} request(s) in flight, ${publishedAtKill} answered`);

    worker = await startWorker({ consumer: 'w1', claimIdleMs: 1000 });
    const received = await runSpec(client('receive', { idsFile: 'ids-crash.json', output: 'results-crash.jsonl' }));
    assert.equal(received.code, 0, received.stderr);
    assert.match(worker.output(), new RegExp(`resuming ${Math.min(pendingAtKill, 10)} request\\(s\\) left pending by an earlier run`));
    const got = readResults('results-crash.jsonl');
    assert.deepEqual(got.map((result) => result.predictions), Array.from({ length: TIMES }, () => expected).flat().map((value) => [value]));

    const published = await results();
    const counts = new Map<string, number>();
    for (const id of published) counts.set(id, (counts.get(id) ?? 0) + 1);
    assert.deepEqual([...counts.values()].filter((count) => count !== 1), [], 'a result was published twice');
    assert.equal(published.length, 102 + 1 + rounds * REQUESTS);
    assert.ok(!counts.has('ghost-done'));
    assert.equal(await db.command('XLEN', `${QUEUE}:requests`), 0);
    assert.equal(await pendingCount(), 0);

    worker.child.kill('SIGTERM');
    assert.equal(await worker.exited, 0);
    assert.match(worker.output(), /worker w1: stopped after \d+ request\(s\), 0 with an error/);
  });

  test('an unreachable broker is a clear error for the worker and the client', async () => {
    const port = await findFreePort();
    const url = `redis://127.0.0.1:${port}/0`;
    const [workerRun, clientRun] = await Promise.all([
      runSpec(queueWorker({ python: 'python', cwd: project.project, workerPath: 'queue/queue_worker.py', redisUrl: url })),
      runSpec(queueClient({ python: 'python', cwd: project.project, clientPath: 'queue/queue_client.py', redisUrl: url })),
    ]);
    for (const run of [workerRun, clientRun]) {
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, new RegExp(`^error: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0: .*Connection refused.*Start it`, 'm'));
    }
  });
});
