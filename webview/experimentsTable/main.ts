/**
 * The Experiments table: draws what the host's row model decided. Rows are virtualised (only the
 * visible window is in the DOM, windows fetched from the host as the user scrolls); the name column
 * is pinned; columns resize, reorder (drag a header) and hide (Columns); click a header to sort,
 * Shift-click to add a sort key. Everything from a store or a repo goes in as text.
 */
import { DEFAULT_QUERY, parseLayout, parseToWebview, type Completion, type FromWebview, type LayoutState, type MetricView, type RenderedEntry, type RenderedRow, type RowAction, type SourceStatus, type TableColumn, type TableQueryMessage, type TableSourceRef, type ToWebview } from '../../src/protocol/experimentsTable.js';
import { metricViewColumn, parseMetricViewColumn } from '../../src/core/experimentsTable/metricViewColumns.js';
import { debounce, el, icon } from '../shared/dom.js';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void; setState(state: unknown): void; getState(): unknown };

interface SavedState {
  readonly refs?: readonly TableSourceRef[];
  readonly sources?: readonly TableSourceRef[];
  readonly layout?: unknown;
  readonly query?: TableQueryMessage;
}

const vscode = acquireVsCodeApi();
const saved = (vscode.getState() ?? {}) as SavedState;
const ROW_HEIGHT = 24;
const NAME_WIDTH = 280;
const DEFAULT_WIDTH = 110;

let layout: LayoutState = parseLayout(saved.layout);
let query: TableQueryMessage = saved.query ?? DEFAULT_QUERY;
let refs: readonly TableSourceRef[] = saved.sources ?? [];
let version = -1;
let columns: readonly TableColumn[] = [];
let count = 0;
type Histories = NonNullable<Extract<ToWebview, { type: 'view' }>['histories']>;
let status: { matched: number; total: number; sources: readonly SourceStatus[]; error?: { message: string; position?: number }; histories?: Histories } = { matched: 0, total: 0, sources: [] };
const entries = new Map<number, RenderedEntry>();
const requested = new Set<number>();
const selected = new Set<string>();
let anchor: number | undefined;
/** `chosen`: the user moved through the list, so Enter takes the item (else Enter applies the filter). */
let completions: { from: number; to: number; items: readonly Completion[]; active: number; chosen: boolean } | undefined;
let completionRequest = 0;

const post = (message: FromWebview): void => vscode.postMessage(message);
const saveState = (): void => vscode.setState({ sources: refs, layout, query });

// ---- skeleton ----
const root = document.getElementById('root')!;
const filterInput = el('input', { className: 'filter', type: 'text', spellcheck: false, placeholder: "Filter: metrics.acc > 0.9 AND params.lr = '0.01'   (Enter to apply, Ctrl+Space to complete)" });
filterInput.setAttribute('aria-label', 'Filter rows (MLflow search syntax)');
const completionList = el('ul', { className: 'completions', hidden: true });
completionList.setAttribute('role', 'listbox');
const filterError = el('div', { className: 'filter-error', hidden: true });
const groupSelect = el('select', { className: 'group-by', title: 'Group rows by a param, tag or status: each group shows the mean (min/max on hover) of each metric and the distinct values of each param' });
groupSelect.setAttribute('aria-label', 'Group by');
const starredToggle = toolButton('star-empty', 'Starred only', () => setQuery({ starredOnly: !query.starredOnly }));
const columnsButton = toolButton('layout', 'Columns', () => (chooser.hidden = !chooser.hidden, renderChooser()));
const chooser = el('div', { className: 'chooser', hidden: true });
const summary = el('span', { className: 'summary' });
const sourcesLine = el('div', { className: 'sources' });
const actionsBar = el('div', { className: 'actions' });
const header = el('div', { className: 'header' });
const body = el('div', { className: 'body' });
const scroller = el('div', { className: 'scroller' }, header, body);
scroller.setAttribute('role', 'grid');
const empty = el('div', { className: 'empty', hidden: true });

