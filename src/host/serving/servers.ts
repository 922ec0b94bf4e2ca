import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { checkHealth, isPortInUse, shlexQuote, waitUntilHealthy, type TaskSpec } from '../../core/tasks/index.js';
import { Disposable } from '../dispose.js';
import type { ModelReference } from '../../core/models/modelFiles.js';

export type ServerState = 'starting' | 'healthy' | 'unhealthy' | 'exited';

/** A model server the extension started (or found still running from an earlier window). */
export interface ModelServer {
  readonly id: string;
  readonly modelUri: string;
  readonly port: number;
  /** Also its process group: the server runs detached, in a group of its own. */
  readonly pid: number;
  readonly startedAt: number;
  readonly logFile: string;
  readonly folderUri: string;
  readonly model?: ModelReference;
  readonly state: ServerState;
  readonly mlflowVersion?: string;
  /** Why it is unhealthy or exited. */
  readonly problem?: string;
  readonly exitCode?: number | null;
  readonly endedAt?: number;
}

type Record = Omit<ModelServer, 'state' | 'mlflowVersion' | 'problem' | 'exitCode' | 'endedAt'>;

const STATE_KEY = 'mlWorkbench.servers';
/** Loading a model (and importing MLflow, scikit-learn) takes a while on a busy machine. */
const STARTUP_MS = 180_000;
const STOP_GRACE_MS = 5_000;

/**
 * Model servers as managed child processes (argv, no shell), each in its own process group so a
 * stop reaches uvicorn's workers too; output goes to a log file, so a server kept past the window
 * (by setting) has somewhere to write. Stopped when the extension stops unless kept; servers
 * recorded by an earlier window and still alive are listed again so they can be stopped.
 */
export class ServerManager extends Disposable {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changeEmitter.event;
  private readonly list = new Map<string, ModelServer>();

  constructor(
    private readonly memento: vscode.Memento,
    private readonly logDir: string,
    private readonly keepOnClose: () => boolean,
    private readonly log: Logger,
  ) {
    super();
    this.adoptRecorded();
  }

  get servers(): readonly ModelServer[] {
    return [...this.list.values()];
  }

  get(id: string): ModelServer | undefined {
    return this.list.get(id);
  }

  /** Starts `spec` (a `mlflow models serve` on `port`) and resolves once it is healthy, or exited, or the startup time passed. */
  async start(spec: TaskSpec, options: { modelUri: string; port: number; folder: vscode.WorkspaceFolder; model?: ModelReference }): Promise<ModelServer> {
    mkdirSync(this.logDir, { recursive: true });
    const startedAt = Date.now();
    const logFile = join(this.logDir, `${options.modelUri.replace(/[^\w.@-]+/g, '-')}-${options.port}-${startedAt}.log`);
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
    const record: Record = { id: `${options.port}-${startedAt}`, modelUri: options.modelUri, port: options.port, pid, startedAt, logFile, folderUri: options.folder.uri.toString(), ...(options.model ? { model: options.model } : {}) };
    this.set({ ...record, state: 'starting' });
    this.persist();
    this.log.info(`serving ${options.modelUri} on 127.0.0.1:${options.port} (pid ${pid}, log ${logFile})`);
    child.once('exit', (code, signal) => this.exited(record.id, code, signal));
    const controller = new AbortController();
    child.once('exit', () => controller.abort());
    const health = await waitUntilHealthy({ port: options.port }, { timeoutMs: STARTUP_MS, intervalMs: 500, signal: controller.signal }).catch(() => undefined);
    const current = this.list.get(record.id);
    if (current && current.state === 'starting') {
      this.set({ ...current, state: health?.healthy ? 'healthy' : 'unhealthy', ...(health?.mlflowVersion ? { mlflowVersion: health.mlflowVersion } : {}), ...(health?.healthy ? {} : { problem: `not healthy after ${STARTUP_MS / 1000} s` }) });
    }
    return this.list.get(record.id) ?? { ...record, state: 'exited' };
  }

  /** Asks every running server for /ping and /version; notices servers that went away. */
  async checkAll(): Promise<void> {
    await Promise.all(
      this.servers
        .filter((server) => server.state !== 'exited' && server.state !== 'starting')
        .map(async (server) => {
          if (!alive(server.pid)) return this.exited(server.id, null, null);
          const health = await checkHealth({ port: server.port }, { timeoutMs: 3_000 });
          const current = this.list.get(server.id);
          if (!current || current.state === 'exited') return;
          const problem = health.healthy ? undefined : health.ping.ok ? `/ping answered ${health.ping.status}` : health.ping.message;
          this.set({ ...current, state: health.healthy ? 'healthy' : 'unhealthy', mlflowVersion: health.mlflowVersion ?? current.mlflowVersion, ...(problem ? { problem } : { problem: undefined }) });
        }),
    );
  }

  /** SIGTERM to the server's group, SIGKILL if it lingers; resolves once the port is free again. */
  async stop(id: string): Promise<{ portFree: boolean }> {
    const server = this.list.get(id);
    if (!server) return { portFree: true };
    if (alive(server.pid)) {
      signalGroup(server.pid, 'SIGTERM');
      const deadline = Date.now() + STOP_GRACE_MS;
      while (alive(server.pid) && Date.now() < deadline) await sleep(100);
      if (alive(server.pid)) signalGroup(server.pid, 'SIGKILL');
    }
    let portFree = false;
    for (let i = 0; i < 50 && !(portFree = !(await isPortInUse(server.port))); i++) await sleep(100);
    this.remove(id);
    this.log.info(`stopped the server of ${server.modelUri} (pid ${server.pid}); port ${server.port} ${portFree ? 'is free' : 'is still in use'}`);
    return { portFree };
  }

  remove(id: string): void {
    if (this.list.delete(id)) {
      this.persist();
      this.changeEmitter.fire();
    }
  }

  logText(server: ModelServer): string {
    try {
      return readFileSync(server.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  override dispose(): void {
    if (!this.keepOnClose()) {
      for (const server of this.list.values()) if (server.state !== 'exited' && alive(server.pid)) signalGroup(server.pid, 'SIGTERM');
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
    const records: Record[] = this.servers
      .filter((server) => server.state !== 'exited')
      .map(({ id, modelUri, port, pid, startedAt, logFile, folderUri, model }) => ({ id, modelUri, port, pid, startedAt, logFile, folderUri, ...(model ? { model } : {}) }));
    // While the window closes the main side may already be gone: the record then stays, and is checked on the next start.
    this.memento.update(STATE_KEY, records).then(undefined, (error: unknown) => this.log.trace(`servers not recorded: ${(error as Error).message}`));
  }

  /** Servers an earlier window kept (or left behind when it crashed), still running as the same command. */
  private adoptRecorded(): void {
    for (const record of this.memento.get<Record[]>(STATE_KEY, [])) {
      if (!alive(record.pid) || !commandMentions(record.pid, String(record.port))) continue;
      this.list.set(record.id, { ...record, state: 'unhealthy', problem: 'not checked yet' });
    }
    this.persist();
    if (this.list.size > 0) void this.checkAll();
  }
}

/** Whether `pid` still runs; a zombie (ended, its parent gone without reaping it) counts as ended. */
function alive(pid: number): boolean {
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
