import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { registerDataCommands } from '../commands/dataCommands.js';
import { registerPipelineCommands } from '../commands/pipelineCommands.js';
import { Views } from '../constants.js';
import type { VirtualDocuments } from '../documents/virtualDocuments.js';
import type { PythonService } from '../python.js';
import type { TrackingService } from '../tracking.js';
import { DataTreeProvider } from '../trees/data/tree.js';
import { PipelineTreeProvider } from '../trees/pipeline/tree.js';
import { StageCodeLensProvider } from './codeLens.js';
import { DvcDecorationProvider } from './decorations.js';
import { RunsAtCommit } from './runsAtCommit.js';
import { DvcWorkspace } from './workspace.js';

export interface DvcHostContext {
  readonly extension: vscode.ExtensionContext;
  readonly log: Logger;
  readonly tracking: TrackingService;
  readonly python: PythonService;
  readonly documents: VirtualDocuments;
  /** Fires when a DVC command started from the editor ends. */
  readonly dvcTaskEnded: vscode.Event<unknown>;
}

/**
 * Everything DVC in the host: the roots and their checks, the Pipeline and Data views, CodeLens in
 * dvc.yaml, Explorer badges, Problems entries and the commands. One call from `activate`.
 */
export function registerDvc(context: DvcHostContext): vscode.Disposable {
  const { extension, log, tracking, python, documents, dvcTaskEnded } = context;
  const dvc = new DvcWorkspace({ storage: extension.storageUri ?? extension.globalStorageUri, workerPath: join(extension.extensionUri.fsPath, 'dist', 'dvcHashWorker.js'), log });
  const pipelineTree = new PipelineTreeProvider(dvc, log);
  const pipelineView = vscode.window.createTreeView(Views.pipeline, { treeDataProvider: pipelineTree, showCollapseAll: true });
  const runs = new RunsAtCommit(tracking);
  const dataTree = new DataTreeProvider(dvc, runs, log);
  const dataView = vscode.window.createTreeView(Views.data, { treeDataProvider: dataTree, showCollapseAll: true, canSelectMany: true });
  const codeLens = new StageCodeLensProvider(dvc);
  const decorations = new DvcDecorationProvider(dvc);
  const describe = (): void => describeViews(dvc, pipelineView, dataView);
  return vscode.Disposable.from(
    dvc,
    pipelineTree,
    pipelineView,
    runs,
    dataTree,
    dataView,
    codeLens,
    decorations,
    dvc.onDidChange(describe),
    dvc.onDidProgress(describe),
    vscode.languages.registerCodeLensProvider({ pattern: '**/dvc.yaml' }, codeLens),
    vscode.window.registerFileDecorationProvider(decorations),
    registerPipelineCommands({ log, dvc, python, documents, tree: pipelineTree }),
    registerDataCommands({ log, dvc, python, documents, tree: dataTree }),
    // A stage run as a task: re-check at once (the watchers would too, a moment later).
    dvcTaskEnded(() => void dvc.refreshAll()),
  );
}

/** The views' headers say the gist: how many stages would run, or what DVC is doing. */
function describeViews(dvc: DvcWorkspace, pipelineView: vscode.TreeView<unknown>, dataView: vscode.TreeView<unknown>): void {
  const busy = dvc.roots.find((s) => s.busy);
  const hashing = dvc.roots.find((s) => s.progress);
  const ready = dvc.roots.flatMap((s) => (s.state.kind === 'ready' ? [s.state.inspection] : []));
  const stale = ready.flatMap((i) => i.status.stages).filter((s) => s.state !== 'up-to-date').length;
  const total = ready.flatMap((i) => i.stages).length;
  pipelineView.description = busy ? 'waiting for DVC…' : ready.length === 0 ? undefined : total === 0 ? undefined : stale === 0 ? 'up to date' : `${stale} of ${total} would run`;
  const progress = hashing?.progress;
  pipelineView.message = progress ? `Hashing ${progress.filesDone.toLocaleString()} of ${progress.filesTotal.toLocaleString()} files…` : busy ? `DVC is at work (${busy.busy!.holders.join(', ')}): the status is checked again when it ends.` : undefined;
  const attention = ready.flatMap((i) => i.data).filter((d) => d.state !== 'in sync').length;
  dataView.description = ready.length === 0 ? undefined : attention === 0 ? undefined : `${attention} not in sync`;
}
