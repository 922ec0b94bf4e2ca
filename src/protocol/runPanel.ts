/**
 * Messages between the host and the Run panel webview. Both sides import this module; the host
 * validates every incoming message with {@link parseFromWebview} before acting on it.
 */
import type { Run } from '../core/tracking/entities.js';
export type { JsonDouble, KeyValue, Metric, Run } from '../core/tracking/entities.js';
import type { SummaryRow } from '../core/tracking/runTree.js';

export interface RunPanelState {
  readonly run: Run;
  /** Formatted by the host (core/tracking/runTree.ts runSummary): the webview only renders. */
  readonly summary: readonly SummaryRow[];
  readonly experimentName: string;
  readonly storeLabel: string;
}

export type ToWebview =
  | { readonly type: 'state'; readonly state: RunPanelState }
  | { readonly type: 'error'; readonly message: string };

export type FromWebview = { readonly type: 'ready' } | { readonly type: 'copy'; readonly text: string };

/** Returns the message when it is one the webview may send, else undefined. */
export function parseFromWebview(message: unknown): FromWebview | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type } = message as { type?: unknown };
  if (type === 'ready') return { type };
  if (type === 'copy') {
    const { text } = message as { text?: unknown };
    return typeof text === 'string' && text.length <= 100_000 ? { type, text } : undefined;
  }
  return undefined;
}
