/**
 * The ids and labels of a metric's derived columns (min, max, value at a step: see metricViews.ts).
 * Pure and import-free but for types: the Experiments table webview shares it.
 */
import type { MetricView } from './types.js';

export function metricViewColumn(view: MetricView): string {
  return `metrics.${view.key}@${view.aggregate === 'step' ? `step=${view.step ?? 0}` : view.aggregate}`;
}

export function metricViewLabel(view: MetricView): string {
  return view.aggregate === 'step' ? `${view.key} @ step ${view.step ?? 0}` : `${view.key} (${view.aggregate})`;
}

/** The view a derived column id stands for, or undefined for any other column. */
export function parseMetricViewColumn(column: string): MetricView | undefined {
  const match = /^metrics\.(.+)@(min|max|step=(-?\d{1,16}))$/s.exec(column);
  if (!match) return undefined;
  if (match[3] !== undefined) return { key: match[1]!, aggregate: 'step', step: Number(match[3]) };
  return { key: match[1]!, aggregate: match[2] as 'min' | 'max' };
}
