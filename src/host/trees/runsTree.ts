import * as vscode from 'vscode';
import { formatDuration, formatMetricValue, formatRelativeTime, oneLine } from '../../core/format.js';
import type { Logger } from '../../core/log.js';
import type { Experiment, Run, RunStatus } from '../../core/tracking/model.js';
import { nestRuns, runDisplayName, type RunNode } from '../../core/tracking/runTree.js';
import type { Listing } from '../../core/tracking/store.js';
import { Commands, ContextValues } from '../constants.js';
import { Disposable } from '../dispose.js';
import type { TrackingService } from '../tracking.js';

type Group = 'params' | 'metrics' | 'tags';

export type RunsElement =
  | { readonly kind: 'experiment'; readonly experiment: Experiment }
  | { readonly kind: 'run'; readonly node: RunNode }
  | { readonly kind: 'group'; readonly run: Run; readonly group: Group }
  | { readonly kind: 'entry'; readonly run: Run; readonly group: Group; readonly key: string; readonly value: string }
  | { readonly kind: 'message'; readonly id: string; readonly message: string; readonly detail?: string; readonly error: boolean };

const GROUP_LABELS: Record<Group, string> = { params: 'Parameters', metrics: 'Metrics', tags: 'Tags' };
const GROUP_ICONS: Record<Group, string> = { params: 'settings', metrics: 'graph-line', tags: 'tag' };

const STATUS_ICONS: Record<RunStatus, vscode.ThemeIcon> = {
  RUNNING: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  SCHEDULED: new vscode.ThemeIcon('clock'),
  FINISHED: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  FAILED: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  KILLED: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
};

/**
 * Experiments → runs (child runs nested under their parent) → parameters, metrics, tags.
 * Runs of an experiment are read when it is expanded, and read again when the store changes.
 * getChildren never throws: a failure becomes an error item on the part that failed.
 */
export class RunsTreeProvider extends Disposable implements vscode.TreeDataProvider<RunsElement> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<RunsElement | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly runsCache = new Map<string, Promise<Listing<Run>>>();

  constructor(
    private readonly tracking: TrackingService,
    private readonly log: Logger,
  ) {
    super();
    this.register(tracking.onDidChangeStore(() => this.refresh()));
    this.register(tracking.onDidChangeData(() => this.refresh()));
  }

  refresh(): void {
    this.runsCache.clear();
    this.changeEmitter.fire(undefined);
  }

  async getChildren(element?: RunsElement): Promise<RunsElement[]> {
    try {
      if (!element) return await this.roots();
      switch (element.kind) {
        case 'experiment':
          return await this.runsOf(element.experiment);
        case 'run':
          return [...element.node.children.map((node): RunsElement => ({ kind: 'run', node })), ...groupsOf(element.node.run)];
        case 'group':
          return entriesOf(element.run, element.group);
        default:
          return [];
      }
    } catch (error) {
      this.log.error(error as Error);
      return [errorItem(`error:${element ? idOf(element) : 'root'}`, error)];
    }
  }

  getTreeItem(element: RunsElement): vscode.TreeItem {
    switch (element.kind) {
      case 'experiment':
        return experimentItem(element.experiment);
      case 'run':
        return runItem(element.node);
      case 'group': {
        const item = new vscode.TreeItem(GROUP_LABELS[element.group], vscode.TreeItemCollapsibleState.Collapsed);
        item.id = idOf(element);
        item.description = String(element.run.data[element.group]?.length ?? 0);
        item.iconPath = new vscode.ThemeIcon(GROUP_ICONS[element.group]);
        item.contextValue = ContextValues.group;
        return item;
      }
      case 'entry': {
        const item = new vscode.TreeItem(element.key, vscode.TreeItemCollapsibleState.None);
        item.id = idOf(element);
        item.description = oneLine(element.value, 80);
        const tooltip = new vscode.MarkdownString();
        tooltip.appendMarkdown('**').appendText(element.key).appendMarkdown('**\n\n').appendCodeblock(element.value.slice(0, 2000), 'text');
        item.tooltip = tooltip;
        item.contextValue = ContextValues.entry;
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(element.message, vscode.TreeItemCollapsibleState.None);
        item.id = element.id;
        item.tooltip = element.detail ?? element.message;
        item.iconPath = new vscode.ThemeIcon(element.error ? 'warning' : 'info', element.error ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
        item.contextValue = element.error ? ContextValues.error : undefined;
        if (element.error) item.command = { command: Commands.refreshRuns, title: 'Retry' };
        return item;
      }
    }
  }

  private async roots(): Promise<RunsElement[]> {
    const state = this.tracking.state;
    if (state.kind === 'error') return [{ kind: 'message', id: 'store-error', message: state.message, detail: state.uri, error: true }];
    // 'missing' and 'no-folder' leave the view empty, so its welcome content explains what to do.
    if (state.kind !== 'ready') return [];
    const listing = await state.store.searchExperiments();
    return [
      ...listing.items.map((experiment): RunsElement => ({ kind: 'experiment', experiment })),
      ...listing.problems.map((problem, i): RunsElement => errorItem(`problem:root:${i}`, problem)),
    ];
  }

  private async runsOf(experiment: Experiment): Promise<RunsElement[]> {
    const state = this.tracking.state;
    if (state.kind !== 'ready') return [];
    let listing = this.runsCache.get(experiment.experiment_id);
    if (!listing) {
      listing = state.store.searchRuns({ experimentIds: [experiment.experiment_id] });
      this.runsCache.set(experiment.experiment_id, listing);
      listing.catch(() => this.runsCache.delete(experiment.experiment_id));
    }
    const { items, problems } = await listing;
    const runs = nestRuns(items).map((node): RunsElement => ({ kind: 'run', node }));
    const errors = problems.map((problem, i): RunsElement => errorItem(`problem:${experiment.experiment_id}:${i}`, problem));
    if (runs.length === 0 && errors.length === 0) return [{ kind: 'message', id: `empty:${experiment.experiment_id}`, message: 'No runs yet', error: false }];
    return [...runs, ...errors];
  }
}

