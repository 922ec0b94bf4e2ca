/**
 * Lines and points on a canvas: axes with round ticks, a line per series joined in x order (the
 * revision's colour, the source's dash), points for scatter, the smooth template's EMA on top of a
 * faint raw line, and a tooltip with the nearest point. Labels are drawn as text on the canvas.
 */
import { emaSmooth } from '../../src/core/series/ema.js';
import type { PanelRevision, XYPlot, XYSeries } from '../../src/protocol/plotsPanel.js';
import { el } from '../shared/dom.js';
import { withAlpha, type Theme } from '../shared/theme.js';
import { formatNumber, niceTicks } from './format.js';

const HEIGHT = 260;
const observers: ResizeObserver[] = [];

/** Stops redrawing the charts of the last render (their canvases are gone). */
export function disconnectCharts(): void {
  for (const observer of observers.splice(0)) observer.disconnect();
}
const PAD = { left: 64, right: 16, top: 12, bottom: 42 };

interface Drawn {
  readonly series: XYSeries;
  readonly revision: PanelRevision;
  readonly x: number[];
  readonly y: number[];
}

export interface XYContext {
  readonly theme: Theme;
  readonly revisions: ReadonlyMap<string, PanelRevision>;
  readonly hidden: ReadonlySet<string>;
  readonly smoothing: number;
}

export function renderXY(plot: XYPlot, context: XYContext): HTMLElement {
  const canvas = el('canvas', { className: 'xy-canvas' });
  canvas.setAttribute('role', 'img');
  const tooltip = el('div', { className: 'chart-tooltip', hidden: true });
  const host = el('div', { className: 'xy' }, canvas, tooltip);
  const drawn = drawnSeries(plot, context);
  canvas.setAttribute('aria-label', `${plot.title}: ${plot.yLabel} against ${plot.xLabel}, ${drawn.length} series`);
  let scale: Scale | undefined;
  const draw = (): void => {
    const width = Math.max(240, host.clientWidth || 480);
    scale = paint(canvas, width, plot, drawn, context.theme, context.smoothing);
  };
  const observer = new ResizeObserver(() => draw());
  observer.observe(host);
  observers.push(observer);
  canvas.addEventListener('mousemove', (event) => {
    if (!scale) return;
    const rect = canvas.getBoundingClientRect();
    const hit = nearest(drawn, scale, event.clientX - rect.left, event.clientY - rect.top);
    if (!hit) return void (tooltip.hidden = true);
    const name = hit.drawn.series.name ? ` · ${hit.drawn.series.name}` : '';
    tooltip.replaceChildren(el('strong', {}, `${hit.drawn.revision.label}${name}`), el('br'), `${plot.xLabel}: ${formatNumber(hit.x)}`, el('br'), `${plot.yLabel}: ${formatNumber(hit.y)}`);
    tooltip.hidden = false;
    tooltip.style.left = `${Math.min(event.clientX - rect.left + 12, rect.width - 160)}px`;
    tooltip.style.top = `${Math.max(0, event.clientY - rect.top - 10)}px`;
  });
  canvas.addEventListener('mouseleave', () => (tooltip.hidden = true));
  return host;
}

function drawnSeries(plot: XYPlot, context: XYContext): Drawn[] {
  const out: Drawn[] = [];
  for (const series of plot.series) {
    const revision = context.revisions.get(series.rev);
    if (!revision || context.hidden.has(series.rev)) continue;
    const order = series.x.map((_, i) => i);
    if (plot.mark === 'line') order.sort((a, b) => series.x[a]! - series.x[b]!);
    const x = order.map((i) => series.x[i]!);
    const y = order.map((i) => series.y[i]!);
    out.push({ series, revision, x, y });
  }
  return out;
}

interface Scale {
  readonly toX: (v: number) => number;
  readonly toY: (v: number) => number;
}

function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - (Math.abs(lo) || 1) * 0.05, hi + (Math.abs(hi) || 1) * 0.05];
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

