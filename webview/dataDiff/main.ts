/**
 * The Data Diff panel: for a table, the schema change, row counts, per-column statistics before
 * and after, and the first changed, added and removed rows; for a directory, its files with sizes.
 * Cells from the data are set as text. Malformed records are listed by side and line.
 */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { Cell, ColumnStatsPayload, DiffSides, DirectoryDiffPayload, FileDiffPayload, FromWebview, TableDiffPayload, ToWebview } from '../../src/protocol/dataDiff.js';
import { el, icon } from '../shared/dom.js';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
const post = (message: FromWebview): void => vscode.postMessage(message);
let state: ToWebview['type'] | 'summary' | undefined;

function text(value: Cell): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

function number(value: number | undefined, digits = 4): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-4)) return value.toExponential(digits - 1);
  return Number(value.toPrecision(digits)).toLocaleString();
}

function bytes(size: number | undefined): string {
  if (size === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function table(headers: readonly string[], rows: readonly (readonly (string | Node)[])[], className = ''): HTMLTableElement {
  return el(
    'table',
    { className },
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { title: h }, h)))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c) => el('td', { title: typeof c === 'string' ? c : '' }, c))))),
  );
}

function header(sides: DiffSides, extra: HTMLElement[] = []): HTMLElement {
  return el(
    'header',
    { className: 'panel-header' },
    el('h1', { title: sides.path }, sides.path),
    el('p', { className: 'sides' }, el('span', { className: 'before' }, sides.before), ' → ', el('span', { className: 'after' }, sides.after)),
    ...extra,
  );
}

function keyChooser(diff: TableDiffPayload): HTMLElement {
  const select = el('vscode-single-select', { id: 'key-column' });
  select.setAttribute('aria-label', 'Match rows by');
  const columns = [...new Set([...diff.schema.after, ...diff.schema.before])];
  const position = el('vscode-option', { value: '' }, 'row position');
  if (diff.mode === 'position') position.setAttribute('selected', '');
  select.append(position);
  for (const column of columns) {
    const option = el('vscode-option', { value: column }, column);
    if (diff.mode === 'key' && diff.key === column) option.setAttribute('selected', '');
    select.append(option);
  }
  select.addEventListener('change', () => {
    const value = (select as unknown as { value: string }).value;
    post({ type: 'setKey', key: value === '' ? null : value });
  });
  return el('label', { className: 'field' }, el('span', {}, 'Match rows by'), select);
}

function counts(diff: TableDiffPayload): HTMLElement {
  const { rows } = diff;
  const card = (label: string, value: string, className: string): HTMLElement => el('div', { className: `card ${className}` }, el('div', { className: 'card-value' }, value), el('div', { className: 'card-label' }, label));
  const delta = rows.after - rows.before;
  return el(
    'div',
    { className: 'cards' },
    card('rows before → after', `${rows.before.toLocaleString()} → ${rows.after.toLocaleString()} (${delta >= 0 ? '+' : '−'}${Math.abs(delta).toLocaleString()})`, 'total'),
    card('added', `+${rows.added.toLocaleString()}`, rows.added === 0 ? 'zero' : 'added'),
    card('removed', `−${rows.removed.toLocaleString()}`, rows.removed === 0 ? 'zero' : 'removed'),
    card('changed', `~${rows.changed.toLocaleString()}`, rows.changed === 0 ? 'zero' : 'changed'),
    card('unchanged', rows.unchanged.toLocaleString(), 'unchanged'),
  );
}

function schema(diff: TableDiffPayload): HTMLElement {
  const { schema: s } = diff;
  const items: HTMLElement[] = [];
  for (const c of s.added) items.push(el('li', { className: 'added' }, icon('diff-added'), ` column ${c} added`));
  for (const c of s.removed) items.push(el('li', { className: 'removed' }, icon('diff-removed'), ` column ${c} removed`));
  for (const k of s.kindChanged) items.push(el('li', { className: 'changed' }, icon('diff-modified'), ` column ${k.column}: ${k.before} → ${k.after}`));
  if (s.reordered) items.push(el('li', {}, icon('arrow-swap'), ' same columns, another order'));
  return el('section', { className: 'schema' }, el('h2', {}, 'Schema'), items.length ? el('ul', {}, ...items) : el('p', { className: 'muted' }, `Unchanged: ${s.after.length} columns.`));
}