function experimentItem(experiment: Experiment): vscode.TreeItem {
  const item = new vscode.TreeItem(experiment.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `experiment:${experiment.experiment_id}`;
  item.description = `#${experiment.experiment_id}`;
  item.iconPath = new vscode.ThemeIcon('beaker');
  item.contextValue = ContextValues.experiment;
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown('**').appendText(experiment.name).appendMarkdown('**\n\n');
  tooltip.appendMarkdown('ID: ').appendText(experiment.experiment_id);
  if (experiment.artifact_location) tooltip.appendMarkdown('\n\nArtifacts: ').appendText(experiment.artifact_location);
  item.tooltip = tooltip;
  return item;
}

function runItem(node: RunNode): vscode.TreeItem {
  const { run } = node;
  const name = runDisplayName(run);
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `run:${run.info.run_id}`;
  const start = run.info.start_time;
  const duration = start !== undefined ? (run.info.end_time ?? Date.now()) - start : undefined;
  item.description = [
    start !== undefined ? formatRelativeTime(start, Date.now()) : undefined,
    duration !== undefined ? formatDuration(duration) : undefined,
    run.info.lifecycle_stage === 'deleted' ? 'deleted' : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  item.iconPath = STATUS_ICONS[run.info.status] ?? new vscode.ThemeIcon('circle-outline');
  item.contextValue = ContextValues.run;
  item.tooltip = runTooltip(run, name, duration);
  item.command = { command: Commands.showRun, title: 'Show Run', arguments: [run.info.run_id] };
  item.accessibilityInformation = { label: `${name}, ${run.info.status.toLowerCase()}` };
  return item;
}

function runTooltip(run: Run, name: string, duration: number | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**').appendText(name).appendMarkdown('** — ').appendText(run.info.status);
  md.appendMarkdown('\n\nRun ID: `').appendText(run.info.run_id).appendMarkdown('`');
  if (run.info.user_id) md.appendMarkdown('  \nUser: ').appendText(run.info.user_id);
  if (run.info.start_time) md.appendMarkdown('  \nStarted: ').appendText(new Date(run.info.start_time).toLocaleString());
  if (duration !== undefined) md.appendMarkdown('  \nDuration: ').appendText(formatDuration(duration));
  const metrics = run.data.metrics ?? [];
  if (metrics.length > 0) {
    md.appendMarkdown('\n\n**Metrics**');
    for (const metric of metrics.slice(0, 8)) md.appendMarkdown('  \n').appendText(`${metric.key}: ${formatMetricValue(metric.value)}`);
  }
  return md;
}

function groupsOf(run: Run): RunsElement[] {
  return (['params', 'metrics', 'tags'] as const).filter((group) => (run.data[group]?.length ?? 0) > 0).map((group) => ({ kind: 'group', run, group }));
}

function entriesOf(run: Run, group: Group): RunsElement[] {
  if (group === 'metrics') {
    return (run.data.metrics ?? []).map((m) => ({ kind: 'entry', run, group, key: m.key, value: `${formatMetricValue(m.value)}  (step ${m.step})` }));
  }
  return (run.data[group] ?? []).map((kv) => ({ kind: 'entry', run, group, key: kv.key, value: kv.value }));
}

function errorItem(id: string, error: unknown): RunsElement {
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'message', id, message: oneLine(message), detail: message, error: true };
}

function idOf(element: RunsElement): string {
  switch (element.kind) {
    case 'experiment':
      return `experiment:${element.experiment.experiment_id}`;
    case 'run':
      return `run:${element.node.run.info.run_id}`;
    case 'group':
      return `group:${element.run.info.run_id}:${element.group}`;
    case 'entry':
      return `entry:${element.run.info.run_id}:${element.group}:${element.key}`;
    case 'message':
      return element.id;
  }
}
