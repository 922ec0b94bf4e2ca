/**
 * The Metrics panel: a toolbar (x axis, log scale, smoothing, metric filter), a legend that toggles
 * runs, and a grid of charts, one per metric. Renders host snapshots; keeps its view state with
 * setState so the panel serializer can bring it back after a reload.
 */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import {
  DEFAULT_VIEW,
  type FromWebview,
  type MetricsSelection,
  type MetricsViewState,
  type MetricsWebviewState,
  type PanelRun,
  type SeriesPayload,
  type ToWebview,
  type XAxis,
} from '../../src/protocol/metricsPanel.js';
import { debounce, el, icon } from '../shared/dom.js';
import { lineSwatch, onThemeChange, readTheme, type Theme } from '../shared/theme.js';
import { isSystemMetric } from '../../src/core/charts/chartShape.js';
import { BarChart } from './bars.js';
import { MetricChart, type ChartContext } from './chart.js';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void; setState(state: MetricsWebviewState): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

let selection: MetricsSelection | undefined;
let view: MetricsViewState = DEFAULT_VIEW;
let runs = new Map<string, PanelRun>();
let theme: Theme = readTheme();
let filter = '';
const charts = new Map<string, MetricChart | BarChart>();
const grid = el('div', { className: 'grid' });
/** MLflow's `system/…` metrics: their own section, closed until asked for. */
const systemGrid = el('div', { className: 'grid' });
const systemSection = el('details', { className: 'section system-metrics' });
let systemOpen = false;
systemSection.addEventListener('toggle', () => {
  systemOpen = systemSection.open;
  // Charts drawn while closed have no width: draw them again now they show.
  if (systemOpen) for (const chart of charts.values()) if (isSystemMetric(chart.key)) chart.render(context());
});
const legend = el('div', { className: 'legend', role: 'group' });
const problems = el('div', { className: 'problems' });
const empty = el('p', { className: 'empty', hidden: true });

const post = (message: FromWebview): void => vscode.postMessage(message);
const context = (): ChartContext => ({ runs, view, theme });

function setView(next: Partial<MetricsViewState>, resample: boolean): void {
  view = { ...view, ...next };
  if (selection) vscode.setState({ selection, view });
  // The host keeps the view too (a snapshot carries it); only an axis change makes it resample.
  post({ type: 'view', view });
  if (!resample) for (const chart of charts.values()) chart.render(context());
  renderLegend();
}

function toolbar(): HTMLElement {
  const axis = el('vscode-single-select', { id: 'x-axis' });
  axis.setAttribute('aria-label', 'X axis');
  for (const [value, label] of [['step', 'Step'], ['time', 'Wall time'], ['relative', 'Relative time']] as const) {
    const option = el('vscode-option', { value }, label);
    if (value === view.xAxis) option.setAttribute('selected', '');
    axis.append(option);
  }
  axis.addEventListener('change', () => setView({ xAxis: (axis as unknown as { value: XAxis }).value }, true));
  const log = el('vscode-checkbox', { id: 'log-scale', label: 'Log scale', checked: view.yScale === 'log' });
  log.addEventListener('change', () => setView({ yScale: (log as unknown as { checked: boolean }).checked ? 'log' : 'linear' }, false));
  const smoothing = el('input', { id: 'smoothing', type: 'range', min: '0', max: '0.99', step: '0.01', value: String(view.smoothing) });
  smoothing.setAttribute('aria-label', 'Smoothing');
  const smoothingValue = el('output', { id: 'smoothing-value' }, view.smoothing.toFixed(2));
  const applySmoothing = debounce(60, () => setView({ smoothing: Number(smoothing.value) }, false));
  smoothing.addEventListener('input', () => {
    smoothingValue.textContent = Number(smoothing.value).toFixed(2);
    applySmoothing();
  });
  const search = el('vscode-textfield', { id: 'metric-filter', placeholder: 'Filter metrics' });
  search.setAttribute('aria-label', 'Filter metrics');
  search.addEventListener('input', () => {
    filter = (search as unknown as { value: string }).value.toLowerCase();
    applyFilter();
  });
  const reset = el('vscode-button', { id: 'reset-zoom', secondary: true }, 'Reset zoom');
  reset.addEventListener('click', () => charts.forEach((c) => c.reset()));
  return el(
    'div',
    { className: 'toolbar', role: 'toolbar' },
    el('label', { className: 'field' }, el('span', {}, 'X axis'), axis),
    log,
    el('label', { className: 'field smoothing' }, el('span', {}, 'Smoothing'), smoothing, smoothingValue),
    search,
    reset,
  );
}

