/**
 * Messages between the host and the Metrics panel webview. Both sides import this module; the
 * host validates every incoming message with {@link parseFromWebview} before acting on it.
 *
 * Series travel as typed arrays (VS Code transfers them without JSON): x per the chosen axis, y with
 * non-finite values as NaN, and `flags` saying which of those were NaN, +Infinity or -Infinity.
 */

export type XAxis = 'step' | 'time' | 'relative';
export type YScale = 'linear' | 'log';

/** Values of {@link SeriesPayload.flags}: 0 = a finite value. */
export const PointFlag = { finite: 0, nan: 1, positiveInfinity: 2, negativeInfinity: 4 } as const;

/** What the panel shows: persisted by the webview (setState) and restored by the panel serializer. */
export interface MetricsSelection {
  /** The workspace folder's tracking key (`f0`, …). */
  readonly trackingKey: string;
  readonly runIds: readonly string[];
  /** Only these metrics, in this order; all metrics when absent. */
  readonly keys?: readonly string[];
}

export interface MetricsViewState {
  readonly xAxis: XAxis;
  readonly yScale: YScale;
  /** TensorBoard's EMA weight, 0 (off) to 0.99. */
  readonly smoothing: number;
  /** Run ids hidden from every chart by the legend. */
  readonly hidden: readonly string[];
}

export const DEFAULT_VIEW: MetricsViewState = { xAxis: 'step', yScale: 'linear', smoothing: 0, hidden: [] };

export interface PanelRun {
  readonly runId: string;
  /** The run name, else its id: data, rendered as text. */
  readonly name: string;
  readonly status: string;
  /** The colour slot (core/series/colors.ts slotStyle): stable per run id. */
  readonly color: number;
  /** The legend's text: the name, with a short id when another run has the same name. */
  readonly label: string;
}

export interface SeriesPayload {
  readonly runId: string;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly flags: Uint8Array;
  /** Points in the run's full history of this metric. */
  readonly total: number;
  /** True when every point of the requested range is here (no downsampling). */
  readonly full: boolean;
  /** A sample of a long history drawn while the whole is read (`total` counts the sample). */
  readonly sample?: boolean;
}

export interface ChartPayload {
  readonly key: string;
  /** `bars` when every run logged the metric once (core/charts/chartShape.ts). */
  readonly kind: 'line' | 'bars';
  readonly series: readonly SeriesPayload[];
}

export interface PanelProblem {
  readonly runId?: string;
  readonly key?: string;
  readonly message: string;
}

export type ToWebview =
  | {
      readonly type: 'snapshot';
      readonly selection: MetricsSelection;
      readonly view: MetricsViewState;
      readonly title: string;
      readonly runs: readonly PanelRun[];
      readonly charts: readonly ChartPayload[];
      readonly problems: readonly PanelProblem[];
      /**
       * Some long histories are samples: a snapshot with every point follows, which the panel
       * applies in place (keeping zoom, scroll and focus) when it has the same charts.
       */
      readonly sample?: boolean;
      /** Where the host's time went (shown nowhere; read by the benchmark). */
      readonly timings: { readonly readMs: number; readonly downsampleMs: number; readonly points: number };
    }
  /** The answer to a `zoom`: the chart's series over that x window, at full detail when it fits. */
  | { readonly type: 'detail'; readonly key: string; readonly requestId: number; readonly window: readonly [number, number] | null; readonly series: readonly SeriesPayload[] }
  /** New points of a RUNNING run, after the last one sent. */
  | { readonly type: 'append'; readonly key: string; readonly series: SeriesPayload }
  | { readonly type: 'runs'; readonly runs: readonly PanelRun[] }
  | { readonly type: 'highlight'; readonly runId: string | undefined }
  | { readonly type: 'error'; readonly message: string };

export type FromWebview =
  | { readonly type: 'ready'; readonly width: number }
  | { readonly type: 'view'; readonly view: MetricsViewState }
  | { readonly type: 'zoom'; readonly key: string; readonly requestId: number; readonly window: readonly [number, number] | null; readonly width: number }
  | { readonly type: 'exportCsv'; readonly key: string; readonly full: boolean }
  | { readonly type: 'exportPng'; readonly key: string; readonly dataUrl: string }
  | { readonly type: 'openRun'; readonly runId: string };

const MAX_PNG_CHARS = 40_000_000;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isShortString = (v: unknown, max = 10_000): v is string => typeof v === 'string' && v.length <= max;
const isWidth = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 20_000;

export function parseView(v: unknown): MetricsViewState | undefined {
  if (!isObject(v)) return undefined;
  const { xAxis, yScale, smoothing, hidden } = v;
  if (xAxis !== 'step' && xAxis !== 'time' && xAxis !== 'relative') return undefined;
  if (yScale !== 'linear' && yScale !== 'log') return undefined;
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing < 1)) return undefined;
  if (!Array.isArray(hidden) || hidden.length > 10_000 || !hidden.every((h) => isShortString(h, 200))) return undefined;
  return { xAxis, yScale, smoothing, hidden: hidden as string[] };
}

export function parseSelection(v: unknown): MetricsSelection | undefined {
  if (!isObject(v)) return undefined;
  const { trackingKey, runIds, keys } = v;
  if (!isShortString(trackingKey, 100) || !Array.isArray(runIds) || runIds.length === 0 || runIds.length > 500) return undefined;
  if (!runIds.every((id) => isShortString(id, 200))) return undefined;
  if (keys !== undefined && (!Array.isArray(keys) || !keys.every((k) => isShortString(k, 1000)))) return undefined;
  return { trackingKey, runIds: runIds as string[], ...(keys ? { keys: keys as string[] } : {}) };
}

function parseWindow(v: unknown): readonly [number, number] | null | undefined {
  if (v === null) return null;
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const [a, b] = v as unknown[];
  return typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b) && a <= b ? [a, b] : undefined;
}

/** Returns the message when it is one the webview may send, else undefined. */
export function parseFromWebview(message: unknown): FromWebview | undefined {
  if (!isObject(message)) return undefined;
  const m = message;
  switch (m.type) {
    case 'ready':
      return isWidth(m.width) ? { type: 'ready', width: m.width } : undefined;
    case 'view': {
      const view = parseView(m.view);
      return view && { type: 'view', view };
    }
    case 'zoom': {
      const window = parseWindow(m.window);
      if (!isShortString(m.key) || window === undefined || !isWidth(m.width) || typeof m.requestId !== 'number') return undefined;
      return { type: 'zoom', key: m.key, requestId: m.requestId, window, width: m.width };
    }
    case 'exportCsv':
      return isShortString(m.key) && typeof m.full === 'boolean' ? { type: 'exportCsv', key: m.key, full: m.full } : undefined;
    case 'exportPng':
      return isShortString(m.key) && isShortString(m.dataUrl, MAX_PNG_CHARS) && m.dataUrl.startsWith('data:image/png;base64,')
        ? { type: 'exportPng', key: m.key, dataUrl: m.dataUrl }
        : undefined;
    case 'openRun':
      return isShortString(m.runId, 200) ? { type: 'openRun', runId: m.runId } : undefined;
    default:
      return undefined;
  }
}

/** The state the webview keeps with setState: what the serializer needs to bring the panel back. */
export interface MetricsWebviewState {
  readonly selection: MetricsSelection;
  readonly view: MetricsViewState;
}

export function parseWebviewState(v: unknown): MetricsWebviewState | undefined {
  if (!isObject(v)) return undefined;
  const selection = parseSelection(v.selection);
  const view = parseView(v.view) ?? DEFAULT_VIEW;
  return selection && { selection, view };
}
