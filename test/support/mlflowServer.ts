/**
 * A real `mlflow server` from the project's venv, for contract tests: 127.0.0.1 on a free port,
 * one uvicorn worker, SQLite in a temp folder. MLflow 3.17 starts uvicorn as a child of the
 * `mlflow server` process (and, unless disabled, a job runner with several huey consumers), so
 * the server runs in its own process group and stop() ends the whole group: SIGTERM, then
 * SIGKILL for whatever is left after the grace period, then a check that nothing survived.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, pythonEnv } from './python';

export interface MlflowServerOptions {
  /** Defaults to sqlite:///<temp>/mlflow.db. */
  readonly backendUri?: string;
  /** Start with `--app-name basic-auth`; the admin's name and password are returned. */
  readonly basicAuth?: boolean;
  /** How long /health may take to answer (MLflow 3.17 needs ~14 s on a slow machine). */
  readonly startTimeoutMs?: number;
}

export interface MlflowServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The temp folder holding the database, artifacts and auth config. */
  readonly dir: string;
  readonly adminUser?: string;
  readonly adminPassword?: string;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const GRACE_MS = 5_000;

export async function startMlflowServer(options: MlflowServerOptions = {}): Promise<MlflowServer> {
  const python = await pythonEnv();
  const dir = mkdtempSync(join(tmpdir(), 'mlw-server-'));
  const port = await freePort();
  const backendUri = options.backendUri ?? `sqlite:///${join(dir, 'mlflow.db')}`;
  const args = ['-m', 'mlflow', 'server', '--backend-store-uri', backendUri, '--artifacts-destination', join(dir, 'mlartifacts')];
  args.push('--host', HOST, '--port', String(port), '--workers', '1');
  // No job runner: it would add seven huey consumers the tests never use, and slow the start.
  const extra: NodeJS.ProcessEnv = { MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' };
  let admin: { adminUser: string; adminPassword: string } | undefined;
  if (options.basicAuth) {
    admin = { adminUser: 'admin', adminPassword: `pw-${randomBytes(9).toString('hex')}` };
    const config = join(dir, 'basic_auth.ini');
    writeFileSync(
      config,
      ['[mlflow]', 'default_permission = READ', `database_uri = sqlite:///${join(dir, 'basic_auth.db')}`, `admin_username = ${admin.adminUser}`, `admin_password = ${admin.adminPassword}`, ''].join('\n'),
    );
    args.push('--app-name', 'basic-auth');
    Object.assign(extra, { MLFLOW_AUTH_CONFIG_PATH: config, MLFLOW_FLASK_SERVER_SECRET_KEY: randomBytes(16).toString('hex') });
  }
  const child = spawn(python.python, args, { cwd: dir, env: env(python, extra), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const collect = (chunk: Buffer): void => {
    log = (log + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // A server a failed test forgot must not keep the test process alive: holdUntilExit kills it.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  const pgid = child.pid!;
  holdUntilExit(pgid);
  const url = `http://${HOST}:${port}`;
  const stop = async (): Promise<void> => {
    live.delete(pgid);
    await stopGroup(pgid);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, options.startTimeoutMs ?? 90_000, () => log);
  } catch (error) {
    await stop();
    if (/Flask-WTF/.test(log)) throw new Error(`${(error as Error).message}\nThe basic-auth app needs the mlflow[auth] extra in scripts/python/requirements.txt.`);
    throw error;
  }
  return { url, dir, ...admin, output: () => log, stop };
}

/** Process groups of servers not stopped yet. */
const live = new Set<number>();
let hooked = false;

/**
 * A server a failed test forgot, or a test process ended by Ctrl-C or by the runner's SIGTERM,
 * must not leave `mlflow server` behind: on exit, and on those signals (re-raised once the
 * servers are killed, so the process still ends as the signal asks), every live group is killed.
 */
function holdUntilExit(pgid: number): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', killLive);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  live.add(pgid);
}

function killLive(): void {
  for (const pgid of live) killGroup(pgid, 'SIGKILL');
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killLive();
  process.kill(process.pid, signal);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`mlflow server exited (${child.exitCode ?? child.signalCode}) before ${url}/health answered:\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`mlflow server at ${url} did not answer /health within ${timeoutMs} ms:\n${output()}`);
}

/** SIGTERM to the group, SIGKILL after the grace period; throws if a member still lives. */
async function stopGroup(pgid: number): Promise<void> {
  killGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  while (groupMembers(pgid).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (groupMembers(pgid).length === 0) return;
  killGroup(pgid, 'SIGKILL');
  const killDeadline = Date.now() + 2_000;
  while (groupMembers(pgid).length > 0 && Date.now() < killDeadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const left = groupMembers(pgid);
  if (left.length > 0) throw new Error(`mlflow server processes survived SIGKILL: ${left.join(', ')}`);
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Live (non-zombie) processes whose process group is `pgid`, from /proc/<pid>/stat. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(entry));
    } catch {
      // Exited meanwhile.
    }
  }
  return members;
}
