/**
 * Model servers as managed child processes: started as an argv (no shell), each in a process group
 * of its own so a stop reaches uvicorn's workers too, its output in a log file (a server kept past
 * the window has somewhere to write). What runs is recorded through a `ServerRecords` port (the
 * host's workspace state), so a later window lists again the servers still alive and can stop them.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Emitter } from '../event.js';
import { Disposable } from '../lifecycle.js';
import { silentLogger, type Logger } from '../log.js';
import type { ModelReference } from '../models/modelFiles.js';
import { isPortInUse } from './machine.js';
import { shlexQuote } from './pythonValues.js';
import { checkHealth, waitUntilHealthy } from './servingClient.js';
import type { TaskSpec } from './spec.js';

export type ServerState = 'starting' | 'healthy' | 'unhealthy' | 'exited';

/** A model server the extension started (or found still running from an earlier window). */
export interface ModelServer {
  readonly id: string;
  readonly modelUri: string;
  /** Where clients reach it: the server itself, or the capture proxy in front of it. */
  readonly port: number;
  /** The port `mlflow models serve` listens on when a capture proxy (on `port`) is in front of it. */
  readonly upstreamPort?: number;
  /** The folder of its capture log, when its requests are captured. */
  readonly captureDir?: string;
  /** Also its process group: the server runs detached, in a group of its own. */
  readonly pid: number;
  readonly startedAt: number;
  readonly logFile: string;
  /** The workspace folder it serves from (a URI string). */
  readonly folderUri: string;
  readonly model?: ModelReference;
  readonly state: ServerState;
  readonly mlflowVersion?: string;
  /** Why it is unhealthy or exited. */
  readonly problem?: string;
  readonly exitCode?: number | null;
  readonly endedAt?: number;
}

/** What is recorded of a running server: enough to find it again and stop it. */
export type ServerRecord = Omit<ModelServer, 'state' | 'mlflowVersion' | 'problem' | 'exitCode' | 'endedAt'>;

/** Where the records live between windows (the host's workspace state). */
export interface ServerRecords {
  /** What was written last; anything else (an older shape, garbage) is dropped entry by entry. */
  read(): unknown;
  write(records: readonly ServerRecord[]): PromiseLike<void>;
}

export interface ServerManagerOptions {
  readonly records: ServerRecords;
  /** Where each server's log file goes (created when the first server starts). */
  readonly logDir: string;
  /** Whether servers keep running after `dispose()` (a setting, read when disposed). */
  readonly keepOnClose: () => boolean;
  readonly log?: Logger;
  /** How long a server may take to answer /ping (loading a model, importing MLflow, scikit-learn). Default 180 s. */
  readonly startupMs?: number;
  /** Between SIGTERM and SIGKILL on stop. Default 5 s. */
  readonly stopGraceMs?: number;
}

const STARTUP_MS = 180_000;
const STOP_GRACE_MS = 5_000;

export class ServerManager extends Disposable {
  private readonly changeEmitter = this.register(new Emitter<void>());
  readonly onDidChange = this.changeEmitter.event;
  private readonly list = new Map<string, ModelServer>();
  private readonly log: Logger;
  private readonly startupMs: number;
  private readonly stopGraceMs: number;

  constructor(private readonly options: ServerManagerOptions) {
    super();
    this.log = options.log ?? silentLogger;
    this.startupMs = options.startupMs ?? STARTUP_MS;
    this.stopGraceMs = options.stopGraceMs ?? STOP_GRACE_MS;
    this.adoptRecorded();
  }

  get servers(): readonly ModelServer[] {
    return [...this.list.values()];
  }

  get(id: string): ModelServer | undefined {
    return this.list.get(id);
  }

