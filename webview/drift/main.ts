/**
 * The Drift Report panel: the dataset verdict, one row per column (type, method, score,
 * threshold, verdict, problems) and, for the selected column, reference against current as
 * grouped bars (share of each side's rows per bin or category). Every name and value from the
 * data goes into the DOM as text.
 */
import type { ColumnDrift, DriftHistogram, DriftReport, DriftViewState, FromWebview, ToWebview, ActionName } from '../../src/protocol/driftPanel.js';
import { parseViewState, verdictText } from '../../src/protocol/driftPanel.js';
import { el, icon } from '../shared/dom.js';
import { onThemeChange, readTheme, withAlpha } from '../shared/theme.js';
import { drawBars } from './bars.js';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void; setState(state: DriftViewState): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
let view: DriftViewState = parseViewState(vscode.getState());
let last: Extract<ToWebview, { type: 'snapshot' }> | undefined;
const statuses = new Map<ActionName, Extract<ToWebview, { type: 'status' }>>();
let theme = readTheme();

const post = (message: FromWebview): void => vscode.postMessage(message);

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'computing':
      last = undefined;
      statuses.clear();
      root.replaceChildren(el('h1', {}, message.title), sides(message.reference, message.current), el('p', { className: 'note busy' }, icon('loading codicon-modifier-spin'), ' Computing drift in a background worker…'));
      root.setAttribute('aria-busy', 'true');
      return;
    case 'error':
      last = undefined;
      root.replaceChildren(el('h1', {}, message.title), el('p', { className: 'error' }, icon('error'), ' ', message.message), toolbar(undefined));
      root.setAttribute('aria-busy', 'false');
      return;
    case 'status':
      statuses.set(message.action, message);
      if (last) render(last);
      return;
    case 'snapshot':
      last = message;
      render(message);
      return;
  }
});
onThemeChange(() => {
  theme = readTheme();
  if (last) render(last);
});
window.addEventListener('resize', () => last && drawSelected(last.report));
post({ type: 'ready' });

function sides(reference: { label: string; detail: string }, current: { label: string; detail: string }): HTMLElement {
  const side = (name: string, info: { label: string; detail: string }, swatch: number): HTMLElement =>
    el('div', { className: 'side' }, swatchOf(swatch), el('span', { className: 'side-name' }, `${name}: `), el('span', { title: info.detail }, info.label), el('div', { className: 'note detail', title: info.detail }, info.detail));
  return el('div', { className: 'sides' }, side('Reference', reference, 0), side('Current', current, 1));
}

function swatchOf(index: number): HTMLElement {
  const span = el('span', { className: 'swatch' });
  span.style.background = theme.color(index);
  return span;
}

function render(snapshot: Extract<ToWebview, { type: 'snapshot' }>): void {
  const { report } = snapshot;
  root.setAttribute('aria-busy', 'false');
  const columns = report.columns;
  if (!view.selectedColumn || !columns.some((c) => c.column === view.selectedColumn)) view = { selectedColumn: (columns.find((c) => c.drifted) ?? columns.find((c) => c.histogram) ?? columns[0])?.column };
  // Some columns drifted below the dataset threshold: not a green "pass", the drifted columns need a look.
  const kind = report.dataset.detected ? 'drifted' : report.dataset.tested === 0 ? 'none' : report.dataset.drifted > 0 ? 'partial' : 'stable';
  const verdictIcon = { drifted: 'warning', none: 'circle-slash', partial: 'info', stable: 'pass' }[kind];
  const verdict = el('p', { className: `verdict ${kind}`, role: 'status' }, icon(verdictIcon), ' ', verdictText(report));
  const counts = el('p', { className: 'note' }, `${report.reference.rows.toLocaleString('en-US')} reference rows · ${report.current.rows.toLocaleString('en-US')} current rows · computed ${new Date(snapshot.computedAt).toLocaleString()}`);
  root.replaceChildren(
    el('div', { className: 'panel-header' }, el('h1', {}, snapshot.title), toolbar(snapshot)),
    sides(snapshot.reference, snapshot.current),
    verdict,
    counts,
    el('div', { className: 'layout' }, table(columns), chartBox(columns.find((c) => c.column === view.selectedColumn))),
    problemsList(snapshot),
  );
  drawSelected(report);
}

