import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { isTrackingError } from '../../core/tracking/errors.js';
import { HistoryPool } from '../../core/tracking/history/pool.js';
import { openTrackingStore } from '../../core/tracking/open.js';
import { credentialsFilePath, loadRestOptions, restOptionsFromEnvironment, type EnvironmentRestOptions } from '../../core/tracking/rest/environment.js';
import { describeStoreState, requireStore, stateUri, type Store, type StoreState, type TrackedPlace } from '../../core/tracking/storeState.js';
import { parseTrackingUri, resolveTrackingUri } from '../../core/tracking/uri.js';
import { affectsConfig, readConfig } from '../config.js';
import { ContextKeys } from '../constants.js';
import { Disposable } from '../dispose.js';
import { askCredentials, credentialPrompt } from './credentials.js';

export type { Store } from '../../core/tracking/storeState.js';
export type TrackingState = StoreState;

/** One workspace folder's tracking store: MLflow resolves the store per working directory. */
export interface FolderTracking extends TrackedPlace {
  /** Stable while the folders stay: names the folder in URIs (`mlflow-artifact://<key>/…`). */
  readonly key: string;
  readonly folder: vscode.WorkspaceFolder;
}

/** Milliseconds of quiet after a burst of store writes before the views re-read. */
const CHANGE_DEBOUNCE_MS = 300;

/**
 * The tracking store of every workspace folder, resolved as MLflow resolves it, re-resolved when
 * settings or folders change. Fires `onDidChangeStores` when stores change and `onDidChangeData`
 * (debounced, per folder) when a store's files change on disk.
 */
export class TrackingService extends Disposable {
  private readonly storesEmitter = this.register(new vscode.EventEmitter<void>());
  private readonly dataEmitter = this.register(new vscode.EventEmitter<FolderTracking>());
  readonly onDidChangeStores = this.storesEmitter.event;
  readonly onDidChangeData = this.dataEmitter.event;

  private current: FolderTracking[] = [];
  /** Long metric histories of local stores are read in worker threads (the charts' big reads). */
  private readonly historyPool = new HistoryPool();
  private watchers: vscode.Disposable[] = [];
  private readonly debounces = new Map<string, NodeJS.Timeout>();
  /**
   * What MLflow's client would send a server (its variables and ~/.mlflow/credentials, through
   * core's loadRestOptions), or why that cannot be read. Until the file is read the variables
   * alone answer; a different answer from the file reopens the stores.
   */
  private restBase: { options: EnvironmentRestOptions } | { error: Error };

