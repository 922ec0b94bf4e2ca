/**
 * Parallel coordinates: one vertical axis per column (params, then the chosen metric last), one
 * polyline per run in its colour. Drag along an axis to brush a range (runs outside fade and the
 * table hides them); click a line to select its run.
 */
import type { ComparisonColumn, ComparisonRow } from '../../src/protocol/comparePanel.js';
import type { Theme } from '../shared/theme.js';
import { withAlpha } from '../shared/theme.js';
import { axisOf, fitCanvas, type Axis } from './axes.js';

export interface ParallelOptions {
  readonly columns: readonly ComparisonColumn[];
  readonly rows: readonly ComparisonRow[];
  readonly color: (runId: string) => number;
  readonly theme: Theme;
  readonly selected: string | undefined;
  readonly brushes: ReadonlyMap<string, readonly [number, number]>;
  onBrush(columnId: string, range: readonly [number, number] | undefined): void;
  onSelect(runId: string): void;
}

const PAD = { top: 28, bottom: 36, left: 40, right: 40 };
const HEIGHT = 280;

export function renderParallel(canvas: HTMLCanvasElement, width: number, options: ParallelOptions): void {
  const ctx = fitCanvas(canvas, width, HEIGHT);
  const { theme, rows, columns } = options;
  const axes = columns.map((c) => axisOf(c, rows));
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const xOf = (i: number): number => PAD.left + (axes.length === 1 ? 0 : (i * (width - PAD.left - PAD.right)) / (axes.length - 1));
  const yOf = (p: number): number => PAD.top + (1 - p) * plotHeight;
  const inBrushes = (row: ComparisonRow): boolean => axes.every((axis) => {
    const brush = options.brushes.get(axis.column.id);
    const p = axis.position(row);
    return !brush || (p !== undefined && p >= brush[0] && p <= brush[1]);
  });
  ctx.clearRect(0, 0, width, HEIGHT);
  ctx.font = `${theme.fontSize - 1}px ${theme.fontFamily}`;
  // Lines: brushed-out runs faint, the selected run on top and thicker.
  const ordered = [...rows].sort((a, b) => Number(a.runId === options.selected) - Number(b.runId === options.selected));
  for (const row of ordered) {
    const color = theme.color(options.color(row.runId));
    const active = inBrushes(row);
    ctx.strokeStyle = active ? color : withAlpha(color, 0.15);
    ctx.lineWidth = row.runId === options.selected ? 3 : 1.5;
    ctx.beginPath();
    let drawing = false;
    axes.forEach((axis, i) => {
      const p = axis.position(row);
      if (p === undefined) return void (drawing = false);
      if (drawing) ctx.lineTo(xOf(i), yOf(p));
      else ctx.moveTo(xOf(i), yOf(p));
      drawing = true;
    });
    ctx.stroke();
  }
  axes.forEach((axis, i) => drawAxis(ctx, axis, xOf(i), plotHeight, theme, options.brushes.get(axis.column.id)));
  attach(canvas, axes, xOf, yOf, plotHeight, rows, options);
}

function drawAxis(ctx: CanvasRenderingContext2D, axis: Axis, x: number, plotHeight: number, theme: Theme, brush: readonly [number, number] | undefined): void {
  ctx.strokeStyle = theme.muted;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x, PAD.top);
  ctx.lineTo(x, PAD.top + plotHeight);
  ctx.stroke();
  if (brush) {
    ctx.fillStyle = withAlpha(theme.color(0), 0.25);
    ctx.fillRect(x - 6, PAD.top + (1 - brush[1]) * plotHeight, 12, (brush[1] - brush[0]) * plotHeight);
  }
  ctx.fillStyle = theme.muted;
  ctx.textAlign = 'left';
  for (const tick of axis.ticks) ctx.fillText(tick.label, x + 4, PAD.top + (1 - tick.at) * plotHeight + 4);
  ctx.fillStyle = theme.foreground;
  ctx.textAlign = 'center';
  const name = axis.column.key.length > 22 ? `${axis.column.key.slice(0, 21)}…` : axis.column.key;
  ctx.fillText(name, x, PAD.top + plotHeight + 20);
}

function attach(
  canvas: HTMLCanvasElement,
  axes: readonly Axis[],
  xOf: (i: number) => number,
  yOf: (p: number) => number,
  plotHeight: number,
  rows: readonly ComparisonRow[],
  options: ParallelOptions,
): void {
  canvas.onmousedown = (down) => {
    const box = canvas.getBoundingClientRect();
    const x0 = down.clientX - box.left;
    const y0 = down.clientY - box.top;
    const axisIndex = axes.findIndex((_, i) => Math.abs(xOf(i) - x0) < 12);
    if (axisIndex === -1) return;
    const toP = (y: number): number => Math.min(1, Math.max(0, 1 - (y - PAD.top) / plotHeight));
    const up = (event: MouseEvent): void => {
      window.removeEventListener('mouseup', up);
      const y1 = event.clientY - box.top;
      const id = axes[axisIndex]!.column.id;
      if (Math.abs(y1 - y0) < 4) options.onBrush(id, undefined);
      else options.onBrush(id, [Math.min(toP(y0), toP(y1)), Math.max(toP(y0), toP(y1))]);
    };
    window.addEventListener('mouseup', up);
  };
  canvas.onclick = (event) => {
    const box = canvas.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    if (axes.some((_, i) => Math.abs(xOf(i) - x) < 12)) return;
    let best: { runId: string; distance: number } | undefined;
    for (const row of rows) {
      const points = axes.map((axis, i) => {
        const p = axis.position(row);
        return p === undefined ? undefined : ([xOf(i), yOf(p)] as const);
      });
      for (let i = 1; i < points.length; i++) {
        const a = points[i - 1];
        const b = points[i];
        if (!a || !b) continue;
        const d = segmentDistance(x, y, a, b);
        if (d < 6 && (!best || d < best.distance)) best = { runId: row.runId, distance: d };
      }
    }
    if (best) options.onSelect(best.runId);
  };
}

function segmentDistance(x: number, y: number, a: readonly [number, number], b: readonly [number, number]): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - (a[0] + t * dx), y - (a[1] + t * dy));
}

/** Whether a run passes every brush (the table shows only those). */
export function passesBrushes(row: ComparisonRow, columns: readonly ComparisonColumn[], rows: readonly ComparisonRow[], brushes: ReadonlyMap<string, readonly [number, number]>): boolean {
  for (const column of columns) {
    const brush = brushes.get(column.id);
    if (!brush) continue;
    const p = axisOf(column, rows).position(row);
    if (p === undefined || p < brush[0] || p > brush[1]) return false;
  }
  return true;
}
