/**
 * The Pipeline Graph panel: each DVC project's stages as boxes (laid out by the host), edges from
 * upstream to downstream, the status as colour, a dash and a word (never colour alone). Hover a
 * stage for why it would run; click it (or Enter) to open it in dvc.yaml. Wheel or buttons zoom,
 * drag pans. Everything from dvc.yaml is set as text.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { FromWebview, GraphNodePayload, GraphState, ProjectGraph, ToWebview } from '../../src/protocol/pipelineGraph.js';
import { el, icon, iconButton } from '../shared/dom.js';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
const SVG = 'http://www.w3.org/2000/svg';
const post = (message: FromWebview): void => vscode.postMessage(message);

const STATE_WORD: Record<GraphState, string> = {
  'up-to-date': 'up to date',
  changed: 'changed',
  'upstream-changed': 'upstream changed',
  'never-run': 'never run',
  checking: 'checking…',
};

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return node;
}

const tooltip = el('div', { className: 'tooltip', hidden: true });
tooltip.setAttribute('role', 'tooltip');
let snapshots = 0;
const views: GraphView[] = [];

/** Cuts text to `max` characters with an ellipsis (the full text is in the tooltip and aria-label). */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

class GraphView {
  readonly element: HTMLElement;
  private readonly canvas: SVGSVGElement;
  private scale = 1;
  private offset = { x: 0, y: 0 };

