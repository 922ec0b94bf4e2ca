/**
 * Messages between the host and the Drift Report panel webview. The host validates every incoming
 * message with {@link parseFromWebview}; the report itself is core's `DriftReport` (plain JSON).
 */
import type { DriftReport } from '../core/drift/model.js';
import type { LeftOutColumn } from '../core/monitoring/model.js';
export type { ColumnDrift, DriftHistogram, DriftProblem, DriftReport } from '../core/drift/model.js';
export type { LeftOutColumn } from '../core/monitoring/model.js';

/** One side of the comparison as the panel names it. */
export interface DriftSideInfo {
  /** `Training data of iris-classifier/3`, `Serving capture of iris-classifier@champion`, a file name. */
  readonly label: string;
  /** What was read: a repo path and version, a capture log, a file. */
  readonly detail: string;
}

/** What the panel's actions can do now (and, when not, why: shown as the button's tooltip). */
export interface DriftActions {
  /** Absent: the action is not offered for this check. */
  readonly evidently?: { readonly enabled: boolean; readonly why?: string };
  readonly mlflow?: { readonly enabled: boolean; readonly why?: string };
}

export type ActionName = 'evidently' | 'mlflow' | 'rerun';

export type ToWebview =
  | { readonly type: 'computing'; readonly title: string; readonly reference: DriftSideInfo; readonly current: DriftSideInfo }
  | {
      readonly type: 'snapshot';
      readonly title: string;
      readonly reference: DriftSideInfo;
      readonly current: DriftSideInfo;
      readonly report: DriftReport;
      readonly leftOut: readonly LeftOutColumn[];
      readonly actions: DriftActions;
      /** When the check finished (ms since the epoch). */
      readonly computedAt: number;
    }
  | { readonly type: 'error'; readonly title: string; readonly message: string }
  /** An action's progress or outcome, shown beside the buttons. */
  | { readonly type: 'status'; readonly action: ActionName; readonly state: 'running' | 'done' | 'failed'; readonly message: string };

export type FromWebview = { readonly type: 'ready' } | { readonly type: 'action'; readonly action: ActionName };

/** View state kept by the webview (setState). */
export interface DriftViewState {
  readonly selectedColumn?: string;
}

const ACTIONS: readonly ActionName[] = ['evidently', 'mlflow', 'rerun'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function parseFromWebview(message: unknown): FromWebview | undefined {
  if (!isObject(message)) return undefined;
  switch (message.type) {
    case 'ready':
      return { type: 'ready' };
    case 'action':
      return ACTIONS.includes(message.action as ActionName) ? { type: 'action', action: message.action as ActionName } : undefined;
    default:
      return undefined;
  }
}

export function parseViewState(state: unknown): DriftViewState {
  if (!isObject(state) || typeof state.selectedColumn !== 'string' || state.selectedColumn.length > 10_000) return {};
  return { selectedColumn: state.selectedColumn };
}

/** The verdict line: `Dataset drift detected: 2 of 4 columns drifted (50%; dataset drift is declared from 50%).` */
export function verdictText(report: DriftReport): string {
  const { tested, drifted, share, driftShare, detected, notComputed } = report.dataset;
  const percent = (x: number): string => `${Math.round(x * 1000) / 10}%`;
  if (tested === 0) return 'No column could be compared: see the problems below.';
  const head = detected ? 'Dataset drift detected' : 'Dataset drift not detected';
  const text = notComputed > 0 ? ` ${notComputed} text column${notComputed === 1 ? ' is' : 's are'} not computed (Evidently scores text with a trained classifier) and not counted.` : '';
  return `${head}: ${drifted} of ${tested} column${tested === 1 ? '' : 's'} drifted (${percent(share)}; dataset drift is declared from ${percent(driftShare)}).${text}`;
}
