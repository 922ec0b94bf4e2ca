/**
 * Messages between the host and the Compare Runs panel webview. The host validates every incoming
 * message with {@link parseFromWebview}.
 */
import type { Comparison } from '../core/tracking/comparison.js';
export type { Comparison, ComparisonCell, ComparisonColumn, ComparisonRow } from '../core/tracking/comparison.js';

export interface CompareSelection {
  readonly trackingKey: string;
  readonly runIds: readonly string[];
}

/** View state kept by the webview (setState) and restored with the panel. */
export interface CompareViewState {
  readonly sort?: { readonly column: string; readonly descending: boolean };
  /** Columns the user hid; differing columns show by default, equal ones are hidden when `onlyDiffering`. */
  readonly hidden: readonly string[];
  readonly onlyDiffering: boolean;
  /** The metric at the end of the parallel coordinates. */
  readonly target?: string;
  readonly scatterX?: string;
  readonly scatterY?: string;
}

export const DEFAULT_COMPARE_VIEW: CompareViewState = { hidden: [], onlyDiffering: false };

export type ToWebview =
  | {
      readonly type: 'snapshot';
      readonly selection: CompareSelection;
      readonly title: string;
      readonly comparison: Comparison;
      /** Palette index per run id, stable across panels and sessions. */
      readonly colors: Readonly<Record<string, number>>;
      readonly problems: readonly string[];
    }
  | { readonly type: 'highlight'; readonly runId: string | undefined }
  | { readonly type: 'error'; readonly message: string };

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'select'; readonly runId: string }
  | { readonly type: 'openMetrics'; readonly runIds: readonly string[] };

export interface CompareWebviewState {
  readonly selection: CompareSelection;
  readonly view: CompareViewState;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;

export function parseFromWebview(message: unknown): FromWebview | undefined {
  if (!isObject(message)) return undefined;
  switch (message.type) {
    case 'ready':
      return { type: 'ready' };
    case 'select':
      return isId(message.runId) ? { type: 'select', runId: message.runId } : undefined;
    case 'openMetrics': {
      const ids = message.runIds;
      return Array.isArray(ids) && ids.length > 0 && ids.length <= 500 && ids.every(isId) ? { type: 'openMetrics', runIds: ids as string[] } : undefined;
    }
    default:
      return undefined;
  }
}

export function parseCompareState(v: unknown): CompareWebviewState | undefined {
  if (!isObject(v) || !isObject(v.selection)) return undefined;
  const { trackingKey, runIds } = v.selection;
  if (typeof trackingKey !== 'string' || trackingKey.length > 100 || !Array.isArray(runIds) || runIds.length < 1 || runIds.length > 500 || !runIds.every(isId)) return undefined;
  const view = isObject(v.view) ? v.view : {};
  const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string' && s.length < 1000) : []);
  const optional = (x: unknown): string | undefined => (typeof x === 'string' && x.length < 1000 ? x : undefined);
  const sort = isObject(view.sort) && typeof view.sort.column === 'string' ? { column: view.sort.column, descending: view.sort.descending === true } : undefined;
  return {
    selection: { trackingKey, runIds: runIds as string[] },
    view: { hidden: strings(view.hidden), onlyDiffering: view.onlyDiffering === true, sort, target: optional(view.target), scatterX: optional(view.scatterX), scatterY: optional(view.scatterY) },
  };
}
