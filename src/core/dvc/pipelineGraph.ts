/**
 * The pipeline as a picture: each stage a box with its status, each dependency an edge, laid out
 * top to bottom (upstream above, as `dvc dag` draws it) by dagre's layered layout.
 *
 * Why dagre (@dagrejs/dagre, pinned): it is plain synchronous JavaScript with no `eval`, no
 * `new Function` and no worker, so it runs here in core (unit-tested in Node) and its output is
 * only numbers the webview draws under a strict CSP; a DVC pipeline is a small DAG, which its
 * Sugiyama-style layered layout draws well. elkjs's bundled build is a GWT translation of Java
 * (1.4 MB) that wants a Web Worker for off-thread use; its strength (ports, compound graphs) is
 * not needed for stage → stage edges.
 */
import dagre from '@dagrejs/dagre';
import type { Stage, StageState, StageStatus } from './entities.js';
import type { Dag } from './status/dag.js';

export type GraphState = StageState | 'checking';

export interface GraphNode {
  /** The stage's address (`train`, `sub/dvc.yaml:train`, `data.dvc`). */
  readonly id: string;
  readonly label: string;
  readonly kind: Stage['kind'];
  readonly state: GraphState;
  readonly frozen: boolean;
  /** Why it is not up to date, as the Pipeline view and `dvc status` say it. */
  readonly reasons: readonly string[];
  /** The defining file, relative to the DVC root, and the stage's 1-based line in it. */
  readonly file: string;
  readonly line: number;
  /** The box: centre and size, in pixels. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface PipelineGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly width: number;
  readonly height: number;
}

/** Box metrics: text of ~7 px per character in the editor's UI font, within sensible limits. */
const CHAR_WIDTH = 7;
/** Wide enough for the longest status word ("upstream changed") under the shortest name. */
const MIN_WIDTH = 150;
const MAX_WIDTH = 280;
const HEIGHT = 44;
/** Labels longer than fit in MAX_WIDTH are cut with an ellipsis (the full name is in the tooltip). */
export const MAX_LABEL_CHARS = Math.floor((MAX_WIDTH - 36) / CHAR_WIDTH);

export function nodeLabel(stage: Pick<Stage, 'kind' | 'address' | 'outs'>): string {
  return stage.kind === 'data' ? stage.outs.map((o) => o.repoPath).join(', ') || stage.address : stage.address;
}

export function layoutPipeline(stages: readonly Stage[], dag: Dag, statuses: ReadonlyMap<string, StageStatus>): PipelineGraph {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 48, marginx: 16, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));
  const byAddress = new Map(stages.map((s) => [s.address, s]));
  const present = dag.order.filter((address) => byAddress.has(address));
  for (const address of present) {
    const label = nodeLabel(byAddress.get(address)!);
    const width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.min(label.length, MAX_LABEL_CHARS) * CHAR_WIDTH + 36));
    graph.setNode(address, { width, height: HEIGHT });
  }
  for (const address of present) {
    for (const parent of dag.upstream.get(address) ?? []) if (byAddress.has(parent)) graph.setEdge(parent, address);
  }
  dagre.layout(graph);
  const nodes = present.map((address): GraphNode => {
    const stage = byAddress.get(address)!;
    const box = graph.node(address);
    const status = statuses.get(address);
    return {
      id: address,
      label: nodeLabel(stage),
      kind: stage.kind,
      state: status?.state ?? 'checking',
      frozen: stage.frozen,
      reasons: status?.reasons ?? [],
      file: stage.file,
      line: stage.position.line,
      x: box.x,
      y: box.y,
      width: box.width,
      height: box.height,
    };
  });
  const edges = graph.edges().map((e: { v: string; w: string }): GraphEdge => ({ from: e.v, to: e.w, points: ((graph.edge(e) as { points?: { x: number; y: number }[] }).points ?? []).map((p) => ({ x: p.x, y: p.y })) }));
  const { width = 0, height = 0 } = graph.graph();
  return { nodes, edges, width, height };
}
