/**
 * A DVC vega plot (its datapoints per revision, exactly DVC's) shaped for drawing by template:
 * linear/simple/smooth → lines, scatter → points, confusion(_normalized) → a count matrix per
 * revision, bar_horizontal(_sorted) → labelled bars. Values keep DVC's meaning (CSV values are
 * strings: a number in text is that number); a value that is not a number is left out and said.
 */
import type { Datapoint, JsonValue, VegaPlot } from '../dvc/plots/model.js';
import type { BarGroup, ConfusionMatrix, PanelPlot, PanelProblem, XYSeries } from './model.js';

const LINE_TEMPLATES = new Set(['linear', 'simple', 'smooth']);
const POINT_TEMPLATES = new Set(['scatter', 'scatter_jitter']);

/** A JSON value as a number the way vega reads a quantitative field: numbers, and numbers in text. */
export function numberOf(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A JSON value as a category label (a confusion class, a bar's name). */
export function labelOf(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function shapeVegaPlot(plot: VegaPlot, problems: readonly PanelProblem[], origin: string): PanelPlot {
  const base = { id: plot.id, title: plot.title, template: plot.template, origin };
  if (!plot.known) return { kind: 'unsupported', ...base, problems };
  const extra: PanelProblem[] = [];
  if (LINE_TEMPLATES.has(plot.template) || POINT_TEMPLATES.has(plot.template)) {
    const series = plot.revisions.flatMap((rev) => xySeries(plot, rev, extra));
    return { kind: 'xy', ...base, mark: POINT_TEMPLATES.has(plot.template) ? 'point' : 'line', smooth: plot.template === 'smooth', xLabel: plot.xLabel, yLabel: plot.yLabel, series, problems: [...problems, ...extra] };
  }
  if (plot.template === 'confusion' || plot.template === 'confusion_normalized') {
    const normalized = plot.template === 'confusion_normalized';
    const matrices = plot.revisions.map((rev) => confusionMatrix(rev, plot.datapoints[rev] ?? [], plot.x, plot.y, normalized));
    return { kind: 'confusion', ...base, normalized, xLabel: plot.xLabel, yLabel: plot.yLabel, matrices, problems };
  }
  const groups = plot.revisions.map((rev) => barGroup(plot, rev, plot.template === 'bar_horizontal_sorted', extra));
  return { kind: 'bars', ...base, xLabel: plot.xLabel, yLabel: plot.yLabel, groups, problems: [...problems, ...extra] };
}

/** The series value of a datapoint (`field`, `filename` or `filename::field`), when the plot has several. */
function seriesName(plot: VegaPlot, d: Datapoint): string | undefined {
  return plot.series ? labelOf(d[plot.series]) : undefined;
}

function xySeries(plot: VegaPlot, rev: string, problems: PanelProblem[]): XYSeries[] {
  const byName = new Map<string | undefined, { x: number[]; y: number[] }>();
  let skipped = 0;
  for (const d of plot.datapoints[rev] ?? []) {
    const name = seriesName(plot, d);
    if (!byName.has(name)) byName.set(name, { x: [], y: [] });
    const x = numberOf(d[plot.x]);
    const y = numberOf(d[plot.y]);
    if (x === undefined || y === undefined) {
      skipped++;
      continue;
    }
    byName.get(name)!.x.push(x);
    byName.get(name)!.y.push(y);
  }
  if (skipped > 0) problems.push({ rev, reason: 'not-a-number', message: `${skipped} point${skipped === 1 ? '' : 's'} of ${rev} left out: '${plot.x}' or '${plot.y}' is not a number there` });
  return [...byName].map(([name, xy], dash) => ({ rev, ...(name === undefined ? {} : { name }), dash, x: xy.x, y: xy.y }));
}

const collator = new Intl.Collator('en', { numeric: true });

/** DVC's confusion templates: count (y, x) pairs, ascending classes; normalized divides by the row (same y) total. */
export function confusionMatrix(rev: string, datapoints: readonly Datapoint[], x: string, y: string, normalized: boolean): ConfusionMatrix {
  const columns = [...new Set(datapoints.map((d) => labelOf(d[x])))].sort(collator.compare);
  const rows = [...new Set(datapoints.map((d) => labelOf(d[y])))].sort(collator.compare);
  const counts = rows.map(() => columns.map(() => 0));
  for (const d of datapoints) counts[rows.indexOf(labelOf(d[y]))]![columns.indexOf(labelOf(d[x]))]!++;
  const values = normalized
    ? counts.map((row) => {
        const total = row.reduce((a, b) => a + b, 0);
        return row.map((c) => (total === 0 ? 0 : c / total));
      })
    : counts;
  return { rev, columns, rows, counts, values };
}

/** bar_horizontal: y names the bar, x is its length; _sorted orders bars by length, longest first. */
function barGroup(plot: VegaPlot, rev: string, sorted: boolean, problems: PanelProblem[]): BarGroup {
  const bars: { label: string; value: number }[] = [];
  let skipped = 0;
  for (const d of plot.datapoints[rev] ?? []) {
    const value = numberOf(d[plot.x]);
    if (value === undefined) skipped++;
    else bars.push({ label: labelOf(d[plot.y]), value });
  }
  if (skipped > 0) problems.push({ rev, reason: 'not-a-number', message: `${skipped} bar${skipped === 1 ? '' : 's'} of ${rev} left out: '${plot.x}' is not a number there` });
  if (sorted) bars.sort((a, b) => b.value - a.value);
  return { rev, bars };
}
