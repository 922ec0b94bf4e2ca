import type { DataVersion, TrackedData } from '../../core/dvc/entities.js';
import type { RemoteBadge } from '../../core/dvc/remote/badges.js';
import type { RunAtCommit } from '../../core/lineage/runsAtCommit.js';
import type { Project } from '../dvc/projects.js';

/** The Data view's nodes: roots (when several) → tracked paths → versions → runs at that commit. */
export type DataElement = DataRootElement | TrackedElement | VersionElement | RunElement | DataMessageElement;

export interface DataRootElement {
  readonly kind: 'root';
  readonly project: Project;
}

export interface TrackedElement {
  readonly kind: 'tracked';
  readonly project: Project;
  readonly data: TrackedData;
  readonly parent: DataRootElement | undefined;
  /** Its place between the cache and the DVC remote (absent: no remote configured). */
  readonly remote?: RemoteBadge;
}

export interface VersionElement {
  readonly kind: 'version';
  readonly owner: TrackedElement;
  readonly version: DataVersion;
  /** Every version of the path, newest first (for "Diff Two Versions"). */
  readonly siblings: readonly DataVersion[];
  /** The version the `.dvc`/lock file records now. */
  readonly current: boolean;
  readonly runs: readonly RunAtCommit[];
}

export interface RunElement {
  readonly kind: 'run';
  readonly owner: VersionElement;
  readonly found: RunAtCommit;
}

export interface DataMessageElement {
  readonly kind: 'message';
  readonly id: string;
  readonly message: string;
  readonly detail?: string;
  readonly icon: 'loading' | 'error' | 'info' | 'busy' | 'uncommitted';
  readonly parent: DataRootElement | TrackedElement | undefined;
}

export function idOf(element: DataElement): string {
  switch (element.kind) {
    case 'root':
      return `root:${element.project.root}`;
    case 'tracked':
      return `data:${element.project.root}:${element.data.repoPath}`;
    case 'version':
      return `${idOf(element.owner)}:${element.version.commit}`;
    case 'run':
      return `${idOf(element.owner)}:${element.found.run.info.run_id}`;
    case 'message':
      return `message:${element.id}`;
  }
}