const dvcTools = el('span', { className: 'tool-group' },
  toolButton('play', 'Run experiment…', () => tableRowAction('runWithParams')),
  toolButton('add', 'Queue experiment…', () => tableRowAction('queueWithParams')),
  toolButton('run-all', 'Start queue worker', () => post({ type: 'tableAction', action: 'startQueue' })),
  toolButton('debug-stop', 'Stop queue workers', () => post({ type: 'tableAction', action: 'stopQueue' })),
  toolButton('cloud-download', 'Pull from remote…', () => post({ type: 'tableAction', action: 'pullFromRemote' })),
);
const loadMore = toolButton('fold-down', 'Load more runs', () => post({ type: 'tableAction', action: 'loadMore' }));
root.replaceChildren(
  el('div', { className: 'toolbar' }, el('div', { className: 'filter-box' }, filterInput, completionList), groupSelect, starredToggle, columnsButton, toolButton('refresh', 'Refresh', () => post({ type: 'tableAction', action: 'refresh' })), loadMore, dvcTools),
  filterError,
  chooser,
  el('div', { className: 'status-line' }, summary, sourcesLine),
  actionsBar,
  scroller,
  empty,
);
root.removeAttribute('aria-busy');
filterInput.value = query.filter;

function toolButton(name: string, label: string, onClick: () => void): HTMLButtonElement {
  const button = el('button', { className: 'tool', type: 'button', title: label }, icon(name), el('span', { className: 'tool-label' }, label));
  button.addEventListener('click', onClick);
  return button;
}

function tableRowAction(action: RowAction): void {
  // Run/queue apply to the table's DVC project; the host checks the rows' source.
  const ids = selected.size > 0 ? [...selected] : [...entries.values()].filter((e): e is RenderedRow => e.kind === 'row' && e.source === 'dvc').slice(0, 1).map((e) => e.id);
  if (ids.length > 0) post({ type: 'rowAction', action, rowIds: ids });
}

// ---- query ----
/** Once the user changed the query here, the webview's query is the truth (a view of an older query may still arrive). */
let querySent = false;

function setQuery(next: Partial<TableQueryMessage>): void {
  querySent = true;
  query = { ...query, ...next };
  saveState();
  post({ type: 'query', query });
}

filterInput.addEventListener('keydown', (event) => {
  if (completions && !completionList.hidden) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      completions.active = (completions.active + (event.key === 'ArrowDown' ? 1 : completions.items.length - 1)) % completions.items.length;
      completions.chosen = true;
      renderCompletions();
      return event.preventDefault();
    }
    if ((event.key === 'Tab' || (event.key === 'Enter' && completions.chosen)) && completions.items.length > 0) {
      acceptCompletion(completions.items[completions.active]!);
      return event.preventDefault();
    }
    if (event.key === 'Escape') return closeCompletions();
  }
  if (event.key === ' ' && event.ctrlKey) {
    requestCompletions();
    return event.preventDefault();
  }
  if (event.key === 'Enter') {
    completionRequest++;
    closeCompletions();
    setQuery({ filter: filterInput.value });
  }
});
filterInput.addEventListener('input', debounce(120, () => requestCompletions()));
// Leaving the box after an edit applies it too (Enter is not the only way out).
filterInput.addEventListener('change', () => filterInput.value !== query.filter && setQuery({ filter: filterInput.value }));
filterInput.addEventListener('blur', () => setTimeout(closeCompletions, 150));

function requestCompletions(): void {
  post({ type: 'complete', requestId: ++completionRequest, text: filterInput.value, cursor: filterInput.selectionStart ?? filterInput.value.length });
}

function acceptCompletion(item: Completion): void {
  if (!completions) return;
  const text = filterInput.value;
  filterInput.value = text.slice(0, completions.from) + item.insert + text.slice(completions.to);
  const cursor = completions.from + item.insert.length;
  filterInput.setSelectionRange(cursor, cursor);
  closeCompletions();
  filterInput.focus();
  requestCompletions();
}

function closeCompletions(): void {
  completionList.hidden = true;
  completions = undefined;
}

