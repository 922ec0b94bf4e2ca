/**
 * The Compare Runs panel: a sortable table (differences highlighted, a column chooser), parallel
 * coordinates of params against a chosen metric (brush to filter, click to select), and a scatter
 * of any column against any other. Everything from the store is rendered as text.
 */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import {
  DEFAULT_COMPARE_VIEW,
  type Comparison,
  type ComparisonColumn,
  type ComparisonRow,
  type CompareSelection,
  type CompareViewState,
  type CompareWebviewState,
  type FromWebview,
  type ToWebview,
} from '../../src/protocol/comparePanel.js';
import { debounce, el, icon } from '../shared/dom.js';
import { onThemeChange, readTheme } from '../shared/theme.js';
import { passesBrushes, renderParallel } from './parallel.js';
import { renderScatter } from './scatter.js';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void; setState(state: CompareWebviewState): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
const saved = vscode.getState() as Partial<CompareWebviewState> | undefined;

let selection: CompareSelection | undefined;
let comparison: Comparison = { columns: [], rows: [] };
let colors: Readonly<Record<string, number>> = {};
let view: CompareViewState = saved?.view ?? DEFAULT_COMPARE_VIEW;
let selected: string | undefined;
let theme = readTheme();
const brushes = new Map<string, readonly [number, number]>();

const post = (message: FromWebview): void => vscode.postMessage(message);
const colorOf = (runId: string): number => colors[runId] ?? 0;

function setView(next: Partial<CompareViewState>): void {
  view = { ...view, ...next };
  if (selection) vscode.setState({ selection, view });
  render();
}

function select(runId: string, fromPanel: boolean): void {
  selected = runId;
  if (fromPanel) post({ type: 'select', runId });
  render();
}

const visibleColumns = (): ComparisonColumn[] => comparison.columns.filter((c) => !view.hidden.includes(c.id) && (!view.onlyDiffering || c.differs || c.id === 'attributes.status'));
const metricColumns = (): ComparisonColumn[] => comparison.columns.filter((c) => c.kind === 'metric');
const chartColumns = (): ComparisonColumn[] => comparison.columns.filter((c) => c.kind !== 'attribute' || c.id === 'attributes.duration');

function sortedRows(): ComparisonRow[] {
  const rows = comparison.rows.filter((r) => passesBrushes(r, comparison.columns, comparison.rows, brushes));
  const sort = view.sort;
  if (!sort) return rows;
  const column = comparison.columns.find((c) => c.id === sort.column);
  const key = (row: ComparisonRow): number | string | undefined => (sort.column === 'name' ? row.name : column?.numeric ? row.cells[sort.column]?.number : row.cells[sort.column]?.text);
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1; // missing values last
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return sort.descending ? -order : order;
  });
}

function headerCell(id: string, label: string, column?: ComparisonColumn): HTMLTableCellElement {
  const sort = view.sort?.column === id ? (view.sort.descending ? 'descending' : 'ascending') : 'none';
  const button = el('button', { type: 'button', className: 'sort', title: `Sort by ${label}` }, label, sort === 'none' ? '' : sort === 'ascending' ? ' ▲' : ' ▼');
  button.addEventListener('click', () => setView({ sort: { column: id, descending: view.sort?.column === id ? !view.sort.descending : false } }));
  const th = el('th', { scope: 'col', className: column?.differs ? 'differs' : '' }, button);
  th.setAttribute('aria-sort', sort);
  if (column?.differs) th.title = 'Values differ between runs';
  return th;
}

