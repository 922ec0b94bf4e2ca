/**
 * The Plots panel: a legend of the revisions (a colour each; click hides one), problems that
 * belong to no single plot, then a card per plot — lines or points, confusion matrices, bars,
 * image grids with a step slider — each with its own problems per revision. Renders what the host
 * decided; keeps only view state (steps, smoothing, hidden revisions).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { DEFAULT_PLOTS_VIEW, parsePlotsState, parseToWebview, type FromWebview, type PanelPlot, type PanelProblem, type PanelRevision, type PlotsModel, type PlotsRequest, type PlotsViewState, type PlotsWebviewState } from '../../src/protocol/plotsPanel.js';
import { el, icon, iconButton } from '../shared/dom.js';
import { onThemeChange, readTheme } from '../shared/theme.js';
import { renderImages, type ImageState } from './images.js';
import { renderBars, renderConfusion, swatch } from './tables.js';
import { disconnectCharts, renderXY } from './xyChart.js';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void; setState(state: PlotsWebviewState): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
const post = (message: FromWebview): void => vscode.postMessage(message);

let request: PlotsRequest | undefined = parsePlotsState(vscode.getState())?.request;
let view: PlotsViewState = parsePlotsState(vscode.getState())?.view ?? DEFAULT_PLOTS_VIEW;
let model: PlotsModel | undefined;
let theme = readTheme();
const images = new Map<string, ImageState>();
const requested = new Set<string>();

function setView(next: Partial<PlotsViewState>): void {
  view = { ...view, ...next };
  if (request) vscode.setState({ request, view });
  render();
}

const KIND_ICON: Record<PanelRevision['kind'], string> = { workspace: 'folder', commit: 'git-commit', experiment: 'beaker', 'mlflow-run': 'pulse' };

function header(title: string, busy: boolean): HTMLElement {
  const choose = el('vscode-button', { secondary: true, title: 'Choose other revisions and runs' }, 'Choose revisions…');
  choose.addEventListener('click', () => post({ type: 'chooseRevisions' }));
  const refresh = iconButton('refresh', 'Read the plots again', () => post({ type: 'refresh' }));
  refresh.disabled = busy;
  return el('header', { className: 'panel-header' }, el('h1', {}, title), el('div', { className: 'toolbar' }, choose, refresh));
}

function legend(revisions: readonly PanelRevision[]): HTMLElement {
  const items = revisions.map((revision) => {
    const hidden = view.hidden.includes(revision.id);
    const button = el('button', { type: 'button', className: `legend-item${hidden ? ' off' : ''}`, title: `${revision.detail}\n${hidden ? 'Click to show' : 'Click to hide'}` }, swatch(theme.color(revision.color)), icon(KIND_ICON[revision.kind]), el('span', { className: 'legend-label' }, revision.label));
    button.setAttribute('aria-pressed', String(!hidden));
    button.addEventListener('click', () => setView({ hidden: hidden ? view.hidden.filter((id) => id !== revision.id) : [...view.hidden, revision.id] }));
    return button;
  });
  return el('nav', { className: 'legend', ariaLabel: 'Revisions' }, ...items);
}

function problemList(problems: readonly PanelProblem[], revisions: ReadonlyMap<string, PanelRevision>): HTMLElement {
  const items = problems.map((p) => {
    const rev = p.rev === undefined ? undefined : revisions.get(p.rev);
    const who = rev ? rev.label : p.rev;
    return el('li', {}, icon('warning'), el('span', {}, who ? `${who}: ${p.message}` : p.message));
  });
  const list = el('ul', { className: 'problems' }, ...items);
  list.setAttribute('role', 'list');
  return list;
}

function plotBody(plot: PanelPlot, revisions: ReadonlyMap<string, PanelRevision>): HTMLElement | undefined {
  const hidden = new Set(view.hidden);
  switch (plot.kind) {
    case 'xy':
      return plot.series.length === 0 ? undefined : renderXY(plot, { theme, revisions, hidden, smoothing: view.smoothing[plot.id] ?? 0 });
    case 'confusion':
      return plot.matrices.length === 0 ? undefined : renderConfusion(plot, { theme, revisions, hidden });
    case 'bars':
      return plot.groups.length === 0 ? undefined : renderBars(plot, { theme, revisions, hidden });
    case 'images':
      return plot.cells.length === 0 && plot.columns.length === 0
        ? undefined
        : renderImages(plot, {
            theme,
            revisions,
            hidden,
            step: view.steps[plot.id],
            image: (key) => {
              if (!images.has(key) && !requested.has(key)) {
                requested.add(key);
                post({ type: 'loadImage', key });
              }
              return images.get(key);
            },
            setStep: (step) => setView({ steps: { ...view.steps, [plot.id]: step } }),
          });
    case 'unsupported':
      return undefined;
  }
}

function seriesLegend(plot: PanelPlot): HTMLElement | undefined {
  if (plot.kind !== 'xy') return undefined;
  const names = [...new Map(plot.series.filter((s) => s.name !== undefined).map((s) => [s.name!, s.dash])).entries()];
  if (names.length < 2) return undefined;
  return el('div', { className: 'series-legend' }, ...names.map(([name, dash]) => el('span', { className: `dash dash-${Math.min(dash, 3)}`, title: name }, name)));
}

function smoothingControl(plot: PanelPlot): HTMLElement | undefined {
  if (plot.kind !== 'xy' || !plot.smooth) return undefined;
  const value = view.smoothing[plot.id] ?? 0;
  const input = el('input', { type: 'range', min: '0', max: '0.99', step: '0.01', value: String(value), className: 'smoothing' });
  input.setAttribute('aria-label', `Smoothing of ${plot.title}`);
  input.addEventListener('change', () => setView({ smoothing: { ...view.smoothing, [plot.id]: Number(input.value) } }));
  return el('label', { className: 'smoothing-control' }, 'Smoothing ', input, el('span', { className: 'note' }, value.toFixed(2)));
}

function card(plot: PanelPlot, revisions: ReadonlyMap<string, PanelRevision>): HTMLElement {
  const body = plotBody(plot, revisions);
  const wide = plot.kind === 'images' || plot.kind === 'confusion';
  const title = el('h2', { title: plot.id }, plot.title);
  const meta = el('span', { className: 'origin' }, plot.title === plot.id || plot.id.startsWith('mlflow:') ? plot.origin : `${plot.id} · ${plot.origin}`);
  const tools = [smoothingControl(plot), seriesLegend(plot)].filter((x): x is HTMLElement => x !== undefined);
  const children: HTMLElement[] = [el('header', {}, el('div', { className: 'titles' }, title, meta), ...tools)];
  if (body) children.push(body);
  else if (plot.problems.length === 0) children.push(el('p', { className: 'empty' }, 'No data in the chosen revisions.'));
  // An image group says each problem in its revision's cell; a list below would repeat it.
  if (plot.problems.length > 0 && (plot.kind !== 'images' || !body)) children.push(problemList(plot.problems, revisions));
  const section = el('section', { className: `plot-card${wide ? ' wide' : ''}${plot.problems.length > 0 && !body ? ' failed' : ''}`, dataset: { plot: plot.id, kind: plot.kind } }, ...children);
  section.setAttribute('aria-label', plot.title);
  return section;
}

function render(): void {
  root.setAttribute('aria-busy', 'false');
  if (!model) return;
  disconnectCharts();
  const revisions = new Map(model.revisions.map((r) => [r.id, r]));
  const parts: HTMLElement[] = [header(model.title, false), legend(model.revisions)];
  if (model.problems.length > 0) parts.push(el('section', { className: 'global-problems' }, el('h2', {}, 'Could not read everything'), problemList(model.problems, revisions)));
  if (model.plots.length === 0) {
    parts.push(el('p', { className: 'empty big' }, model.revisions.length === 0 ? 'Nothing to show: choose DVC revisions or MLflow runs.' : 'No plots: dvc.yaml defines none for these revisions, and these runs logged no images.'));
  } else {
    const charts = model.plots.filter((p) => p.kind !== 'images');
    const grids = model.plots.filter((p) => p.kind === 'images');
    if (charts.length > 0) parts.push(el('div', { className: 'plots' }, ...charts.map((p) => card(p, revisions))));
    if (grids.length > 0) parts.push(el('h2', { className: 'section-title' }, 'Images'), el('div', { className: 'plots' }, ...grids.map((p) => card(p, revisions))));
  }
  root.replaceChildren(...parts);
}

let pending = 0;
/** Images arrive one by one: one render per frame, however many came. */
function renderSoon(): void {
  if (pending) return;
  pending = requestAnimationFrame(() => {
    pending = 0;
    render();
  });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseToWebview(event.data);
  if (!message) return;
  switch (message.type) {
    case 'loading':
      root.setAttribute('aria-busy', 'true');
      if (!model) root.replaceChildren(header(message.title, true), el('p', { className: 'empty big' }, 'Reading plots…'));
      return;
    case 'snapshot':
      request = message.request;
      model = message.model;
      images.clear();
      requested.clear();
      vscode.setState({ request, view });
      return render();
    case 'image':
      images.set(message.key, { dataUri: message.dataUri });
      return renderSoon();
    case 'imageError':
      images.set(message.key, { error: message.message });
      return renderSoon();
    case 'error':
      root.setAttribute('aria-busy', 'false');
      return void root.replaceChildren(header('Plots', false), el('p', { className: 'error', role: 'alert' }, message.message));
  }
});

