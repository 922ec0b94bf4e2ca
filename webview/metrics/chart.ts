/**
 * One metric's chart: a uPlot line per run (plus a faint raw line under the smoothed one), gaps and
 * edge markers for NaN/±Infinity, a cursor tooltip with every run's value, drag to zoom (the host
 * then sends that window at full detail), Shift+drag or arrow keys to pan, double-click or 0 to reset.
 */
import uPlot from 'uplot';
import { PointFlag, type MetricsViewState, type PanelRun, type SeriesPayload } from '../../src/protocol/metricsPanel.js';
import { emaSmooth } from '../../src/core/series/ema.js';
import { debounce, el, iconButton } from '../shared/dom.js';
import { lineSwatch, withAlpha, type Theme } from '../shared/theme.js';
import { formatAxisValue, formatValue, formatX } from './format.js';

export interface ChartContext {
  readonly runs: ReadonlyMap<string, PanelRun>;
  readonly view: MetricsViewState;
  readonly theme: Theme;
}

export interface ChartCallbacks {
  zoom(key: string, window: readonly [number, number] | null, width: number, requestId: number): void;
  exportCsv(key: string, full: boolean): void;
  exportPng(key: string, dataUrl: string): void;
  openRun(runId: string): void;
  /** Called after each drawn frame. */
  drawn(): void;
}

interface Entry {
  readonly runId: string;
  readonly raw: boolean;
}

const HEIGHT = 220;
let nextRequest = 1;

export class MetricChart {
  readonly element: HTMLElement;
  private readonly plotHost: HTMLElement;
  private readonly note: HTMLElement;
  private readonly tooltip: HTMLElement;
  private plot: uPlot | undefined;
  private overview: SeriesPayload[];
  private detail: { window: readonly [number, number]; series: SeriesPayload[] } | undefined;
  private pendingRequest = 0;
  private entries: Entry[] = [];
  private nonFinite: { runId: string; x: number; flag: number }[] = [];
  private applyingScale = false;
  private context: ChartContext;
  private readonly requestZoom = debounce(200, (window: readonly [number, number]) => {
    this.pendingRequest = nextRequest++;
    this.callbacks.zoom(this.key, window, this.plotWidth(), this.pendingRequest);
  });

