import * as vscode from 'vscode';
import { formatBytes, formatDuration, formatMetricValue, formatRelativeTime, oneLine } from '../../core/format.js';
import type { Run, RunStatus } from '../../core/tracking/entities.js';
import { runDisplayName, shortRunId } from '../../core/tracking/runTree.js';
import { queriedValues, type QueriedKey } from '../../core/tracking/runsViewQuery.js';
import { describeStoreState } from '../../core/tracking/storeState.js';
import { Commands, ContextValues } from '../constants.js';
import { artifactUri } from './artifactFiles.js';
import { type Group, idOf, type RunElement, type RunsElement } from './treeNodes.js';

const GROUPS: Record<Group, { label: string; icon: string }> = {
  params: { label: 'Parameters', icon: 'settings' },
  metrics: { label: 'Metrics', icon: 'graph-line' },
  tags: { label: 'Tags', icon: 'tag' },
  datasets: { label: 'Datasets', icon: 'database' },
  models: { label: 'Logged models', icon: 'package' },
  artifacts: { label: 'Artifacts', icon: 'folder-library' },
};

const STATUS_ICONS: Record<RunStatus, vscode.ThemeIcon> = {
  RUNNING: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  SCHEDULED: new vscode.ThemeIcon('clock'),
  FINISHED: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  FAILED: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  KILLED: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
};

export interface ItemOptions {
  /** The metric whose latest value heads each run's description. */
  readonly keyMetric?: string;
  readonly now: number;
  /** The metrics, params and tags the view sorts or filters by: their values head each run's description. */
  readonly queried?: readonly QueriedKey[];
  /** Whether another loaded run of the same experiment has this run's name (then the row adds a short id). */
  readonly nameShared?: (run: RunElement) => boolean;
}

export function treeItem(element: RunsElement, options: ItemOptions): vscode.TreeItem {
  const item = render(element, options);
  item.id = idOf(element);
  return item;
}