  /** Starts `spec` (a `mlflow models serve` on `port`) and resolves once it is healthy, or exited, or the startup time passed. */
  async start(spec: TaskSpec, target: { modelUri: string; port: number; upstreamPort?: number; captureDir?: string; folderUri: string; model?: ModelReference }): Promise<ModelServer> {
    mkdirSync(this.options.logDir, { recursive: true });
    const startedAt = Date.now();
    const logFile = join(this.options.logDir, `${target.modelUri.replace(/[^\w.@-]+/g, '-')}-${target.port}-${startedAt}.log`);
    const fd = openSync(logFile, 'w');
    writeSync(fd, `$ ${[spec.command, ...spec.args].map(shlexQuote).join(' ')}\n  (in ${spec.cwd})\n\n`);
    let child;
    try {
      child = spawn(spec.command, [...spec.args], { cwd: spec.cwd, env: { ...process.env, ...spec.env, PYTHONUNBUFFERED: '1' }, detached: true, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', reject);
    });
    // The extension host may exit before the server (a kept server): it must not wait for it.
    child.unref();
    const record: ServerRecord = {
      id: `${target.port}-${startedAt}`,
      modelUri: target.modelUri,
      port: target.port,
      ...(target.upstreamPort !== undefined ? { upstreamPort: target.upstreamPort } : {}),
      ...(target.captureDir !== undefined ? { captureDir: target.captureDir } : {}),
      pid,
      startedAt,
      logFile,
      folderUri: target.folderUri,
      ...(target.model ? { model: target.model } : {}),
    };
    this.set({ ...record, state: 'starting' });
    this.persist();
    this.log.info(`serving ${target.modelUri} on 127.0.0.1:${target.port} (pid ${pid}, log ${logFile})`);
    child.once('exit', (code, signal) => this.exited(record.id, code, signal));
    const controller = new AbortController();
    child.once('exit', () => controller.abort());
    const health = await waitUntilHealthy({ port: target.upstreamPort ?? target.port }, { timeoutMs: this.startupMs, intervalMs: 500, signal: controller.signal }).catch(() => undefined);
    const current = this.list.get(record.id);
    if (current && current.state === 'starting') {
      this.set({ ...current, state: health?.healthy ? 'healthy' : 'unhealthy', ...(health?.mlflowVersion ? { mlflowVersion: health.mlflowVersion } : {}), ...(health?.healthy ? {} : { problem: `not healthy after ${Math.round(this.startupMs / 1000)} s` }) });
    }
    return this.list.get(record.id) ?? { ...record, state: 'exited' };
  }

  /** Asks every running server for /ping and /version; notices servers that went away. */
  async checkAll(): Promise<void> {
    await Promise.all(
      this.servers
        .filter((server) => server.state !== 'exited' && server.state !== 'starting')
        .map(async (server) => {
          if (!isAlive(server.pid)) return this.exited(server.id, null, null);
          const health = await checkHealth({ port: server.upstreamPort ?? server.port }, { timeoutMs: 3_000 });
          const current = this.list.get(server.id);
          if (!current || current.state === 'exited') return;
          const problem = health.healthy ? undefined : health.ping.ok ? `/ping answered ${health.ping.status}` : health.ping.message;
          this.set({ ...current, state: health.healthy ? 'healthy' : 'unhealthy', mlflowVersion: health.mlflowVersion ?? current.mlflowVersion, ...(problem ? { problem } : { problem: undefined }) });
        }),
    );
  }

  /** SIGTERM to the server's group, SIGKILL if it lingers; resolves once the port is free again (or 5 s passed). */
  async stop(id: string): Promise<{ portFree: boolean }> {
    const server = this.list.get(id);
    if (!server) return { portFree: true };
    if (isAlive(server.pid)) {
      signalGroup(server.pid, 'SIGTERM');
      const deadline = Date.now() + this.stopGraceMs;
      while (isAlive(server.pid) && Date.now() < deadline) await sleep(100);
      if (isAlive(server.pid)) signalGroup(server.pid, 'SIGKILL');
    }
    let portFree = false;
    // The server's own port: a capture proxy in front of it is its owner's to close.
    for (let i = 0; i < 50 && !(portFree = !(await isPortInUse(server.upstreamPort ?? server.port))); i++) await sleep(100);
    this.remove(id);
    this.log.info(`stopped the server of ${server.modelUri} (pid ${server.pid}); port ${server.port} ${portFree ? 'is free' : 'is still in use'}`);
    return { portFree };
  }

  /** Forgets a server (an exited one the user clears from the view); does not stop it. */
  remove(id: string): void {
    if (this.list.delete(id)) {
      this.persist();
      this.changeEmitter.fire();
    }
  }

  /** The server's log so far ('' when it cannot be read). */
  logText(server: ModelServer): string {
    try {
      return readFileSync(server.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops every running server unless they are kept on close (they stay recorded then). */
  override dispose(): void {
    if (this.isDisposed) return;
    if (!this.options.keepOnClose()) {
      for (const server of this.list.values()) if (server.state !== 'exited' && isAlive(server.pid)) signalGroup(server.pid, 'SIGTERM');
      this.list.clear();
      this.persist();
    }
    super.dispose();
  }

  private exited(id: string, code: number | null, signal: NodeJS.Signals | null): void {
    const current = this.list.get(id);
    if (!current || current.state === 'exited') return;
    this.log.info(`the server of ${current.modelUri} (pid ${current.pid}) exited: ${code ?? signal}`);
    this.set({ ...current, state: 'exited', exitCode: code, endedAt: Date.now(), problem: signal ? `stopped by ${signal}` : `exit code ${code}` });
    this.persist();
  }

  private set(server: ModelServer): void {
    this.list.set(server.id, server);
    this.changeEmitter.fire();
  }

  private persist(): void {
    const records: ServerRecord[] = this.servers
      .filter((server) => server.state !== 'exited')
      .map(({ id, modelUri, port, upstreamPort, captureDir, pid, startedAt, logFile, folderUri, model }) => ({
        id, modelUri, port, pid, startedAt, logFile, folderUri,
        ...(upstreamPort !== undefined ? { upstreamPort } : {}),
        ...(captureDir !== undefined ? { captureDir } : {}),
        ...(model ? { model } : {}),
      }));
    // While the window closes the host's side may already be gone: the record then stays, and is checked on the next start.
    const failed = (error: unknown): void => this.log.trace(`servers not recorded: ${(error as Error).message}`);
    try {
      this.options.records.write(records).then(undefined, failed);
    } catch (error) {
      failed(error);
    }
  }

  /** Servers an earlier window kept (or left behind when it crashed), still running as the same command. */
  private adoptRecorded(): void {
    for (const record of serverRecords(this.options.records.read())) {
      if (!isAlive(record.pid) || !commandMentions(record.pid, String(record.upstreamPort ?? record.port))) continue;
      this.list.set(record.id, { ...record, state: 'unhealthy', problem: 'not checked yet' });
    }
    this.persist();
    if (this.list.size > 0) void this.checkAll();
  }
}

/** The well-formed records of what was stored (a pid of 0 or below would signal a whole group). */
export function serverRecords(stored: unknown): ServerRecord[] {
  if (!Array.isArray(stored)) return [];
  return stored.filter((entry): entry is ServerRecord => {
    const r = entry as Partial<ServerRecord> | null;
    return (
      typeof r === 'object' && r !== null &&
      typeof r.id === 'string' && typeof r.modelUri === 'string' && typeof r.logFile === 'string' && typeof r.folderUri === 'string' &&
      Number.isSafeInteger(r.pid) && r.pid! > 1 && isPort(r.port) && typeof r.startedAt === 'number' &&
      (r.upstreamPort === undefined || isPort(r.upstreamPort)) && (r.captureDir === undefined || typeof r.captureDir === 'string')
    );
  });
}

const isPort = (port: unknown): boolean => Number.isSafeInteger(port) && (port as number) > 0 && (port as number) < 65536;

/** Whether `pid` still runs; a zombie (ended, its parent gone without reaping it) counts as ended. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    // No /proc (macOS, Windows): the signal said it runs. On Linux it just ended.
    return process.platform !== 'linux';
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Whether the process's command line still names the port (a recycled pid would not). */
function commandMentions(pid: number, text: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(text);
  } catch {
    // No /proc (macOS, Windows): the pid alone has to do.
    return process.platform !== 'linux';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
