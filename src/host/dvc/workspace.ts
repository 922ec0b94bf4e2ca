import { join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { findDvcRoots } from '../../core/dvc/discovery.js';
import { HashService } from '../../core/dvc/hashing/service.js';
import type { DvcDiagnostic } from '../../core/dvc/model.js';
import { openDvcRepo } from '../../core/dvc/repo.js';
import type { Logger } from '../../core/log.js';
import { probeWatchLimit, watchLimitAdvice } from '../../core/util/watchLimit.js';
import { Disposable } from '../dispose.js';
import { DvcRootService } from './rootService.js';
import { RootWatcher } from './watch.js';

export interface DvcWorkspaceOptions {
  /** Folder for the stat cache: the workspace's storage, else the global one (never the repo). */
  readonly storage: vscode.Uri;
  /** The bundled hashing worker (dist/dvcHashWorker.js). */
  readonly workerPath: string;
  readonly log: Logger;
}

const WATCHER_DOCS = 'https://code.visualstudio.com/docs/setup/linux#_visual-studio-code-is-unable-to-watch-for-file-changes-in-this-large-workspace-error-enospc';

/**
 * Every DVC root of every workspace folder (a root above a folder, pipelines in subfolders, several
 * roots in a monorepo), each a DvcRootService sharing one hashing worker and one stat cache.
 * Nothing happens until something needs DVC (`ensureStarted`): a view, a dvc.yaml editor, a command.
 * Parse problems go to the Problems panel; each root is watched and re-checked on change.
 */
export class DvcWorkspace extends Disposable {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<DvcRootService | undefined>());
  /** A root's state changed (undefined: the set of roots changed). */
  readonly onDidChange = this.changeEmitter.event;
  private readonly progressEmitter = this.register(new vscode.EventEmitter<DvcRootService>());
  /** A root's hashing progressed. */
  readonly onDidProgress = this.progressEmitter.event;
  private discovering: Promise<void> = Promise.resolve();
  private readonly diagnostics = this.register(vscode.languages.createDiagnosticCollection('dvc'));
  private readonly diagnosedFiles = new Map<string, Set<string>>();
  private readonly hashService: HashService;
  private services: DvcRootService[] = [];
  private readonly perRoot = new Map<string, vscode.Disposable>();
  private started: Promise<void> | undefined;
  private warnedWatchLimit = false;

  constructor(private readonly options: DvcWorkspaceOptions) {
    super();
    this.hashService = new HashService({ statCachePath: join(options.storage.fsPath, 'dvc-stat-cache.json'), workerPath: options.workerPath, idleMs: 5 * 60_000 });
    this.register({ dispose: () => void this.hashService.dispose() });
    this.register({ dispose: () => this.clear() });
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.started && void this.rediscover()));
    // A new DVC project (`dvc init`) anywhere in the workspace; a burst of creates may be reported
    // as the new `.dvc` folder alone.
    const inits = this.register(vscode.workspace.createFileSystemWatcher('{**/.dvc,**/.dvc/config}', false, true, false));
    this.register(inits.onDidCreate(() => this.started && void this.rediscover()));
    this.register(inits.onDidDelete(() => this.started && void this.rediscover()));
    // A save in the editor is known before the file watcher reports it.
    this.register(vscode.workspace.onDidSaveTextDocument((document) => document.uri.scheme === 'file' && this.serviceFor(document.uri.fsPath)?.schedule(document.uri.fsPath)));
  }

  get roots(): readonly DvcRootService[] {
    return this.services;
  }

  /** Finds the roots (their first checks start, and report through onDidChange), once. */
  ensureStarted(): Promise<void> {
    this.started ??= this.rediscover();
    return this.started;
  }

  /** The root whose tree holds `path` (the innermost one for nested roots). */
  serviceFor(path: string): DvcRootService | undefined {
    const holding = this.services.filter((s) => {
      const rel = relative(s.root, path);
      return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
    });
    return holding.sort((a, b) => b.root.length - a.root.length)[0];
  }

  /** Re-checks every root now (the Refresh commands). */
  async refreshAll(): Promise<void> {
    await this.ensureStarted();
    await Promise.all(this.services.map((s) => s.checkNow()));
  }

  /** Finds the roots again; serialized, so two calls never open one root twice. */
  rediscover(): Promise<void> {
    this.discovering = this.discovering.then(() => this.discover());
    return this.discovering;
  }

  private async discover(): Promise<void> {
    const found = new Map<string, vscode.WorkspaceFolder>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      for (const root of await findDvcRoots(folder.uri.fsPath).catch(() => [])) if (!found.has(root)) found.set(root, folder);
    }
    const kept = this.services.filter((s) => found.has(s.root));
    for (const gone of this.services.filter((s) => !found.has(s.root))) this.drop(gone);
    const added = [...found].filter(([root]) => !kept.some((s) => s.root === root)).map(([root, folder]) => this.add(root, folder));
    this.services = [...kept, ...added].sort((a, b) => a.root.localeCompare(b.root));
    this.options.log.info(`dvc: roots ${this.services.map((s) => s.root).join(', ') || '(none)'}`);
    this.checkWatchLimit();
    this.changeEmitter.fire(undefined);
    for (const service of added) service.schedule(undefined, 0);
  }

  private add(root: string, folder: vscode.WorkspaceFolder): DvcRootService {
    const repo = openDvcRepo(root, { hashService: this.hashService });
    const service = new DvcRootService(root, folder, repo, this.options.log);
    const watcher = new RootWatcher(root, (uri, exact) => service.schedule(exact ? uri.fsPath : undefined));
    const subscription = service.onDidChange(() => {
      if (service.state.kind === 'ready') {
        watcher.update(service.state.inspection);
        this.publishDiagnostics(root, service.state.inspection.diagnostics);
      }
      this.changeEmitter.fire(service);
    });
    const progress = service.onDidProgress(() => this.progressEmitter.fire(service));
    this.perRoot.set(root, vscode.Disposable.from(subscription, progress, watcher, service));
    return service;
  }

  private drop(service: DvcRootService): void {
    this.publishDiagnostics(service.root, []);
    this.perRoot.get(service.root)?.dispose();
    this.perRoot.delete(service.root);
  }

  private clear(): void {
    for (const disposable of this.perRoot.values()) disposable.dispose();
    this.perRoot.clear();
    this.services = [];
  }

  /** Problems at their exact line and column; a file's old entries go when it has none left. */
  private publishDiagnostics(root: string, diagnostics: readonly DvcDiagnostic[]): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const d of diagnostics) {
      const at = new vscode.Position(Math.max(0, d.line - 1), Math.max(0, d.column - 1));
      const entry = new vscode.Diagnostic(new vscode.Range(at, at), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      entry.source = 'DVC';
      byFile.set(d.file, [...(byFile.get(d.file) ?? []), entry]);
    }
    for (const file of this.diagnosedFiles.get(root) ?? []) if (!byFile.has(file)) this.diagnostics.delete(vscode.Uri.file(file));
    for (const [file, entries] of byFile) this.diagnostics.set(vscode.Uri.file(file), entries);
    this.diagnosedFiles.set(root, new Set(byFile.keys()));
  }

  /** Says once when the OS refuses more file watches, with the setting that fixes it. */
  private checkWatchLimit(): void {
    if (this.warnedWatchLimit) return;
    for (const service of this.services) {
      const probe = probeWatchLimit(service.root);
      if (probe.kind !== 'limit') continue;
      this.warnedWatchLimit = true;
      const advice = watchLimitAdvice(probe.code);
      this.options.log.warn(`dvc: ${advice}`);
      void vscode.window.showWarningMessage(`ML Workbench: ${advice}`, 'Learn More').then((choice) => {
        if (choice === 'Learn More') void vscode.env.openExternal(vscode.Uri.parse(WATCHER_DOCS));
      });
      return;
    }
  }
}
