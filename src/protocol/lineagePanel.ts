/**
 * Messages between the host and the Lineage panel. The host decides the graph (core/lineage/graph.ts)
 * and sends it whole; the webview renders it as text and says which node the user opened. The host
 * validates every incoming message with {@link parseFromWebview}: a node id must be one it sent.
 */
import type { LineageGraph } from '../core/lineage/graph.js';
export type { GraphNode, LineageGraph, NodeTarget } from '../core/lineage/graph.js';

export type ToWebview =
  | { readonly type: 'loading'; readonly title: string }
  | { readonly type: 'state'; readonly graph: LineageGraph }
  | { readonly type: 'error'; readonly title: string; readonly message: string };

export type FromWebview = { readonly type: 'ready' } | { readonly type: 'refresh' } | { readonly type: 'open'; readonly nodeId: string };

const MAX_ID = 2048;

/** The message when it is one the webview may send, else undefined. */
export function parseFromWebview(message: unknown): FromWebview | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
  const { type } = message as { type?: unknown };
  if (type === 'ready' || type === 'refresh') return { type };
  if (type === 'open') {
    const { nodeId } = message as { nodeId?: unknown };
    return typeof nodeId === 'string' && nodeId.length > 0 && nodeId.length <= MAX_ID ? { type, nodeId } : undefined;
  }
  return undefined;
}
