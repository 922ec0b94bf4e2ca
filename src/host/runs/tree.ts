import type * as vscode from 'vscode';
import { formatMetricValue } from '../../core/format.js';
import type { Logger } from '../../core/log.js';
import type { RunsModel } from '../../core/tracking/runsModel.js';
import { remedyFor } from '../../core/errors.js';
import { requireStore, stateUri } from '../../core/tracking/storeState.js';
import { runDisplayName } from '../../core/tracking/runTree.js';
import { queriedKeys, sharedNames } from '../../core/tracking/runsViewQuery.js';
import type { FolderTracking } from '../tracking/trackingService.js';
import { groupSize, treeItem } from './treeItems.js';
import type { ArtifactElement, EntryElement, ExperimentElement, FolderElement, Group, MessageElement, RunElement, RunsElement } from './treeNodes.js';

export interface RunsTreeOptions {
  keyMetric(): string | undefined;
}

/**
 * Maps the runs model to the Runs view: experiments → runs (child runs nested under their
 * parent) → parameters, metrics, tags, datasets, logged models, artifacts; one level of folders
 * first in a multi-root workspace. The model reads, pages and re-reads; this only makes items.
 * getChildren never throws: a failure becomes an error row with a retry.
 */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunsElement> {
  readonly onDidChangeTreeData: vscode.Event<RunsElement | undefined>;

  constructor(
    private readonly runs: RunsModel<FolderTracking>,
    private readonly options: RunsTreeOptions,
    private readonly log: Logger,
  ) {
    this.onDidChangeTreeData = runs.onDidChange;
  }

  getTreeItem(element: RunsElement): vscode.TreeItem {
    return treeItem(element, { keyMetric: this.options.keyMetric(), now: Date.now(), queried: queriedKeys(this.runs.query), nameShared: (row) => this.sharedNames(row.experiment).has(runDisplayName(row.run)) });
  }

  /** Names two loaded runs of an experiment share, computed each time its runs are listed (a rename lists them again). */
  private readonly shared = new WeakMap<ExperimentElement, Set<string>>();

  private sharedNames(experiment: ExperimentElement): Set<string> {
    let names = this.shared.get(experiment);
    if (!names) this.shared.set(experiment, (names = sharedNames([...experiment.runsById.values()].map((row) => row.run), runDisplayName)));
    return names;
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
      if (!element) return await this.roots();
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
    const folders = this.runs.places;
    if (folders.length > 1) return folders.map((tracking) => ({ kind: 'folder', tracking }));
    const [only] = folders;
    return only ? this.experimentsOf(only) : [];
  }

  private async experimentsOf(tracking: FolderTracking, parent?: FolderElement): Promise<RunsElement[]> {
    const { state } = tracking;
    if (state.kind === 'error') return [{ kind: 'message', id: `store-error:${tracking.key}`, message: state.message, detail: state.uri, error: true, parent }];
    // With one folder and no store yet, the view stays empty so its welcome content explains what to do.
    if (state.kind === 'missing') return parent ? [{ kind: 'message', id: `missing:${tracking.key}`, message: 'No MLflow runs in this folder yet', detail: state.uri, error: false, parent }] : [];
    const { experiments, problems } = await this.runs.experimentsOf(tracking, parent);
    return [...experiments, ...problems.map((problem, i) => errorMessage(`problem:${tracking.key}:${i}`, problem, parent))];
  }

  private async runsOf(element: ExperimentElement): Promise<RunsElement[]> {
    const loaded = await this.runs.runsOf(element);
    this.shared.delete(element);
    const children: RunsElement[] = [...element.runNodes];
    children.push(...loaded.problems.map((problem, i) => errorMessage(`problem:${element.experiment.experiment_id}:${i}`, problem, element)));
    if (loaded.nextPageToken) children.push({ kind: 'loadMore', experiment: element, loadedCount: loaded.runs.length });
    if (children.length === 0) {
      children.push({ kind: 'message', id: `empty:${element.experiment.experiment_id}`, message: this.runs.isFiltered ? 'No runs match the filter' : 'No runs yet', error: false, parent: element });
    }
    return children;
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
  const listing = await requireStore(owner.experiment.tracking).listArtifacts(owner.run.info.run_id, path);
  if (listing.files.length === 0) return [{ kind: 'message', id: `no-artifacts:${owner.run.info.run_id}:${path ?? ''}`, message: 'No artifacts', error: false, parent: parent ?? { kind: 'group', owner, group: 'artifacts' } }];
  const folders = listing.files.filter((f) => f.is_dir);
  const files = listing.files.filter((f) => !f.is_dir);
  return [...folders, ...files].map((file) => ({ kind: 'artifact', owner, file, parent }));
}

function errorMessage(id: string, error: unknown, parent?: RunsElement): MessageElement {
  const message = error instanceof Error ? error.message : String(error);
  // A 401: the row signs in (to the server of the folder it is under; else the active one).
  const signIn = remedyFor(error) === 'set-credentials' ? { signInTo: parent?.kind === 'folder' ? stateUri(parent.tracking.state) : '' } : {};
  return { kind: 'message', id, message: message.split('\n')[0]!.slice(0, 200), detail: message, error: true, ...signIn, parent };
}