function renderCompletions(): void {
  if (!completions || completions.items.length === 0) return closeCompletions();
  completionList.replaceChildren(
    ...completions.items.map((item, i) => {
      const li = el('li', { className: i === completions!.active ? 'active' : '' }, el('span', { className: 'completion-label' }, item.label), el('span', { className: 'completion-detail' }, item.detail));
      li.setAttribute('role', 'option');
      li.addEventListener('mousedown', (event) => (event.preventDefault(), acceptCompletion(item)));
      return li;
    }),
  );
  completionList.hidden = false;
}

groupSelect.addEventListener('change', () => setQuery(groupSelect.value ? { groupBy: groupSelect.value } : { groupBy: undefined }));

// ---- messages ----
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseToWebview(event.data);
  if (message) receive(message);
});

function receive(message: ToWebview): void {
  switch (message.type) {
    case 'view':
      version = message.version;
      columns = message.columns;
      count = message.count;
      refs = message.refs;
      if (!querySent) query = message.query;
      status = { matched: message.matched, total: message.total, sources: message.sources, ...(message.error ? { error: message.error } : {}), ...(message.histories ? { histories: message.histories } : {}) };
      entries.clear();
      requested.clear();
      message.entries.forEach((e, i) => entries.set(message.start + i, e));
      saveState();
      renderAll();
      return;
    case 'window':
      if (message.version !== version) return;
      message.entries.forEach((e, i) => entries.set(message.start + i, e));
      renderRows();
      return;
    case 'completions':
      // A late answer (the user went on, or left the box) shows nothing.
      if (message.requestId !== completionRequest || document.activeElement !== filterInput) return;
      completions = { from: message.from, to: message.to, items: message.items, active: 0, chosen: false };
      renderCompletions();
      return;
    case 'error':
      empty.hidden = false;
      empty.replaceChildren(icon('error'), el('span', {}, message.message));
      return;
  }
}

// ---- columns ----
function visibleColumns(): { column: TableColumn; index: number }[] {
  const indexed = columns.map((column, index) => ({ column, index })).filter(({ column }) => !layout.hidden.includes(column.id));
  const rank = (id: string): number => {
    const i = layout.order.indexOf(id);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return indexed.sort((a, b) => rank(a.column.id) - rank(b.column.id) || a.index - b.index);
}
/** A metric's min/max/at-step column is wider by default: its label says which of a metric's columns it is. */
/** A column's edge is being dragged. */
let resizing = false;
const widthOf = (id: string): number => layout.widths[id] ?? (id === 'attributes.note' ? 180 : id === 'attributes.start_time' ? 140 : parseMetricViewColumn(id) ? 150 : DEFAULT_WIDTH);
const setLayout = (next: Partial<LayoutState>): void => {
  layout = { ...layout, ...next };
  saveState();
  renderHeader();
  renderRows();
  renderChooser();
};

/** What the chooser last drew: a view that changes none of it (reads coming in) leaves it, and what is typed in it, alone. */
let chooserDrawn = '';

function renderChooser(): void {
  if (chooser.hidden) return void (chooserDrawn = '');
  const key = JSON.stringify([columns.map((c) => [c.id, c.label]), layout.hidden, query.metricViews ?? [], refs.map((r) => r.kind)]);
  if (key === chooserDrawn) return;
  chooserDrawn = key;
  const groups = ['attributes', 'params', 'metrics', 'tags'] as const;
  chooser.replaceChildren(
    ...groups.map((group) => {
      const inGroup = columns.filter((c) => c.group === group);
      if (inGroup.length === 0) return el('span');
      return el('fieldset', {}, el('legend', {}, group),
        ...inGroup.map((c) => {
          const box = el('input', { type: 'checkbox', checked: !layout.hidden.includes(c.id) });
          box.addEventListener('change', () => setLayout({ hidden: box.checked ? layout.hidden.filter((h) => h !== c.id) : [...layout.hidden, c.id] }));
          const line = el('div', { className: 'chooser-line' }, el('label', { title: c.id }, box, c.label));
          if (group === 'metrics') line.append(...metricViewControls(c));
          return line;
        }),
      );
    }),
    el('div', { className: 'chooser-foot' },
      el('button', { type: 'button', className: 'link', onclick: () => setLayout({ hidden: [], order: [], widths: {} }) }, 'Reset columns'),
      el('span', { className: 'chooser-hint' }, 'min, max, at step: a metric over each row’s whole history, read on demand (MLflow’s metric history; for DVC experiments, the history DVCLive keeps)'),
    ),
  );
}

/** A metric's min / max / at-step buttons (each row's history), or the remove button of such a column. */
function metricViewControls(column: TableColumn): HTMLElement[] {
  const views = query.metricViews ?? [];
  const derived = parseMetricViewColumn(column.id);
  if (derived) {
    const remove = el('button', { type: 'button', className: 'view-button', title: `Remove ${column.label}` }, icon('close'));
    remove.setAttribute('aria-label', `Remove column ${column.label}`);
    remove.addEventListener('click', () => setQuery({ metricViews: views.filter((v) => metricViewColumn(v) !== column.id) }));
    return [remove];
  }
  const key = column.id.slice('metrics.'.length);
  const add = (view: MetricView): void => {
    if (views.some((v) => metricViewColumn(v) === metricViewColumn(view))) return;
    setQuery({ metricViews: [...views, view].slice(-12) });
  };
  const toggle = (aggregate: 'min' | 'max'): HTMLButtonElement => {
    const on = views.some((v) => v.key === key && v.aggregate === aggregate);
    const button = el('button', { type: 'button', className: `view-button${on ? ' on' : ''}`, title: `${on ? 'Remove' : 'Show'} the ${aggregate === 'min' ? 'minimum' : 'maximum'} of ${key} over each run’s history` }, aggregate);
    button.setAttribute('aria-pressed', String(on));
    button.addEventListener('click', () => (on ? setQuery({ metricViews: views.filter((v) => !(v.key === key && v.aggregate === aggregate)) }) : add({ key, aggregate })));
    return button;
  };
  const step = el('input', { type: 'number', className: 'view-step', placeholder: 'step', step: '1' });
  step.setAttribute('aria-label', `Show ${key} at a step`);
  step.title = `Show the value of ${key} at this step (Enter)`;
  step.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    const value = Number(step.value);
    if (step.value.trim() === '' || !Number.isSafeInteger(value)) return step.classList.add('invalid');
    add({ key, aggregate: 'step', step: value });
  });
  return [toggle('min'), toggle('max'), step];
}

