/**
 * The table's row model: which rows show, in which order, under which group, decided here so the
 * webview only draws. Filtering is MLflow's search syntax with MLflow's semantics (a parent stays
 * when one of its children matches); sorting is by several columns, missing values last in both
 * directions, siblings sorted among themselves so children stay under their parent; grouping
 * flattens the rows under the values of one column, with count, mean, min and max of each metric
 * and the count of distinct values of each param and tag per group.
 */
import { TrackingError } from '../tracking/errors.js';
import { parseRunFilter, runMatches, type RunClause } from '../tracking/search/index.js';
import { parseMetricViewColumn } from './metricViewColumns.js';
import type { CellValue, TableRow } from './rows.js';
import type { SortKey } from './types.js';


export interface TableQuery {
  readonly filter: string;
  readonly sort: readonly SortKey[];
  /** A column id (`params.lr`, `tags.team`, `attributes.status`) to group rows by. */
  readonly groupBy?: string;
  readonly starredOnly?: boolean;
  /** Rows whose children are hidden. */
  readonly collapsed?: readonly string[];
}

/**
 * What a group says of a column: a metric's count, mean, min and max (over its finite values); a
 * param's or tag's count and number of distinct values (a mean of seeds or learning rates means
 * nothing, even when they are numbers).
 */
export type Aggregate =
  | { readonly kind: 'metric'; readonly count: number; readonly mean: number; readonly min: number; readonly max: number }
  | { readonly kind: 'values'; readonly count: number; readonly distinct: number; /** The value, when all rows share it. */ readonly only?: CellValue };

export type ViewEntry =
  | { readonly kind: 'row'; readonly row: TableRow; readonly depth: number; readonly hasChildren: boolean; readonly expanded: boolean; readonly matched: boolean }
  | { readonly kind: 'group'; readonly id: string; readonly column: string; readonly value: CellValue; readonly count: number; readonly aggregates: Readonly<Record<string, Aggregate>> };

export interface FilterError {
  readonly message: string;
  /** 0-based offset in the filter text, when MLflow's message names one. */
  readonly position?: number;
}

export interface TableView {
  readonly entries: readonly ViewEntry[];
  /** Rows matching the filter (not counting parents kept for a matching child). */
  readonly matched: number;
  readonly total: number;
  readonly error?: FilterError;
}

/** The filter as MLflow parses it, or where it is wrong. */
export function parseTableFilter(filter: string): { clauses: RunClause[] } | { error: FilterError } {
  try {
    return { clauses: parseRunFilter(filter) };
  } catch (error) {
    if (!(error instanceof TrackingError)) throw error;
    const at = /at position (\d+)/.exec(error.message);
    return { error: at ? { message: error.message, position: Number(at[1]) - 1 } : { message: error.message } };
  }
}

export function buildView(rows: readonly TableRow[], query: TableQuery): TableView {
  const parsed = parseTableFilter(query.filter);
  const clauses = 'clauses' in parsed ? parsed.clauses : [];
  const matches = new Set<string>();
  for (const row of rows) {
    if (clauses.every((c) => runMatches(row.shadow, c)) && (!query.starredOnly || row.cells['attributes.starred'] === true)) matches.add(row.id);
  }
  const compare = comparator(query.sort);
  const error = 'error' in parsed ? parsed.error : undefined;
  const base = { matched: matches.size, total: rows.length, ...(error ? { error } : {}) };
  if (query.groupBy) return { ...base, entries: grouped(rows.filter((r) => matches.has(r.id)), query.groupBy, compare) };
  return { ...base, entries: nested(rows, matches, compare, new Set(query.collapsed ?? [])) };
}

function nested(rows: readonly TableRow[], matches: ReadonlySet<string>, compare: (a: TableRow, b: TableRow) => number, collapsed: ReadonlySet<string>): ViewEntry[] {
  const ids = new Set(rows.map((r) => r.id));
  const children = new Map<string | null, TableRow[]>();
  for (const row of rows) {
    const parent = row.parentId !== null && ids.has(row.parentId) ? row.parentId : null;
    const list = children.get(parent);
    if (list) list.push(row);
    else children.set(parent, [row]);
  }
  // A row shows when it matches or one of its descendants does.
  const shown = new Map<string, boolean>();
  const visit = (row: TableRow, seen: Set<string>): boolean => {
    const known = shown.get(row.id);
    if (known !== undefined) return known;
    seen.add(row.id);
    let any = matches.has(row.id);
    for (const child of children.get(row.id) ?? []) if (!seen.has(child.id) && visit(child, seen)) any = true;
    shown.set(row.id, any);
    return any;
  };
  for (const row of rows) visit(row, new Set());
  const entries: ViewEntry[] = [];
  const emit = (parent: string | null, depth: number, seen: Set<string>): void => {
    const level = (children.get(parent) ?? []).filter((r) => shown.get(r.id) && !seen.has(r.id));
    level.sort(compare);
    for (const row of level) {
      const kids = (children.get(row.id) ?? []).filter((r) => shown.get(r.id));
      const expanded = !collapsed.has(row.id);
      entries.push({ kind: 'row', row, depth, hasChildren: kids.length > 0, expanded, matched: matches.has(row.id) });
      if (expanded) emit(row.id, depth + 1, new Set([...seen, row.id]));
    }
  };
  emit(null, 0, new Set());
  return entries;
}

