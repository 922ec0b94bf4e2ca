import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../core/log.js';
import { isTrackingError } from '../core/tracking/errors.js';
import { openTrackingStore } from '../core/tracking/open.js';
import { restOptionsFromEnvironment } from '../core/tracking/rest/environment.js';
import type { TrackingStore } from '../core/tracking/store.js';
import { parseTrackingUri, resolveTrackingUri, type UriSource } from '../core/tracking/uri.js';
import { affectsConfig, readConfig } from './config.js';
import { ContextKeys } from './constants.js';
import { credentialPrompt } from './credentials.js';
import { Disposable, Slot } from './dispose.js';

export type TrackingState =
  | { readonly kind: 'no-folder' }
  | { readonly kind: 'missing'; readonly uri: string; readonly source: UriSource }
  | { readonly kind: 'error'; readonly uri: string; readonly message: string }
  | { readonly kind: 'ready'; readonly store: TrackingStore; readonly source: UriSource };

/** Milliseconds of quiet after a burst of store writes before the views re-read. */
const CHANGE_DEBOUNCE_MS = 300;

/**
 * The workspace's tracking store, resolved as MLflow resolves it and re-resolved when the setting
 * changes. Fires `onDidChangeStore` when another store is in use and `onDidChangeData` (debounced)
 * when the store's files change on disk.
 */
export class TrackingService extends Disposable {
  private readonly storeEmitter = this.register(new vscode.EventEmitter<TrackingState>());
  private readonly dataEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeStore = this.storeEmitter.event;
  readonly onDidChangeData = this.dataEmitter.event;

  private readonly storeSlot = this.register(new Slot<TrackingStore>());
  private readonly watcherSlot = this.register(new Slot<vscode.Disposable>());
  private current: TrackingState = { kind: 'no-folder' };
  private debounce: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly secrets: vscode.SecretStorage,
  ) {
    super();
    this.register(vscode.workspace.onDidChangeConfiguration((e) => affectsConfig(e) && this.reload()));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.reload()));
    this.register({ dispose: () => clearTimeout(this.debounce) });
    this.reload();
  }

  get state(): TrackingState {
    return this.current;
  }

  reload(): void {
    const folder = vscode.workspace.workspaceFolders?.[0];
    this.storeSlot.value = undefined;
    this.watcherSlot.value = undefined;
    this.current = folder ? this.resolve(folder) : { kind: 'no-folder' };
    if (this.current.kind === 'ready') this.storeSlot.value = this.current.store;
    if (folder && this.current.kind !== 'no-folder') this.watcherSlot.value = this.watch(folder, this.current);
    void vscode.commands.executeCommand('setContext', ContextKeys.trackingState, this.current.kind);
    this.log.info(`tracking store: ${describe(this.current)}`);
    this.storeEmitter.fire(this.current);
  }

  private resolve(folder: vscode.WorkspaceFolder): TrackingState {
    const cwd = folder.uri.fsPath;
    const { uri, source } = resolveTrackingUri({ cwd, explicitUri: readConfig(folder).trackingUri, environmentUri: process.env.MLFLOW_TRACKING_URI });
    try {
      const location = parseTrackingUri(uri, cwd);
      if (location.kind !== 'server' && !existsSync(location.path)) return { kind: 'missing', uri, source };
      const rest =
        location.kind === 'server'
          ? { ...restOptionsFromEnvironment(process.env), credentials: credentialPrompt(this.secrets, location.uri), logger: this.log }
          : undefined;
      return { kind: 'ready', store: openTrackingStore(uri, { cwd, rest }), source };
    } catch (error) {
      if (isTrackingError(error)) return { kind: 'error', uri, message: error.message };
      throw error;
    }
  }

  /** Watches the store's files, and (while none exists) the places MLflow would create one. */
  private watch(folder: vscode.WorkspaceFolder, state: Exclude<TrackingState, { kind: 'no-folder' }>): vscode.Disposable {
    const patterns: vscode.RelativePattern[] = [];
    const uri = state.kind === 'ready' ? state.store.uri : state.uri;
    try {
      const location = parseTrackingUri(uri, folder.uri.fsPath);
      if (location.kind === 'sqlite') patterns.push(new vscode.RelativePattern(vscode.Uri.file(dirname(location.path)), `${basename(location.path)}*`));
      if (location.kind === 'file') patterns.push(new vscode.RelativePattern(vscode.Uri.file(location.path), '**/{meta.yaml,metrics/**,params/**,tags/**}'));
    } catch {
      // An invalid URI has nothing to watch; the state already says why.
    }
    if (state.kind === 'missing') patterns.push(new vscode.RelativePattern(folder, '{mlflow.db,mlruns/*/meta.yaml}'));
    const watchers = patterns.map((pattern) => vscode.workspace.createFileSystemWatcher(pattern));
    const onChange = (): void => this.changed(state.kind !== 'ready');
    for (const watcher of watchers) {
      watcher.onDidChange(onChange);
      watcher.onDidCreate(onChange);
      watcher.onDidDelete(onChange);
    }
    return vscode.Disposable.from(...watchers);
  }

  private changed(storeMayHaveAppeared: boolean): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => (storeMayHaveAppeared ? this.reload() : this.dataEmitter.fire()), CHANGE_DEBOUNCE_MS);
  }
}

export function describe(state: TrackingState): string {
  switch (state.kind) {
    case 'no-folder':
      return 'no workspace folder';
    case 'missing':
      return `none yet (${state.uri} does not exist)`;
    case 'error':
      return `${state.uri}: ${state.message}`;
    case 'ready':
      return `${state.store.label} (${state.store.uri}, from ${state.source})`;
  }
}