function renderHeader(): void {
  const visible = visibleColumns();
  const total = NAME_WIDTH + visible.reduce((sum, { column }) => sum + widthOf(column.id), 0);
  header.style.width = `${total}px`;
  body.style.width = `${total}px`;
  const groupRow = el('div', { className: 'group-row' }, el('div', { className: 'cell name pinned group-cell' }, ''));
  let current: string | undefined;
  let span: HTMLDivElement | undefined;
  let spanWidth = 0;
  for (const { column } of visible) {
    if (column.group !== current) {
      current = column.group;
      spanWidth = 0;
      span = el('div', { className: `cell group-cell group-${column.group}` }, column.group === 'attributes' ? 'Run' : column.group[0]!.toUpperCase() + column.group.slice(1));
      groupRow.append(span);
    }
    spanWidth += widthOf(column.id);
    span!.style.width = `${spanWidth}px`;
  }
  const nameHead = el('div', { className: 'cell name pinned head' }, el('span', { className: 'head-label' }, `Name (${status.matched} of ${status.total})`));
  nameHead.style.width = `${NAME_WIDTH}px`;
  const row = el('div', { className: 'column-row' }, nameHead, ...visible.map(({ column }) => headerCell(column)));
  header.replaceChildren(groupRow, row);
  (groupRow.firstElementChild as HTMLElement).style.width = `${NAME_WIDTH}px`;
}

