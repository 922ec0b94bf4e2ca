import type { FromWebview, GraphNode, LineageGraph, ToWebview } from '../../src/protocol/lineagePanel.js';
import { debounce, el, icon } from '../shared/dom.js';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
const COLUMNS = ['Data', 'Stage', 'Run', 'Model version', 'Aliases'];
const KIND_ICONS: Record<GraphNode['kind'], string> = { data: 'database', dataset: 'table', stage: 'symbol-event', run: 'beaker', experiment: 'git-branch', 'model-version': 'package', alias: 'bookmark', gap: 'question' };
let current: LineageGraph | undefined;
// Read-only, for tests: what the panel draws.
(window as unknown as { mlWorkbench: object }).mlWorkbench = { graph: () => current, shown: () => [...root.querySelectorAll<HTMLElement>('.node')].map((n) => ({ id: n.dataset.id, text: n.innerText, stale: n.classList.contains('state-stale') })), edges: () => root.querySelectorAll('svg.edges path').length };

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'loading':
      root.setAttribute('aria-busy', 'true');
      root.replaceChildren(header(message.title, 'Tracing commits, data versions and runs…'), el('p', { className: 'loading' }, icon('loading'), ' Reading git, DVC and MLflow…'));
      break;
    case 'state':
      current = message.graph;
      render(message.graph);
      break;
    case 'error':
      root.setAttribute('aria-busy', 'false');
      root.replaceChildren(header(message.title, ''), el('p', { className: 'error', role: 'alert' }, icon('error'), ` ${message.message}`));
      break;
  }
});
window.addEventListener('resize', debounce(100, () => current && drawEdges(current)));
vscode.postMessage({ type: 'ready' });

function header(title: string, subtitle: string): HTMLElement {
  const refresh = el('button', { className: 'secondary', type: 'button', title: 'Trace again' }, icon('refresh'), ' Refresh');
  refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  return el('header', {}, el('div', {}, el('h1', {}, title), el('p', { className: 'subtitle' }, subtitle)), refresh);
}

function render(graph: LineageGraph): void {
  const state = graph.currency.state;
  const banner = el('section', { className: `currency currency-${state}` }, icon(state === 'stale' ? 'warning' : state === 'current' ? 'pass' : 'info'), el('div', {}, el('strong', {}, graph.currency.headline), ...(graph.currency.lines.length ? [el('ul', {}, ...graph.currency.lines.map((l) => el('li', {}, l)))] : [])));
  banner.setAttribute('role', 'status');
  const columns = COLUMNS.map((name, index) => {
    const nodes = graph.nodes.filter((n) => n.column === index);
    return el('div', { className: 'column' }, el('h2', {}, name), ...(nodes.length ? nodes.map(nodeView) : [el('p', { className: 'none' }, '—')]));
  });
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.classList.add('edges');
  svg.setAttribute('aria-hidden', 'true');
  const graphView = el('div', { className: 'graph' }, svg, ...columns);
  const parts: HTMLElement[] = [header(graph.title, graph.subtitle), banner, graphView];
  if (graph.gaps.length > 0) {
    parts.push(el('section', { className: 'gaps' }, el('h2', {}, 'What could not be established ', el('span', { className: 'count' }, String(graph.gaps.length))), el('ul', {}, ...graph.gaps.map((g) => el('li', {}, el('code', {}, g.code), ' ', g.message)))));
  }
  root.replaceChildren(...parts);
  root.setAttribute('aria-busy', 'false');
  requestAnimationFrame(() => drawEdges(graph));
}

function nodeView(node: GraphNode): HTMLElement {
  const body = [icon(KIND_ICONS[node.kind]), el('span', { className: 'text' }, el('span', { className: 'label' }, ...breakable(node.label)), el('span', { className: 'detail' }, ...breakable(node.detail)))];
  const className = `node kind-${node.kind} state-${node.state}`;
  const view = node.target ? el('button', { className, type: 'button', title: `${node.tooltip}\n\nClick to open` }, ...body) : el('div', { className, title: node.tooltip }, ...body);
  view.dataset.id = node.id;
  if (node.target) view.addEventListener('click', () => vscode.postMessage({ type: 'open', nodeId: node.id }));
  if (node.state === 'stale') view.append(el('span', { className: 'badge' }, 'stale'));
  return view;
}

function drawEdges(graph: LineageGraph): void {
  const box = root.querySelector<HTMLElement>('.graph');
  const svg = box?.querySelector('svg');
  if (!box || !svg) return;
  const origin = box.getBoundingClientRect();
  svg.setAttribute('width', String(box.scrollWidth));
  svg.setAttribute('height', String(box.scrollHeight));
  const find = (id: string): HTMLElement | null => box.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`);
  const paths = graph.edges.flatMap(([from, to]) => {
    const a = find(from)?.getBoundingClientRect();
    const b = find(to)?.getBoundingClientRect();
    if (!a || !b) return [];
    const x1 = a.right - origin.left;
    const y1 = a.top + a.height / 2 - origin.top;
    const x2 = b.left - origin.left;
    const y2 = b.top + b.height / 2 - origin.top;
    const mid = (x1 + x2) / 2;
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2 - 4},${y2}`);
    return [path];
  });
  svg.replaceChildren(...paths);
}

/** Text with break opportunities after path and id separators, so a long path wraps at a slash rather than mid-name. */
function breakable(text: string): (string | Node)[] {
  const parts: (string | Node)[] = [];
  for (const piece of text.split(/(?<=[/_:-])/)) parts.push(piece, document.createElement('wbr'));
  return parts.slice(0, -1);
}
