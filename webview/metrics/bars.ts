/**
 * A metric every run logged once (`test_accuracy` at the end of training): one horizontal bar per
 * run, in the legend's order, its value written at its end, on a value axis from zero to the
 * data's far end (core/charts/chartShape.ts barScale). Drawn as elements, so names and values are
 * text a screen reader reads and nothing is hidden behind a hover.
 */
import { barScale } from '../../src/core/charts/chartShape.js';
import { PointFlag, type SeriesPayload } from '../../src/protocol/metricsPanel.js';
import { el, iconButton } from '../shared/dom.js';
import type { ChartCallbacks, ChartContext } from './chart.js';
import { formatValue } from './format.js';

export class BarChart {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private context: ChartContext;

  constructor(
    readonly key: string,
    readonly series: SeriesPayload[],
    context: ChartContext,
    private readonly callbacks: ChartCallbacks,
  ) {
    this.context = context;
    this.body = el('div', { className: 'bars' });
    const title = el('h2', { className: 'chart-title', title: key }, key);
    const actions = el(
      'div',
      { className: 'chart-actions' },
      iconButton('table', 'Export CSV', () => this.callbacks.exportCsv(this.key, true)),
    );
    this.element = el('section', { className: 'chart bar-chart', tabIndex: 0, dataset: { metric: key, kind: 'bars' } }, el('header', {}, title, actions), this.body);
    this.element.setAttribute('aria-label', `Bar chart of ${key}: one value per run.`);
  }

  render(context: ChartContext): void {
    this.context = context;
    const { runs, theme, view } = context;
    const hidden = new Set(view.hidden);
    const shown = this.series.filter((s) => !hidden.has(s.runId) && runs.has(s.runId) && s.y.length > 0);
    if (shown.length === 0) {
      this.body.replaceChildren(el('p', { className: 'empty' }, 'No visible runs have this metric.'));
      this.callbacks.drawn();
      return;
    }
    const value = (s: SeriesPayload): number => (s.flags[0] === PointFlag.finite ? s.y[0]! : Number.NaN);
    const scale = barScale(shown.map(value));
    const position = (v: number): number => ((v - scale.min) / (scale.max - scale.min)) * 100;
    const zero = position(0);
    const rows = shown.map((s) => {
      const run = runs.get(s.runId)!;
      const v = value(s);
      const text = Number.isFinite(v) ? formatValue(v, 4) : flagText(s.flags[0] ?? PointFlag.nan);
      const bar = el('span', { className: 'bar' });
      const track = el('span', { className: 'bar-track' }, bar);
      if (Number.isFinite(v)) {
        const [from, to] = v >= 0 ? [zero, position(v)] : [position(v), zero];
        bar.style.left = `${from}%`;
        bar.style.width = `${Math.max(0.5, to - from)}%`;
        bar.style.background = theme.color(run.color);
      }
      const label = el('span', { className: 'bar-value' }, text);
      const name = el('span', { className: 'bar-name', title: run.label }, run.label);
      const row = el('div', { className: 'bar-row', title: `${run.label}: ${Number.isFinite(v) ? formatValue(v, 10) : text}`, dataset: { runId: s.runId, value: String(v) } }, name, track, label);
      row.addEventListener('dblclick', () => this.callbacks.openRun(s.runId));
      return row;
    });
    const axis = el('div', { className: 'bar-axis' }, el('span', { className: 'bar-ticks' }, ...scale.ticks.map((t) => {
      const tick = el('span', { className: 'bar-tick' }, formatValue(t, 3));
      tick.style.left = `${position(t)}%`;
      return tick;
    })));
    const grid = el('div', { className: 'bar-gridlines' });
    for (const t of scale.ticks) {
      const line = el('span', { className: t === 0 ? 'bar-gridline zero' : 'bar-gridline' });
      line.style.left = `${position(t)}%`;
      grid.append(line);
    }
    this.body.replaceChildren(grid, ...rows, axis);
    requestAnimationFrame(() => this.callbacks.drawn());
  }

  retheme(context: ChartContext): void {
    this.render(context);
  }

  resize(): void {}
  reset(): void {}
  showDetail(): void {}
  destroy(): void {}

  shown(): { window: null; series: { runId: string; x: number[]; y: number[]; flags: number[]; full: boolean; total: number }[] } {
    return { window: null, series: this.series.map((s) => ({ runId: s.runId, x: [...s.x], y: [...s.y], flags: [...s.flags], full: s.full, total: s.total })) };
  }

  timeRedraw(): number {
    const started = performance.now();
    this.render(this.context);
    return performance.now() - started;
  }
}

function flagText(flag: number): string {
  return flag & PointFlag.positiveInfinity ? '+∞' : flag & PointFlag.negativeInfinity ? '−∞' : 'NaN';
}
