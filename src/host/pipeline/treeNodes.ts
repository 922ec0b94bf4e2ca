import type { PathChange, Stage, StageStatus } from '../../core/dvc/entities.js';
import type { ParamLeafChange } from '../../core/dvc/status/paramLeaves.js';
import type { Project } from '../dvc/projects.js';

/** The Pipeline view's nodes: roots (when several), stages in DAG order, their deps/params/outs. */
export type PipelineElement = RootElement | StageElement | PartElement | MessageElement;

export interface RootElement {
  readonly kind: 'root';
  readonly project: Project;
}

export interface StageElement {
  readonly kind: 'stage';
  readonly project: Project;
  readonly stage: Stage;
  readonly status: StageStatus | undefined;
  readonly parent: RootElement | undefined;
}

export type PartKind = 'dep' | 'param' | 'out' | 'metric' | 'plot';

/** One dep, param key or output of a stage, with its own change (if any). */
export interface PartElement {
  readonly kind: 'part';
  readonly owner: StageElement;
  readonly part: PartKind;
  /** Repo-relative path, or the param's dotted key. */
  readonly name: string;
  readonly absPath: string;
  readonly line: number;
  readonly pathChange?: PathChange;
  readonly paramChange?: ParamLeafChange;
  /** The recorded value of a param (dvc.lock). */
  readonly value?: unknown;
  /** Out flags worth saying: "not cached", "persist". */
  readonly flags?: readonly string[];
}

export interface MessageElement {
  readonly kind: 'message';
  readonly id: string;
  readonly message: string;
  readonly detail?: string;
  readonly icon: 'loading' | 'error' | 'info' | 'busy';
  readonly parent: RootElement | undefined;
}

export function idOf(element: PipelineElement): string {
  switch (element.kind) {
    case 'root':
      return `root:${element.project.root}`;
    case 'stage':
      return `stage:${element.project.root}:${element.stage.address}`;
    case 'part':
      return `${idOf(element.owner)}:${element.part}:${element.name}`;
    case 'message':
      return `message:${element.id}`;
  }
}
