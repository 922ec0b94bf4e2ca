import { join } from 'node:path';
import * as vscode from 'vscode';
import { HashService } from '../../core/dvc/hashing/service.js';
import type { DvcDiagnostic } from '../../core/dvc/entities.js';
import { DvcProjects } from '../../core/dvc/projects.js';
import { openDvcRepo } from '../../core/dvc/repo.js';
import type { Logger } from '../../core/log.js';
import { probeWatchLimit, watchLimitAdvice } from '../../core/util/watchLimit.js';
import { Disposable, toDisposable } from '../dispose.js';
import { dvcFolder, type DvcFolder, type Project, type Projects } from './projects.js';
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
 * The workspace's DVC projects (core's DvcProjects, sharing one hashing worker and one stat
 * cache) wired to VS Code: the workspace folders to search, a watcher per project that asks for
 * re-checks, saves seen before the watcher reports them, new projects (`dvc init`), parse
 * problems in the Problems panel, and a warning when the OS refuses more file watches.
 */
export class DvcWorkspace extends Disposable {
  readonly projects: Projects;
  private readonly diagnostics = this.register(vscode.languages.createDiagnosticCollection('dvc'));
  private readonly diagnosedFiles = new Map<string, Set<string>>();
  private readonly watchers = new Map<Project, RootWatcher>();
  private warnedWatchLimit = false;

  constructor(private readonly options: DvcWorkspaceOptions) {
    super();
    const hashService = new HashService({ statCachePath: join(options.storage.fsPath, 'dvc-stat-cache.json'), workerPath: options.workerPath, idleMs: 5 * 60_000 });
    this.register(toDisposable(() => void hashService.dispose()));
    const folders = (): DvcFolder[] => (vscode.workspace.workspaceFolders ?? []).map(dvcFolder);
    this.projects = this.register(new DvcProjects<DvcFolder>({ folders, openRepo: (root) => openDvcRepo(root, { hashService }), log: options.log }));
    this.register(toDisposable(() => this.watchers.forEach((watcher) => watcher.dispose())));
    this.register(this.projects.onDidChangeProjects(({ added, removed }) => this.projectsChanged(added, removed)));
    this.register(this.projects.onDidChange((project) => project && this.projectChanged(project)));
    const rediscover = (): void => void (this.projects.hasDiscovered && this.projects.rediscover());
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(rediscover));
    // A new DVC project (`dvc init`) anywhere in the workspace; a burst of creates may be reported
    // as the new `.dvc` folder alone.
    const inits = this.register(vscode.workspace.createFileSystemWatcher('{**/.dvc,**/.dvc/config}', false, true, false));
    this.register(inits.onDidCreate(rediscover));
    this.register(inits.onDidDelete(rediscover));
    // A save in the editor is known before the file watcher reports it.
    this.register(vscode.workspace.onDidSaveTextDocument((document) => document.uri.scheme === 'file' && this.changed(document.uri.fsPath, true)));
  }

  /** A file changed (`exact`), or a folder (anything below it may have): re-check, once checks run. */
  private changed(path: string, exact: boolean): void {
    if (this.projects.isChecking) this.projects.projectFor(path)?.schedule(exact ? path : undefined);
  }

  private projectsChanged(added: readonly Project[], removed: readonly Project[]): void {
    for (const project of removed) {
      this.publishDiagnostics(project.root, []);
      this.watchers.get(project)?.dispose();
      this.watchers.delete(project);
    }
    for (const project of added) this.watchers.set(project, new RootWatcher(project.root, (uri, exact) => this.projects.isChecking && project.schedule(exact ? uri.fsPath : undefined)));
    this.checkWatchLimit();
  }

  private projectChanged(project: Project): void {
    const inspection = project.inspection;
    if (!inspection) return;
    this.watchers.get(project)?.update(inspection);
    this.publishDiagnostics(project.root, inspection.diagnostics);
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
    for (const project of this.projects.projects) {
      const probe = probeWatchLimit(project.root);
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