  constructor(
    private readonly project: ProjectGraph,
    private readonly graph: NonNullable<ProjectGraph['graph']>,
  ) {
    this.canvas = svg('svg', { class: 'graph', role: 'group', 'aria-label': `Pipeline of ${project.label}` });
    const defs = svg('defs', {}, svg('marker', { id: `arrow-${project.project}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' })));
    const layer = svg('g', { class: 'layer' });
    for (const edge of graph.edges) {
      const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
      layer.append(svg('path', { d, class: 'edge', 'marker-end': `url(#arrow-${project.project})`, 'data-from': edge.from, 'data-to': edge.to }));
    }
    for (const node of graph.nodes) layer.append(this.node(node));
    this.canvas.append(defs, layer);
    const toolbar = el(
      'div',
      { className: 'graph-toolbar' },
      iconButton('zoom-in', 'Zoom in', () => this.zoomBy(1.25)),
      iconButton('zoom-out', 'Zoom out', () => this.zoomBy(0.8)),
      iconButton('screen-full', 'Fit to window', () => this.fit()),
    );
    this.element = el('section', { className: 'project' }, el('header', {}, el('h2', { title: project.label }, project.label), el('span', { className: 'summary' }, summary(graph.nodes)), toolbar), this.canvas);
    this.attachPanZoom();
  }

  private node(node: GraphNodePayload): SVGGElement {
    const left = node.x - node.width / 2;
    const top = node.y - node.height / 2;
    const word = node.frozen && node.state === 'up-to-date' ? 'frozen' : STATE_WORD[node.state];
    const chars = Math.floor((node.width - 30) / 7);
    const group = svg(
      'g',
      { class: `node state-${node.state} kind-${node.kind}`, tabindex: 0, role: 'button', 'data-stage': node.id, 'aria-label': `${node.label}: ${word}${node.reasons.length ? ` (${node.reasons.join(', ')})` : ''}. Open in ${node.file}` },
      svg('rect', { x: left, y: top, width: node.width, height: node.height, rx: node.kind === 'data' ? 10 : 4, class: 'box' }),
      svg('rect', { x: left + 3, y: top + 6, width: 4, height: node.height - 12, rx: 2, class: 'band' }),
      svg('text', { x: left + 14, y: top + 18, class: 'label' }, clip(node.label, chars)),
      svg('text', { x: left + 14, y: top + 34, class: 'state' }, clip(node.frozen && node.state !== 'up-to-date' ? `${word} · frozen` : word, chars)),
    );
    const open = (): void => post({ type: 'openStage', project: this.project.project, stage: node.id });
    group.addEventListener('click', open);
    group.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      open();
    });
    group.addEventListener('mouseenter', (e) => showTooltip(node, word, e));
    group.addEventListener('mousemove', (e) => placeTooltip(e));
    group.addEventListener('mouseleave', () => (tooltip.hidden = true));
    group.addEventListener('focus', () => {
      const box = group.getBoundingClientRect();
      showTooltip(node, word, { clientX: box.right, clientY: box.top } as MouseEvent);
    });
    group.addEventListener('blur', () => (tooltip.hidden = true));
    return group;
  }

  /** The whole graph in view, never magnified past 1.5×. */
  fit(): void {
    const width = this.canvas.clientWidth || 600;
    const height = this.canvas.clientHeight || 400;
    this.scale = Math.min(1.5, width / Math.max(1, this.graph.width), height / Math.max(1, this.graph.height));
    this.offset = { x: (width - this.graph.width * this.scale) / 2, y: Math.max(0, (height - this.graph.height * this.scale) / 2) };
    this.apply();
  }

  private zoomBy(factor: number, at = { x: (this.canvas.clientWidth || 600) / 2, y: (this.canvas.clientHeight || 400) / 2 }): void {
    const next = Math.min(4, Math.max(0.1, this.scale * factor));
    this.offset = { x: at.x - ((at.x - this.offset.x) * next) / this.scale, y: at.y - ((at.y - this.offset.y) * next) / this.scale };
    this.scale = next;
    this.apply();
  }

  private apply(): void {
    this.canvas.querySelector('.layer')!.setAttribute('transform', `translate(${this.offset.x.toFixed(1)} ${this.offset.y.toFixed(1)}) scale(${this.scale.toFixed(4)})`);
  }

  private attachPanZoom(): void {
    this.canvas.addEventListener(
      'wheel',
      (e) => {
        if (!e.ctrlKey && !e.metaKey && Math.abs(e.deltaY) < 50) return;
        e.preventDefault();
        const box = this.canvas.getBoundingClientRect();
        this.zoomBy(e.deltaY < 0 ? 1.1 : 0.9, { x: e.clientX - box.left, y: e.clientY - box.top });
      },
      { passive: false },
    );
    this.canvas.addEventListener('mousedown', (e) => {
      if ((e.target as Element).closest('.node')) return;
      const start = { x: e.clientX - this.offset.x, y: e.clientY - this.offset.y };
      this.canvas.classList.add('panning');
      const move = (m: MouseEvent): void => {
        this.offset = { x: m.clientX - start.x, y: m.clientY - start.y };
        this.apply();
      };
      const up = (): void => {
        this.canvas.classList.remove('panning');
        window.removeEventListener('mousemove', move);
        window.removeEventListener('mouseup', up);
      };
      window.addEventListener('mousemove', move);
      window.addEventListener('mouseup', up);
    });
  }
}

function summary(nodes: readonly GraphNodePayload[]): string {
  const stale = nodes.filter((n) => n.state === 'changed' || n.state === 'upstream-changed' || n.state === 'never-run').length;
  const checking = nodes.some((n) => n.state === 'checking');
  return `${nodes.length} stage${nodes.length === 1 ? '' : 's'} · ${checking ? 'checking…' : stale === 0 ? 'all up to date' : `${stale} would run`}`;
}

function showTooltip(node: GraphNodePayload, word: string, e: MouseEvent): void {
  const reasons = node.reasons.length > 0 ? node.reasons : [node.state === 'checking' ? 'DVC status is being checked' : word];
  tooltip.replaceChildren(
    el('div', { className: 'tooltip-title' }, node.label),
    el('div', { className: `tooltip-state state-${node.state}` }, word),
    el('ul', {}, ...reasons.slice(0, 12).map((r) => el('li', {}, r)), ...(reasons.length > 12 ? [el('li', {}, `… and ${reasons.length - 12} more`)] : [])),
    el('div', { className: 'tooltip-hint' }, `Click to open ${node.file}:${node.line}`),
  );
  tooltip.hidden = false;
  placeTooltip(e);
}

function placeTooltip(e: MouseEvent): void {
  const x = Math.min(e.clientX + 14, window.innerWidth - tooltip.offsetWidth - 8);
  const y = e.clientY + 16 + tooltip.offsetHeight > window.innerHeight ? e.clientY - tooltip.offsetHeight - 8 : e.clientY + 16;
  tooltip.style.left = `${Math.max(4, x)}px`;
  tooltip.style.top = `${Math.max(4, y)}px`;
}

function legend(): HTMLElement {
  const list = el(
    'div',
    { className: 'legend', role: 'list' },
    ...(['up-to-date', 'changed', 'upstream-changed', 'never-run', 'checking'] as const).map((state) => {
      const item = el('span', { className: `legend-item state-${state}` }, el('span', { className: 'legend-swatch' }), STATE_WORD[state]);
      item.setAttribute('role', 'listitem');
      return item;
    }),
  );
  list.setAttribute('aria-label', 'Stage status');
  return list;
}

function render(projects: readonly ProjectGraph[]): void {
  snapshots++;
  views.length = 0;
  const refresh = el('vscode-button', { secondary: true }, icon('refresh'), ' Refresh');
  refresh.addEventListener('click', () => post({ type: 'refresh' }));
  const mermaid = el('vscode-button', { secondary: true }, icon('export'), ' Export as Mermaid');
  mermaid.title = 'Open the pipeline as a Mermaid flowchart with a status table';
  mermaid.addEventListener('click', () => post({ type: 'exportMermaid' }));
  const sections: HTMLElement[] = [];
  for (const project of projects) {
    if (!project.graph || project.graph.nodes.length === 0) {
      const text = project.message ?? 'No stages yet: add one to dvc.yaml (dvc stage add) or track data (dvc add).';
      sections.push(el('section', { className: 'project' }, el('header', {}, el('h2', {}, project.label)), el('p', { className: project.error ? 'error' : 'empty' }, icon(project.error ? 'error' : 'info'), ` ${text}`)));
      continue;
    }
    const view = new GraphView(project, project.graph);
    views.push(view);
    sections.push(view.element);
  }
  if (projects.length === 0) sections.push(el('p', { className: 'empty' }, 'No DVC project in this workspace: a folder with a .dvc directory (dvc init).'));
  root.replaceChildren(el('header', { className: 'panel-header' }, el('h1', {}, 'Pipeline Graph'), legend(), el('div', { className: 'actions' }, refresh, mermaid)), ...sections, tooltip);
  for (const view of views) view.fit();
  root.setAttribute('aria-busy', 'false');
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  if (event.data.type === 'snapshot') render(event.data.projects);
});
window.addEventListener('resize', () => views.forEach((v) => v.fit()));

/** For tests: the stages drawn, with their state and where on screen they are. */
(window as unknown as { mlWorkbench: unknown }).mlWorkbench = {
  snapshots: () => snapshots,
  nodes: () =>
    [...document.querySelectorAll<SVGGElement>('.node')].map((n) => {
      const box = n.getBoundingClientRect();
      return { stage: n.dataset.stage, state: [...n.classList].find((c) => c.startsWith('state-'))?.slice(6), label: n.querySelector('.label')?.textContent, x: box.x, y: box.y, width: box.width, height: box.height };
    }),
};

post({ type: 'ready' });
