import * as vscode from 'vscode';
import type { DisposableLike } from '../dispose.js';
import type { Services } from '../services.js';
import { lineageCommands } from './lineageCommands.js';
import { LineagePanel } from './panels.js';

/**
 * The Lineage panel, Promote… and its Go/No-Go report. The lineage answers the views' badges share
 * (services.lineage) are forgotten when the tracked data, git's HEAD or a store changes.
 */
export function registerLineage(context: vscode.ExtensionContext, services: Services): DisposableLike {
  const { dvc, tracking, lineage } = services;
  const signatures = new Map<string, string>();
  const onProject = (project: (typeof dvc.projects)[number] | undefined): void => {
    if (!project) return lineage.invalidate();
    const state = project.state;
    if (state.kind !== 'ready') return;
    const signature = JSON.stringify(state.inspection.data.map((d) => [d.repoPath, d.hash]));
    const before = signatures.get(project.root);
    signatures.set(project.root, signature);
    if (before !== undefined && before !== signature) lineage.invalidate();
  };
  // HEAD moving (a commit, a checkout) changes what "current" means.
  const heads = vscode.workspace.createFileSystemWatcher('**/.git/{HEAD,refs/heads/**}');
  return vscode.Disposable.from(
    heads,
    heads.onDidChange(() => lineage.invalidate()),
    heads.onDidCreate(() => lineage.invalidate()),
    dvc.onDidChange(onProject),
    tracking.onDidChangeData(() => lineage.invalidate()),
    tracking.onDidChangeStores(() => lineage.invalidate()),
    lineage.onDidChange(debounce(500, () => LineagePanel.refreshCurrent())),
    services.commands.register(lineageCommands, { services, extensionUri: context.extensionUri }),
  );
}

function debounce(ms: number, run: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
}
