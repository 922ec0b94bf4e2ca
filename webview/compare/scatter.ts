/** A scatter of one column against another (params or metrics), a dot per run in its colour. */
import type { ComparisonColumn, ComparisonRow } from '../../src/protocol/comparePanel.js';
import type { Theme } from '../shared/theme.js';
import { axisOf, fitCanvas } from './axes.js';

export interface ScatterOptions {
  readonly x: ComparisonColumn;
  readonly y: ComparisonColumn;
  readonly rows: readonly ComparisonRow[];
  readonly color: (runId: string) => number;
  readonly theme: Theme;
  readonly selected: string | undefined;
  onSelect(runId: string): void;
  onHover(row: ComparisonRow | undefined, at: { x: number; y: number }): void;
}

const PAD = { top: 16, bottom: 44, left: 72, right: 24 };
const HEIGHT = 280;

export function renderScatter(canvas: HTMLCanvasElement, width: number, options: ScatterOptions): void {
  const ctx = fitCanvas(canvas, width, HEIGHT);
  const { theme, rows } = options;
  const ax = axisOf(options.x, rows);
  const ay = axisOf(options.y, rows);
  const w = width - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  const toX = (p: number): number => PAD.left + p * w;
  const toY = (p: number): number => PAD.top + (1 - p) * h;
  ctx.clearRect(0, 0, width, HEIGHT);
  ctx.font = `${theme.fontSize - 1}px ${theme.fontFamily}`;
  ctx.strokeStyle = theme.grid;
  ctx.strokeRect(PAD.left, PAD.top, w, h);
  ctx.fillStyle = theme.muted;
  ctx.textAlign = 'center';
  for (const t of ax.ticks) ctx.fillText(t.label, toX(t.at), PAD.top + h + 16);
  ctx.textAlign = 'right';
  for (const t of ay.ticks) ctx.fillText(t.label, PAD.left - 6, toY(t.at) + 4);
  ctx.fillStyle = theme.foreground;
  ctx.textAlign = 'center';
  ctx.fillText(options.x.id, PAD.left + w / 2, HEIGHT - 6);
  ctx.save();
  ctx.translate(12, PAD.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(options.y.id, 0, 0);
  ctx.restore();
  const placed: { row: ComparisonRow; x: number; y: number }[] = [];
  for (const row of rows) {
    const px = ax.position(row);
    const py = ay.position(row);
    if (px === undefined || py === undefined) continue;
    const point = { row, x: toX(px), y: toY(py) };
    placed.push(point);
    ctx.fillStyle = theme.color(options.color(row.runId));
    ctx.beginPath();
    ctx.arc(point.x, point.y, row.runId === options.selected ? 7 : 5, 0, 2 * Math.PI);
    ctx.fill();
    if (row.runId === options.selected) {
      ctx.strokeStyle = theme.foreground;
      ctx.stroke();
    }
  }
  const nearest = (event: MouseEvent): (typeof placed)[number] | undefined => {
    const box = canvas.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    return placed.find((p) => Math.hypot(p.x - x, p.y - y) < 8);
  };
  canvas.onclick = (event) => {
    const hit = nearest(event);
    if (hit) options.onSelect(hit.row.runId);
  };
  canvas.onmousemove = (event) => {
    const hit = nearest(event);
    options.onHover(hit?.row, hit ? { x: hit.x, y: hit.y } : { x: 0, y: 0 });
  };
  canvas.onmouseleave = () => options.onHover(undefined, { x: 0, y: 0 });
}
