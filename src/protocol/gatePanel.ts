/**
 * Messages between the host and the Go/No-Go report panel. The host evaluates the gate (core) and
 * sends the report with what may be done next; the webview asks for an action, and the host
 * validates it ({@link parseFromWebview}) and confirms anything that writes (an override is a modal).
 */
import type { GateReport } from '../core/lineage/gateReport.js';
export type { CriterionResult, GateReport } from '../core/lineage/gateReport.js';

export interface GatePanelState {
  readonly report: GateReport;
  /** `evaluated`: nothing written yet; `promoted`/`overridden`: the alias moved and the decision is recorded. */
  readonly phase: 'evaluated' | 'promoting' | 'promoted' | 'overridden';
  /** What happened last, in words (a refusal, a write's failure, a success). */
  readonly note: string | null;
  /** The criteria file, relative to the workspace folder when inside it. */
  readonly criteriaLabel: string;
}

export type ToWebview = { readonly type: 'state'; readonly state: GatePanelState } | { readonly type: 'error'; readonly message: string };

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'promote' }
  | { readonly type: 'override' }
  | { readonly type: 'reevaluate' }
  | { readonly type: 'openCriteria' };

const TYPES = new Set(['ready', 'promote', 'override', 'reevaluate', 'openCriteria']);

/** The message when it is one the webview may send, else undefined (anything extra is dropped). */
export function parseFromWebview(message: unknown): FromWebview | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
  const { type } = message as { type?: unknown };
  return typeof type === 'string' && TYPES.has(type) ? ({ type } as FromWebview) : undefined;
}
