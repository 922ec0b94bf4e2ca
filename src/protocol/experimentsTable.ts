/**
 * Messages between the host and the Experiments table webview. The host holds the row model
 * (core/experimentsTable) and sends the columns and windows of rendered rows; the webview asks
 * for the rows it scrolls to, and sends the query and the user's actions. Both directions are
 * validated here: the host with {@link parseFromWebview}, the webview with {@link parseToWebview}.
 */
import type { Completion, MetricView, RenderedEntry, SortKey, TableColumn } from '../core/experimentsTable/types.js';
export type { Completion, MetricAggregate, MetricView, RenderedEntry, RenderedGroup, RenderedRow, SortKey, TableColumn } from '../core/experimentsTable/types.js';

export interface TableQueryMessage {
  readonly filter: string;
  readonly sort: readonly SortKey[];
  readonly groupBy?: string;
  readonly starredOnly: boolean;
  readonly collapsed: readonly string[];
  /** Metric columns over each run's history (min, max, value at a step), asked for in Columns. */
  readonly metricViews?: readonly MetricView[];
}

/** At most this many metric views at once (each may read every run's history of its metric). */
export const MAX_METRIC_VIEWS = 12;

export const DEFAULT_QUERY: TableQueryMessage = { filter: '', sort: [], starredOnly: false, collapsed: [] };

/** A source's loading state, shown in the toolbar. */
export interface SourceStatus {
  readonly id: string;
  readonly label: string;
  readonly kind: 'mlflow' | 'dvc';
  readonly loaded: number;
  readonly more: boolean;
  readonly loading: boolean;
  readonly error?: string;
}

export type ToWebview =
  | {
      readonly type: 'view';
      /** Increases with every view; a window of an older view is dropped. */
      readonly version: number;
      readonly columns: readonly TableColumn[];
      readonly count: number;
      readonly matched: number;
      readonly total: number;
      readonly error?: { readonly message: string; readonly position?: number };
      readonly sources: readonly SourceStatus[];
      /** What the panel shows, kept in the webview's state so the panel comes back after a reload. */
      readonly refs: readonly TableSourceRef[];
      readonly query: TableQueryMessage;
      readonly start: number;
      readonly entries: readonly RenderedEntry[];
      /** Reading the runs' metric histories for the query's metric views. */
      readonly histories?: { readonly done: number; readonly total: number; readonly failed: number; readonly errors: readonly string[] };
    }
  | { readonly type: 'window'; readonly version: number; readonly start: number; readonly entries: readonly RenderedEntry[] }
  | { readonly type: 'completions'; readonly requestId: number; readonly from: number; readonly to: number; readonly items: readonly Completion[] }
  | { readonly type: 'error'; readonly message: string };

/** What the user can do with selected rows (host checks each applies to the rows' source). */
export const ROW_ACTIONS = ['metrics', 'compare', 'plots', 'star', 'unstar', 'note', 'open', 'apply', 'branch', 'remove', 'logs', 'stop', 'runWithParams', 'queueWithParams', 'push'] as const;
export type RowAction = (typeof ROW_ACTIONS)[number];

export const TABLE_ACTIONS = ['refresh', 'loadMore', 'startQueue', 'stopQueue', 'pullFromRemote'] as const;
export type TableAction = (typeof TABLE_ACTIONS)[number];

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'query'; readonly query: TableQueryMessage }
  | { readonly type: 'window'; readonly version: number; readonly start: number; readonly count: number }
  | { readonly type: 'complete'; readonly requestId: number; readonly text: string; readonly cursor: number }
  | { readonly type: 'rowAction'; readonly action: RowAction; readonly rowIds: readonly string[] }
  | { readonly type: 'tableAction'; readonly action: TableAction };

/** Column layout the webview keeps (setState) and restores with the panel. */
export interface LayoutState {
  readonly widths: Readonly<Record<string, number>>;
  readonly order: readonly string[];
  readonly hidden: readonly string[];
}

export const MAX_WINDOW = 500;
const MAX_FILTER = 4000;
const MAX_ROWS = 10_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max = 1000): v is string => typeof v === 'string' && v.length <= max;
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 600;
const isCount = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
const textList = (v: unknown, max: number, check: (x: unknown) => boolean = isId): v is string[] => Array.isArray(v) && v.length <= max && v.every(check);

export function parseQuery(v: unknown): TableQueryMessage | undefined {
  if (!isObject(v) || !isText(v.filter, MAX_FILTER) || !Array.isArray(v.sort) || v.sort.length > 10 || !textList(v.collapsed, MAX_ROWS)) return undefined;
  const sort: SortKey[] = [];
  for (const s of v.sort) {
    if (!isObject(s) || !isId(s.column) || typeof s.descending !== 'boolean') return undefined;
    sort.push({ column: s.column, descending: s.descending });
  }
  if (v.groupBy !== undefined && !isId(v.groupBy)) return undefined;
  const metricViews = v.metricViews === undefined ? [] : parseMetricViews(v.metricViews);
  if (!metricViews) return undefined;
  return { filter: v.filter, sort, starredOnly: v.starredOnly === true, collapsed: v.collapsed, ...(v.groupBy ? { groupBy: v.groupBy } : {}), ...(metricViews.length ? { metricViews } : {}) };
}