  constructor(
    private readonly log: Logger,
    private readonly secrets: vscode.SecretStorage,
  ) {
    super();
    this.register(vscode.workspace.onDidChangeConfiguration((e) => affectsConfig(e) && this.reload()));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.reload()));
    this.register({ dispose: () => this.clear() });
    this.register({ dispose: () => this.historyPool.dispose() });
    this.restBase = attempt(() => restOptionsFromEnvironment(process.env));
    const file = vscode.Uri.file(credentialsFilePath(homedir()));
    const credentialsWatcher = this.register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(file, '..'), 'credentials')));
    for (const event of [credentialsWatcher.onDidChange, credentialsWatcher.onDidCreate, credentialsWatcher.onDidDelete]) this.register(event(() => void this.readRestOptions()));
    this.reload();
  }

  /** Reads the variables and ~/.mlflow/credentials again; reopens the server stores when the answer changed. */
  private async readRestOptions(): Promise<void> {
    const next = await loadRestOptions({ env: process.env }).then(
      (options) => ({ options }),
      (error: unknown) => ({ error: error as Error }),
    );
    const same = JSON.stringify('options' in next ? next.options : next.error.message) === JSON.stringify('options' in this.restBase ? this.restBase.options : this.restBase.error.message);
    this.restBase = next;
    if (!same && this.current.some((f) => /^https?:/i.test(stateUri(f.state)))) this.reload();
  }

  get folders(): readonly FolderTracking[] {
    return this.current;
  }

  forKey(key: string): FolderTracking | undefined {
    return this.current.find((f) => f.key === key);
  }

  /** The tracking of a workspace folder (matched by URI: folder objects change when folders do). */
  forFolder(folder: vscode.WorkspaceFolder): FolderTracking | undefined {
    const uri = folder.uri.toString();
    return this.current.find((f) => f.folder.uri.toString() === uri);
  }

  /** The open store of the folder `key` names; a TrackingError 'no-store' when there is none. */
  storeFor(key: string): Store {
    return requireStore(this.forKey(key));
  }

  /** The folder of the active editor, else the first folder with a store, else the first folder. */
  primary(): FolderTracking | undefined {
    const active = vscode.window.activeTextEditor?.document.uri;
    const folder = active ? vscode.workspace.getWorkspaceFolder(active) : undefined;
    return this.current.find((f) => f.folder === folder) ?? this.current.find((f) => f.state.kind === 'ready') ?? this.current[0];
  }

  /** Asks for the server's credentials (kept in SecretStorage) and opens the stores again with them. */
  async setCredentials(serverUrl: string | undefined): Promise<void> {
    const primary = this.primary();
    const server = serverUrl ?? (primary ? stateUri(primary.state) : '');
    if (!/^https?:/i.test(server)) {
      void vscode.window.showInformationMessage('Credentials are for an MLflow tracking server (http or https): select one with "ML Workbench: Select Tracking Store…".');
      return;
    }
    if (await askCredentials(this.secrets, server)) this.reload();
  }

  reload(): void {
    this.clear();
    this.current = (vscode.workspace.workspaceFolders ?? []).map((folder) => ({ key: `f${folder.index}`, name: folder.name, folder, state: this.resolve(folder) }));
    this.watchers = this.current.map((tracking) => this.watch(tracking));
    const kinds = new Set(this.current.map((f) => f.state.kind));
    const overall = kinds.has('ready') ? 'ready' : kinds.has('error') ? 'error' : kinds.has('missing') ? 'missing' : 'none';
    void vscode.commands.executeCommand('setContext', ContextKeys.trackingState, overall);
    for (const tracking of this.current) this.log.info(`tracking store of ${tracking.folder.name}: ${describe(tracking.state)}`);
    this.storesEmitter.fire();
    if (this.current.some((f) => /^https?:/i.test(stateUri(f.state)))) void this.readRestOptions();
  }

  private clear(): void {
    for (const timer of this.debounces.values()) clearTimeout(timer);
    this.debounces.clear();
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = [];
    for (const tracking of this.current) if (tracking.state.kind === 'ready') tracking.state.store.dispose();
    this.current = [];
  }

  private resolve(folder: vscode.WorkspaceFolder): TrackingState {
    const cwd = folder.uri.fsPath;
    const { uri, source } = resolveTrackingUri({ cwd, explicitUri: readConfig(folder).trackingUri, environmentUri: process.env.MLFLOW_TRACKING_URI });
    try {
      const location = parseTrackingUri(uri, cwd);
      if (location.kind !== 'server' && !existsSync(location.path)) return { kind: 'missing', uri, source };
      if (location.kind === 'server' && 'error' in this.restBase) return { kind: 'error', uri, message: this.restBase.error.message };
      const rest =
        location.kind === 'server' && 'options' in this.restBase
          ? { ...this.restBase.options, credentials: credentialPrompt(this.secrets, location.uri), logger: this.log }
          : undefined;
      return { kind: 'ready', store: openTrackingStore(uri, { cwd, rest, historyPool: this.historyPool }), source };
    } catch (error) {
      if (isTrackingError(error)) return { kind: 'error', uri, message: error.message };
      throw error;
    }
  }

  /** Watches the store's files, and (while none exists) the places MLflow would create one. */
  private watch(tracking: FolderTracking): vscode.Disposable {
    const { folder, state } = tracking;
    const patterns: vscode.RelativePattern[] = [];
    const uri = stateUri(state);
    try {
      const location = parseTrackingUri(uri, folder.uri.fsPath);
      if (location.kind === 'sqlite') patterns.push(new vscode.RelativePattern(vscode.Uri.file(dirname(location.path)), `${basename(location.path)}*`));
      if (location.kind === 'file') patterns.push(new vscode.RelativePattern(vscode.Uri.file(location.path), '**/{meta.yaml,metrics/**,params/**,tags/**}'));
    } catch {
      // An invalid URI has nothing to watch; the state already says why.
    }
    if (state.kind === 'missing') patterns.push(new vscode.RelativePattern(folder, '{mlflow.db,mlruns/*/meta.yaml}'));
    const watchers = patterns.map((pattern) => vscode.workspace.createFileSystemWatcher(pattern));
    const onChange = (): void => this.changed(tracking, state.kind !== 'ready');
    for (const watcher of watchers) {
      watcher.onDidChange(onChange);
      watcher.onDidCreate(onChange);
      watcher.onDidDelete(onChange);
    }
    return vscode.Disposable.from(...watchers);
  }

  private changed(tracking: FolderTracking, storeMayHaveAppeared: boolean): void {
    clearTimeout(this.debounces.get(tracking.key));
    this.debounces.set(
      tracking.key,
      setTimeout(() => (storeMayHaveAppeared ? this.reload() : this.dataEmitter.fire(tracking)), CHANGE_DEBOUNCE_MS),
    );
  }
}

export const describe = describeStoreState;

function attempt<T>(read: () => T): { options: T } | { error: Error } {
  try {
    return { options: read() };
  } catch (error) {
    return { error: error as Error };
  }
}
