import * as vscode from 'vscode';
import { formatDuration, formatRelativeTime } from '../../core/format.js';
import type { Logger } from '../../core/log.js';
import type { Experiment, Run } from '../../core/tracking/model.js';
import { runDisplayName, runSummary } from '../../core/tracking/runTree.js';
import { CONFIG_SECTION, Commands, Settings } from '../constants.js';
import { RunPanel } from '../panels/runPanel.js';
import type { TrackingService } from '../tracking.js';
import type { RunsElement, RunsTreeProvider } from '../trees/runsTree.js';
import { registerCommand } from './register.js';

interface RunPick extends vscode.QuickPickItem {
  readonly run: Run;
  readonly experiment: Experiment;
}

export function registerRunCommands(context: { extensionUri: vscode.Uri; log: Logger; tracking: TrackingService; runsTree: RunsTreeProvider }): vscode.Disposable {
  const { extensionUri, log, tracking, runsTree } = context;

  const findRuns = async (): Promise<RunPick[]> => {
    const state = tracking.state;
    if (state.kind !== 'ready') throw new Error('No MLflow tracking store is open in this workspace. Set one with "ML Workbench: Set Tracking URI…".');
    const experiments = (await state.store.searchExperiments()).items;
    const byId = new Map(experiments.map((e) => [e.experiment_id, e]));
    const runs = (await state.store.searchRuns({ experimentIds: experiments.map((e) => e.experiment_id) })).items;
    const now = Date.now();
    return runs.map((run) => ({
      run,
      experiment: byId.get(run.info.experiment_id)!,
      label: runDisplayName(run),
      description: `${byId.get(run.info.experiment_id)?.name ?? run.info.experiment_id} · ${run.info.status.toLowerCase()}`,
      detail: run.info.start_time ? `${run.info.run_id} · ${formatRelativeTime(run.info.start_time, now)}` : run.info.run_id,
    }));
  };

  const showRun = async (target?: string | RunsElement): Promise<void> => {
    const runId = typeof target === 'string' ? target : target?.kind === 'run' ? target.node.run.info.run_id : undefined;
    const picks = await findRuns();
    const pick = runId ? picks.find((p) => p.run.info.run_id === runId) : await vscode.window.showQuickPick(picks, { title: 'Show Run', placeHolder: 'Type to filter runs by name, experiment or id', matchOnDescription: true, matchOnDetail: true });
    if (!pick) {
      if (runId) throw new Error(`Run ${runId} is no longer in the tracking store.`);
      return;
    }
    const state = tracking.state;
    RunPanel.show(extensionUri, {
      run: pick.run,
      experimentName: pick.experiment.name,
      storeLabel: state.kind === 'ready' ? state.store.label : '',
      summary: runSummary(pick.run, pick.experiment.name, Date.now(), { duration: formatDuration, date: (ms) => new Date(ms).toLocaleString() }),
    });
  };

  const setTrackingUri = async (): Promise<void> => {
    const current = vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>(Settings.trackingUri) ?? '';
    const value = await vscode.window.showInputBox({
      title: 'MLflow tracking URI for this workspace',
      value: current,
      placeHolder: 'sqlite:///mlflow.db, ./mlruns, file:///path/to/mlruns',
      prompt: 'Leave empty to resolve it as MLflow does (MLFLOW_TRACKING_URI, ./mlruns, ./mlflow.db).',
    });
    if (value === undefined) return;
    await vscode.workspace.getConfiguration(CONFIG_SECTION).update(Settings.trackingUri, value.trim() || undefined, vscode.ConfigurationTarget.Workspace);
  };

  return vscode.Disposable.from(
    registerCommand(log, Commands.refreshRuns, () => {
      tracking.reload();
      runsTree.refresh();
    }),
    registerCommand(log, Commands.showRun, showRun),
    registerCommand(log, Commands.setTrackingUri, setTrackingUri),
    registerCommand(log, Commands.copyRunId, async (element?: RunsElement) => {
      if (element?.kind !== 'run') return;
      await vscode.env.clipboard.writeText(element.node.run.info.run_id);
      vscode.window.setStatusBarMessage(`Copied run id ${element.node.run.info.run_id}`, 2000);
    }),
  );
}