function stats(diff: TableDiffPayload, pending: boolean): HTMLElement | undefined {
  if (pending) return el('section', {}, el('h2', {}, 'Columns before → after'), el('p', { className: 'loading' }, icon('loading'), ' Computing the statistics of every column (a full read of both versions)…'));
  if (!diff.stats) return undefined;
  const before = new Map(diff.stats.before.map((c) => [c.name, c]));
  const after = new Map(diff.stats.after.map((c) => [c.name, c]));
  const names = [...new Set([...diff.schema.after, ...diff.schema.before])];
  const pair = (a: string, b: string): HTMLElement => (a === b ? el('span', {}, a) : el('span', { className: 'moved' }, el('span', { className: 'old' }, a), ' → ', el('span', { className: 'new' }, b)));
  const describe = (c: ColumnStatsPayload | undefined, field: 'mean' | 'std' | 'min' | 'max'): string => number(c?.[field]);
  const distinct = (c: ColumnStatsPayload | undefined): string => (c?.distinct === undefined ? '—' : `${c.distinct.toLocaleString()}${c.distinctAtLeast ? '+' : ''}`);
  const top = (c: ColumnStatsPayload | undefined): string => (c?.top?.[0] ? `${c.top[0].value} (${c.top[0].count.toLocaleString()})` : '—');
  const rows = names.map((name) => {
    const [b, a] = [before.get(name), after.get(name)];
    const numeric = (a ?? b)?.kind === 'numeric';
    return [
      name,
      pair(b?.kind ?? '—', a?.kind ?? '—'),
      pair(b ? `${b.missing.toLocaleString()}` : '—', a ? `${a.missing.toLocaleString()}` : '—'),
      numeric ? pair(describe(b, 'mean'), describe(a, 'mean')) : pair(distinct(b), distinct(a)),
      numeric ? pair(describe(b, 'std'), describe(a, 'std')) : pair(top(b), top(a)),
      numeric ? pair(`${describe(b, 'min')} … ${describe(b, 'max')}`, `${describe(a, 'min')} … ${describe(a, 'max')}`) : el('span', { className: 'muted' }, '—'),
    ];
  });
  return el('section', {}, el('h2', {}, 'Columns before → after'), el('div', { className: 'scroll' }, table(['column', 'kind', 'missing', 'mean · distinct', 'std · most frequent', 'range'], rows, 'stats')));
}

function changedRows(diff: TableDiffPayload, limit: number): HTMLElement | undefined {
  if (diff.rows.changed === 0) return undefined;
  const rows = diff.changed.flatMap((row) =>
    row.columns.map((column, i) => [
      i === 0 ? (diff.mode === 'key' ? `${diff.key} = ${row.key ?? ''}` : `row ${row.lineAfter - 1}`) : '',
      column,
      el('span', { className: 'old' }, text(row.before[column])),
      el('span', { className: 'new' }, text(row.after[column])),
    ]),
  );
  return el('section', {}, el('h2', {}, `Changed rows ${shown(diff.changed.length, diff.rows.changed, limit)}`), el('div', { className: 'scroll' }, table([diff.mode === 'key' ? 'key' : 'row', 'column', 'before', 'after'], rows, 'changes')));
}

function rowList(diff: TableDiffPayload, kind: 'added' | 'removed', limit: number): HTMLElement | undefined {
  const list = diff[kind];
  const total = diff.rows[kind];
  if (total === 0) return undefined;
  const columns = kind === 'added' ? diff.schema.after : diff.schema.before;
  const rows = list.map((row) => [diff.mode === 'key' ? (row.key ?? '') : `line ${row.line}`, ...columns.map((c) => text(row.values[c]))]);
  return el('section', {}, el('h2', {}, `${kind === 'added' ? 'Added' : 'Removed'} rows ${shown(list.length, total, limit)}`), el('div', { className: 'scroll' }, table([diff.mode === 'key' ? (diff.key ?? 'key') : 'line', ...columns], rows, kind)));
}

function shown(count: number, total: number, limit: number): string {
  return count < total ? `(first ${Math.min(count, limit)} of ${total.toLocaleString()})` : `(${total.toLocaleString()})`;
}