function table(): HTMLElement {
  const columns = visibleColumns();
  const rows = sortedRows();
  const head = el('tr', {}, headerCell('name', 'Run'), ...columns.map((c) => headerCell(c.id, c.kind === 'attribute' ? c.key : c.id, c)));
  const body = rows.map((row) => {
    const swatch = el('span', { className: 'swatch' });
    swatch.style.background = theme.color(colorOf(row.runId));
    const name = el('button', { type: 'button', className: 'run-name', title: `Show ${row.name} in the Runs view` }, swatch, el('span', {}, row.name));
    name.addEventListener('click', () => select(row.runId, true));
    const cells = columns.map((c) => {
      const cell = row.cells[c.id];
      return el('td', { className: `${c.differs ? 'differs' : ''} ${c.numeric ? 'number' : ''}`.trim(), title: cell?.text ?? '' }, cell?.text ?? '—');
    });
    const tr = el('tr', { className: row.runId === selected ? 'selected' : '', dataset: { runId: row.runId } }, el('th', { scope: 'row' }, name), ...cells);
    tr.setAttribute('aria-selected', String(row.runId === selected));
    return tr;
  });
  const hiddenByBrush = comparison.rows.length - rows.length;
  return el(
    'section',
    { className: 'table-section' },
    el('div', { className: 'table-scroll' }, el('table', { id: 'compare-table' }, el('thead', {}, head), el('tbody', {}, ...body))),
    el('p', { className: 'note' }, `${columns.length} of ${comparison.columns.length} columns · columns marked ≠ differ${hiddenByBrush > 0 ? ` · ${hiddenByBrush} runs hidden by the brushes` : ''}`),
  );
}

function columnChooser(): HTMLElement {
  const only = el('vscode-checkbox', { label: 'Only columns that differ', checked: view.onlyDiffering });
  only.addEventListener('change', () => setView({ onlyDiffering: (only as unknown as { checked: boolean }).checked }));
  const list = el('div', { className: 'column-list' });
  for (const column of comparison.columns) {
    const box = el('vscode-checkbox', { label: column.id, checked: !view.hidden.includes(column.id) });
    box.addEventListener('change', () => {
      const hidden = new Set(view.hidden);
      if ((box as unknown as { checked: boolean }).checked) hidden.delete(column.id);
      else hidden.add(column.id);
      setView({ hidden: [...hidden] });
    });
    list.append(box);
  }
  return el('details', { className: 'chooser' }, el('summary', {}, icon('list-filter'), ' Columns'), only, list);
}

function select_(id: string, label: string, columns: readonly ComparisonColumn[], value: string | undefined, onChange: (id: string) => void): HTMLElement {
  const control = el('vscode-single-select', { id });
  control.setAttribute('aria-label', label);
  for (const column of columns) {
    const option = el('vscode-option', { value: column.id }, column.id);
    if (column.id === value) option.setAttribute('selected', '');
    control.append(option);
  }
  control.addEventListener('change', () => onChange((control as unknown as { value: string }).value));
  return el('label', { className: 'field' }, el('span', {}, label), control);
}

const parallelCanvas = el('canvas', { id: 'parallel' });
const scatterCanvas = el('canvas', { id: 'scatter' });
const hover = el('div', { className: 'hover', hidden: true });

function charts(): HTMLElement {
  const metrics = metricColumns();
  // By default the metric most runs have (ties: the first by name).
  const present = (c: ComparisonColumn): number => comparison.rows.filter((r) => r.cells[c.id] !== undefined).length;
  const target = metrics.find((c) => c.id === view.target) ?? [...metrics].sort((a, b) => present(b) - present(a))[0];
  const all = chartColumns();
  const sx = all.find((c) => c.id === view.scatterX) ?? all.find((c) => c.kind === 'param') ?? all[0];
  const sy = all.find((c) => c.id === view.scatterY) ?? target ?? all[1];
  const section = el('section', { className: 'charts' });
  const parallelHeader = el('header', {}, el('h2', {}, 'Parameters → metric'), target ? select_('target-metric', 'Metric', metrics, target.id, (id) => setView({ target: id })) : '');
  const scatterHeader = el('header', {}, el('h2', {}, 'Scatter'), select_('scatter-x', 'X', all, sx?.id, (id) => setView({ scatterX: id })), select_('scatter-y', 'Y', all, sy?.id, (id) => setView({ scatterY: id })));
  section.append(el('div', { className: 'chart-box' }, parallelHeader, parallelCanvas), el('div', { className: 'chart-box' }, scatterHeader, scatterCanvas, hover));
  requestAnimationFrame(() => drawCharts(target, sx, sy));
  return section;
}