function toolbar(snapshot: Extract<ToWebview, { type: 'snapshot' }> | undefined): HTMLElement {
  const button = (action: ActionName, label: string, iconName: string, enabled: boolean, why?: string): HTMLElement => {
    const b = el('button', { type: 'button', className: 'action', disabled: !enabled || statuses.get(action)?.state === 'running', title: why ?? label }, icon(iconName), ` ${label}`);
    b.addEventListener('click', () => post({ type: 'action', action }));
    return b;
  };
  const bar = el('div', { className: 'toolbar' });
  if (snapshot) {
    const { evidently, mlflow } = snapshot.actions;
    if (evidently) bar.append(button('evidently', 'Open Full Evidently Report', 'file-code', evidently.enabled, evidently.why));
    // Logged once per computation: a second click would only add a duplicate run (Run Again enables it again).
    const logged = statuses.get('mlflow')?.state === 'done';
    if (mlflow) bar.append(button('mlflow', 'Log to MLflow', 'cloud-upload', mlflow.enabled && !logged, logged ? 'This check is logged; Run Again to log a new one' : mlflow.why));
  }
  bar.append(button('rerun', 'Run Again', 'refresh', true));
  for (const status of statuses.values()) {
    bar.append(el('span', { className: `status ${status.state}`, role: 'status' }, icon(status.state === 'running' ? 'loading codicon-modifier-spin' : status.state === 'done' ? 'check' : 'error'), ` ${status.message}`));
  }
  return bar;
}

/** Bin edges on the axis: three significant digits (0.1–0.508), not a score's fixed four decimals. */
const formatEdge = (x: number | undefined): string => (x === undefined ? '' : String(Number(x.toPrecision(3))));
const formatScore = (x: number | undefined): string => (x === undefined ? '' : x === 0 ? '0' : Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toFixed(4));

function verdictCell(column: ColumnDrift): HTMLElement {
  if (column.status === 'not-computed') return el('td', { className: 'muted' }, icon('circle-slash'), ' not computed');
  if (column.status === 'skipped') return el('td', { className: 'muted' }, icon('dash'), ' not compared');
  return column.drifted ? el('td', { className: 'drifted' }, icon('warning'), ' drifted') : el('td', { className: 'stable' }, icon('pass'), ' no drift');
}

function table(columns: readonly ColumnDrift[]): HTMLElement {
  // The Problems column only when a column has one: an all-dash column would push the verdicts' neighbours off-screen.
  const withProblems = columns.some((c) => c.problems.length > 0);
  const head = el('tr', {}, ...['Column', 'Type', 'Method', 'Score', 'Threshold', 'Drift', ...(withProblems ? ['Problems'] : [])].map((h) => el('th', { scope: 'col' }, h)));
  const rows = columns.map((column) => {
    const problems = column.problems.map((p) => p.message).join('\n');
    const method = column.status === 'not-computed' ? `${column.method?.label ?? ''} (text: not computed here)` : (column.method?.label ?? '');
    const row = el(
      'tr',
      { className: column.column === view.selectedColumn ? 'selected' : '', tabIndex: 0, title: `Show the distributions of ${column.column}` },
      el('td', { className: 'name', title: column.column }, column.column),
      el('td', {}, column.type),
      el('td', { title: method }, method),
      el('td', { className: 'number' }, formatScore(column.score)),
      el('td', { className: 'number' }, formatScore(column.threshold)),
      verdictCell(column),
      ...(withProblems ? [el('td', { className: problems ? 'problem' : 'muted', title: problems }, problems ? `${column.problems.length} — ${column.problems[0]!.message}` : '—')] : []),
    );
    row.setAttribute('aria-selected', String(column.column === view.selectedColumn));
    const choose = (): void => {
      view = { selectedColumn: column.column };
      vscode.setState(view);
      if (last) render(last);
    };
    row.addEventListener('click', choose);
    row.addEventListener('keydown', (event) => (event.key === 'Enter' || event.key === ' ') && (event.preventDefault(), choose()));
    return row;
  });
  return el('div', { className: 'table-scroll' }, el('table', { className: 'columns' }, el('thead', {}, head), el('tbody', {}, ...rows)));
}