function paint(canvas: HTMLCanvasElement, width: number, plot: XYPlot, drawn: Drawn[], theme: Theme, smoothing: number): Scale {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(HEIGHT * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${HEIGHT}px`;
  const g = canvas.getContext('2d')!;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, HEIGHT);
  const [x0, x1] = extent(drawn.flatMap((d) => d.x));
  const [y0, y1] = extent(drawn.flatMap((d) => d.y));
  const w = width - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  const scale: Scale = { toX: (v) => PAD.left + ((v - x0) / (x1 - x0)) * w, toY: (v) => PAD.top + h - ((v - y0) / (y1 - y0)) * h };
  g.font = `${Math.max(10, theme.fontSize - 1)}px ${theme.fontFamily}`;
  g.lineWidth = 1;
  g.strokeStyle = theme.grid;
  g.fillStyle = theme.muted;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const t of niceTicks(y0, y1, 5)) {
    const py = Math.round(scale.toY(t)) + 0.5;
    g.beginPath();
    g.moveTo(PAD.left, py);
    g.lineTo(PAD.left + w, py);
    g.stroke();
    g.fillText(formatNumber(t), PAD.left - 6, py);
  }
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (const t of niceTicks(x0, x1, Math.max(2, Math.floor(w / 90)))) {
    const px = Math.round(scale.toX(t)) + 0.5;
    g.beginPath();
    g.moveTo(px, PAD.top + h);
    g.lineTo(px, PAD.top + h + 4);
    g.stroke();
    g.fillText(formatNumber(t), px, PAD.top + h + 6);
  }
  g.strokeStyle = theme.muted;
  g.strokeRect(PAD.left + 0.5, PAD.top + 0.5, w, h);
  g.fillStyle = theme.foreground;
  g.fillText(plot.xLabel, PAD.left + w / 2, HEIGHT - 16);
  g.save();
  g.translate(14, PAD.top + h / 2);
  g.rotate(-Math.PI / 2);
  g.textBaseline = 'middle';
  g.fillText(plot.yLabel, 0, 0);
  g.restore();
  g.save();
  g.beginPath();
  g.rect(PAD.left, PAD.top, w, h);
  g.clip();
  for (const d of drawn) drawSeries(g, d, plot, scale, theme, plot.smooth ? smoothing : 0);
  g.restore();
  return scale;
}

function drawSeries(g: CanvasRenderingContext2D, d: Drawn, plot: XYPlot, scale: Scale, theme: Theme, smoothing: number): void {
  const color = theme.color(d.revision.color);
  // The revision's colour; a second source of one revision is dashed (past six revisions, theme.dash).
  const dash = d.series.dash > 0 ? theme.dash(d.series.dash * 6) : theme.dash(d.revision.color);
  if (plot.mark === 'point') {
    g.fillStyle = color;
    for (let i = 0; i < d.x.length; i++) {
      g.beginPath();
      g.arc(scale.toX(d.x[i]!), scale.toY(d.y[i]!), 3, 0, Math.PI * 2);
      g.fill();
    }
    return;
  }
  const line = (ys: ArrayLike<number>, stroke: string, width: number): void => {
    g.strokeStyle = stroke;
    g.lineWidth = width;
    g.setLineDash(dash);
    g.beginPath();
    for (let i = 0; i < d.x.length; i++) {
      const px = scale.toX(d.x[i]!);
      const py = scale.toY(ys[i]!);
      if (i === 0) g.moveTo(px, py);
      else g.lineTo(px, py);
    }
    g.stroke();
    g.setLineDash([]);
  };
  if (smoothing > 0) {
    line(d.y, withAlpha(color, 0.3), 1);
    line(emaSmooth(Float64Array.from(d.y), smoothing), color, 2);
  } else line(d.y, color, 2);
  if (d.x.length === 1) {
    g.fillStyle = color;
    g.beginPath();
    g.arc(scale.toX(d.x[0]!), scale.toY(d.y[0]!), 3, 0, Math.PI * 2);
    g.fill();
  }
}

function nearest(drawn: Drawn[], scale: Scale, px: number, py: number): { drawn: Drawn; x: number; y: number } | undefined {
  let best: { drawn: Drawn; x: number; y: number } | undefined;
  let bestDistance = 24 * 24;
  for (const d of drawn) {
    for (let i = 0; i < d.x.length; i++) {
      const dx = scale.toX(d.x[i]!) - px;
      const dy = scale.toY(d.y[i]!) - py;
      const distance = dx * dx + dy * dy;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = { drawn: d, x: d.x[i]!, y: d.y[i]! };
      }
    }
  }
  return best;
}
