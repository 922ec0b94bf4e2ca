import { stat } from 'node:fs/promises';
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
  private readonly folders: vscode.FileSystemWatcher;

  constructor(
    private readonly root: string,
    private readonly onChange: (uri: vscode.Uri) => void,
  ) {
    this.update(undefined);
    // A folder removed or moved in is reported as the folder alone, not as the files in it (which
    // may be a dvc.yaml, a dep or an out): every delete, and every folder created, re-checks.
    this.folders = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**'), false, true, false);
    this.folders.onDidDelete(this.onChange);
    this.folders.onDidCreate((uri) => void stat(uri.fsPath).then((s) => s.isDirectory() && this.onChange(uri), () => undefined));
  }

  /** Follows the stages: a new dep or out is watched from the next check on. */
  update(inspection: Inspection | undefined): void {
    const glob = watchGlob(inspection ? watchedPaths(inspection.stages) : []);
    if (glob === this.glob) return;
    this.glob = glob;
    this.watcher?.dispose();
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(this.root), glob));
    watcher.onDidChange(this.onChange);
    watcher.onDidCreate(this.onChange);
    watcher.onDidDelete(this.onChange);
    this.watcher = watcher;
  }

  dispose(): void {
    this.folders.dispose();
    this.watcher?.dispose();
    this.watcher = undefined;
  }
}
