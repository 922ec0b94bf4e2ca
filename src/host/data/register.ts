import * as vscode from 'vscode';
import { RunsAtCommit } from '../../core/lineage/runsAtCommit.js';
import { Views } from '../constants.js';
import type { DisposableLike } from '../dispose.js';
import type { Projects } from '../dvc/projects.js';
import type { Services } from '../services.js';
import { dataCommands } from './dataCommands.js';
import { DvcDecorationProvider } from './decorations.js';
import { RemoteDecorationProvider } from './remoteDecorations.js';
import { RemoteStatusTracker } from './remoteStatus.js';
import { revealCommands } from './reveal.js';
import { transferCommands } from './transferCommands.js';
import { DataTreeProvider } from './tree.js';

/** The Data view (tracked paths, their versions and the runs at each), Explorer badges, and the data commands. */
export function registerData(context: vscode.ExtensionContext, services: Services): DisposableLike {
  const { dvc, tracking, log } = services;
  const lineage = new RunsAtCommit();
  const remote = new RemoteStatusTracker(dvc, log);
  const tree = new DataTreeProvider(dvc, tracking, lineage, log, services.lineage, remote);
  const view = vscode.window.createTreeView(Views.data, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  const decorations = new DvcDecorationProvider(dvc);
  const remoteDecorations = new RemoteDecorationProvider(dvc, remote);
  const describe = (): void => describeView(dvc, view);
  return vscode.Disposable.from(
    remote,
    tree,
    view,
    decorations,
    tracking.onDidChangeData(() => lineage.forget()),
    tracking.onDidChangeStores(() => lineage.forget()),
    dvc.onDidChange(describe),
    dvc.onDidProgress(describe),
    vscode.window.registerFileDecorationProvider(decorations),
    remoteDecorations,
    vscode.window.registerFileDecorationProvider(remoteDecorations),
    services.commands.register(dataCommands, { services, tree, extensionUri: context.extensionUri, selection: () => view.selection }),
    services.commands.register(revealCommands, { services, view }),
    services.commands.register(transferCommands, { services, tree, remote, extensionUri: context.extensionUri, selection: () => view.selection }),
  );
}

/** The view's header: how many tracked paths are not in sync. */
function describeView(dvc: Projects, view: vscode.TreeView<unknown>): void {
  const ready = dvc.projects.flatMap((p) => (p.inspection ? [p.inspection] : []));
  const attention = ready.flatMap((i) => i.data).filter((d) => d.state !== 'in sync').length;
  view.description = ready.length === 0 ? undefined : attention === 0 ? undefined : `${attention} not in sync`;
}
