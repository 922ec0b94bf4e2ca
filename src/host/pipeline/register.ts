import * as vscode from 'vscode';
import { storeOf } from '../../core/tracking/storeState.js';
import { Views } from '../constants.js';
import type { DisposableLike } from '../dispose.js';
import type { Projects } from '../dvc/projects.js';
import type { Services } from '../services.js';
import { StageCodeLensProvider } from './codeLens.js';
import { pipelineCommands } from './pipelineCommands.js';
import { PipelineTreeProvider } from './tree.js';

/** The Pipeline view (stages in DAG order, with why each would run), CodeLens in dvc.yaml, and the pipeline commands. */
export function registerPipeline(context: vscode.ExtensionContext, services: Services): DisposableLike {
  const { dvc, log } = services;
  // Batch prediction stages are checked against the Model Registry of their folder's store.
  const registryFor = (path: string): ReturnType<typeof storeOf> => {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path));
    return folder && storeOf(services.tracking.forFolder(folder));
  };
  const tree = new PipelineTreeProvider(dvc, log, registryFor);
  const view = vscode.window.createTreeView(Views.pipeline, { treeDataProvider: tree, showCollapseAll: true });
  const codeLens = new StageCodeLensProvider(dvc);
  const describe = (): void => describeView(dvc, view);
  return vscode.Disposable.from(
    tree,
    view,
    codeLens,
    dvc.onDidChange(describe),
    // An alias that moves changes what a batch prediction stage says.
    services.tracking.onDidChangeData(() => tree.refresh()),
    dvc.onDidProgress(describe),
    vscode.languages.registerCodeLensProvider({ pattern: '**/dvc.yaml' }, codeLens),
    services.commands.register(pipelineCommands, { services, tree, extensionUri: context.extensionUri }),
  );
}

/** The view's header says the gist: how many stages would run, or what DVC is doing. */
function describeView(dvc: Projects, view: vscode.TreeView<unknown>): void {
  const busy = dvc.projects.find((p) => p.busy);
  const hashing = dvc.projects.find((p) => p.progress);
  const ready = dvc.projects.flatMap((p) => (p.inspection ? [p.inspection] : []));
  const stale = ready.flatMap((i) => i.status.stages).filter((s) => s.state !== 'up-to-date').length;
  const total = ready.flatMap((i) => i.stages).length;
  view.description = busy ? 'waiting for DVC…' : ready.length === 0 ? undefined : total === 0 ? undefined : stale === 0 ? 'up to date' : `${stale} of ${total} would run`;
  const progress = hashing?.progress;
  view.message = progress ? `Hashing ${progress.filesDone.toLocaleString()} of ${progress.filesTotal.toLocaleString()} files…` : busy ? `DVC is at work (${busy.busy!.holders.join(', ')}): the status is checked again when it ends.` : undefined;
}
