import { join } from 'node:path';
import * as vscode from 'vscode';
import { remoteBadge, type RemoteBadgeTone } from '../../core/dvc/remote/badges.js';
import { Disposable } from '../dispose.js';
import type { Projects } from '../dvc/projects.js';
import type { RemoteStatusTracker } from './remoteStatus.js';

/**
 * Only a path nobody can pull is coloured: a decoration's colour also paints the label, and the
 * yellow of "not pushed" read as git's or DVC's "modified" in the screenshots.
 */
const COLORS: Record<RemoteBadgeTone, string | undefined> = {
  ok: undefined,
  warning: undefined,
  error: 'list.errorForeground',
  muted: undefined,
};

/**
 * The remote status as a badge at the right edge of a tracked path's row (the Data view, the
 * Explorer): ✓ in sync, ↑ not pushed, ↓ not in cache, ✗ missing — visible when the row's
 * description is cut off by a narrow side bar. It follows the status the Data view read; it never
 * starts a read.
 */
export class RemoteDecorationProvider extends Disposable implements vscode.FileDecorationProvider {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<vscode.Uri[] | undefined>());
  readonly onDidChangeFileDecorations = this.changeEmitter.event;
  private badges = new Map<string, vscode.FileDecoration>();

  constructor(
    private readonly dvc: Projects,
    private readonly remote: RemoteStatusTracker,
  ) {
    super();
    this.register(remote.onDidChange(() => this.update()));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    return uri.scheme === 'file' ? this.badges.get(uri.fsPath) : undefined;
  }

  private update(): void {
    const next = new Map<string, vscode.FileDecoration>();
    for (const project of this.dvc.projects) {
      const lookup = this.remote.current(project);
      if (lookup?.kind !== 'ready') continue;
      for (const output of lookup.status.outputs) {
        const badge = remoteBadge(lookup, output.repoPath);
        if (!badge?.letter) continue;
        const color = COLORS[badge.tone];
        const decoration = new vscode.FileDecoration(badge.letter, `DVC ${badge.word}`, color ? new vscode.ThemeColor(color) : undefined);
        next.set(join(project.root, output.repoPath), decoration);
      }
    }
    const changed = [...new Set([...next.keys(), ...this.badges.keys()])].filter((path) => next.get(path)?.badge !== this.badges.get(path)?.badge || next.get(path)?.tooltip !== this.badges.get(path)?.tooltip);
    this.badges = next;
    if (changed.length > 0) this.changeEmitter.fire(changed.map((path) => vscode.Uri.file(path)));
  }
}
