/**
 * Messages between the host and the Pipeline Graph webview. The host lays the graph out (core/dvc
 * pipelineGraph.ts) and sends numbers and text; the webview draws it and says which stage the user
 * opened. The host validates every incoming message with {@link parseFromWebview}.
 */

export type GraphState = 'up-to-date' | 'changed' | 'upstream-changed' | 'never-run' | 'checking';

export interface GraphNodePayload {
  readonly id: string;
  readonly label: string;
  readonly kind: 'pipeline' | 'data';
  readonly state: GraphState;
  readonly frozen: boolean;
  readonly reasons: readonly string[];
  readonly file: string;
  readonly line: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface GraphEdgePayload {
  readonly from: string;
  readonly to: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** One DVC project of the workspace: its graph, or why there is none yet. */
export interface ProjectGraph {
  /** Index of the project in the host's list when the snapshot was made. */
  readonly project: number;
  readonly label: string;
  readonly graph?: { readonly nodes: readonly GraphNodePayload[]; readonly edges: readonly GraphEdgePayload[]; readonly width: number; readonly height: number };
  /** "Still checking…", or the error reading dvc.yaml. */
  readonly message?: string;
  readonly error?: boolean;
}

export type ToWebview = { readonly type: 'snapshot'; readonly projects: readonly ProjectGraph[] };

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'openStage'; readonly project: number; readonly stage: string }
  | { readonly type: 'exportMermaid' }
  | { readonly type: 'refresh' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Returns the message when it is one the webview may send, else undefined. */
export function parseFromWebview(message: unknown): FromWebview | undefined {
  if (!isObject(message)) return undefined;
  switch (message.type) {
    case 'ready':
    case 'exportMermaid':
    case 'refresh':
      return { type: message.type };
    case 'openStage': {
      const { project, stage } = message;
      if (typeof project !== 'number' || !Number.isInteger(project) || project < 0 || project > 10_000) return undefined;
      if (typeof stage !== 'string' || stage.length === 0 || stage.length > 4096) return undefined;
      return { type: 'openStage', project, stage };
    }
    default:
      return undefined;
  }
}