function parseMetricViews(v: unknown): MetricView[] | undefined {
  if (!Array.isArray(v) || v.length > MAX_METRIC_VIEWS) return undefined;
  const views: MetricView[] = [];
  for (const item of v) {
    if (!isObject(item) || !isId(item.key) || !['min', 'max', 'step'].includes(item.aggregate as string)) return undefined;
    if (item.aggregate === 'step') {
      if (typeof item.step !== 'number' || !Number.isSafeInteger(item.step)) return undefined;
      views.push({ key: item.key, aggregate: 'step', step: item.step });
    } else views.push({ key: item.key, aggregate: item.aggregate as 'min' | 'max' });
  }
  return views;
}

export function parseFromWebview(message: unknown): FromWebview | undefined {
  if (!isObject(message)) return undefined;
  switch (message.type) {
    case 'ready':
      return { type: 'ready' };
    case 'query': {
      const query = parseQuery(message.query);
      return query ? { type: 'query', query } : undefined;
    }
    case 'window':
      return isCount(message.version, Number.MAX_SAFE_INTEGER) && isCount(message.start, Number.MAX_SAFE_INTEGER) && isCount(message.count, MAX_WINDOW) ? { type: 'window', version: message.version, start: message.start, count: message.count } : undefined;
    case 'complete':
      return isCount(message.requestId, Number.MAX_SAFE_INTEGER) && isText(message.text, MAX_FILTER) && isCount(message.cursor, message.text.length) ? { type: 'complete', requestId: message.requestId, text: message.text, cursor: message.cursor } : undefined;
    case 'rowAction':
      return (ROW_ACTIONS as readonly unknown[]).includes(message.action) && textList(message.rowIds, MAX_ROWS) && message.rowIds.length > 0 ? { type: 'rowAction', action: message.action as RowAction, rowIds: message.rowIds } : undefined;
    case 'tableAction':
      return (TABLE_ACTIONS as readonly unknown[]).includes(message.action) ? { type: 'tableAction', action: message.action as TableAction } : undefined;
    default:
      return undefined;
  }
}

const isEntry = (v: unknown): v is RenderedEntry => isObject(v) && (v.kind === 'row' || v.kind === 'group') && isId(v.id) && typeof v.label === 'string' && Array.isArray(v.cells) && v.cells.every((c) => typeof c === 'string');
const entriesOk = (v: unknown): v is RenderedEntry[] => Array.isArray(v) && v.length <= MAX_WINDOW && v.every(isEntry);
const isColumn = (v: unknown): v is TableColumn => isObject(v) && isId(v.id) && typeof v.label === 'string' && typeof v.numeric === 'boolean' && ['attributes', 'params', 'metrics', 'tags'].includes(v.group as string);

/** The webview's check of what the host sends (a message from elsewhere is dropped). */
export function parseToWebview(message: unknown): ToWebview | undefined {
  if (!isObject(message)) return undefined;
  switch (message.type) {
    case 'view':
      return isCount(message.version, Number.MAX_SAFE_INTEGER) && Array.isArray(message.columns) && message.columns.every(isColumn) && isCount(message.count, Number.MAX_SAFE_INTEGER) && isCount(message.start, Number.MAX_SAFE_INTEGER) && entriesOk(message.entries) && Array.isArray(message.sources) && parseQuery(message.query) !== undefined
        ? (message as unknown as ToWebview)
        : undefined;
    case 'window':
      return isCount(message.version, Number.MAX_SAFE_INTEGER) && isCount(message.start, Number.MAX_SAFE_INTEGER) && entriesOk(message.entries) ? (message as unknown as ToWebview) : undefined;
    case 'completions':
      return isCount(message.requestId, Number.MAX_SAFE_INTEGER) && Array.isArray(message.items) ? (message as unknown as ToWebview) : undefined;
    case 'error':
      return isText(message.message, 10_000) ? { type: 'error', message: message.message } : undefined;
    default:
      return undefined;
  }
}

export function parseLayout(v: unknown): LayoutState {
  const empty: LayoutState = { widths: {}, order: [], hidden: [] };
  if (!isObject(v)) return empty;
  const widths: Record<string, number> = {};
  if (isObject(v.widths)) for (const [k, w] of Object.entries(v.widths)) if (isId(k) && typeof w === 'number' && w >= 40 && w <= 2000) widths[k] = w;
  return { widths, order: textList(v.order, 5000) ? v.order : [], hidden: textList(v.hidden, 5000) ? v.hidden : [] };
}

/** What the panel serializer restores: which sources the table shows. */
export interface TableSourceRef {
  readonly kind: 'mlflow' | 'dvc';
  /** mlflow: the tracking key; dvc: the DVC root. */
  readonly place: string;
  readonly experimentId?: string;
  readonly label?: string;
}

export function parseSources(v: unknown): TableSourceRef[] | undefined {
  if (!Array.isArray(v) || v.length === 0 || v.length > 50) return undefined;
  const out: TableSourceRef[] = [];
  for (const s of v) {
    if (!isObject(s) || (s.kind !== 'mlflow' && s.kind !== 'dvc') || !isId(s.place)) return undefined;
    if (s.kind === 'mlflow' && !isId(s.experimentId)) return undefined;
    const label = isText(s.label, 500) ? { label: s.label } : {};
    out.push(s.kind === 'mlflow' ? { kind: 'mlflow', place: s.place, experimentId: s.experimentId as string, ...label } : { kind: 'dvc', place: s.place, ...label });
  }
  return out;
}
