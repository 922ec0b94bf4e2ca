/**
 * How fast failures and cancellations settle: the targets the unit tests used to assert with a
 * clock (test/unit/restFailures, writesPython, badInput, serving now assert the behaviour only).
 * Each case is timed in-process on Node's clock (performance.now), after warm-ups; a throwaway
 * node:http server on 127.0.0.1 plays the broken or silent server, a shell script the hung
 * Python. The node:sqlite case runs in a child on code-server's Node 24 (scripts/code-server.sh).
 * None of these has a peer that can be asked the same question (MLflow's Python client cannot be
 * aborted, and retries a refused connection with back-off for minutes by default), so each row
 * is against its target. Writes the `bench:failures` section of bench/RESULTS.md.
 *
 *   npm run bench:failures [-- --repeat 15 --no-write]
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../src/core/log.js';
import { availableDrivers } from '../src/core/sqlite/database.js';
import { sendTestRequest } from '../src/core/tasks/servingClient.js';
import { SqliteTrackingStore } from '../src/core/tracking/sqliteStore.js';
import { RestClient } from '../src/core/tracking/rest/http.js';
import { PythonTrackingWriter } from '../src/core/tracking/writes/pythonWriter.js';
import { node24 } from '../test/support/node24.js';
import { trackingFixture } from '../test/support/fixtures.js';
import { pythonEnv } from '../test/support/python.js';
import { median, option, stamp, writeSection } from './section.js';

const execFileAsync = promisify(execFile);

interface Case {
  readonly label: string;
  /** What is timed, from → to. */
  readonly span: string;
  readonly target: { readonly below: number; readonly atLeast?: number };
  /** One sample in ms. */
  readonly sample: () => Promise<number>;
}

type Handler = (response: ServerResponse) => void;

const log = (message: string): void => void process.stderr.write(`bench failures: ${message}\n`);
const until = async (condition: () => boolean): Promise<void> => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
};

async function listen(handle: () => Handler): Promise<{ server: Server; base: string; seen: () => number; open: Set<ServerResponse> }> {
  let count = 0;
  const open = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      count++;
      open.add(response);
      response.once('close', () => open.delete(response));
      handle()(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen: () => count, open };
}

function recording(lines: string[]): Logger {
  const push = (message: string | Error): void => void lines.push(String(message));
  return { trace: push, info: push, warn: push, error: push };
}

async function restCases(): Promise<{ cases: Case[]; close: () => Promise<void> }> {
  let handler: Handler = () => undefined;
  const http = await listen(() => handler);
  const hang: Handler = () => undefined;
  const closedPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const cases: Case[] = [
    {
      label: 'REST: abort mid-request (the server never answers)',
      span: 'abort() → AbortError',
      target: { below: 250 },
      async sample() {
        handler = hang;
        const before = http.seen();
        const controller = new AbortController();
        const pending = new RestClient(http.base, { timeoutMs: 600_000 }).json('GET', '/x', { signal: controller.signal }).catch((e: unknown) => e);
        await until(() => http.seen() > before);
        const started = performance.now();
        controller.abort();
        await pending;
        return performance.now() - started;
      },
    },
    {
      label: 'REST: abort during the back-off (503, Retry-After: 30)',
      span: 'abort() → AbortError',
      target: { below: 250 },
      async sample() {
        handler = (response) => response.writeHead(503, { 'Retry-After': '30', 'Content-Type': 'application/json' }).end('{}');
        const lines: string[] = [];
        const controller = new AbortController();
        const pending = new RestClient(http.base, { logger: recording(lines) }).json('GET', '/x', { signal: controller.signal }).catch((e: unknown) => e);
        await until(() => lines.some((line) => line.includes('retrying')));
        const started = performance.now();
        controller.abort();
        await pending;
        return performance.now() - started;
      },
    },
    {
      label: 'REST: a server that never answers, timeout 300 ms',
      span: 'request → timeout error',
      target: { atLeast: 290, below: 1_500 },
      async sample() {
        handler = hang;
        const started = performance.now();
        await new RestClient(http.base, { timeoutMs: 300 }).json('GET', '/x').catch((e: unknown) => e);
        return performance.now() - started;
      },
    },
    {
      label: 'REST: nobody listening (connection refused)',
      span: 'request → network error',
      target: { below: 500 },
      async sample() {
        const started = performance.now();
        await new RestClient(`http://127.0.0.1:${closedPort}`).json('GET', '/x').catch((e: unknown) => e);
        return performance.now() - started;
      },
    },
    {
      label: 'REST: 429 with Retry-After: 1',
      span: 'first answer → retried request',
      target: { atLeast: 950, below: 3_000 },
      async sample() {
        const at: number[] = [];
        handler = (response) => {
          at.push(performance.now());
          if (at.length === 1) response.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/json' }).end('{}');
          else response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
        };
        await new RestClient(http.base, { retry: { baseDelayMs: 5, maxDelayMs: 20 } }).json('GET', '/x');
        return at[1]! - at[0]!;
      },
    },
    {
      label: 'Serving: test request to a silent server, timeout 200 ms',
      span: 'request → timeout outcome',
      target: { atLeast: 190, below: 1_000 },
      async sample() {
        handler = hang;
        const port = Number(new URL(http.base).port);
        const started = performance.now();
        await sendTestRequest({ port }, '{}', { timeoutMs: 200 });
        return performance.now() - started;
      },
    },
  ];
  const close = async (): Promise<void> => {
    for (const response of http.open) response.destroy();
    http.server.closeAllConnections();
    await new Promise((resolve) => http.server.close(resolve));
  };
  return { cases, close };
}

