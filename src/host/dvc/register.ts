import * as vscode from 'vscode';
import { RunsAtCommit } from '../../core/lineage/runsAtCommit.js';
import type { Logger } from '../../core/log.js';
import { registerDataCommands } from '../commands/dataCommands.js';
import { registerPipelineCommands } from '../commands/pipelineCommands.js';
import { Views } from '../constants.js';
import type { VirtualDocuments } from '../documents/virtualDocuments.js';
import type { TaskRunner } from '../tasks/runner.js';
import type { TrackingService } from '../tracking.js';
import { DataTreeProvider } from '../trees/data/tree.js';
import { PipelineTreeProvider } from '../trees/pipeline/tree.js';
import { StageCodeLensProvider } from './codeLens.js';
import { DvcDecorationProvider } from './decorations.js';
import type { Projects } from './projects.js';

export interface DvcHostContext {
  readonly log: Logger;
  readonly tracking: TrackingService;
  readonly documents: VirtualDocuments;
  readonly dvc: Projects;
  readonly runner: TaskRunner;
}

/**
 * Everything DVC in the host: the Pipeline and Data views, CodeLens in dvc.yaml, Explorer badges
 * and the commands. One call from `activate`.
 */
export function registerDvc(context: DvcHostContext): vscode.Disposable {
  const { log, tracking, documents, dvc, runner } = context;
  const pipelineTree = new PipelineTreeProvider(dvc, log);
  const pipelineView = vscode.window.createTreeView(Views.pipeline, { treeDataProvider: pipelineTree, showCollapseAll: true });
  const runs = new RunsAtCommit();
  const dataTree = new DataTreeProvider(dvc, tracking, runs, log);
  const dataView = vscode.window.createTreeView(Views.data, { treeDataProvider: dataTree, showCollapseAll: true, canSelectMany: true });
  const codeLens = new StageCodeLensProvider(dvc);
  const decorations = new DvcDecorationProvider(dvc);
  const describe = (): void => describeViews(dvc, pipelineView, dataView);
  return vscode.Disposable.from(
    pipelineTree,
    pipelineView,
    dataTree,
    dataView,
    codeLens,
    decorations,
    tracking.onDidChangeData(() => runs.forget()),
    tracking.onDidChangeStores(() => runs.forget()),
    dvc.onDidChange(describe),
    dvc.onDidProgress(describe),
    vscode.languages.registerCodeLensProvider({ pattern: '**/dvc.yaml' }, codeLens),
    vscode.window.registerFileDecorationProvider(decorations),
    registerPipelineCommands({ log, dvc, documents, tree: pipelineTree }),
    registerDataCommands({ log, dvc, runner, documents, tree: dataTree }),
  );
}

/** The views' headers say the gist: how many stages would run, or what DVC is doing. */
function describeViews(dvc: Projects, pipelineView: vscode.TreeView<unknown>, dataView: vscode.TreeView<unknown>): void {
  const busy = dvc.projects.find((p) => p.busy);
  const hashing = dvc.projects.find((p) => p.progress);
  const ready = dvc.projects.flatMap((p) => (p.inspection ? [p.inspection] : []));
  const stale = ready.flatMap((i) => i.status.stages).filter((s) => s.state !== 'up-to-date').length;
  const total = ready.flatMap((i) => i.stages).length;
  pipelineView.description = busy ? 'waiting for DVC…' : ready.length === 0 ? undefined : total === 0 ? undefined : stale === 0 ? 'up to date' : `${stale} of ${total} would run`;
  const progress = hashing?.progress;
  pipelineView.message = progress ? `Hashing ${progress.filesDone.toLocaleString()} of ${progress.filesTotal.toLocaleString()} files…` : busy ? `DVC is at work (${busy.busy!.holders.join(', ')}): the status is checked again when it ends.` : undefined;
  const attention = ready.flatMap((i) => i.data).filter((d) => d.state !== 'in sync').length;
  dataView.description = ready.length === 0 ? undefined : attention === 0 ? undefined : `${attention} not in sync`;
}
