import * as vscode from 'vscode';
import { formatDuration, formatRelativeTime } from '../../core/format.js';
import type { Logger } from '../../core/log.js';
import { compareRunsMarkdown } from '../../core/tracking/compare.js';
import type { Experiment, Run } from '../../core/tracking/model.js';
import { sortKeysOf, validateRunFilter } from '../../core/tracking/runQuery.js';
import { runDisplayName, runSummary } from '../../core/tracking/runTree.js';
import { CONFIG_SECTION, Commands, ContextKeys, Settings } from '../constants.js';
import type { VirtualDocuments } from '../documents/virtualDocuments.js';
import { metricHistoryUri } from '../documents/metricHistory.js';
import { RunPanel } from '../panels/runPanel.js';
import type { FolderTracking, Store, TrackingService } from '../tracking.js';
import type { ExperimentElement, RunElement, RunsElement } from '../trees/runs/elements.js';
import type { RunsQueryState } from '../trees/runs/query.js';
import type { RunsTreeProvider } from '../trees/runs/tree.js';
import { registerCommand } from './register.js';

interface RunPick extends vscode.QuickPickItem {
  readonly tracking: FolderTracking;
  readonly run: Run;
  readonly experiment?: Experiment;
}

export interface RunCommandsContext {
  readonly extensionUri: vscode.Uri;
  readonly log: Logger;
  readonly tracking: TrackingService;
  readonly runsTree: RunsTreeProvider;
  readonly runsView: vscode.TreeView<RunsElement>;
  readonly query: RunsQueryState;
  readonly documents: VirtualDocuments;
}

