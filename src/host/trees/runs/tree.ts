import * as vscode from 'vscode';
import { formatMetricValue } from '../../../core/format.js';
import type { Logger } from '../../../core/log.js';
import type { Run } from '../../../core/tracking/model.js';
import { runSearchFor } from '../../../core/tracking/runQuery.js';
import { nestRuns, type RunNode } from '../../../core/tracking/runTree.js';
import { Disposable } from '../../dispose.js';
import type { FolderTracking, TrackingService } from '../../tracking.js';
import type { ArtifactElement, EntryElement, ExperimentElement, Group, LoadedRuns, MessageElement, RunElement, RunsElement } from './elements.js';
import { groupSize, treeItem } from './items.js';
import type { RunsQueryState } from './query.js';

export interface RunsTreeOptions {
  pageSize(): number;
  keyMetric(): string | undefined;
}

/**
 * Experiments → runs (child runs nested under their parent) → parameters, metrics, tags,
 * datasets, logged models, artifacts; one level of folders first in a multi-root workspace.
 * Runs load a page at a time when an experiment is expanded. When MLflow writes to the store, the
 * loaded runs are read again and only the rows that changed are refreshed, so expansion and
 * selection stay. getChildren never throws: a failure becomes an error row with a retry.
 */
export class RunsTreeProvider extends Disposable implements vscode.TreeDataProvider<RunsElement> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<RunsElement | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private experiments = new Map<string, ExperimentElement>();

  constructor(
    private readonly tracking: TrackingService,
    private readonly query: RunsQueryState,
    private readonly options: RunsTreeOptions,
    private readonly log: Logger,
  ) {
    super();
    this.register(tracking.onDidChangeStores(() => this.refresh()));
    this.register(tracking.onDidChangeData((folder) => void this.refreshLoaded(folder)));
    this.register(query.onDidChange(() => this.refresh()));
  }

  /** Everything again: the stores, the experiments and the first page of each expanded experiment. */
  refresh(): void {
    this.experiments = new Map();
    this.changeEmitter.fire(undefined);
  }

  /** Loaded runs of every experiment, read again: the runs that changed are re-rendered, nothing else. */
  async refreshLoaded(folder?: FolderTracking): Promise<void> {
    const targets = [...this.experiments.values()].filter((e) => e.loaded && (!folder || e.tracking.key === folder.key));
    await Promise.all(targets.map((element) => this.reloadExperiment(element)));
  }

  /** Every run shown so far (for sort keys, key metrics, pickers). */
  loadedRuns(): Run[] {
    return [...this.experiments.values()].flatMap((e) => [...e.runsById.values()].map((r) => r.run));
  }

  /** Folders whose store is a tracking server and whose runs are shown. */
  serverFolders(): FolderTracking[] {
    return [...this.experiments.values()].filter((e) => e.loaded && e.tracking.state.kind === 'ready' && /^https?:/i.test(e.tracking.state.store.uri)).map((e) => e.tracking);
  }

  /** The loaded runs that are still RUNNING, for the server poller. */
  runningRuns(): RunElement[] {
    return [...this.experiments.values()].flatMap((e) => [...e.runsById.values()]).filter((r) => r.run.info.status === 'RUNNING');
  }

  /** Puts a fresh copy of a run into its row (the live poller and writes call this). */
  updateRun(element: RunElement, run: Run): void {
    if (JSON.stringify(element.run) === JSON.stringify(run)) return;
    element.run = run;
    this.changeEmitter.fire(element);
  }

  /** After a write to one run: read it again and refresh its row only (its experiment's rows when it may leave the view). */
  async refreshAfterWrite(row: RunElement, options: { rowsMayChange?: boolean } = {}): Promise<void> {
    if (options.rowsMayChange) return this.reloadExperiment(row.experiment);
    const state = row.experiment.tracking.state;
    if (state.kind !== 'ready') return;
    this.updateRun(row, await state.store.getRun(row.run.info.run_id));
  }

  /**
   * The row of a run, loading what it takes: the experiments of its folder and pages of its
   * experiment (up to `maxPages`). Undefined when the current filter hides the run.
   */
  async locateRun(trackingKey: string, runId: string, maxPages = 20): Promise<RunElement | undefined> {
    const tracking = this.tracking.forKey(trackingKey);
    if (tracking?.state.kind !== 'ready') return undefined;
    const run = await tracking.state.store.getRun(runId);
    const parent = this.tracking.folders.length > 1 ? { kind: 'folder' as const, tracking } : undefined;
    await this.experimentsOf(tracking, parent);
    const experiment = this.experiments.get(`${trackingKey}:${run.info.experiment_id}`);
    if (!experiment) return undefined;
    await this.runsOf(experiment);
    for (let page = 0; page < maxPages && !experiment.runsById.has(runId); page++) {
      const loaded = await experiment.loaded;
      if (!loaded?.nextPageToken) break;
      await this.loadMore(experiment);
    }
    return experiment.runsById.get(runId);
  }

  findRun(trackingKey: string, runId: string): RunElement | undefined {
    for (const experiment of this.experiments.values()) {
      if (experiment.tracking.key !== trackingKey) continue;
      const element = experiment.runsById.get(runId);
      if (element) return element;
    }
    return undefined;
  }

  async loadMore(element: ExperimentElement): Promise<void> {
    const loaded = await element.loaded;
    if (!loaded?.nextPageToken || element.tracking.state.kind !== 'ready') return;
    const search = runSearchFor(this.query.current);
    const next = await element.tracking.state.store.searchRuns({
      experimentIds: [element.experiment.experiment_id],
      ...search,
      maxResults: this.options.pageSize(),
      pageToken: loaded.nextPageToken,
    });
    const merged: LoadedRuns = { runs: [...loaded.runs, ...next.items], nextPageToken: next.nextPageToken, problems: [...loaded.problems, ...next.problems] };
    element.loaded = Promise.resolve(merged);
    this.rebuild(element, merged);
    this.changeEmitter.fire(element);
  }

  getTreeItem(element: RunsElement): vscode.TreeItem {
    return treeItem(element, { keyMetric: this.options.keyMetric(), now: Date.now() });
  }

  getParent(element: RunsElement): RunsElement | undefined {
    switch (element.kind) {
      case 'folder':
        return undefined;
      case 'experiment':
        return element.parent;
      case 'run':
        return element.parent ?? element.experiment;
      case 'group':
        return element.owner;
      case 'entry':
        return { kind: 'group', owner: element.owner, group: element.group };
      case 'artifact':
        return element.parent ?? { kind: 'group', owner: element.owner, group: 'artifacts' };
      case 'loadMore':
        return element.experiment;
      case 'message':
        return element.parent;
    }
  }

  async getChildren(element?: RunsElement): Promise<RunsElement[]> {
    try {
      if (!element) return this.roots();
      switch (element.kind) {
        case 'folder':
          return await this.experimentsOf(element.tracking, element);
        case 'experiment':
          return await this.runsOf(element);
        case 'run':
          return [...element.childRuns, ...groupsOf(element)];
        case 'group':
          return await childrenOfGroup(element.owner, element.group);
        case 'artifact':
          return await artifactsOf(element.owner, element.file.path, element);
        default:
          return [];
      }
    } catch (error) {
      this.log.error(error as Error);
      return [errorMessage(`error:${element ? element.kind : 'root'}:${Date.now()}`, error, element)];
    }
  }

  private async roots(): Promise<RunsElement[]> {
    const folders = this.tracking.folders;
    if (folders.length > 1) return folders.map((tracking) => ({ kind: 'folder', tracking }));
    const [only] = folders;
    return only ? this.experimentsOf(only) : [];
  }

  private async experimentsOf(tracking: FolderTracking, parent?: RunsElement & { kind: 'folder' }): Promise<RunsElement[]> {
    const { state } = tracking;
    if (state.kind === 'error') return [{ kind: 'message', id: `store-error:${tracking.key}`, message: state.message, detail: state.uri, error: true, parent }];
    // With one folder and no store yet, the view stays empty so its welcome content explains what to do.
    if (state.kind === 'missing') return parent ? [{ kind: 'message', id: `missing:${tracking.key}`, message: 'No MLflow runs in this folder yet', detail: state.uri, error: false, parent }] : [];
    const listing = await state.store.searchExperiments({ viewType: this.query.current.showDeleted ? 'ALL' : 'ACTIVE_ONLY' });
    const elements = listing.items.map((experiment) => {
      const id = `${tracking.key}:${experiment.experiment_id}`;
      const element: ExperimentElement = this.experiments.get(id) ?? { kind: 'experiment', tracking, experiment, parent, runNodes: [], runsById: new Map() };
      this.experiments.set(id, element);
      return element;
    });
    return [...elements, ...listing.problems.map((problem, i) => errorMessage(`problem:${tracking.key}:${i}`, problem, parent))];
  }

  private async runsOf(element: ExperimentElement): Promise<RunsElement[]> {
    element.loaded ??= this.firstPage(element);
    let loaded: LoadedRuns;
    try {
      loaded = await element.loaded;
    } catch (error) {
      element.loaded = undefined;
      throw error;
    }
    if (element.runNodes.length === 0 && loaded.runs.length > 0) this.rebuild(element, loaded);
    const children: RunsElement[] = [...element.runNodes];
    children.push(...loaded.problems.map((problem, i) => errorMessage(`problem:${element.experiment.experiment_id}:${i}`, problem, element)));
    if (loaded.nextPageToken) children.push({ kind: 'loadMore', experiment: element, loadedCount: loaded.runs.length });
    if (children.length === 0) {
      const filtered = runSearchFor(this.query.current).filter !== undefined;
      children.push({ kind: 'message', id: `empty:${element.experiment.experiment_id}`, message: filtered ? 'No runs match the filter' : 'No runs yet', error: false, parent: element });
    }
    return children;
  }

  private async firstPage(element: ExperimentElement, count = this.options.pageSize()): Promise<LoadedRuns> {
    if (element.tracking.state.kind !== 'ready') return { runs: [], problems: [] };
    const listing = await element.tracking.state.store.searchRuns({ experimentIds: [element.experiment.experiment_id], ...runSearchFor(this.query.current), maxResults: count });
    return { runs: [...listing.items], nextPageToken: listing.nextPageToken, problems: [...listing.problems] };
  }

  private async reloadExperiment(element: ExperimentElement): Promise<void> {
    const previous = await element.loaded?.catch(() => undefined);
    if (!previous) return;
    let fresh: LoadedRuns;
    try {
      fresh = await this.firstPage(element, Math.max(this.options.pageSize(), previous.runs.length));
    } catch (error) {
      this.log.warn(`could not re-read runs of ${element.experiment.name}: ${(error as Error).message}`);
      return;
    }
    element.loaded = Promise.resolve(fresh);
    const sameRows = fresh.runs.length === previous.runs.length && fresh.runs.every((run, i) => run.info.run_id === previous.runs[i]!.info.run_id) && fresh.problems.length === previous.problems.length;
    if (!sameRows) {
      this.rebuild(element, fresh);
      this.changeEmitter.fire(element);
      return;
    }
    for (const run of fresh.runs) {
      const row = element.runsById.get(run.info.run_id);
      if (row) this.updateRun(row, run);
    }
  }

  /** Run rows from a listing, reusing the row objects of runs already shown. */
  private rebuild(element: ExperimentElement, loaded: LoadedRuns): void {
    const previous = element.runsById;
    const rows = new Map<string, RunElement>();
    const toRow = (node: RunNode, parent?: RunElement): RunElement => {
      const row: RunElement = previous.get(node.run.info.run_id) ?? { kind: 'run', experiment: element, run: node.run, childRuns: [] };
      row.run = node.run;
      row.parent = parent;
      rows.set(node.run.info.run_id, row);
      row.childRuns = node.children.map((child) => toRow(child, row));
      return row;
    };
    element.runNodes = nestRuns(loaded.runs).map((node) => toRow(node));
    element.runsById.clear();
    for (const [id, row] of rows) element.runsById.set(id, row);
  }
}