function render(element: RunsElement, options: ItemOptions): vscode.TreeItem {
  switch (element.kind) {
    case 'folder': {
      const item = new vscode.TreeItem(element.tracking.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = vscode.ThemeIcon.Folder;
      item.description = element.tracking.state.kind === 'ready' ? element.tracking.state.store.label : element.tracking.state.kind;
      item.tooltip = describeStoreState(element.tracking.state);
      return item;
    }
    case 'experiment': {
      const { experiment } = element;
      const item = new vscode.TreeItem(experiment.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `#${experiment.experiment_id}${experiment.lifecycle_stage === 'deleted' ? ' · deleted' : ''}`;
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.contextValue = ContextValues.experiment;
      const tooltip = new vscode.MarkdownString();
      tooltip.appendMarkdown('**').appendText(experiment.name).appendMarkdown('**\n\nID: ').appendText(experiment.experiment_id);
      if (experiment.artifact_location) tooltip.appendMarkdown('\n\nArtifacts: ').appendText(experiment.artifact_location);
      item.tooltip = tooltip;
      return item;
    }
    case 'run':
      return runItem(element.run, element.childRuns.length > 0 || hasDetails(element.run), options, element.experiment.tracking.key, options.nameShared?.(element) ?? false);
    case 'group': {
      const item = new vscode.TreeItem(GROUPS[element.group].label, vscode.TreeItemCollapsibleState.Collapsed);
      item.iconPath = new vscode.ThemeIcon(GROUPS[element.group].icon);
      item.description = element.group === 'artifacts' ? undefined : String(groupSize(element.owner.run, element.group));
      item.contextValue = ContextValues.group;
      return item;
    }
    case 'entry': {
      const item = new vscode.TreeItem(element.key, vscode.TreeItemCollapsibleState.None);
      item.description = oneLine(element.value, 80);
      const tooltip = new vscode.MarkdownString();
      tooltip.appendMarkdown('**').appendText(element.key).appendMarkdown('**\n\n').appendCodeblock(element.value.slice(0, 2000), 'text');
      if (element.detail) tooltip.appendText(element.detail);
      item.tooltip = tooltip;
      item.contextValue = element.group === 'metrics' ? ContextValues.metric : element.group === 'tags' ? ContextValues.tag : element.group === 'models' ? ContextValues.loggedModel : ContextValues.entry;
      if (element.group === 'metrics') {
        item.command = { command: Commands.openMetric, title: 'Open Metric Chart', arguments: [element.owner.experiment.tracking.key, element.owner.run.info.run_id, element.key] };
      }
      return item;
    }
    case 'artifact': {
      const name = element.file.path.split('/').pop() ?? element.file.path;
      const uri = artifactUri(element.owner.experiment.tracking.key, element.owner.run.info.run_id, element.file.path);
      const item = new vscode.TreeItem(uri, element.file.is_dir ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.label = name;
      item.description = element.file.is_dir ? undefined : formatBytes(element.file.file_size ?? 0);
      item.iconPath = element.file.is_dir ? vscode.ThemeIcon.Folder : vscode.ThemeIcon.File;
      item.contextValue = element.file.is_dir ? ContextValues.artifactFolder : ContextValues.artifactFile;
      if (!element.file.is_dir) item.command = { command: 'vscode.open', title: 'Open Artifact', arguments: [uri] };
      return item;
    }
    case 'loadMore': {
      const item = new vscode.TreeItem('Load more runs…', vscode.TreeItemCollapsibleState.None);
      item.description = `${element.loadedCount} shown`;
      item.iconPath = new vscode.ThemeIcon('more');
      item.command = { command: Commands.loadMoreRuns, title: 'Load More Runs', arguments: [element] };
      item.contextValue = ContextValues.loadMore;
      return item;
    }
    case 'message': {
      const item = new vscode.TreeItem(element.message, vscode.TreeItemCollapsibleState.None);
      item.tooltip = element.detail ?? element.message;
      item.iconPath = new vscode.ThemeIcon(element.error ? 'warning' : 'info', element.error ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
      item.contextValue = element.error ? ContextValues.error : undefined;
      if (element.signInTo !== undefined) {
        // The action first (a narrow side bar cuts the rest); the server's answer beside it and whole in the tooltip.
        item.label = 'Sign In…';
        item.description = element.message;
        item.command = { command: Commands.signInToTrackingServer, title: 'Sign In…', arguments: [element.signInTo] };
        item.tooltip = `${element.detail ?? element.message}\n\nClick to sign in (user name and password, kept in VS Code's secret storage).`;
        item.iconPath = new vscode.ThemeIcon('account', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      } else if (element.error) item.command = { command: Commands.refreshRuns, title: 'Retry' };
      return item;
    }
  }
}

function runItem(run: Run, collapsible: boolean, options: ItemOptions, trackingKey: string, shared: boolean): vscode.TreeItem {
  const name = runDisplayName(run);
  const item = new vscode.TreeItem(shared ? `${name} (${shortRunId(run.info.run_id)})` : name, collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  const start = run.info.start_time;
  const duration = start !== undefined ? (run.info.end_time ?? options.now) - start : undefined;
  const queried = options.queried ?? [];
  const keyShown = queried.some((q) => q.type === 'metric' && q.key === options.keyMetric);
  const key = options.keyMetric && !keyShown ? run.data.metrics?.find((m) => m.key === options.keyMetric) : undefined;
  item.description = [
    ...queriedValues(run, queried, formatMetricValue),
    key ? `${key.key} ${formatMetricValue(key.value)}` : undefined,
    start !== undefined ? formatRelativeTime(start, options.now) : undefined,
    duration !== undefined ? formatDuration(duration) : undefined,
    run.info.lifecycle_stage === 'deleted' ? 'deleted' : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  item.iconPath = run.info.lifecycle_stage === 'deleted' ? new vscode.ThemeIcon('trash', new vscode.ThemeColor('disabledForeground')) : (STATUS_ICONS[run.info.status] ?? new vscode.ThemeIcon('circle-outline'));
  item.contextValue = run.info.lifecycle_stage === 'deleted' ? ContextValues.deletedRun : ContextValues.run;
  item.tooltip = runTooltip(run, name, duration);
  item.command = { command: Commands.showRun, title: 'Show Run', arguments: [trackingKey, run.info.run_id] };
  item.accessibilityInformation = { label: `${name}, ${run.info.status.toLowerCase()}${run.info.lifecycle_stage === 'deleted' ? ', deleted' : ''}` };
  return item;
}

function runTooltip(run: Run, name: string, duration: number | undefined): vscode.MarkdownString {
  const tag = (key: string): string | undefined => run.data.tags?.find((t) => t.key === key)?.value;
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**').appendText(name).appendMarkdown('** — ').appendText(run.info.status);
  md.appendMarkdown('\n\nRun ID: ').appendText(run.info.run_id);
  if (run.info.user_id) md.appendMarkdown('  \nUser: ').appendText(run.info.user_id);
  if (run.info.start_time) md.appendMarkdown('  \nStarted: ').appendText(new Date(run.info.start_time).toLocaleString());
  if (duration !== undefined) md.appendMarkdown('  \nDuration: ').appendText(formatDuration(duration));
  const commit = tag('mlflow.source.git.commit');
  if (commit) md.appendMarkdown('  \nGit commit: ').appendText(commit.slice(0, 12));
  const source = tag('mlflow.source.name');
  if (source) md.appendMarkdown('  \nSource: ').appendText(source);
  const params = run.data.params ?? [];
  if (params.length > 0) {
    md.appendMarkdown('\n\n**Parameters**');
    for (const param of params.slice(0, 6)) md.appendMarkdown('  \n').appendText(`${param.key}: ${oneLine(param.value, 60)}`);
  }
  const metrics = run.data.metrics ?? [];
  if (metrics.length > 0) {
    md.appendMarkdown('\n\n**Metrics**');
    for (const metric of metrics.slice(0, 8)) md.appendMarkdown('  \n').appendText(`${metric.key}: ${formatMetricValue(metric.value)}`);
  }
  return md;
}

export function groupSize(run: Run, group: Group): number {
  switch (group) {
    case 'params':
    case 'metrics':
    case 'tags':
      return run.data[group]?.length ?? 0;
    case 'datasets':
      return run.inputs?.dataset_inputs?.length ?? 0;
    case 'models':
      return (run.outputs?.model_outputs?.length ?? 0) + (run.inputs?.model_inputs?.length ?? 0);
    case 'artifacts':
      return run.info.artifact_uri ? 1 : 0;
  }
}

export function hasDetails(run: Run): boolean {
  return (['params', 'metrics', 'tags', 'datasets', 'models', 'artifacts'] as const).some((g) => groupSize(run, g) > 0);
}