function grouped(rows: readonly TableRow[], column: string, compare: (a: TableRow, b: TableRow) => number): ViewEntry[] {
  const groups = new Map<string, { value: CellValue; rows: TableRow[] }>();
  for (const row of rows) {
    const value = row.cells[column] ?? null;
    // By what the value reads as: DVC's number 0.01 and MLflow's param text '0.01' are one group.
    const key = value === null ? 'null' : `v:${String(value)}`;
    const group = groups.get(key);
    if (group) group.rows.push(row);
    else groups.set(key, { value, rows: [row] });
  }
  const ordered = [...groups.entries()].sort(([, a], [, b]) => compareCells(a.value, b.value));
  const entries: ViewEntry[] = [];
  for (const [key, group] of ordered) {
    entries.push({ kind: 'group', id: `group:${column}:${key}`, column, value: group.value, count: group.rows.length, aggregates: aggregates(group.rows) });
    for (const row of group.rows.sort(compare)) entries.push({ kind: 'row', row, depth: 1, hasChildren: false, expanded: true, matched: true });
  }
  return entries;
}

/** Per column of the group's rows: metrics' count, mean, min and max; params' and tags' count and distinct values. */
export function aggregates(rows: readonly TableRow[]): Record<string, Aggregate> {
  const sums = new Map<string, { count: number; sum: number; min: number; max: number }>();
  const values = new Map<string, { count: number; seen: Map<string, CellValue> }>();
  for (const row of rows) {
    for (const [column, value] of Object.entries(row.cells)) {
      if (column.startsWith('metrics.')) {
        if (typeof value !== 'number' || !Number.isFinite(value)) continue;
        const s = sums.get(column);
        if (s) {
          s.count++;
          s.sum += value;
          if (value < s.min) s.min = value;
          if (value > s.max) s.max = value;
        } else sums.set(column, { count: 1, sum: value, min: value, max: value });
      } else if (column.startsWith('params.') || column.startsWith('tags.')) {
        if (value === null) continue;
        const v = values.get(column) ?? { count: 0, seen: new Map<string, CellValue>() };
        v.count++;
        // As grouping does: DVC's number 0.01 and MLflow's text '0.01' are one value.
        v.seen.set(String(value), value);
        values.set(column, v);
      }
    }
  }
  const out: Record<string, Aggregate> = {};
  for (const [column, s] of sums) out[column] = { kind: 'metric', count: s.count, mean: s.sum / s.count, min: s.min, max: s.max };
  for (const [column, v] of values) out[column] = { kind: 'values', count: v.count, distinct: v.seen.size, ...(v.seen.size === 1 ? { only: [...v.seen.values()][0]! } : {}) };
  return out;
}

/** Missing last (both directions), NaN before missing, numbers before text, then the value. */
const rank = (v: CellValue | undefined): number => (v === null || v === undefined ? 3 : typeof v === 'number' && Number.isNaN(v) ? 2 : 0);

export function compareCells(a: CellValue | undefined, b: CellValue | undefined): number {
  const r = rank(a) - rank(b);
  if (r !== 0 || rank(a) !== 0) return r;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  const [x, y] = [String(a), String(b)];
  // Params arrive as text in MLflow: numbers written as text sort as numbers.
  const [nx, ny] = [Number(x), Number(y)];
  if (x.trim() !== '' && y.trim() !== '' && Number.isFinite(nx) && Number.isFinite(ny)) return nx - ny;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function comparator(sort: readonly SortKey[]): (a: TableRow, b: TableRow) => number {
  return (a, b) => {
    for (const { column, descending } of sort) {
      const [x, y] = [a.cells[column], b.cells[column]];
      const missing = rank(x) - rank(y);
      if (missing !== 0) return missing;
      const order = compareCells(x, y);
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  };
}

/**
 * What of the sort a tracking server can do (MLflow's `order_by`), for paging server-side: the
 * sort keys up to the first one MLflow cannot order by.
 */
export function orderByFor(sort: readonly SortKey[]): string[] {
  const out: string[] = [];
  const orderable = new Set(['status', 'start_time', 'end_time', 'user_id', 'run_id', 'run_name']);
  for (const { column, descending } of sort) {
    const dot = column.indexOf('.');
    const [entity, key] = [column.slice(0, dot), column.slice(dot + 1)];
    if (entity === 'attributes' && !orderable.has(key)) break;
    if (!['metrics', 'params', 'tags', 'attributes'].includes(entity)) break;
    // A metric's min/max/at-step column exists only here (core/experimentsTable/metricViews): the store cannot order by it.
    if (parseMetricViewColumn(column)) break;
    out.push(`${entity}.\`${key.replace(/`/g, '')}\` ${descending ? 'DESC' : 'ASC'}`);
  }
  return out;
}