function drawCharts(target: ComparisonColumn | undefined, sx: ComparisonColumn | undefined, sy: ComparisonColumn | undefined): void {
  const params = comparison.columns.filter((c) => c.kind === 'param' && (c.differs || comparison.rows.length === 1)).slice(0, 10);
  const axes = target ? [...params, target] : params;
  const width = (canvas: HTMLCanvasElement): number => Math.max(320, canvas.parentElement?.clientWidth ?? 600);
  if (axes.length > 0) {
    renderParallel(parallelCanvas, width(parallelCanvas), {
      columns: axes,
      rows: comparison.rows,
      color: colorOf,
      theme,
      selected,
      brushes,
      onBrush: (id, range) => {
        if (range) brushes.set(id, range);
        else brushes.delete(id);
        render();
      },
      onSelect: (runId) => select(runId, true),
    });
  }
  if (sx && sy) {
    renderScatter(scatterCanvas, width(scatterCanvas), {
      x: sx,
      y: sy,
      rows: comparison.rows,
      color: colorOf,
      theme,
      selected,
      onSelect: (runId) => select(runId, true),
      onHover: (row, at) => {
        hover.hidden = !row;
        if (!row) return;
        hover.textContent = `${row.name}: ${sx.id} = ${row.cells[sx.id]?.text ?? '—'}, ${sy.id} = ${row.cells[sy.id]?.text ?? '—'}`;
        hover.style.left = `${at.x + 12}px`;
        hover.style.top = `${at.y + 40}px`;
      },
    });
  }
}

let title = 'Compare runs';
let problems: readonly string[] = [];

function render(): void {
  const openMetrics = el('vscode-button', { secondary: true }, 'Open metrics charts');
  openMetrics.addEventListener('click', () => post({ type: 'openMetrics', runIds: sortedRows().map((r) => r.runId) }));
  const clear = el('vscode-button', { secondary: true, disabled: brushes.size === 0 }, 'Clear brushes');
  clear.addEventListener('click', () => {
    brushes.clear();
    render();
  });
  root.replaceChildren(
    el('header', { className: 'panel-header' }, el('h1', {}, title), el('div', { className: 'toolbar' }, columnChooser(), openMetrics, clear)),
    ...problems.map((p) => el('p', { className: 'problem' }, icon('warning'), ` ${p}`)),
    comparison.rows.length === 0 ? el('p', { className: 'empty' }, 'None of these runs could be read.') : table(),
    comparison.rows.length === 0 ? '' : charts(),
  );
  root.setAttribute('aria-busy', 'false');
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'snapshot':
      selection = message.selection;
      comparison = message.comparison;
      colors = message.colors;
      title = message.title;
      problems = message.problems;
      vscode.setState({ selection, view });
      return render();
    case 'highlight':
      selected = message.runId;
      return render();
    case 'error':
      root.replaceChildren(el('p', { className: 'error' }, icon('error'), ` ${message.message}`));
      return;
  }
});

onThemeChange(() => {
  theme = readTheme();
  render();
});
let lastWidth = 0;
new ResizeObserver(
  debounce(150, () => {
    // Only a change of width redraws: a render changes the height, and must not trigger itself.
    if (document.body.clientWidth === lastWidth || comparison.rows.length === 0) return;
    lastWidth = document.body.clientWidth;
    render();
  }),
).observe(document.body);

/** For tests: the table as text, and the runs each chart draws. */
(window as unknown as { mlWorkbench: unknown }).mlWorkbench = {
  rows: () => sortedRows().map((r) => ({ runId: r.runId, name: r.name })),
  columns: () => visibleColumns().map((c) => ({ id: c.id, differs: c.differs })),
  selected: () => selected,
  brush: (id: string, range: [number, number]) => {
    brushes.set(id, range);
    render();
  },
};

post({ type: 'ready' });