function problems(diff: TableDiffPayload): HTMLElement | undefined {
  if (diff.problemCount === 0) return undefined;
  const items = diff.problems.map((p) => el('li', {}, `${p.side}, line ${p.line}: ${p.message}`));
  const more = diff.problemCount - diff.problems.length;
  return el(
    'section',
    { className: 'problems' },
    el('h2', {}, icon('warning'), ` ${diff.problemCount.toLocaleString()} malformed record${diff.problemCount === 1 ? '' : 's'} left out`),
    el('ul', {}, ...items, ...(more > 0 ? [el('li', { className: 'muted' }, `… and ${more.toLocaleString()} more`)] : [])),
  );
}

function renderTable(sides: DiffSides, diff: TableDiffPayload, limit: number, statsPending: boolean): void {
  const sections = [counts(diff), problems(diff), schema(diff), stats(diff, statsPending), changedRows(diff, limit), rowList(diff, 'added', limit), rowList(diff, 'removed', limit)].filter((s): s is HTMLElement => s !== undefined);
  const same = diff.rows.added + diff.rows.removed + diff.rows.changed === 0 && diff.schema.added.length + diff.schema.removed.length === 0;
  if (same) sections.splice(1, 0, el('p', { className: 'same' }, icon('check'), ' The rows are the same in both versions.'));
  const note = diff.rows.duplicateKeys > 0 ? [el('p', { className: 'warning' }, icon('warning'), ` ${diff.rows.duplicateKeys.toLocaleString()} rows repeat a key already seen: only the first of each is compared.`)] : [];
  root.replaceChildren(header(sides, [el('div', { className: 'toolbar' }, keyChooser(diff), el('span', { className: 'muted' }, diff.format.toUpperCase()))]), ...note, ...sections);
}

function renderDirectory(sides: DiffSides, diff: DirectoryDiffPayload): void {
  const by = (status: string): number => diff.files.filter((f) => f.status === status).length;
  const summary = `${by('added')} added, ${by('deleted')} deleted, ${by('modified')} modified, ${diff.unchanged.toLocaleString()} unchanged · ${bytes(diff.sizeBefore)} → ${bytes(diff.sizeAfter)}`;
  const rows = diff.files.map((f) => [el('span', { className: f.status }, f.status === 'added' ? '+ added' : f.status === 'deleted' ? '− deleted' : '~ modified'), f.path, bytes(f.sizeBefore), bytes(f.sizeAfter)]);
  root.replaceChildren(header(sides), el('p', { className: 'summary' }, summary), diff.files.length ? table(['status', 'file', 'size before', 'size after'], rows, 'files') : el('p', { className: 'same' }, icon('check'), ' No file differs.'));
}

function renderFile(sides: DiffSides, diff: FileDiffPayload): void {
  root.replaceChildren(header(sides), el('p', { className: diff.changed ? 'changed' : 'same' }, diff.changed ? `The file changed: ${bytes(diff.sizeBefore)} → ${bytes(diff.sizeAfter)}.` : 'The file is the same in both versions.'));
}

let lastDiff: Extract<ToWebview, { type: 'result' }>['diff'] | undefined;

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  state = message.type;
  switch (message.type) {
    case 'loading':
      root.setAttribute('aria-busy', 'true');
      root.replaceChildren(header(message.sides), el('p', { className: 'loading' }, icon('loading'), ` Reading both versions${message.key ? `, matching rows by ${message.key}` : ''}…`));
      return;
    case 'error':
      root.replaceChildren(header(message.sides), el('p', { className: 'error' }, icon('error'), ` ${message.message}`));
      break;
    case 'result':
      // 'summary' while the column stats are computed: the probe says 'result' once they are in.
      if (message.statsPending) state = 'summary';
      lastDiff = message.diff;
      if (message.diff.kind === 'table') renderTable(message.sides, message.diff, message.limit, message.statsPending === true);
      else if (message.diff.kind === 'directory') renderDirectory(message.sides, message.diff);
      else renderFile(message.sides, message.diff);
      break;
  }
  root.setAttribute('aria-busy', 'false');
});

/** Read-only views of what is drawn, for the e2e tests: the state, and the diff as the host sent it. */
(window as unknown as { mlWorkbench: unknown }).mlWorkbench = { state: () => state, diff: () => lastDiff };

post({ type: 'ready' });