function chartBox(column: ColumnDrift | undefined): HTMLElement {
  const box = el('section', { className: 'chart-box' });
  if (!column) return box;
  const legend = el('div', { className: 'legend' }, swatchOf(0), ' reference ', swatchOf(1), ' current');
  box.append(el('header', {}, el('h2', {}, column.column), legend));
  if (!column.histogram) {
    box.append(el('p', { className: 'empty' }, column.status === 'skipped' ? 'Not compared: no distribution to show.' : 'No distribution for this column.'));
    return box;
  }
  const canvas = el('canvas', { className: 'bars' });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `Distribution of ${column.column}: reference and current, share of rows per ${column.histogram.kind === 'numeric' ? 'bin' : 'category'}`);
  box.append(canvas, summaries(column));
  return box;
}

function summaries(column: ColumnDrift): HTMLElement {
  const line = (name: string, s: ColumnDrift['reference']): string =>
    s ? `${name}: ${s.count.toLocaleString('en-US')} values, ${s.missing} missing${s.mean !== undefined ? `, mean ${formatScore(s.mean)}, std ${formatScore(s.std)}, min ${formatEdge(s.min)}, max ${formatEdge(s.max)}` : s.unique !== undefined ? `, ${s.unique} distinct` : ''}` : `${name}: —`;
  return el('p', { className: 'note' }, line('Reference', column.reference), el('br'), line('Current', column.current));
}

function drawSelected(report: DriftReport): void {
  const column = report.columns.find((c) => c.column === view.selectedColumn);
  const canvas = root.querySelector<HTMLCanvasElement>('canvas.bars');
  if (!canvas || !column?.histogram) return;
  drawBars(canvas, shares(column.histogram), theme, [theme.color(0), withAlpha(theme.color(1), 0.85)]);
}

/** Each side's counts as shares of its own rows, so samples of different sizes compare. */
function shares(histogram: DriftHistogram): { labels: string[]; reference: number[]; current: number[] } {
  const norm = (xs: readonly number[], extra = 0): number[] => {
    const total = xs.reduce((a, b) => a + b, 0) + extra;
    return xs.map((x) => (total > 0 ? x / total : 0));
  };
  if (histogram.kind === 'numeric') {
    const labels = histogram.reference.map((_, i) => `${formatEdge(histogram.edges[i])}–${formatEdge(histogram.edges[i + 1])}`);
    return { labels, reference: norm(histogram.reference), current: norm(histogram.current) };
  }
  const other = histogram.other;
  const labels = [...histogram.categories, ...(other ? [`${other.categories} other`] : [])];
  const reference = norm([...histogram.reference, ...(other ? [other.reference] : [])]);
  const current = norm([...histogram.current, ...(other ? [other.current] : [])]);
  return { labels, reference, current };
}

function problemsList(snapshot: Extract<ToWebview, { type: 'snapshot' }>): HTMLElement {
  const items = [
    ...snapshot.leftOut.map((l) => el('li', {}, el('strong', {}, l.column), `: not compared, ${l.why}`)),
    ...snapshot.report.problems.map((p) => el('li', { className: 'problem' }, `${p.dataset ? `${p.dataset}: ` : ''}${p.message}`)),
  ];
  if (items.length === 0) return el('div');
  return el('section', { className: 'problems' }, el('h2', {}, 'Not compared and problems'), el('ul', {}, ...items));
}
