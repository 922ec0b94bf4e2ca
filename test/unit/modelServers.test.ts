/**
 * The model servers' manager: real child processes in groups of their own, their health as the
 * Serving view shows it, what is recorded for the next window and what a next window adopts again.
 * The server here is a small Node HTTP server answering `/ping` and `/version` as `mlflow models
 * serve` does (its own process group, a worker process of its own like uvicorn's); serving a real
 * MLflow model is the e2e suite's (test/e2e/tasksAndServing.test.ts).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findFreePort, isPortInUse } from '../../src/core/tasks/machine.js';
import { isAlive, serverRecords, ServerManager, type ServerRecord, type ServerRecords } from '../../src/core/tasks/modelServers.js';
import type { TaskSpec } from '../../src/core/tasks/spec.js';

const scratch = mkdtempSync(join(tmpdir(), 'mlw-servers-'));
const pids: number[] = [];
after(() => {
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

// argv: <port> <worker-pid-file> [--fail]. A worker child (as uvicorn's) writes its pid; /ping answers 200.
const SERVER = join(scratch, 'server.cjs');
writeFileSync(
  SERVER,
  `const http = require('node:http');
const { spawn } = require('node:child_process');
const [port, workerFile, mode] = process.argv.slice(2);
if (mode === '--fail') { console.error('RuntimeError: could not load the model'); process.exit(3); }
const worker = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
require('node:fs').writeFileSync(workerFile, String(worker.pid));
http.createServer((req, res) => {
  if (req.url === '/ping') { res.writeHead(200); res.end('\\n'); }
  else if (req.url === '/version') { res.writeHead(200); res.end('2.99.0'); }
  else { res.writeHead(404); res.end(); }
}).listen(Number(port), '127.0.0.1', () => console.log('listening on ' + port));
`,
);

class MemoryRecords implements ServerRecords {
  value: unknown;
  writes = 0;
  constructor(initial?: unknown) {
    this.value = initial;
  }
  read(): unknown {
    return this.value;
  }
  write(records: readonly ServerRecord[]): PromiseLike<void> {
    this.value = JSON.parse(JSON.stringify(records));
    this.writes++;
    return Promise.resolve();
  }
}

function manager(records: ServerRecords, keep = false): ServerManager {
  return new ServerManager({ records, logDir: join(scratch, 'logs'), keepOnClose: () => keep, startupMs: 30_000, stopGraceMs: 2_000 });
}

function serverSpec(port: number, ...extra: string[]): { spec: TaskSpec; workerFile: string } {
  const workerFile = join(scratch, `worker-${port}.pid`);
  return { spec: { label: 'serve', command: process.execPath, args: [SERVER, String(port), workerFile, ...extra], cwd: scratch, env: {} } as TaskSpec, workerFile };
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`timed out waiting until ${what}`);
}

test('a started server is healthy with its MLflow version, recorded, and logged; stopping it ends its whole group and frees the port', { timeout: 60_000 }, async () => {
  const records = new MemoryRecords();
  const servers = manager(records);
  let changes = 0;
  servers.onDidChange(() => changes++);
  const port = await findFreePort();
  const { spec, workerFile } = serverSpec(port);
  const server = await servers.start(spec, { modelUri: 'models:/iris/3', port, folderUri: 'file:///work' });
  pids.push(server.pid);
  assert.equal(server.state, 'healthy');
  assert.equal(server.mlflowVersion, '2.99.0');
  assert.ok(changes >= 2, 'starting, then healthy');
  assert.deepEqual(
    (records.value as ServerRecord[]).map((r) => [r.modelUri, r.port, r.pid, r.folderUri]),
    [['models:/iris/3', port, server.pid, 'file:///work']],
  );
  await until(() => readFileSync(server.logFile, 'utf8').includes(`listening on ${port}`), 'the server wrote to its log');
  assert.match(servers.logText(server), /^\$ .*server\.cjs/, 'the log starts with the command line');
  const worker = Number(readFileSync(workerFile, 'utf8'));
  pids.push(worker);
  assert.ok(isAlive(worker));

  const { portFree } = await servers.stop(server.id);
  assert.equal(portFree, true);
  assert.equal(await isPortInUse(port), false);
  await until(() => !isAlive(worker), 'the worker of the group ended too');
  assert.equal(servers.get(server.id), undefined);
  assert.deepEqual(records.value, []);
  servers.dispose();
});

test('a server that exits while loading is exited with its exit code, its log tells why, and it is no longer recorded', { timeout: 60_000 }, async () => {
  const records = new MemoryRecords();
  const servers = manager(records);
  const port = await findFreePort();
  const server = await servers.start(serverSpec(port, '--fail').spec, { modelUri: 'models:/broken/1', port, folderUri: 'file:///work' });
  assert.equal(server.state, 'exited');
  assert.equal(server.exitCode, 3);
  assert.equal(server.problem, 'exit code 3');
  assert.match(servers.logText(server), /RuntimeError: could not load the model/);
  assert.deepEqual(records.value, []);
  servers.remove(server.id);
  assert.equal(servers.servers.length, 0);
  servers.dispose();
});

test('a server killed from outside is noticed by the next check', { timeout: 60_000 }, async () => {
  const servers = manager(new MemoryRecords());
  const port = await findFreePort();
  const server = await servers.start(serverSpec(port).spec, { modelUri: 'models:/iris/1', port, folderUri: 'file:///work' });
  pids.push(server.pid);
  process.kill(-server.pid, 'SIGKILL');
  await until(() => !isAlive(server.pid), 'the server ended');
  await servers.checkAll();
  await until(() => servers.get(server.id)?.state === 'exited', 'the manager noticed');
  assert.match(servers.get(server.id)!.problem ?? '', /SIGKILL|exit code/);
  servers.dispose();
});

test('closing stops the servers unless they are kept; a next window adopts a kept server still running as the same command, and only that', { timeout: 90_000 }, async () => {
  const records = new MemoryRecords();
  const first = manager(records, true);
  const port = await findFreePort();
  const kept = await first.start(serverSpec(port).spec, { modelUri: 'models:/iris/2', port, folderUri: 'file:///work' });
  pids.push(kept.pid);
  first.dispose();
  assert.ok(isAlive(kept.pid), 'kept on close');
  const recorded = records.value as ServerRecord[];
  assert.equal(recorded.length, 1);

  // A recycled pid (a process whose command line does not name the port) and a dead one are not adopted.
  const stranger = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  pids.push(stranger.pid!);
  const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => dead.once('exit', resolve));
  records.value = [
    ...recorded,
    { ...recorded[0]!, id: 'recycled', pid: stranger.pid!, port: port + 1 },
    { ...recorded[0]!, id: 'dead', pid: dead.pid! },
    { id: 'garbage', pid: 'x' },
  ];
  const second = manager(records, false);
  assert.deepEqual(second.servers.map((s) => s.id), [kept.id]);
  await until(() => second.get(kept.id)?.state === 'healthy', 'the adopted server was checked');
  assert.equal(second.get(kept.id)?.mlflowVersion, '2.99.0');
  assert.deepEqual((records.value as ServerRecord[]).map((r) => r.id), [kept.id], 'the records are rewritten without the stale ones');

  second.dispose();
  await until(() => !isAlive(kept.pid), 'the server ended with the window that does not keep it');
  assert.ok(isAlive(stranger.pid!), 'an unrelated process is left alone');
  assert.deepEqual(records.value, []);
  stranger.kill('SIGKILL');
});

test('records read back: only well-formed entries, never a pid that would signal a whole group', () => {
  const good: ServerRecord = { id: '1-2', modelUri: 'models:/m/1', port: 5001, pid: 4242, startedAt: 1, logFile: '/tmp/x.log', folderUri: 'file:///w' };
  assert.deepEqual(serverRecords([good]), [good]);
  assert.deepEqual(serverRecords(undefined), []);
  assert.deepEqual(serverRecords({ 0: good }), []);
  assert.deepEqual(serverRecords([null, 7, { ...good, pid: 0 }, { ...good, pid: -1 }, { ...good, pid: 1 }, { ...good, port: 70000 }, { ...good, id: 3 }, good]), [good]);
});