/** For tests: what the panel shows, read from the page (text as rendered) and the model drawn. */
(window as unknown as { mlWorkbench: unknown }).mlWorkbench = {
  shown: () => ({
    title: document.querySelector('h1')?.textContent ?? '',
    legend: [...document.querySelectorAll('.legend-label')].map((n) => n.textContent),
    problems: [...document.querySelectorAll('.global-problems li')].map((n) => n.textContent),
    plots: [...document.querySelectorAll<HTMLElement>('.plot-card')].map((card) => ({
      id: card.dataset['plot'],
      kind: card.dataset['kind'],
      problems: [...card.querySelectorAll('.problems li')].map((n) => n.textContent),
      step: card.querySelector('.step-value')?.textContent ?? null,
      cells: [...card.querySelectorAll<HTMLElement>('.image-cell')].map((cell) => ({
        rev: cell.dataset['rev'],
        state: cell.querySelector('img') ? 'image' : cell.querySelector('.problem') ? 'problem' : cell.querySelector('.loading') ? 'loading' : 'empty',
        text: cell.textContent,
        naturalWidth: cell.querySelector('img')?.naturalWidth ?? 0,
      })),
      canvas: card.querySelector('canvas') ? { width: card.querySelector('canvas')!.clientWidth } : null,
      matrices: card.querySelectorAll('table.matrix').length,
      bars: card.querySelectorAll('.bar').length,
    })),
  }),
  model: () => model,
};

onThemeChange(() => {
  theme = readTheme();
  render();
});
post({ type: 'ready' });
