import * as vscode from 'vscode';
import { formatDuration } from '../../core/format.js';
import type { Run } from '../../core/tracking/entities.js';
import { sortKeysOf, validateRunFilter } from '../../core/tracking/runsViewQuery.js';
import { runSummary } from '../../core/tracking/runTree.js';
import { requireStore } from '../../core/tracking/storeState.js';
import type { CommandTable } from '../commands.js';
import { Settings, Commands } from '../constants.js';
import { updateSetting } from '../config.js';
import type { FolderTracking } from '../tracking/trackingService.js';
import type { RunsFeature } from './feature.js';
import { metricHistoryUri } from './metricCsv.js';
import { RunPanel } from './runPanel.js';
import { pickableRuns } from './runPicker.js';
import type { ExperimentElement, RunsElement } from './treeNodes.js';

/** The Runs view's own commands: what it shows (query, sort, key metric, pages), and a run's panel. */
export const runCommands: CommandTable<RunsFeature> = {
  [Commands.refreshRuns]: refreshRuns,
  [Commands.showRun]: showRun,
  [Commands.filterRuns]: filterRuns,
  [Commands.clearRunFilter]: (feature) => feature.services.runs.updateQuery({ filter: undefined }),
  [Commands.showOnlyRunningRuns]: (feature) => feature.services.runs.updateQuery({ status: 'RUNNING' }),
  [Commands.showOnlyFailedRuns]: (feature) => feature.services.runs.updateQuery({ status: 'FAILED' }),
  [Commands.showAllRunStatuses]: (feature) => feature.services.runs.updateQuery({ status: undefined }),
  [Commands.showDeletedRuns]: (feature) => feature.services.runs.updateQuery({ showDeleted: true }),
  [Commands.hideDeletedRuns]: (feature) => feature.services.runs.updateQuery({ showDeleted: false }),
  [Commands.sortRuns]: sortRuns,
  [Commands.chooseKeyMetric]: chooseKeyMetric,
  [Commands.loadMoreRuns]: loadMoreRuns,
  [Commands.copyRunId]: copyRunId,
  [Commands.copyArtifactUri]: copyArtifactUri,
  [Commands.openMetricCsv]: openMetricCsv,
};

function refreshRuns(feature: RunsFeature): void {
  feature.services.tracking.reload();
}

async function openRunPanel(feature: RunsFeature, folder: FolderTracking, run: Run): Promise<void> {
  const store = requireStore(folder);
  const experiment = (await store.searchExperiments({ viewType: 'ALL' })).items.find((e) => e.experiment_id === run.info.experiment_id);
  const name = experiment?.name ?? run.info.experiment_id;
  RunPanel.show(feature.extensionUri, {
    run,
    experimentName: name,
    storeLabel: store.label,
    summary: runSummary(run, name, Date.now(), { duration: formatDuration, date: (ms) => new Date(ms).toLocaleString() }),
  });
}

/** A run's panel: of a row, of a folder key and run id (tree items, other views), else a run picked. */
async function showRun(feature: RunsFeature, target?: string | RunsElement, runId?: string): Promise<void> {
  const { tracking } = feature.services;
  if (typeof target === 'object' && target.kind === 'run') return openRunPanel(feature, target.experiment.tracking, target.run);
  if (typeof target === 'string' && runId) {
    const store = tracking.storeFor(target);
    return openRunPanel(feature, tracking.forKey(target)!, await store.getRun(runId));
  }
  const pick = await vscode.window.showQuickPick(pickableRuns(tracking), { title: 'Show Run', placeHolder: 'Type to filter runs by name, experiment or id', matchOnDescription: true, matchOnDetail: true });
  if (pick) await openRunPanel(feature, pick.tracking, pick.run);
}

/** A recent filter, or a new one typed with MLflow's grammar checked as it is typed. */
async function filterRuns(feature: RunsFeature): Promise<void> {
  const { runs } = feature.services;
  const current = runs.query.filter ?? '';
  const history = runs.filterHistory;
  let initial = current;
  if (history.length > 0) {
    const picked = await vscode.window.showQuickPick(
      [{ label: '$(edit) Type a new filter…', value: current }, ...history.map((f) => ({ label: f, description: f === current ? 'active' : 'recent', value: f }))],
      { title: 'Filter Runs', placeHolder: 'A recent filter, or type a new one' },
    );
    if (!picked) return;
    initial = picked.value;
    if (picked.label === picked.value) return runs.updateQuery({ filter: picked.value });
  }
  const filter = await vscode.window.showInputBox({
    title: 'Filter Runs (MLflow search syntax)',
    value: initial,
    placeHolder: "metrics.accuracy > 0.9 AND params.solver = 'lbfgs' AND tags.`team/owner` LIKE 'ml%'",
    prompt: 'Comparisons of metrics., params., tags., attributes. and dataset. joined with AND, as in mlflow.search_runs.',
    validateInput: (value) => validateRunFilter(value),
  });
  if (filter === undefined) return;
  await runs.updateQuery({ filter: filter.trim() || undefined });
}

async function sortRuns(feature: RunsFeature): Promise<void> {
  const keys = sortKeysOf(feature.services.runs.loadedRuns());
  const items = [
    { label: '$(history) Newest first', description: 'MLflow\'s default order', value: undefined as string | undefined },
    ...keys.flatMap((key) => [
      { label: `$(arrow-down) ${key}`, description: 'descending', value: `${key} DESC` },
      { label: `$(arrow-up) ${key}`, description: 'ascending', value: `${key} ASC` },
    ]),
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Sort Runs', placeHolder: 'Sort by an attribute, a metric or a parameter', matchOnDescription: true });
  if (pick) await feature.services.runs.updateQuery({ orderBy: pick.value });
}

async function chooseKeyMetric(feature: RunsFeature): Promise<void> {
  const keys = [...new Set(feature.services.runs.loadedRuns().flatMap((r) => (r.data.metrics ?? []).map((m) => m.key)))].sort();
  const pick = await vscode.window.showQuickPick([{ label: '$(close) None', value: '' }, ...keys.map((k) => ({ label: k, value: k }))], { title: 'Key Metric', placeHolder: 'The metric shown next to each run' });
  if (pick) await updateSetting(Settings.keyMetric, pick.value || undefined, 'workspace');
}

function loadMoreRuns(feature: RunsFeature, element?: RunsElement): Promise<void> | undefined {
  const experiment: ExperimentElement | undefined = element?.kind === 'experiment' ? element : element?.kind === 'loadMore' ? element.experiment : undefined;
  return experiment ? feature.services.runs.loadMore(experiment) : undefined;
}

async function copyRunId(_feature: RunsFeature, element?: RunsElement): Promise<void> {
  if (element?.kind !== 'run') return;
  await vscode.env.clipboard.writeText(element.run.info.run_id);
  vscode.window.setStatusBarMessage(`Copied run id ${element.run.info.run_id}`, 2000);
}

async function copyArtifactUri(_feature: RunsFeature, element?: RunsElement): Promise<void> {
  if (element?.kind !== 'run' || !element.run.info.artifact_uri) return;
  await vscode.env.clipboard.writeText(element.run.info.artifact_uri);
  vscode.window.setStatusBarMessage('Copied the artifact URI', 2000);
}

/** A metric row: its full history as a CSV document. */
async function openMetricCsv(_feature: RunsFeature, element?: RunsElement): Promise<void> {
  if (element?.kind !== 'entry' || element.group !== 'metrics') return;
  await vscode.window.showTextDocument(metricHistoryUri(element.owner.experiment.tracking.key, element.owner.run.info.run_id, element.key), { preview: true });
}
