/**
 * Columns of the loaded rows and the text of each cell: what the webview draws, decided here.
 * Columns are in groups (attributes, metrics, params, tags); the name column is separate (pinned).
 */
import { formatDuration, formatMetricValue } from '../format.js';
import { metricViewLabel, parseMetricViewColumn } from './metricViewColumns.js';
import type { CellValue, TableRow } from './rows.js';
import type { ColumnGroup, RenderedEntry, TableColumn } from './types.js';
import type { ViewEntry } from './view.js';



/**
 * What a row is at a glance (status, when, how long) leads; metrics, params and tags follow; the
 * note, the user and the full id come last: at 1280 px the first metrics are on screen.
 */
const LEADING_ATTRIBUTES: readonly TableColumn[] = [
  { id: 'attributes.status', group: 'attributes', label: 'Status', numeric: false },
  { id: 'attributes.start_time', group: 'attributes', label: 'Created', numeric: true },
  { id: 'attributes.duration', group: 'attributes', label: 'Duration', numeric: true },
];
const TRAILING_ATTRIBUTES: readonly TableColumn[] = [
  { id: 'attributes.note', group: 'attributes', label: 'Note', numeric: false },
  { id: 'attributes.user_id', group: 'attributes', label: 'User', numeric: false },
  { id: 'attributes.run_id', group: 'attributes', label: 'Id', numeric: false },
];
/** Metrics first: what a table of runs is read for (the MLflow UI's order too), then params, then tags. */
const GROUP_ORDER: readonly ColumnGroup[] = ['metrics', 'params', 'tags'];

export function tableColumns(rows: readonly TableRow[]): TableColumn[] {
  const seen = new Map<string, boolean>();
  for (const row of rows) {
    for (const [id, value] of Object.entries(row.cells)) {
      if (id.startsWith('attributes.')) continue;
      const numeric = seen.get(id);
      if (numeric === false) continue;
      seen.set(id, (numeric ?? true) && (value === null || typeof value === 'number'));
    }
  }
  const ids = [...seen.keys()].sort((a, b) => GROUP_ORDER.indexOf(groupOf(a)) - GROUP_ORDER.indexOf(groupOf(b)) || (a < b ? -1 : a > b ? 1 : 0));
  return [...LEADING_ATTRIBUTES, ...ids.map((id) => ({ id, group: groupOf(id), label: labelOf(id), numeric: seen.get(id)! })), ...TRAILING_ATTRIBUTES];
}

function labelOf(id: string): string {
  const view = parseMetricViewColumn(id);
  return view ? metricViewLabel(view) : id.slice(id.indexOf('.') + 1);
}

function groupOf(id: string): ColumnGroup {
  return id.slice(0, id.indexOf('.')) as ColumnGroup;
}

/** A cell as text: dates in UTC, durations, metrics short but exact enough to compare. */
export function cellText(column: string, value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (column === 'attributes.start_time' && typeof value === 'number') return new Date(value).toISOString().slice(0, 16).replace('T', ' ');
  if (column === 'attributes.duration' && typeof value === 'number') return formatDuration(value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : formatMetricValue(Number.isFinite(value) ? value : value > 0 ? 'Infinity' : '-Infinity');
  return String(value).replace(/\s+/g, ' ').slice(0, 500);
}


export function renderEntry(entry: ViewEntry, columns: readonly TableColumn[]): RenderedEntry {
  if (entry.kind === 'group') {
    const label = `${entry.column.slice(entry.column.indexOf('.') + 1)} = ${entry.value === null ? '(none)' : cellText(entry.column, entry.value)}`;
    const rows = (n: number): string => `${n} ${n === 1 ? 'row' : 'rows'}`;
    const cells = columns.map((c) => {
      const a = entry.aggregates[c.id];
      if (!a) return '';
      if (a.kind === 'metric') return `x̄ ${cellText(c.id, a.mean)}`;
      return a.only !== undefined ? `= ${cellText(c.id, a.only)}` : `${a.distinct} distinct`;
    });
    const details = columns.map((c) => {
      const a = entry.aggregates[c.id];
      if (!a) return '';
      if (a.kind === 'metric') return `mean ${cellText(c.id, a.mean)}, min ${cellText(c.id, a.min)}, max ${cellText(c.id, a.max)} over ${rows(a.count)}`;
      return `${a.distinct} distinct ${a.distinct === 1 ? 'value' : 'values'} over ${rows(a.count)}`;
    });
    return { kind: 'group', id: entry.id, label, count: entry.count, cells, details };
  }
  const { row } = entry;
  return {
    kind: 'row',
    id: row.id,
    source: row.source,
    rowKind: row.kind,
    depth: entry.depth,
    hasChildren: entry.hasChildren,
    expanded: entry.expanded,
    context: !entry.matched,
    label: row.label,
    shortId: row.shortId,
    status: row.status,
    starred: row.cells['attributes.starred'] === true,
    problems: row.problems,
    cells: columns.map((c) => cellText(c.id, row.cells[c.id])),
  };
}