  constructor(
    readonly key: string,
    series: readonly SeriesPayload[],
    context: ChartContext,
    private readonly callbacks: ChartCallbacks,
  ) {
    this.overview = [...series];
    this.context = context;
    this.plotHost = el('div', { className: 'plot' });
    this.note = el('p', { className: 'chart-note' });
    this.tooltip = el('div', { className: 'chart-tooltip', hidden: true });
    this.tooltip.setAttribute('role', 'status');
    const title = el('h2', { className: 'chart-title', title: key }, key);
    const actions = el(
      'div',
      { className: 'chart-actions' },
      iconButton('discard', 'Reset zoom', () => this.reset()),
      iconButton('file-media', 'Export PNG', () => this.callbacks.exportPng(this.key, this.toPng())),
      iconButton('table', 'Export CSV of the shown points', () => this.callbacks.exportCsv(this.key, false)),
      iconButton('cloud-download', 'Export CSV at full resolution', () => this.callbacks.exportCsv(this.key, true)),
    );
    this.element = el('section', { className: 'chart', tabIndex: 0, dataset: { metric: key } }, el('header', {}, title, actions), this.plotHost, this.note, this.tooltip);
    this.element.setAttribute('aria-label', `Chart of ${key}. Arrow keys pan, plus and minus zoom, 0 resets.`);
    this.element.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Builds (or rebuilds, after a change of axis, scale, smoothing or visible runs) the uPlot. */
  render(context: ChartContext): void {
    this.context = context;
    this.plot?.destroy();
    this.plot = undefined;
    const data = this.data();
    if (this.entries.length === 0) {
      this.plotHost.replaceChildren(el('p', { className: 'empty' }, 'No visible runs have this metric.'));
      return;
    }
    this.plotHost.replaceChildren();
    this.plot = new uPlot(this.options(), data, this.plotHost);
    this.attachInteractions(this.plot);
    if (this.detail) this.setWindow(this.detail.window);
  }

  /** Re-colours after a theme change: strokes are functions of the theme, so a redraw is enough. */
  retheme(context: ChartContext): void {
    this.context = context;
    this.render(context);
  }

  resize(): void {
    this.plot?.setSize({ width: this.plotWidth(), height: HEIGHT });
  }

  /** New points of a RUNNING run: appended to its line; the chart keeps its zoom. */
  append(series: SeriesPayload): void {
    const i = this.overview.findIndex((s) => s.runId === series.runId);
    if (i === -1) this.overview.push(series);
    else this.overview[i] = concat(this.overview[i]!, series);
    if (this.detail) return; // the zoomed window stays as fetched; reset shows the new points
    if (!this.plot) return this.render(this.context);
    const entries = this.entries.length;
    const data = this.data();
    if (this.entries.length !== entries) return this.render(this.context);
    this.plot.setData(data, true);
  }

  /**
   * Every point of the histories this chart was drawn from a sample of: the overview replaced in
   * place; a zoomed chart keeps its window and asks for it again at full detail.
   */
  refine(series: readonly SeriesPayload[]): void {
    this.overview = [...series];
    if (!this.plot) return this.render(this.context);
    if (this.detail) {
      this.pendingRequest = nextRequest++;
      this.callbacks.zoom(this.key, this.detail.window, this.plotWidth(), this.pendingRequest);
      return;
    }
    const entries = this.entries.length;
    const data = this.data();
    if (this.entries.length !== entries) return this.render(this.context);
    this.plot.setData(data, true);
  }

  showDetail(requestId: number, window: readonly [number, number] | null, series: readonly SeriesPayload[]): void {
    if (requestId !== this.pendingRequest || !window || !this.plot) return;
    this.detail = { window, series: [...series] };
    this.plot.setData(this.data(), false);
    this.setWindow(window);
  }

  reset(): void {
    this.pendingRequest = 0;
    this.detail = undefined;
    if (!this.plot) return;
    this.applyingScale = true;
    this.plot.setData(this.data(), true);
    this.applyingScale = false;
  }

  /** What is drawn, for tests and the CSV of shown points: per run, the points of the current data. */
  shown(): { window: readonly [number, number] | null; series: { runId: string; x: number[]; y: number[]; flags: number[]; full: boolean; total: number; sample: boolean }[] } {
    const series = this.detail?.series ?? this.overview;
    return {
      window: this.detail?.window ?? null,
      series: series.map((s) => ({ runId: s.runId, x: [...s.x], y: [...s.y], flags: [...s.flags], full: s.full, total: s.total, sample: s.sample === true })),
    };
  }

  destroy(): void {
    this.plot?.destroy();
  }

  /** Milliseconds to build and draw this chart again from the data it holds: the drawing floor. */
  timeRedraw(): number {
    const started = performance.now();
    this.render(this.context);
    return performance.now() - started;
  }

  /** The x range of every visible run's whole history (the overview's first and last points). */
  private extent(): [number, number] {
    let first = Infinity;
    let last = -Infinity;
    const hidden = new Set(this.context.view.hidden);
    for (const s of this.overview) {
      if (hidden.has(s.runId) || s.x.length === 0) continue;
      first = Math.min(first, s.x[0]!);
      last = Math.max(last, s.x[s.x.length - 1]!);
    }
    return [first, last];
  }

  private plotWidth(): number {
    return Math.max(200, this.element.clientWidth - 16);
  }

  private visibleSeries(): SeriesPayload[] {
    const hidden = new Set(this.context.view.hidden);
    return (this.detail?.series ?? this.overview).filter((s) => !hidden.has(s.runId) && this.context.runs.has(s.runId));
  }

  /** uPlot's aligned data: one shared x, a y per entry; explicit gaps are null, alignment holes undefined. */
  private data(): uPlot.AlignedData {
    const { smoothing, yScale } = this.context.view;
    const tables: uPlot.AlignedData[] = [];
    this.entries = [];
    this.nonFinite = [];
    let hiddenByLog = 0;
    for (const s of this.visibleSeries()) {
      const y: (number | null)[] = new Array(s.y.length);
      for (let i = 0; i < s.y.length; i++) {
        const v = s.y[i]!;
        if (s.flags[i] !== PointFlag.finite || !Number.isFinite(v)) {
          y[i] = null;
          this.nonFinite.push({ runId: s.runId, x: s.x[i]!, flag: s.flags[i] || PointFlag.nan });
        } else if (yScale === 'log' && v <= 0) {
          y[i] = null;
          hiddenByLog++;
        } else y[i] = v;
      }
      if (smoothing > 0) {
        const smooth = emaSmooth(s.y, smoothing);
        tables.push([s.x, y] as unknown as uPlot.AlignedData);
        this.entries.push({ runId: s.runId, raw: true });
        tables.push([s.x, Array.from(smooth, (v, i) => (y[i] === null || !Number.isFinite(v) ? null : v))] as unknown as uPlot.AlignedData);
      } else tables.push([s.x, y] as unknown as uPlot.AlignedData);
      this.entries.push({ runId: s.runId, raw: false });
    }
    this.describe(hiddenByLog);
    if (tables.length === 0) return [[]];
    return tables.length === 1 ? tables[0]! : uPlot.join(tables);
  }

  private describe(hiddenByLog: number): void {
    const counts = new Map<number, number>();
    for (const p of this.nonFinite) {
      for (const flag of [PointFlag.nan, PointFlag.positiveInfinity, PointFlag.negativeInfinity]) if (p.flag & flag) counts.set(flag, (counts.get(flag) ?? 0) + 1);
    }
    const parts: string[] = [];
    const name = { [PointFlag.nan]: 'NaN', [PointFlag.positiveInfinity]: '+∞', [PointFlag.negativeInfinity]: '−∞' } as Record<number, string>;
    for (const [flag, count] of counts) parts.push(`${count} ${name[flag] ?? 'NaN'}`);
    const notes: string[] = [];
    if (parts.length > 0) notes.push(`${parts.join(', ')} shown as gaps and marked ▲ (+∞) ▼ (−∞) ○ (NaN)`);
    if (hiddenByLog > 0) notes.push(`${hiddenByLog} values ≤ 0 left out of the log scale`);
    const series = this.detail?.series ?? this.overview;
    const sampled = series.some((s) => !s.full);
    if (series.some((s) => s.sample)) notes.push(`drawn from a sample of ${Math.max(...series.map((s) => s.x.length)).toLocaleString()} points while every point is read`);
    else if (sampled) notes.push(`downsampled to ${Math.max(...series.map((s) => s.x.length))} of ${Math.max(...series.map((s) => s.total)).toLocaleString()} points — zoom for full detail`);
    else if (this.detail) notes.push('full detail');
    this.note.textContent = notes.join(' · ');
  }

  private options(): uPlot.Options {
    const { theme, view, runs } = this.context;
    const axis = (): uPlot.Axis => ({
      stroke: () => theme.muted,
      grid: { stroke: () => theme.grid, width: 1 },
      ticks: { stroke: () => theme.grid, width: 1 },
      font: `${theme.fontSize - 1}px ${theme.fontFamily}`,
    });
    return {
      width: this.plotWidth(),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: true }, points: { size: 6 } },
      scales: { x: { time: view.xAxis === 'time' }, y: view.yScale === 'log' ? { distr: 3 } : {} },
      axes: [
        { ...axis(), values: (_u, splits) => splits.map((v) => formatAxisValue(v, view.xAxis)) },
        { ...axis(), size: 60, values: (_u, splits) => splits.map((v) => formatValue(v, 3)) },
      ],
      series: [
        {},
        ...this.entries.map((entry): uPlot.Series => {
          const run = runs.get(entry.runId)!;
          return {
            label: run.label,
            stroke: () => (entry.raw ? withAlpha(theme.color(run.color), 0.25) : theme.color(run.color)),
            width: entry.raw ? 1 : 1.5,
            dash: theme.dash(run.color),
            spanGaps: false,
            points: { show: false },
          };
        }),
      ],
      hooks: {
        draw: [
          (u) => {
            this.drawMarkers(u);
            this.callbacks.drawn();
          },
        ],
        setCursor: [(u) => this.showTooltip(u)],
        setScale: [
          (u, key) => {
            if (key !== 'x' || this.applyingScale) return;
            const min = u.scales.x?.min;
            const max = u.scales.x?.max;
            if (min == null || max == null) return;
            // uPlot also sets the scale when data arrives (to the data's extent): only a narrower
            // window is the user's zoom.
            const [first, last] = this.extent();
            if (min <= first && max >= last) return;
            this.requestZoom([min, max]);
          },
        ],
      },
    };
  }

  private drawMarkers(u: uPlot): void {
    if (this.nonFinite.length === 0) return;
    const { ctx, bbox } = u;
    const { theme, runs } = this.context;
    ctx.save();
    const size = 4 * devicePixelRatio;
    for (const p of this.nonFinite) {
      const x = u.valToPos(p.x, 'x', true);
      if (x < bbox.left || x > bbox.left + bbox.width) continue;
      ctx.fillStyle = ctx.strokeStyle = theme.color(runs.get(p.runId)?.color ?? 0);
      ctx.beginPath();
      if (p.flag & PointFlag.positiveInfinity) {
        const y = bbox.top + size;
        ctx.moveTo(x, y - size);
        ctx.lineTo(x - size, y + size);
        ctx.lineTo(x + size, y + size);
        ctx.fill();
      } else if (p.flag & PointFlag.negativeInfinity) {
        const y = bbox.top + bbox.height - size;
        ctx.moveTo(x, y + size);
        ctx.lineTo(x - size, y - size);
        ctx.lineTo(x + size, y - size);
        ctx.fill();
      } else {
        ctx.lineWidth = devicePixelRatio;
        ctx.arc(x, bbox.top + bbox.height - size * 1.5, size, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
    ctx.restore();
  }

  private showTooltip(u: uPlot): void {
    const idx = u.cursor.idx;
    if (idx === null || idx === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
      this.tooltip.hidden = true;
      return;
    }
    const x = u.data[0][idx]!;
    const { runs, theme, view } = this.context;
    const rows: HTMLElement[] = [el('div', { className: 'tooltip-x' }, formatX(x, view.xAxis))];
    this.entries.forEach((entry, i) => {
      if (entry.raw) return;
      const values = u.data[i + 1]!;
      const at = nearestDefined(values, idx);
      const run = runs.get(entry.runId)!;
      const flag = this.nonFinite.find((p) => p.runId === entry.runId && p.x === u.data[0][at ?? idx]);
      const value = flag ? flagText(flag.flag) : at === undefined ? '—' : formatValue(values[at] as number, 6);
      const swatch = lineSwatch(theme, run.color);
      rows.push(el('div', { className: 'tooltip-row' }, swatch, el('span', { className: 'tooltip-name' }, run.label), el('span', { className: 'tooltip-value' }, value)));
    });
    this.tooltip.replaceChildren(...rows);
    this.tooltip.hidden = false;
    const left = u.cursor.left + u.over.offsetLeft + 16;
    this.tooltip.style.left = `${Math.min(left, this.element.clientWidth - this.tooltip.offsetWidth - 4)}px`;
    this.tooltip.style.top = `${(u.cursor.top ?? 0) + u.over.offsetTop + 40}px`;
  }

  private attachInteractions(u: uPlot): void {
    u.over.addEventListener('dblclick', (e) => {
      e.stopPropagation();
      this.reset();
    }, true);
    u.over.addEventListener('mouseleave', () => (this.tooltip.hidden = true));
    u.over.addEventListener('mousedown', (e) => {
      if (!e.shiftKey) return;
      e.stopPropagation();
      const start = e.clientX;
      const { min, max } = u.scales.x!;
      if (min == null || max == null) return;
      const perPixel = (max - min) / u.over.clientWidth;
      const move = (m: MouseEvent): void => this.setWindow([min - (m.clientX - start) * perPixel, max - (m.clientX - start) * perPixel], true);
      const up = (): void => {
        window.removeEventListener('mousemove', move);
        window.removeEventListener('mouseup', up);
      };
      window.addEventListener('mousemove', move);
      window.addEventListener('mouseup', up);
    }, true);
  }

  private setWindow(window: readonly [number, number], request = false): void {
    if (!this.plot) return;
    this.applyingScale = !request;
    this.plot.setScale('x', { min: window[0], max: window[1] });
    this.applyingScale = false;
  }

  private onKey(e: KeyboardEvent): void {
    const scale = this.plot?.scales.x;
    if (!scale || scale.min == null || scale.max == null) return;
    const { min, max } = scale;
    const span = max - min;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [min - span * 0.1, max - span * 0.1],
      ArrowRight: [min + span * 0.1, max + span * 0.1],
      '+': [min + span * 0.1, max - span * 0.1],
      '=': [min + span * 0.1, max - span * 0.1],
      '-': [min - span * 0.125, max + span * 0.125],
    };
    if (e.key === '0' || e.key === 'Escape') this.reset();
    else if (moves[e.key]) this.setWindow(moves[e.key]!, true);
    else return;
    e.preventDefault();
  }

  private toPng(): string {
    const source = this.plot?.ctx.canvas;
    const { theme } = this.context;
    if (!source) return '';
    const titleHeight = 28 * devicePixelRatio;
    const canvas = document.createElement('canvas');
    canvas.width = source.width;
    canvas.height = source.height + titleHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = theme.foreground;
    ctx.font = `${13 * devicePixelRatio}px ${theme.fontFamily}`;
    ctx.fillText(this.key, 8 * devicePixelRatio, 18 * devicePixelRatio);
    ctx.drawImage(source, 0, titleHeight);
    return canvas.toDataURL('image/png');
  }
}

function concat(a: SeriesPayload, b: SeriesPayload): SeriesPayload {
  const join = <T extends Float64Array | Uint8Array>(p: T, q: T, make: (n: number) => T): T => {
    const out = make(p.length + q.length);
    out.set(p);
    out.set(q, p.length);
    return out;
  };
  return {
    runId: a.runId,
    x: join(a.x, b.x, (n) => new Float64Array(n)),
    y: join(a.y, b.y, (n) => new Float64Array(n)),
    flags: join(a.flags, b.flags, (n) => new Uint8Array(n)),
    total: b.total,
    full: a.full && b.full,
  };
}

/** The index of the closest value that is not an alignment hole, a few points either side at most. */
function nearestDefined(values: uPlot.AlignedData[number], idx: number): number | undefined {
  for (let d = 0; d < 64; d++) {
    if (values[idx - d] !== undefined && idx - d >= 0) return idx - d;
    if (values[idx + d] !== undefined && idx + d < values.length) return idx + d;
  }
  return undefined;
}

function flagText(flag: number): string {
  const names = [];
  if (flag & PointFlag.nan) names.push('NaN');
  if (flag & PointFlag.positiveInfinity) names.push('+∞');
  if (flag & PointFlag.negativeInfinity) names.push('−∞');
  return names.join(' / ') || 'NaN';
}