export function registerRunCommands(context: RunCommandsContext): vscode.Disposable {
  const { extensionUri, log, tracking, runsTree, runsView, query, documents } = context;

  const readyStores = (): (FolderTracking & { state: { kind: 'ready'; store: Store } })[] =>
    tracking.folders.filter((f): f is FolderTracking & { state: { kind: 'ready'; store: Store } } => f.state.kind === 'ready');

  const pickRuns = async (): Promise<RunPick[]> => {
    const stores = readyStores();
    if (stores.length === 0) throw new Error('No MLflow tracking store is open in this workspace. Use "ML Workbench: Select Tracking Store…".');
    const now = Date.now();
    const picks = await Promise.all(
      stores.map(async (folder) => {
        const experiments = (await folder.state.store.searchExperiments()).items;
        const byId = new Map(experiments.map((e) => [e.experiment_id, e]));
        const runs = (await folder.state.store.searchRuns({ experimentIds: experiments.map((e) => e.experiment_id) })).items;
        return runs.map((run): RunPick => {
          const experiment = byId.get(run.info.experiment_id);
          return {
            tracking: folder,
            run,
            experiment,
            label: runDisplayName(run),
            description: `${experiment?.name ?? run.info.experiment_id} · ${run.info.status.toLowerCase()}${stores.length > 1 ? ` · ${folder.folder.name}` : ''}`,
            detail: run.info.start_time ? `${run.info.run_id} · ${formatRelativeTime(run.info.start_time, now)}` : run.info.run_id,
          };
        });
      }),
    );
    return picks.flat();
  };

  const openRunPanel = async (folder: FolderTracking, run: Run): Promise<void> => {
    if (folder.state.kind !== 'ready') return;
    const experiment = (await folder.state.store.searchExperiments({ viewType: 'ALL' })).items.find((e) => e.experiment_id === run.info.experiment_id);
    const name = experiment?.name ?? run.info.experiment_id;
    RunPanel.show(extensionUri, {
      run,
      experimentName: name,
      storeLabel: folder.state.store.label,
      summary: runSummary(run, name, Date.now(), { duration: formatDuration, date: (ms) => new Date(ms).toLocaleString() }),
    });
  };

  const showRun = async (target?: string | RunsElement, runId?: string): Promise<void> => {
    if (typeof target === 'object' && target.kind === 'run') return openRunPanel(target.experiment.tracking, target.run);
    if (typeof target === 'string' && runId) {
      const folder = tracking.forKey(target);
      if (folder?.state.kind !== 'ready') throw new Error('The tracking store of this run is no longer open.');
      return openRunPanel(folder, await folder.state.store.getRun(runId));
    }
    const pick = await vscode.window.showQuickPick(pickRuns(), { title: 'Show Run', placeHolder: 'Type to filter runs by name, experiment or id', matchOnDescription: true, matchOnDetail: true });
    if (pick) await openRunPanel(pick.tracking, pick.run);
  };

  const filterRuns = async (): Promise<void> => {
    const current = query.current.filter ?? '';
    const history = query.history;
    let initial = current;
    if (history.length > 0) {
      const picked = await vscode.window.showQuickPick(
        [{ label: '$(edit) Type a new filter…', value: current }, ...history.map((f) => ({ label: f, description: f === current ? 'active' : 'recent', value: f }))],
        { title: 'Filter Runs', placeHolder: 'A recent filter, or type a new one' },
      );
      if (!picked) return;
      initial = picked.value;
      if (picked.label === picked.value) return query.update({ filter: picked.value });
    }
    const filter = await vscode.window.showInputBox({
      title: 'Filter Runs (MLflow search syntax)',
      value: initial,
      placeHolder: "metrics.accuracy > 0.9 AND params.solver = 'lbfgs' AND tags.`team/owner` LIKE 'ml%'",
      prompt: 'Comparisons of metrics., params., tags., attributes. and dataset. joined with AND, as in mlflow.search_runs.',
      validateInput: (value) => validateRunFilter(value),
    });
    if (filter === undefined) return;
    await query.update({ filter: filter.trim() || undefined });
  };

  const sortRuns = async (): Promise<void> => {
    const loaded = runsTree.loadedRuns();
    const keys = sortKeysOf(loaded);
    const items = [
      { label: '$(history) Newest first', description: 'MLflow\'s default order', value: undefined as string | undefined },
      ...keys.flatMap((key) => [
        { label: `$(arrow-down) ${key}`, description: 'descending', value: `${key} DESC` },
        { label: `$(arrow-up) ${key}`, description: 'ascending', value: `${key} ASC` },
      ]),
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'Sort Runs', placeHolder: 'Sort by an attribute, a metric or a parameter', matchOnDescription: true });
    if (pick) await query.update({ orderBy: pick.value });
  };

  const chooseKeyMetric = async (): Promise<void> => {
    const keys = [...new Set(runsTree.loadedRuns().flatMap((r) => (r.data.metrics ?? []).map((m) => m.key)))].sort();
    const pick = await vscode.window.showQuickPick([{ label: '$(close) None', value: '' }, ...keys.map((k) => ({ label: k, value: k }))], { title: 'Key Metric', placeHolder: 'The metric shown next to each run' });
    if (pick) await vscode.workspace.getConfiguration(CONFIG_SECTION).update(Settings.keyMetric, pick.value || undefined, vscode.ConfigurationTarget.Workspace);
  };

  const selectedRuns = (element?: RunsElement, selection?: readonly RunsElement[]): RunElement[] => {
    const chosen = selection && selection.length > 0 ? selection : element ? [element] : runsView.selection;
    return chosen.filter((e): e is RunElement => e.kind === 'run');
  };

  const compareRuns = async (element?: RunsElement, selection?: readonly RunsElement[]): Promise<void> => {
    const runs = selectedRuns(element, selection);
    if (runs.length < 2) {
      void vscode.window.showInformationMessage('Select two or more runs in the Runs view (Ctrl/Cmd+click), then Compare Runs.');
      return;
    }
    const uri = documents.add(compareRunsMarkdown(runs.map((r) => r.run), Date.now()), `Compare ${runs.length} runs.md`);
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  };

  const openMetrics = async (element?: RunsElement, selection?: readonly RunsElement[]): Promise<void> => {
    const runs = selectedRuns(element, selection);
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('Select one or more runs in the Runs view, then Open Metrics.');
      return;
    }
    const keys = [...new Set(runs.flatMap((r) => (r.run.data.metrics ?? []).map((m) => m.key)))].sort();
    const key = keys.length === 1 ? keys[0] : await vscode.window.showQuickPick(keys, { title: 'Open Metrics', placeHolder: 'The metric whose history to open' });
    if (!key) return;
    for (const row of runs) {
      if (!row.run.data.metrics?.some((m) => m.key === key)) continue;
      await vscode.window.showTextDocument(metricHistoryUri(row.experiment.tracking.key, row.run.info.run_id, key), { preview: false, viewColumn: vscode.ViewColumn.Beside });
    }
  };

  const syncContext = (): void => {
    const current = query.current;
    void vscode.commands.executeCommand('setContext', ContextKeys.runsFiltered, !!current.filter);
    void vscode.commands.executeCommand('setContext', ContextKeys.runsStatus, current.status ?? 'all');
    void vscode.commands.executeCommand('setContext', ContextKeys.runsShowDeleted, !!current.showDeleted);
  };
  syncContext();

  return vscode.Disposable.from(
    query.onDidChange(syncContext),
    registerCommand(log, Commands.refreshRuns, () => {
      tracking.reload();
    }),
    registerCommand(log, Commands.showRun, showRun),
    registerCommand(log, Commands.filterRuns, filterRuns),
    registerCommand(log, Commands.clearRunFilter, () => query.update({ filter: undefined })),
    registerCommand(log, Commands.showOnlyRunningRuns, () => query.update({ status: 'RUNNING' })),
    registerCommand(log, Commands.showOnlyFailedRuns, () => query.update({ status: 'FAILED' })),
    registerCommand(log, Commands.showAllRunStatuses, () => query.update({ status: undefined })),
    registerCommand(log, Commands.showDeletedRuns, () => query.update({ showDeleted: true })),
    registerCommand(log, Commands.hideDeletedRuns, () => query.update({ showDeleted: false })),
    registerCommand(log, Commands.sortRuns, sortRuns),
    registerCommand(log, Commands.chooseKeyMetric, chooseKeyMetric),
    registerCommand(log, Commands.loadMoreRuns, (element?: RunsElement) => {
      const experiment: ExperimentElement | undefined = element?.kind === 'experiment' ? element : element?.kind === 'loadMore' ? element.experiment : undefined;
      return experiment ? runsTree.loadMore(experiment) : undefined;
    }),
    registerCommand(log, Commands.openMetric, (trackingKey: string, runId: string, key: string) =>
      vscode.window.showTextDocument(metricHistoryUri(trackingKey, runId, key), { preview: true }),
    ),
    registerCommand(log, Commands.compareRuns, compareRuns),
    registerCommand(log, Commands.openMetrics, openMetrics),
    registerCommand(log, Commands.copyRunId, async (element?: RunsElement) => {
      if (element?.kind !== 'run') return;
      await vscode.env.clipboard.writeText(element.run.info.run_id);
      vscode.window.setStatusBarMessage(`Copied run id ${element.run.info.run_id}`, 2000);
    }),
    registerCommand(log, Commands.copyArtifactUri, async (element?: RunsElement) => {
      if (element?.kind !== 'run' || !element.run.info.artifact_uri) return;
      await vscode.env.clipboard.writeText(element.run.info.artifact_uri);
      vscode.window.setStatusBarMessage('Copied the artifact URI', 2000);
    }),
  );
}