function headerCell(column: TableColumn): HTMLDivElement {
  const position = query.sort.findIndex((s) => s.column === column.id);
  const sort = position >= 0 ? query.sort[position] : undefined;
  const label = el('span', { className: 'head-label' }, column.label);
  const cell = el('div', { className: `cell head${column.numeric ? ' number' : ''}${sort ? ' sorted' : ''}`, title: `${column.id}\nClick: sort · Shift+Click: add to sort · Drag: move` }, label);
  if (sort) cell.append(icon(sort.descending ? 'arrow-down' : 'arrow-up'), ...(query.sort.length > 1 ? [el('span', { className: 'sort-rank' }, String(position + 1))] : []));
  cell.style.width = `${widthOf(column.id)}px`;
  cell.setAttribute('role', 'columnheader');
  cell.setAttribute('aria-sort', sort ? (sort.descending ? 'descending' : 'ascending') : 'none');
  cell.addEventListener('click', (event) => {
    if (resizing || (event.target as HTMLElement).classList.contains('resize')) return;
    const next = sort ? (sort.descending ? undefined : { column: column.id, descending: true }) : { column: column.id, descending: false };
    const others = event.shiftKey ? query.sort.filter((s) => s.column !== column.id) : [];
    const list = event.shiftKey && sort ? query.sort.map((s) => (s.column === column.id ? next : s)).filter((s): s is NonNullable<typeof s> => !!s) : [...others, ...(next ? [next] : [])];
    setQuery({ sort: list });
  });
  // Reorder by dragging a header onto another.
  cell.draggable = true;
  cell.addEventListener('dragstart', (event) => event.dataTransfer?.setData('text/x-column', column.id));
  cell.addEventListener('dragover', (event) => event.preventDefault());
  cell.addEventListener('drop', (event) => {
    event.preventDefault();
    const moved = event.dataTransfer?.getData('text/x-column');
    if (!moved || moved === column.id) return;
    const order = visibleColumns().map((v) => v.column.id).filter((id) => id !== moved);
    order.splice(order.indexOf(column.id), 0, moved);
    setLayout({ order });
  });
  const handle = el('div', { className: 'resize', title: 'Drag to resize' });
  // The header is redrawn while dragging (this handle with it): follow the pointer on the window,
  // not on the handle, which the first redraw takes out of the page.
  handle.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    event.stopPropagation();
    const startX = event.clientX;
    const startWidth = widthOf(column.id);
    resizing = true;
    const move = (e: PointerEvent): void => {
      const width = Math.max(48, Math.min(1200, Math.round(startWidth + e.clientX - startX)));
      if (width === widthOf(column.id)) return;
      layout = { ...layout, widths: { ...layout.widths, [column.id]: width } };
      renderHeader();
      renderRows();
    };
    const up = (): void => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', up);
      saveState();
      // The click that ends a drag is not a sort.
      setTimeout(() => (resizing = false), 0);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', up);
  });
  cell.append(handle);
  return cell;
}

// ---- rows ----
const STATUS_ICONS: Readonly<Record<string, [string, string]>> = {
  RUNNING: ['sync~spin', 'running'], running: ['sync~spin', 'running'], SCHEDULED: ['clock', 'scheduled'], queued: ['clock', 'queued'],
  FAILED: ['error', 'failed'], failed: ['error', 'failed'], KILLED: ['circle-slash', 'killed'], FINISHED: ['pass', 'finished'], success: ['pass', 'done'],
};

function rowIcon(row: RenderedRow): HTMLSpanElement {
  if (row.rowKind === 'workspace') return titled(icon('folder'), 'workspace');
  if (row.rowKind === 'baseline') return titled(icon('git-commit'), 'baseline commit');
  const [name, label] = (row.status && STATUS_ICONS[row.status]) || ['circle-outline', row.status ?? ''];
  const span = titled(icon(name), label);
  span.classList.add(`status-${label}`);
  return span;
}

function titled(span: HTMLSpanElement, title: string): HTMLSpanElement {
  span.title = title;
  span.removeAttribute('aria-hidden');
  span.setAttribute('role', 'img');
  span.setAttribute('aria-label', title);
  return span;
}

function renderRows(): void {
  body.style.height = `${count * ROW_HEIGHT}px`;
  const first = Math.max(0, Math.floor((scroller.scrollTop - header.offsetHeight) / ROW_HEIGHT) - 10);
  const visibleCount = Math.ceil(scroller.clientHeight / ROW_HEIGHT) + 20;
  const last = Math.min(count, first + visibleCount);
  const missing: number[] = [];
  const visible = visibleColumns();
  const nodes: HTMLElement[] = [];
  for (let i = first; i < last; i++) {
    const entry = entries.get(i);
    if (!entry) {
      missing.push(i);
      const placeholder = el('div', { className: 'row placeholder' }, el('div', { className: 'cell name pinned' }, '…'));
      placeholder.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
      nodes.push(placeholder);
      continue;
    }
    nodes.push(entry.kind === 'group' ? groupRow(entry, i, visible) : dataRow(entry, i, visible));
  }
  body.replaceChildren(...nodes);
  if (missing.length > 0 && !requested.has(missing[0]!)) {
    const start = Math.max(0, missing[0]! - 100);
    for (let i = start; i < start + 400; i++) requested.add(i);
    post({ type: 'window', version, start, count: 400 });
  }
}

