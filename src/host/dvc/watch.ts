import { stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import * as vscode from 'vscode';
import type { Inspection } from '../../core/dvc/repo.js';
import { watchedPaths, watchGlob } from '../../core/dvc/watchPaths.js';

/**
 * One VS Code watcher per DVC root (it shares VS Code's own watcher and obeys
 * `files.watcherExclude`), whose glob names the DVC files and every stage's deps, params and outs;
 * rebuilt only when that set of paths changes.
 */
export class RootWatcher implements vscode.Disposable {
  private watcher: vscode.FileSystemWatcher | undefined;
  private glob = '';
  /** Repo-relative paths a removed folder may have held: DVC files, deps, params, outs. */
  private paths: string[] = [];
  private readonly folders: vscode.FileSystemWatcher;

  constructor(
    private readonly root: string,
    /** `exact`: the event names the changed file; else (a folder) anything below may have changed. */
    private readonly onChange: (uri: vscode.Uri, exact: boolean) => void,
  ) {
    this.update(undefined);
    // A folder removed or moved in is reported as the folder alone, not as the files in it (which
    // may be a dvc.yaml, a dep or an out): such a delete, and every folder created, re-checks all.
    this.folders = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**'), false, true, false);
    this.folders.onDidDelete((uri) => this.holdsWatched(uri) && this.onChange(uri, false));
    this.folders.onDidCreate((uri) => void stat(uri.fsPath).then((s) => s.isDirectory() && this.onChange(uri, false), () => undefined));
  }

  /** Follows the stages: a new dep or out is watched from the next check on. */
  update(inspection: Inspection | undefined): void {
    const paths = inspection ? watchedPaths(inspection.stages) : [];
    this.paths = [...paths, ...(inspection?.stages.map((s) => s.file) ?? [])];
    const glob = watchGlob(paths);
    if (glob === this.glob) return;
    this.glob = glob;
    this.watcher?.dispose();
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(this.root), glob));
    const exact = (uri: vscode.Uri): void => this.onChange(uri, true);
    watcher.onDidChange(exact);
    watcher.onDidCreate(exact);
    watcher.onDidDelete(exact);
    this.watcher = watcher;
  }

  /** A removed folder matters when it held one of the paths the stages name (or before any check). */
  private holdsWatched(uri: vscode.Uri): boolean {
    const rel = relative(this.root, uri.fsPath).split(sep).join('/');
    if (rel.startsWith('..')) return false;
    return this.paths.length === 0 || this.paths.some((p) => p.startsWith(`${rel}/`));
  }

  dispose(): void {
    this.folders.dispose();
    this.watcher?.dispose();
    this.watcher = undefined;
  }
}