function groupsOf(owner: RunElement): RunsElement[] {
  return (['params', 'metrics', 'tags', 'datasets', 'models', 'artifacts'] as const).filter((group) => groupSize(owner.run, group) > 0).map((group) => ({ kind: 'group', owner, group }));
}

async function childrenOfGroup(owner: RunElement, group: Group): Promise<RunsElement[]> {
  const { run } = owner;
  const entry = (key: string, value: string, detail?: string): EntryElement => ({ kind: 'entry', owner, group, key, value, detail });
  switch (group) {
    case 'params':
      return (run.data.params ?? []).map((p) => entry(p.key, p.value));
    case 'tags':
      return (run.data.tags ?? []).map((t) => entry(t.key, t.value));
    case 'metrics':
      return (run.data.metrics ?? []).map((m) => entry(m.key, `${formatMetricValue(m.value)} · step ${m.step}`, `Logged ${new Date(m.timestamp).toLocaleString()}`));
    case 'datasets':
      return (run.inputs?.dataset_inputs ?? []).map((input, i) => {
        const context = input.tags?.find((t) => t.key === 'mlflow.data.context')?.value;
        return { ...entry(`${input.dataset.name}`, [context, `digest ${input.dataset.digest}`, input.dataset.source_type].filter(Boolean).join(' · '), input.dataset.source), key: `${input.dataset.name}#${i}` };
      });
    case 'models':
      return [
        ...(run.outputs?.model_outputs ?? []).map((m) => entry(m.model_id, `output · step ${m.step}`)),
        ...(run.inputs?.model_inputs ?? []).map((m) => entry(m.model_id, 'input')),
      ];
    case 'artifacts':
      return artifactsOf(owner, undefined);
  }
}

async function artifactsOf(owner: RunElement, path: string | undefined, parent?: ArtifactElement): Promise<RunsElement[]> {
  const state = owner.experiment.tracking.state;
  if (state.kind !== 'ready') return [];
  const listing = await state.store.listArtifacts(owner.run.info.run_id, path);
  if (listing.files.length === 0) return [{ kind: 'message', id: `no-artifacts:${owner.run.info.run_id}:${path ?? ''}`, message: 'No artifacts', error: false, parent: parent ?? { kind: 'group', owner, group: 'artifacts' } }];
  const folders = listing.files.filter((f) => f.is_dir);
  const files = listing.files.filter((f) => !f.is_dir);
  return [...folders, ...files].map((file) => ({ kind: 'artifact', owner, file, parent }));
}

function errorMessage(id: string, error: unknown, parent?: RunsElement): MessageElement {
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'message', id, message: message.split('\n')[0]!.slice(0, 200), detail: message, error: true, parent };
}