function groupRow(entry: Extract<RenderedEntry, { kind: 'group' }>, index: number, visible: { column: TableColumn; index: number }[]): HTMLElement {
  const name = el('div', { className: 'cell name pinned' }, icon('list-tree'), el('span', { className: 'label' }, entry.label), el('span', { className: 'count' }, `${entry.count} ${entry.count === 1 ? 'row' : 'rows'}`));
  name.style.width = `${NAME_WIDTH}px`;
  const row = el('div', { className: 'row group' }, name, ...visible.map(({ column, index: c }) => {
    const cell = el('div', { className: `cell${column.numeric ? ' number' : ''}`, title: entry.details[c] ?? '' }, entry.cells[c] ?? '');
    cell.style.width = `${widthOf(column.id)}px`;
    return cell;
  }));
  row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
  return row;
}

function dataRow(entry: RenderedRow, index: number, visible: { column: TableColumn; index: number }[]): HTMLElement {
  const twisty = entry.hasChildren ? el('button', { className: 'twisty', type: 'button', title: entry.expanded ? 'Collapse' : 'Expand' }, icon(entry.expanded ? 'chevron-down' : 'chevron-right')) : el('span', { className: 'twisty' });
  if (entry.hasChildren) {
    twisty.setAttribute('aria-label', entry.expanded ? `Collapse ${entry.label}` : `Expand ${entry.label}`);
    twisty.addEventListener('click', (event) => {
      event.stopPropagation();
      setQuery({ collapsed: entry.expanded ? [...query.collapsed, entry.id] : query.collapsed.filter((id) => id !== entry.id) });
    });
  }
  const name = el('div', { className: 'cell name pinned', title: [entry.label, `${entry.source === 'mlflow' ? 'MLflow run' : 'DVC'} ${entry.shortId}`, ...entry.problems].join('\n') }, twisty, rowIcon(entry));
  name.style.width = `${NAME_WIDTH}px`;
  name.style.paddingLeft = `${4 + entry.depth * 14}px`;
  if (entry.starred) name.append(titled(icon('star-full'), 'starred'));
  name.append(el('span', { className: 'label' }, entry.label));
  if (entry.source === 'dvc' && entry.rowKind !== 'workspace') name.append(el('span', { className: 'badge' }, entry.rowKind === 'baseline' ? 'DVC' : ''));
  if (entry.problems.length > 0) name.append(titled(icon('warning'), entry.problems.join('\n')), el('span', { className: 'problem-text' }, entry.problems[0]!));
  const row = el('div', { className: `row${selected.has(entry.id) ? ' selected' : ''}${entry.context ? ' context' : ''}${entry.problems.length ? ' has-problem' : ''}` }, name,
    ...visible.map(({ column, index: c }) => {
      const text = entry.cells[c] ?? '';
      const cell = el('div', { className: `cell${column.numeric ? ' number' : ''}`, title: text }, text);
      cell.style.width = `${widthOf(column.id)}px`;
      return cell;
    }),
  );
  row.setAttribute('role', 'row');
  row.setAttribute('aria-rowindex', String(index + 2));
  row.dataset.rowId = entry.id;
  row.setAttribute('aria-selected', String(selected.has(entry.id)));
  row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
  row.addEventListener('click', (event) => select(entry, index, event));
  row.addEventListener('dblclick', () => entry.source === 'mlflow' && post({ type: 'rowAction', action: 'open', rowIds: [entry.id] }));
  return row;
}