function renderLegend(): void {
  const hidden = new Set(view.hidden);
  legend.replaceChildren(
    ...[...runs.values()].map((run) => {
      const swatch = lineSwatch(theme, run.color);
      const toggle = el('button', { className: 'legend-item', type: 'button', title: `Show or hide ${run.label}`, dataset: { runId: run.runId } }, swatch, el('span', { className: 'legend-name' }, run.label));
      toggle.setAttribute('aria-pressed', String(!hidden.has(run.runId)));
      toggle.classList.toggle('off', hidden.has(run.runId));
      toggle.addEventListener('click', () => {
        const next = new Set(view.hidden);
        if (!next.delete(run.runId)) next.add(run.runId);
        setView({ hidden: [...next] }, false);
      });
      const open = el('button', { className: 'icon-button', type: 'button', title: `Show ${run.label} in the Runs view` }, icon('go-to-file'));
      open.setAttribute('aria-label', `Show ${run.label} in the Runs view`);
      open.addEventListener('click', () => post({ type: 'openRun', runId: run.runId }));
      return el('span', { className: `legend-entry status-${run.status.toLowerCase()}` }, toggle, open);
    }),
  );
}

function applyFilter(): void {
  let shown = 0;
  for (const chart of charts.values()) {
    const visible = filter === '' || chart.key.toLowerCase().includes(filter);
    chart.element.hidden = !visible;
    if (visible) shown++;
  }
  empty.hidden = shown > 0 || charts.size === 0;
  empty.textContent = `No metric matches “${filter}”.`;
}

let snapshots = 0;
let appends = 0;
/** Snapshots drawn from samples, and complete ones applied in place over a sample. */
let samples = 0;
let refined = 0;
let timings: Extract<ToWebview, { type: 'snapshot' }>['timings'] | undefined;
let sampleTimings: Extract<ToWebview, { type: 'snapshot' }>['timings'] | undefined;
/** Epoch ms of the first chart drawn after the last read began (the benchmark's "first frame"), a sample's or not. */
let firstDrawAt: number | undefined;
/** Epoch ms of the first chart drawn with every point (the same as firstDrawAt when no sample came first). */
let completeDrawAt: number | undefined;
/** The charts on screen are drawn from samples: a complete snapshot follows. */
let showingSample = false;
const reading = el('p', { className: 'reading', role: 'status', hidden: true });
let frameRequested = false;
/** After uPlot draws (a microtask), the next animation frame is when the chart is on screen. */
const drawn = (): void => {
  if ((firstDrawAt !== undefined && (showingSample || completeDrawAt !== undefined)) || frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    const now = Date.now();
    firstDrawAt ??= now;
    // Charts draw synchronously: a frame after every point was applied shows every point.
    if (!showingSample) completeDrawAt ??= now;
  });
};

const callbacks = {
  zoom: (key: string, window: readonly [number, number] | null, width: number, requestId: number) => post({ type: 'zoom', key, window, width, requestId }),
  exportCsv: (key: string, full: boolean) => post({ type: 'exportCsv', key, full }),
  exportPng: (key: string, dataUrl: string) => dataUrl && post({ type: 'exportPng', key, dataUrl }),
  openRun: (runId: string) => post({ type: 'openRun', runId }),
  drawn,
};

/**
 * A complete snapshot over a sample with the same charts (each of the same kind): each chart takes
 * every point in place, so zoom, scroll, focus and the toolbar stay as the user left them.
 */
function sameCharts(message: Extract<ToWebview, { type: 'snapshot' }>): boolean {
  if (message.charts.length !== charts.size) return false;
  return message.charts.every((c) => {
    const chart = charts.get(c.key);
    return chart !== undefined && (c.kind === 'bars') === chart instanceof BarChart;
  });
}

function renderProblems(list: Extract<ToWebview, { type: 'snapshot' }>['problems']): void {
  problems.replaceChildren(...list.map((p) => el('p', { className: 'problem' }, icon('warning'), ` ${p.message}`)));
}

function refine(message: Extract<ToWebview, { type: 'snapshot' }>): void {
  snapshots++;
  refined++;
  timings = message.timings;
  showingSample = false;
  completeDrawAt = undefined;
  reading.hidden = true;
  runs = new Map(message.runs.map((r) => [r.runId, r]));
  document.title = message.title;
  renderProblems(message.problems);
  renderLegend();
  for (const payload of message.charts) {
    const chart = charts.get(payload.key)!;
    if (chart instanceof MetricChart) chart.refine(payload.series);
  }
  root.setAttribute('aria-busy', 'false');
}

