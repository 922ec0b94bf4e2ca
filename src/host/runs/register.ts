import * as vscode from 'vscode';
import { describeRunQuery } from '../../core/tracking/runsViewQuery.js';
import { storeOf } from '../../core/tracking/storeState.js';
import { affectsConfig, readConfig } from '../config.js';
import { ContextKeys, Settings, Views } from '../constants.js';
import type { DisposableLike } from '../dispose.js';
import type { RunRowOf, Services } from '../services.js';
import { artifactDownloadCommands } from './artifactDownloadCommand.js';
import { ARTIFACT_SCHEME, ArtifactFileSystem } from './artifactFiles.js';
import type { RunsFeature } from './feature.js';
import { METRIC_SCHEME, MetricHistoryDocuments } from './metricCsv.js';
import { runActions } from './runActions.js';
import { runCommands } from './runCommands.js';
import { ServerRunPoller } from './serverPoller.js';
import { TrackingStatusBar } from './statusBar.js';
import { storeCommands } from './storeCommands.js';
import { RunsTreeProvider } from './tree.js';
import type { RunsElement } from './treeNodes.js';

/**
 * The Runs view over the runs model, the tracking store's status bar item, a run's artifacts and
 * metric histories as read-only documents, the Run panel, and the commands on runs and stores.
 */
export function registerRuns(context: vscode.ExtensionContext, services: Services): DisposableLike {
  const { runs, tracking, log } = services;
  const tree = new RunsTreeProvider(runs, { keyMetric: () => readConfig().keyMetric }, log);
  const view = vscode.window.createTreeView(Views.runs, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  const feature: RunsFeature = { services, extensionUri: context.extensionUri, globalState: context.globalState };

  // The active query when there is one, else the store read (one folder) so the view says where runs come from.
  const describeView = (): void => {
    const [only] = tracking.folders;
    view.description = describeRunQuery(runs.query) ?? (tracking.folders.length === 1 ? storeOf(only)?.label : undefined);
  };
  const syncContext = (): void => {
    const { query } = runs;
    void vscode.commands.executeCommand('setContext', ContextKeys.runsFiltered, !!query.filter);
    void vscode.commands.executeCommand('setContext', ContextKeys.runsStatus, query.status ?? 'all');
    void vscode.commands.executeCommand('setContext', ContextKeys.runsShowDeleted, !!query.showDeleted);
  };
  describeView();
  syncContext();

  const reveal = async (trackingKey: string, runId: string, options: { readonly focus: boolean }): Promise<boolean> => {
    const row = await runs.locateRun(trackingKey, runId);
    if (row) await view.reveal(row, { select: true, focus: options.focus, expand: false });
    return row !== undefined;
  };
  const selected = (selection: readonly RunsElement[]): RunRowOf[] => selection.filter((e): e is RunRowOf => e.kind === 'run');

  return vscode.Disposable.from(
    view,
    runs.onDidChangeQuery(() => (describeView(), syncContext())),
    tracking.onDidChangeStores(describeView),
    vscode.workspace.onDidChangeConfiguration((e) => (affectsConfig(e, Settings.keyMetric) || affectsConfig(e, Settings.pageSize)) && runs.refresh()),
    services.runsView.attach({
      reveal,
      get selection() {
        return selected(view.selection);
      },
      onDidChangeSelection: (listener, thisArgs, disposables) => view.onDidChangeSelection((e) => listener.call(thisArgs, selected(e.selection)), undefined, disposables),
    }),
    new ServerRunPoller(runs, view, () => readConfig().pollIntervalSeconds, log),
    new TrackingStatusBar(tracking),
    vscode.workspace.registerFileSystemProvider(ARTIFACT_SCHEME, new ArtifactFileSystem(tracking), { isReadonly: true, isCaseSensitive: true }),
    vscode.workspace.registerTextDocumentContentProvider(METRIC_SCHEME, new MetricHistoryDocuments(tracking)),
    services.commands.register(runCommands, feature),
    services.commands.register(runActions, feature),
    services.commands.register(storeCommands, feature),
    services.commands.register(artifactDownloadCommands, feature),
  );
}