function writerCases(dir: string): Case[] {
  const script = (name: string, body: string): string => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const run = '0123456789abcdef0123456789abcdef';
  return [
    {
      label: 'Python writer: a hung interpreter, timeout 300 ms',
      span: 'write → timeout error (child killed)',
      target: { below: 5_000 },
      async sample() {
        const writer = new PythonTrackingWriter(`sqlite:///${dir}/x.db`, { python: script('slow', 'sleep 30'), cwd: dir, timeoutMs: 300 });
        const started = performance.now();
        await writer.deleteRun(run).catch((e: unknown) => e);
        return performance.now() - started;
      },
    },
    {
      label: 'Python writer: abort while the interpreter runs',
      span: 'abort() → AbortError (child killed)',
      target: { below: 2_000 },
      async sample() {
        const pid = join(dir, 'pid');
        rmSync(pid, { force: true });
        const writer = new PythonTrackingWriter(`sqlite:///${dir}/x.db`, { python: script('abortable', `echo $$ > ${pid}; sleep 30`), cwd: dir });
        const controller = new AbortController();
        const pending = writer.deleteRun(run, { signal: controller.signal }).catch((e: unknown) => e);
        await until(() => existsSync(pid));
        const started = performance.now();
        controller.abort();
        await pending;
        return performance.now() - started;
      },
    },
  ];
}

/** node:sqlite waiting for a writer's lock (busy timeout 400 ms): only on Node 24, so in a child there. */
async function sqliteBusySamples(repeat: number): Promise<number[]> {
  if (availableDrivers().includes('node:sqlite')) return sqliteBusyHere(repeat);
  const { stdout } = await execFileAsync(await node24(), ['--import', 'tsx', __filename, '--sqlite-busy', String(repeat)], { cwd: join(__dirname, '..'), maxBuffer: 1 << 20, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as number[];
}

async function sqliteBusyHere(repeat: number): Promise<number[]> {
  const fixture = await trackingFixture('sqlite');
  const python = await pythonEnv();
  const dir = mkdtempSync(join(tmpdir(), 'mlw-bench-lock-'));
  const db = join(dir, 'mlflow.db');
  cpSync(join(fixture.dir, 'mlflow.db'), db);
  const writer = spawn(python.python, ['-c', "import sqlite3, sys, time\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\nc.execute('BEGIN EXCLUSIVE'); c.execute(\"UPDATE runs SET name = name || ''\")\nprint('locked', flush=True); time.sleep(120)", db], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve) => writer.stdout.once('data', resolve));
    const samples: number[] = [];
    for (let i = 0; i < repeat + 1; i++) {
      const store = new SqliteTrackingStore(`sqlite:///${db}`, db, { driver: 'node:sqlite', busyTimeoutMs: 400 });
      const started = performance.now();
      await store.searchExperiments().then(
        () => {
          throw new Error('node:sqlite read through an exclusive lock');
        },
        () => undefined,
      );
      if (i > 0) samples.push(performance.now() - started);
    }
    return samples;
  } finally {
    writer.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Row {
  readonly label: string;
  readonly span: string;
  readonly target: Case['target'];
  readonly samples: readonly number[];
}

async function measure(item: Case, repeat: number): Promise<Row> {
  await item.sample();
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) samples.push(await item.sample());
  log(`${item.label}: median ${median(samples).toFixed(1)} ms`);
  return { label: item.label, span: item.span, target: item.target, samples };
}

function table(rows: readonly Row[], repeat: number): string {
  const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(0));
  const targetText = ({ atLeast, below }: Case['target']): string => (atLeast === undefined ? `< ${below.toLocaleString('en-US')}` : `${atLeast.toLocaleString('en-US')} – ${below.toLocaleString('en-US')}`);
  const lines = rows.map((row) => {
    const m = median(row.samples);
    const worst = Math.max(...row.samples);
    const met = (value: number): boolean => value < row.target.below && (row.target.atLeast === undefined || value >= row.target.atLeast);
    return `| ${row.label} | ${row.span} | ${ms(m)} | ${ms(Math.min(...row.samples))} – ${ms(worst)} | ${targetText(row.target)} | ${met(m) ? '✅' : '❌'}${met(worst) ? '' : ' (not every sample)'} |`;
  });
  return [
    '## Failures and cancellation: how soon they settle',
    '',
    'Written by `npm run bench:failures` (bench/failures.ts). In-process on Node\'s clock, a throwaway local HTTP server as the broken server and a shell script as the hung Python; node:sqlite on code-server\'s Node 24.',
    `The targets are the bounds the unit tests used to assert (they now assert the behaviour, with hang guards only). Median of ${repeat} after 1 warm-up.`,
    '',
    stamp(),
    '',
    '| case | timed | ms (median) | min – max | target ms | |',
    '|---|---|--:|--:|--:|:-:|',
    ...lines,
  ].join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const busy = option(argv, '--sqlite-busy');
  if (busy !== undefined) return void console.log(JSON.stringify(await sqliteBusyHere(Number(busy))));
  const repeat = Number(option(argv, '--repeat') ?? 15);
  const dir = mkdtempSync(join(tmpdir(), 'mlw-bench-failures-'));
  const rest = await restCases();
  try {
    const rows: Row[] = [];
    for (const item of [...rest.cases, ...writerCases(dir)]) rows.push(await measure(item, repeat));
    const busySamples = await sqliteBusySamples(Math.min(repeat, 7));
    log(`node:sqlite busy: median ${median(busySamples).toFixed(1)} ms`);
    rows.push({ label: 'SQLite (node:sqlite): a writer holds an exclusive lock, busy timeout 400 ms', span: "read → 'busy' error", target: { below: 5_000 }, samples: busySamples });
    const section = table(rows, repeat);
    console.log(section);
    if (!argv.includes('--no-write')) writeSection('failures', section);
  } finally {
    await rest.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
