import type { FileInfo } from '../../core/tracking/entities.js';
import type { ExperimentRuns, PlaceNode, RunRow } from '../../core/tracking/runsModel.js';
import type { FolderTracking } from '../tracking/trackingService.js';

/**
 * The Runs view's nodes. Experiments and runs are the runs model's long-lived objects, updated in
 * place when MLflow logs to a run, so the view can refresh one row without reloading (and
 * collapsing) the tree; groups, entries, artifacts and messages are the view's own.
 */
export type RunsElement =
  | FolderElement
  | ExperimentElement
  | RunElement
  | GroupElement
  | EntryElement
  | ArtifactElement
  | LoadMoreElement
  | MessageElement;

export type Group = 'params' | 'metrics' | 'tags' | 'datasets' | 'models' | 'artifacts';

/** A workspace folder's level (several folders), an experiment and a run are the runs model's own objects. */
export type FolderElement = PlaceNode<FolderTracking>;
export type ExperimentElement = ExperimentRuns<FolderTracking>;
export type RunElement = RunRow<FolderTracking>;

export interface GroupElement {
  readonly kind: 'group';
  readonly owner: RunElement;
  readonly group: Group;
}

export interface EntryElement {
  readonly kind: 'entry';
  readonly owner: RunElement;
  readonly group: Group;
  readonly key: string;
  readonly value: string;
  readonly detail?: string;
}

export interface ArtifactElement {
  readonly kind: 'artifact';
  readonly owner: RunElement;
  readonly file: FileInfo;
  readonly parent?: ArtifactElement;
}

export interface LoadMoreElement {
  readonly kind: 'loadMore';
  readonly experiment: ExperimentElement;
  readonly loadedCount: number;
}

export interface MessageElement {
  readonly kind: 'message';
  readonly id: string;
  readonly message: string;
  readonly detail?: string;
  readonly error: boolean;
  /** The server to sign in to, when the failure is a 401 (the row then offers Sign In…). */
  readonly signInTo?: string;
  readonly parent?: RunsElement;
}

export function idOf(element: RunsElement): string {
  switch (element.kind) {
    case 'folder':
      return `folder:${element.tracking.key}`;
    case 'experiment':
      return `experiment:${element.tracking.key}:${element.experiment.experiment_id}`;
    case 'run':
      return `run:${element.experiment.tracking.key}:${element.run.info.run_id}`;
    case 'group':
      return `group:${idOf(element.owner)}:${element.group}`;
    case 'entry':
      return `entry:${idOf(element.owner)}:${element.group}:${element.key}`;
    case 'artifact':
      return `artifact:${idOf(element.owner)}:${element.file.path}`;
    case 'loadMore':
      return `more:${idOf(element.experiment)}`;
    case 'message':
      return element.id;
  }
}