function select(entry: RenderedRow, index: number, event: MouseEvent): void {
  if (event.shiftKey && anchor !== undefined) {
    const [from, to] = [Math.min(anchor, index), Math.max(anchor, index)];
    for (let i = from; i <= to; i++) {
      const e = entries.get(i);
      if (e?.kind === 'row') selected.add(e.id);
    }
  } else if (event.ctrlKey || event.metaKey) {
    if (selected.has(entry.id)) selected.delete(entry.id);
    else selected.add(entry.id);
    anchor = index;
  } else {
    selected.clear();
    selected.add(entry.id);
    anchor = index;
  }
  renderRows();
  renderActions();
}

// ---- actions, status ----
function renderActions(): void {
  const rows = [...entries.values()].filter((e): e is RenderedRow => e.kind === 'row' && selected.has(e.id));
  const runs = rows.filter((r) => r.source === 'mlflow');
  const experiments = rows.filter((r) => r.source === 'dvc' && r.rowKind === 'experiment');
  const dvcRows = rows.filter((r) => r.source === 'dvc');
  const button = (name: string, label: string, action: RowAction, enabled: boolean, why: string): HTMLButtonElement => {
    const b = toolButton(name, label, () => post({ type: 'rowAction', action, rowIds: [...selected] }));
    b.disabled = !enabled;
    if (!enabled) b.title = `${label}: ${why}`;
    return b;
  };
  const anyStarred = rows.some((r) => r.starred);
  actionsBar.replaceChildren(
    el('span', { className: 'selection-count' }, rows.length === 0 ? 'Select rows (Ctrl/Shift+Click for several) to chart, compare, star or act on them' : `${rows.length} selected`),
    button('graph', 'Metrics', 'metrics', runs.length > 0, 'select MLflow runs'),
    button('diff-multiple', 'Compare', 'compare', runs.length > 1, 'select two or more MLflow runs'),
    button('graph-scatter', 'Plots', 'plots', rows.length > 0, 'select rows'),
    button(anyStarred ? 'star-empty' : 'star-full', anyStarred ? 'Unstar' : 'Star', anyStarred ? 'unstar' : 'star', rows.length > 0, 'select rows'),
    button('note', 'Note…', 'note', rows.length === 1, 'select one row'),
    ...(dvcRows.length > 0 || refs.some((r) => r.kind === 'dvc')
      ? [
          button('check', 'Apply', 'apply', experiments.length === 1, 'select one DVC experiment'),
          button('git-branch', 'Branch…', 'branch', experiments.length === 1, 'select one DVC experiment'),
          button('output', 'Logs', 'logs', experiments.length === 1, 'select one queued, running or failed experiment'),
          button('debug-stop', 'Stop', 'stop', experiments.some((r) => r.status === 'running' || r.status === 'queued'), 'select a running or queued experiment'),
          button('cloud-upload', 'Push…', 'push', experiments.length > 0, 'select DVC experiments'),
          button('trash', 'Remove…', 'remove', experiments.length > 0, 'select DVC experiments'),
        ]
      : []),
  );
}

