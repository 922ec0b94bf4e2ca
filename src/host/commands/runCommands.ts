import * as vscode from 'vscode';
import { formatDuration } from '../../core/format.js';
import type { Logger } from '../../core/log.js';
import type { Run } from '../../core/tracking/model.js';
import { sortKeysOf, validateRunFilter } from '../../core/tracking/runQuery.js';
import { runSummary } from '../../core/tracking/runTree.js';
import { CONFIG_SECTION, Commands, ContextKeys, Settings } from '../constants.js';
import { RunPanel } from '../panels/runPanel.js';
import type { FolderTracking, TrackingService } from '../tracking.js';
import type { ExperimentElement, RunsElement } from '../trees/runs/elements.js';
import type { RunsQueryState } from '../trees/runs/query.js';
import type { RunsTreeProvider } from '../trees/runs/tree.js';
import { registerCommand } from './register.js';
import { pickableRuns, type RunPick } from './runPicker.js';

export interface RunCommandsContext {
  readonly extensionUri: vscode.Uri;
  readonly log: Logger;
  readonly tracking: TrackingService;
  readonly runsTree: RunsTreeProvider;
  readonly query: RunsQueryState;
}

export function registerRunCommands(context: RunCommandsContext): vscode.Disposable {
  const { extensionUri, log, tracking, runsTree, query } = context;

  const pickRuns = (): Promise<RunPick[]> => pickableRuns(tracking);

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
