import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DataState } from '../../core/dvc/entities.js';
import { Disposable } from '../dispose.js';
import type { Projects } from '../dvc/projects.js';

const LOOKS: Partial<Record<DataState, { badge: string; color: string; tooltip: string }>> = {
  modified: { badge: 'M', color: 'gitDecoration.modifiedResourceForeground', tooltip: 'DVC: modified (differs from its .dvc / dvc.lock record)' },
  deleted: { badge: 'D', color: 'gitDecoration.deletedResourceForeground', tooltip: 'DVC: deleted (recorded but missing)' },
  'not in cache': { badge: '!', color: 'list.warningForeground', tooltip: 'DVC: not in cache (dvc fetch / dvc pull)' },
};

/**
 * Explorer badges on DVC-tracked paths that need attention: modified, deleted, not in cache.
 * Paths in sync stay plain. Decorations follow the checks; they never start one.
 */
export class DvcDecorationProvider extends Disposable implements vscode.FileDecorationProvider {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<vscode.Uri[] | undefined>());
  readonly onDidChangeFileDecorations = this.changeEmitter.event;
  private states = new Map<string, DataState>();

  constructor(private readonly dvc: Projects) {
    super();
    this.register(dvc.onDidChange(() => this.update()));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'file') return undefined;
    const state = this.states.get(uri.fsPath);
    const look = state ? LOOKS[state] : undefined;
    return look ? new vscode.FileDecoration(look.badge, look.tooltip, new vscode.ThemeColor(look.color)) : undefined;
  }

  private update(): void {
    const next = new Map<string, DataState>();
    for (const project of this.dvc.projects) {
      for (const data of project.inspection?.data ?? []) next.set(join(project.root, data.repoPath), data.state);
    }
    const changed = [...new Set([...next.keys(), ...this.states.keys()])].filter((path) => next.get(path) !== this.states.get(path));
    this.states = next;
    if (changed.length > 0) this.changeEmitter.fire(changed.map((path) => vscode.Uri.file(path)));
  }
}
