import type { BatchStageCheck } from '../../core/deploy/batchStatus.js';
import type { Stage, StageStatus } from '../../core/dvc/entities.js';
import type { StagePart } from '../../core/dvc/stageParts.js';
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
  /** A batch prediction stage: whether the model version it records is still the one its alias names. */
  readonly batch?: BatchStageCheck;
}

export type { PartKind } from '../../core/dvc/stageParts.js';

/** One dep, param key or output of a stage (core's StagePart), below its stage. */
export interface PartElement extends StagePart {
  readonly kind: 'part';
  readonly owner: StageElement;
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
