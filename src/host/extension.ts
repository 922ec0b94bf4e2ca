import { join } from 'node:path';
import * as vscode from 'vscode';
import { registerChartCommands } from './commands/chartCommands.js';
import { registerCommand } from './commands/register.js';
import { registerModelCommands } from './commands/modelCommands.js';
import { registerRunActions } from './commands/runActions.js';
import { registerRunCommands } from './commands/runCommands.js';
import { registerStoreCommands } from './commands/storeCommands.js';
import { affectsConfig, readConfig } from './config.js';
import { Commands, Settings, Views } from './constants.js';
import { VIRTUAL_SCHEME, VirtualDocuments } from './documents/virtualDocuments.js';
import { METRIC_SCHEME, MetricHistoryDocuments } from './documents/metricHistory.js';
import { ARTIFACT_SCHEME, ArtifactFileSystem } from './fs/artifactFileSystem.js';
import { registerDvc } from './dvc/register.js';
import { DvcWorkspace } from './dvc/workspace.js';
import { createLogger } from './log.js';
import { TrackingStatusBar } from './statusBar.js';
import { PythonService } from './python.js';
import { TrackingService } from './tracking.js';
import { ModelsTreeProvider } from './trees/models/tree.js';
import { WriteService } from './writes.js';
import { ServerRunPoller } from './trees/runs/live.js';
import { RunsQueryState } from './trees/runs/query.js';
import { RunsTreeProvider } from './trees/runs/tree.js';
import { registerTasks } from './tasks/index.js';
import { describeRunQuery } from '../core/tracking/runQuery.js';

/** The composition root: builds each piece once and hands every owner to VS Code. */
export function activate(context: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel('ML Workbench', { log: true });
  const log = createLogger(channel);
  const tracking = new TrackingService(log, context.secrets);
  const query = new RunsQueryState(context.workspaceState);
  const runsTree = new RunsTreeProvider(tracking, query, { pageSize: () => readConfig().pageSize, keyMetric: () => readConfig().keyMetric }, log);
  const runsView = vscode.window.createTreeView(Views.runs, { treeDataProvider: runsTree, showCollapseAll: true, canSelectMany: true });
  // The active query when there is one, else the store read (one folder) so the view says where runs come from.
  const documents = new VirtualDocuments();
  const python = new PythonService(log);
  const writes = new WriteService(python, log);
  const modelsTree = new ModelsTreeProvider(tracking, log);
  const modelsView = vscode.window.createTreeView(Views.models, { treeDataProvider: modelsTree, showCollapseAll: true });
  const describeView = (): void => {
    const [only] = tracking.folders;
    const store = tracking.folders.length === 1 && only?.state.kind === 'ready' ? only.state.store.label : undefined;
    runsView.description = describeRunQuery(query.current) ?? store;
  };
  describeView();
  context.subscriptions.push(
    channel,
    tracking,
    query,
    runsTree,
    runsView,
    query.onDidChange(describeView),
    tracking.onDidChangeStores(describeView),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsConfig(e, Settings.keyMetric) || affectsConfig(e, Settings.pageSize)) runsTree.refresh();
    }),
    new ServerRunPoller(runsTree, runsView, () => readConfig().pollIntervalSeconds, log),
    new TrackingStatusBar(tracking),
    vscode.workspace.registerFileSystemProvider(ARTIFACT_SCHEME, new ArtifactFileSystem(tracking), { isReadonly: true, isCaseSensitive: true }),
    vscode.workspace.registerTextDocumentContentProvider(METRIC_SCHEME, new MetricHistoryDocuments(tracking)),
    vscode.workspace.registerTextDocumentContentProvider(VIRTUAL_SCHEME, documents),
    registerRunCommands({ extensionUri: context.extensionUri, log, tracking, runsTree, query }),
    registerChartCommands({ extensionUri: context.extensionUri, log, tracking, runsTree, runsView, liveIntervalSeconds: () => readConfig().chartLiveSeconds }),
    registerStoreCommands({ log, tracking, globalState: context.globalState }),
    python,
    modelsTree,
    modelsView,
    registerRunActions({ log, runsTree, writes, documents }),
    registerModelCommands({ log, modelsTree, runsTree, runsView, writes }),
    registerCommand(log, Commands.showLog, () => channel.show()),
  );
  // The workspace's DVC projects: the Pipeline and Data views and the tasks read them.
  const dvc = new DvcWorkspace({ storage: context.storageUri ?? context.globalStorageUri, workerPath: join(context.extensionUri.fsPath, 'dist', 'dvcHashWorker.js'), log });
  const tasks = registerTasks({ context, log, tracking, python, runsTree, documents, dvc: dvc.projects });
  context.subscriptions.push(dvc, tasks, registerDvc({ log, tracking, documents, dvc: dvc.projects, runner: tasks.runner }));
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