function snapshot(message: Extract<ToWebview, { type: 'snapshot' }>): void {
  if (showingSample && !message.sample && sameCharts(message)) return refine(message);
  snapshots++;
  if (message.sample) {
    samples++;
    sampleTimings = message.timings;
  } else timings = message.timings;
  // A complete snapshot right after a sample keeps the sample's first frame; anything else starts anew.
  if (!showingSample || message.sample) firstDrawAt = undefined;
  completeDrawAt = undefined;
  showingSample = message.sample === true;
  reading.hidden = !showingSample;
  reading.replaceChildren(icon('loading'), ' Long histories are drawn from a sample while every point is read…');
  reading.querySelector('.codicon')?.classList.add('codicon-modifier-spin');
  selection = message.selection;
  view = message.view;
  runs = new Map(message.runs.map((r) => [r.runId, r]));
  vscode.setState({ selection, view });
  document.title = message.title;
  for (const chart of charts.values()) chart.destroy();
  charts.clear();
  root.replaceChildren(
    el('header', { className: 'panel-header' }, el('h1', {}, message.title), toolbar()),
    reading,
    legend,
    problems,
    empty,
    grid,
    systemSection,
  );
  renderProblems(message.problems);
  renderLegend();
  grid.replaceChildren();
  systemGrid.replaceChildren();
  if (message.charts.length === 0) {
    grid.append(el('p', { className: 'empty' }, 'These runs have no metrics yet. Metrics appear here as soon as a run logs one.'));
  }
  for (const payload of message.charts) {
    const chart = payload.kind === 'bars' ? new BarChart(payload.key, [...payload.series], context(), callbacks) : new MetricChart(payload.key, payload.series, context(), callbacks);
    charts.set(payload.key, chart);
    (isSystemMetric(payload.key) ? systemGrid : grid).append(chart.element);
  }
  const system = message.charts.filter((c) => isSystemMetric(c.key)).length;
  systemSection.hidden = system === 0;
  systemSection.open = systemOpen;
  systemSection.replaceChildren(el('summary', {}, 'System metrics ', el('span', { className: 'count' }, `(${system})`)), systemGrid);
  for (const chart of charts.values()) if (systemOpen || !isSystemMetric(chart.key)) chart.render(context());
  applyFilter();
  root.setAttribute('aria-busy', String(showingSample));
}

/** A single value that gained a second point (a RUNNING run logs it again) becomes a line chart. */
function growIntoLine(bars: BarChart, series: SeriesPayload): void {
  const line = new MetricChart(bars.key, bars.series, context(), callbacks);
  charts.set(bars.key, line);
  bars.element.replaceWith(line.element);
  line.render(context());
  line.append(series);
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'snapshot':
      return snapshot(message);
    case 'detail':
      return charts.get(message.key)?.showDetail(message.requestId, message.window, message.series);
    case 'append': {
      const chart = charts.get(message.key);
      appends++;
      if (chart instanceof BarChart) return growIntoLine(chart, message.series);
      if (chart) chart.append(message.series);
      return;
    }
    case 'runs':
      runs = new Map(message.runs.map((r) => [r.runId, r]));
      return renderLegend();
    case 'highlight':
      for (const item of legend.querySelectorAll<HTMLElement>('.legend-item')) item.classList.toggle('highlight', item.dataset.runId === message.runId);
      return;
    case 'error':
      root.replaceChildren(el('p', { className: 'error' }, icon('error'), ` ${message.message}`));
      root.setAttribute('aria-busy', 'false');
      return;
  }
});

onThemeChange(() => {
  theme = readTheme();
  renderLegend();
  for (const chart of charts.values()) chart.retheme(context());
});
new ResizeObserver(debounce(100, () => charts.forEach((c) => c.resize()))).observe(grid);

/** For tests: what each chart draws, read back from the same arrays uPlot gets. */
(window as unknown as { mlWorkbench: unknown }).mlWorkbench = {
  shown: (key: string) => charts.get(key)?.shown(),
  keys: () => [...charts.keys()],
  kinds: () => Object.fromEntries([...charts].map(([key, chart]) => [key, chart instanceof BarChart ? 'bars' : 'line'])),
  legend: () => [...runs.values()].map((r) => r.label),
  view: () => view,
  /** How often the whole panel was rebuilt, and how many live appends arrived. */
  updates: () => ({ snapshots, appends, samples, refined }),
  /**
   * The benchmark's probes: the host's timings (of the complete read, and of the sample when one
   * was drawn first), the first frame, the first frame with every point, and redrawing a chart
   * from its data alone.
   */
  timings: () => ({ ...timings, sample: sampleTimings, firstDrawAt, completeDrawAt }),
  redraw: (key: string) => charts.get(key)?.timeRedraw(),
};

post({ type: 'ready', width: Math.max(200, Math.floor(window.innerWidth / Math.max(1, Math.floor(window.innerWidth / 420))) - 16) });
