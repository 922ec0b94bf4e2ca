/**
 * The test rig's Redis: Debian's redis-server started with our argv (src/core/deploy/queue.ts) on
 * a free 127.0.0.1 port in a temp folder, and a minimal RESP client to look at its state (the
 * tests inspect streams and pending entries; the product's client is redis-py in the scripts).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { redisServer } from '../../src/core/deploy/queue.js';
import { findFreePort, findOnPath } from '../../src/core/tasks/machine.js';
import { REPO_ROOT } from './python';

export type Reply = string | number | null | Reply[] | Error;

export class RedisConnection {
  private buffer = Buffer.alloc(0);
  private readonly waiting: ((reply: Reply) => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const parsed = parse(this.buffer, 0);
        if (!parsed) break;
        this.buffer = this.buffer.subarray(parsed.end);
        this.waiting.shift()?.(parsed.value);
      }
    });
  }

  static open(port: number): Promise<RedisConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => resolve(new RedisConnection(socket)));
      socket.once('error', reject);
    });
  }

  command(...args: (string | number)[]): Promise<Reply> {
    const parts = args.map(String);
    const frame = `*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('')}`;
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.socket.write(frame);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

function parse(buffer: Buffer, start: number): { value: Reply; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', start);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[start]!);
  const line = buffer.toString('utf8', start + 1, lineEnd);
  const after = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, end: after };
    case '-':
      return { value: new Error(line), end: after };
    case ':':
      return { value: Number(line), end: after };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: after };
      if (buffer.length < after + length + 2) return undefined;
      return { value: buffer.toString('utf8', after, after + length), end: after + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: after };
      const items: Reply[] = [];
      let offset = after;
      for (let index = 0; index < count; index++) {
        const item = parse(buffer, offset);
        if (!item) return undefined;
        items.push(item.value);
        offset = item.end;
      }
      return { value: items, end: offset };
    }
    default:
      throw new Error(`unexpected RESP type ${type}`);
  }
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

let installed: Promise<void> | undefined;

/** Debian's redis-server, installed by scripts/apt-deps.sh when this machine lacks it. */
function ensureRedisServer(): Promise<void> {
  installed ??= (async () => {
    if (await findOnPath('redis-server')) return;
    await promisify(execFile)('bash', [join(REPO_ROOT, 'scripts', 'apt-deps.sh'), 'redis-server'], { timeout: 15 * 60_000 });
    if (!(await findOnPath('redis-server'))) throw new Error('no redis-server on PATH after scripts/apt-deps.sh redis-server');
  })();
  return installed;
}

/** Starts redis-server with the product's argv; resolves once it answers PING. */
export async function startRedis(): Promise<RedisServer> {
  await ensureRedisServer();
  const port = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-redis-'));
  const spec = redisServer({ port, dir });
  const child = spawn(spec.command, [...spec.args], { cwd: spec.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-8192)));
  child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-8192)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (spawnError) throw new Error(`redis-server could not start: ${spawnError.message}`);
    if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode}:\n${log}`);
    try {
      const connection = await RedisConnection.open(port);
      const pong = await connection.command('PING');
      connection.close();
      if (pong === 'PONG') break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${port}:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    dir,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
