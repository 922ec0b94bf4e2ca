import { join } from 'node:path';
import * as vscode from 'vscode';
import { CaptureLog, type CaptureStats } from '../../core/monitoring/captureLog.js';
import { captureLocation, uriVersion } from '../../core/monitoring/captureLocation.js';
import { CaptureProxy, type CaptureCounts } from '../../core/monitoring/captureProxy.js';
import type { Logger } from '../../core/log.js';
import type { ModelServer, ServerManager } from '../../core/tasks/modelServers.js';
import { readConfig } from '../config.js';
import { Disposable } from '../dispose.js';

/** Rotated capture files kept besides the current one. */
const KEEP_FILES = 3;

interface Front {
  readonly proxy: CaptureProxy;
  readonly log: CaptureLog;
  /** Prepared for a server that is still starting (its id is not known yet). */
  pending: boolean;
}

export interface CaptureInfo {
  readonly path: string;
  readonly dir: string;
  readonly stats: CaptureStats;
  readonly counts?: CaptureCounts;
  /** The proxy runs (requests are being captured). */
  readonly active: boolean;
}

/**
 * The capture proxies of the Serving view's servers, by the port clients use: prepared before a
 * server starts (the proxy owns the public port, `mlflow models serve` a private one), closed when
 * the server exits or is forgotten, started again for a server an earlier window kept running.
 */
export class ServingCapture extends Disposable {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changeEmitter.event;
  private readonly fronts = new Map<number, Front>();
  private readonly logs = new Map<string, CaptureLog>();

  constructor(
    private readonly servers: ServerManager,
    private readonly storageDir: string,
    private readonly logger: Logger,
  ) {
    super();
    this.register(servers.onDidChange(() => this.sync()));
    this.register({ dispose: () => [...this.fronts.keys()].forEach((port) => this.close(port)) });
    this.sync();
  }

  /**
   * A capture proxy for a model about to be served from `folder`, on a port of its own; undefined
   * when capture is off. Throws a message for people when the capture folder setting is refused.
   */
  async prepare(folder: vscode.WorkspaceFolder, modelUri: string, upstreamPort: number, modelVersion?: string): Promise<{ port: number; captureDir: string } | undefined> {
    const config = readConfig(folder);
    if (!config.captureRequests) return undefined;
    const location = captureLocation({ folderSetting: config.captureFolder, workspaceFolder: folder.uri.fsPath, storageDir: this.storageDir, modelUri });
    if ('error' in location) throw new Error(location.error);
    const front = this.front(location.dir, upstreamPort, modelUri, modelVersion ?? uriVersion(modelUri));
    const port = await front.proxy.listen(0);
    this.fronts.set(port, front);
    return { port, captureDir: location.dir };
  }

  /** The server started (or failed to): the proxy is its now, or closed with it. */
  settle(port: number): void {
    const front = this.fronts.get(port);
    if (front) front.pending = false;
    this.sync();
  }

  info(server: ModelServer): CaptureInfo | undefined {
    if (!server.captureDir) return undefined;
    const log = this.logs.get(server.captureDir);
    const front = this.fronts.get(server.port);
    const path = join(server.captureDir, 'requests.jsonl');
    return { path, dir: server.captureDir, stats: log?.stats ?? { rows: 0, files: 0, bytes: 0 }, ...(front ? { counts: front.proxy.captureCounts } : {}), active: !!front && server.state !== 'exited' };
  }

  private front(dir: string, upstreamPort: number, modelUri: string, modelVersion: string | undefined): Front {
    const megabytes = readConfig().captureMaxMegabytes;
    let log = this.logs.get(dir);
    if (!log) {
      log = new CaptureLog({ dir, maxBytes: megabytes * 1024 * 1024, keepFiles: KEEP_FILES });
      this.logs.set(dir, log);
      this.register(log);
      this.register(log.onDidChange(() => this.changeEmitter.fire()));
      log.open().catch((error: Error) => this.logger.warn(`capture log ${dir}: ${error.message}`));
    }
    const proxy = new CaptureProxy({ upstreamPort, log, modelUri, ...(modelVersion ? { modelVersion } : {}), logger: this.logger });
    return { proxy, log, pending: true };
  }

  /** Proxies follow their servers: closed when the server is gone, started again for one adopted from an earlier window. */
  private sync(): void {
    const byPort = new Map(this.servers.servers.map((server) => [server.port, server]));
    for (const [port, front] of this.fronts) {
      const server = byPort.get(port);
      if (!front.pending && (!server || server.state === 'exited')) this.close(port);
    }
    for (const server of this.servers.servers) {
      if (server.state === 'exited' || !server.captureDir || server.upstreamPort === undefined || this.fronts.has(server.port)) continue;
      const front = this.front(server.captureDir, server.upstreamPort, server.modelUri, server.model?.version ?? uriVersion(server.modelUri));
      front.pending = false;
      this.fronts.set(server.port, front);
      front.proxy.listen(server.port).then(
        () => this.logger.info(`capturing requests to ${server.modelUri} again on port ${server.port}`),
        (error: Error) => {
          this.fronts.delete(server.port);
          front.proxy.dispose();
          this.logger.warn(`the capture proxy of ${server.modelUri} cannot listen on port ${server.port} again: ${error.message}`);
        },
      );
    }
    this.changeEmitter.fire();
  }

  private close(port: number): void {
    this.fronts.get(port)?.proxy.dispose();
    this.fronts.delete(port);
  }
}