function renderStatus(): void {
  const labelOf = (id: string): string => columns.find((c) => c.id === id)?.label ?? id;
  summary.textContent = `${status.matched} of ${status.total} rows${query.groupBy ? ` · grouped by ${labelOf(query.groupBy)}` : ''}${query.sort.length ? ` · sorted by ${query.sort.map((s) => `${labelOf(s.column)} ${s.descending ? '↓' : '↑'}`).join(', ')}` : ''}`;
  sourcesLine.replaceChildren(
    ...status.sources.map((s) => {
      const item = el('span', { className: `source${s.error ? ' source-error' : ''}`, title: s.error ?? '' }, icon(s.loading ? 'sync~spin' : s.kind === 'dvc' ? 'git-commit' : 'beaker'), `${s.label}: ${s.loading ? 'loading…' : `${s.loaded} ${s.kind === 'dvc' ? 'rows' : 'runs'}${s.more ? ' (more available)' : ''}`}`);
      if (s.error) item.append(el('span', { className: 'error-text' }, ` — ${s.error}`));
      return item;
    }),
    ...historiesStatus(),
  );
  loadMore.hidden = !status.sources.some((s) => s.more);
  dvcTools.hidden = !refs.some((r) => r.kind === 'dvc');
  starredToggle.classList.toggle('on', query.starredOnly);
  starredToggle.setAttribute('aria-pressed', String(query.starredOnly));
  if (status.error) {
    filterError.hidden = false;
    const at = status.error.position;
    const text = query.filter;
    const shown = at === undefined ? [] : [el('code', {}, text.slice(0, at)), el('code', { className: 'error-at' }, text.slice(at, at + 1) || ' '), el('code', {}, text.slice(at + 1))];
    filterError.replaceChildren(icon('error'), el('span', {}, status.error.message), ...(shown.length ? [el('div', { className: 'error-line' }, ...shown)] : []));
    filterInput.classList.add('invalid');
  } else {
    filterError.hidden = true;
    filterInput.classList.remove('invalid');
  }
  const groupable = columns.filter((c) => c.group === 'params' || c.group === 'tags' || c.id === 'attributes.status');
  groupSelect.replaceChildren(el('option', { value: '' }, 'No grouping'), ...groupable.map((c) => el('option', { value: c.id, selected: query.groupBy === c.id }, `Group by ${c.id.replace(/^attributes\./, '')}`)));
  const loading = status.sources.some((s) => s.loading);
  empty.hidden = count > 0;
  if (count === 0) empty.replaceChildren(icon(loading ? 'sync~spin' : 'info'), el('span', {}, loading ? 'Loading runs and experiments…' : status.total === 0 ? 'No runs or experiments yet. Log a run with MLflow or run `dvc exp run`.' : 'No row matches the filter.'));
}

/** Reading metric histories for the min / max / at-step columns: progress, and what could not be read. */
function historiesStatus(): HTMLElement[] {
  const h = status.histories;
  if (!h) return [];
  const reading = h.done < h.total;
  const item = el('span', { className: `source${h.failed ? ' source-error' : ''}`, title: h.errors.join('\n') }, icon(reading ? 'sync~spin' : h.failed ? 'warning' : 'history'), reading ? `Metric histories: ${h.done} of ${h.total} read` : `Metric histories: ${h.total} read`);
  if (h.failed) item.append(el('span', { className: 'error-text' }, ` — ${h.failed} could not be read: ${h.errors[0] ?? ''}`));
  return [item];
}

/** When rows were first drawn, and when every source had finished loading (for the benchmark). */
const paints: { firstRowsAt?: number; completeAt?: number; total?: number } = {};

function renderAll(): void {
  if (document.activeElement !== filterInput) filterInput.value = query.filter;
  renderStatus();
  renderHeader();
  renderRows();
  renderActions();
  renderChooser();
  const complete = status.sources.length > 0 && status.sources.every((s) => !s.loading);
  if (count > 0 && paints.firstRowsAt === undefined) requestAnimationFrame(() => (paints.firstRowsAt ??= Date.now()));
  if (count > 0 && complete && paints.completeAt === undefined) requestAnimationFrame(() => ((paints.completeAt ??= Date.now()), (paints.total = status.total)));
}

scroller.addEventListener('scroll', () => requestAnimationFrame(renderRows));
window.addEventListener('resize', debounce(50, renderRows));
post({ type: 'ready' });
if (saved.query && JSON.stringify(saved.query) !== JSON.stringify(DEFAULT_QUERY)) post({ type: 'query', query: saved.query });

/** Read-only views of what is drawn, for the e2e tests (test/e2e/support/webviews.ts). */
(window as unknown as { mlWorkbench: object }).mlWorkbench = {
  rows: () =>
    [...entries.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, e]) => (e.kind === 'group' ? { kind: 'group', label: e.label, count: e.count, cells: Object.fromEntries(columns.map((c, i) => [c.id, e.cells[i]])) } : { kind: 'row', id: e.id, label: e.label, source: e.source, rowKind: e.rowKind, depth: e.depth, status: e.status, problems: e.problems, starred: e.starred, cells: Object.fromEntries(columns.map((c, i) => [c.id, e.cells[i]])) })),
  status: () => ({ ...status, count, query, columns: visibleColumns().map((v) => v.column.id) }),
  paints: () => paints,
  layout: () => layout,
};
