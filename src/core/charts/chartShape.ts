/**
 * How a Metrics panel lays out what it reads: which metrics are single values (drawn as bars, one
 * per run, as the MLflow UI does for `test_accuracy` logged once), the value axis of a bar chart,
 * the legend's labels when runs share a name, and which metrics are MLflow's system metrics.
 */

export type ChartKind = 'line' | 'bars';

/**
 * Bars when every run of the chart logged the metric exactly once (a line through one point per
 * run is an empty chart); a line as soon as any run has a history.
 */
export function chartKind(series: readonly { readonly total: number }[]): ChartKind {
  return series.length > 0 && series.every((s) => s.total === 1) ? 'bars' : 'line';
}

export interface BarScale {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
}

/**
 * The value axis of a bar chart: from zero (a bar's length is its value, so the baseline is zero
 * whenever the values share a sign) to the data's far end, rounded out to a "nice" step (1, 2 or 5
 * × 10ⁿ) with about `targetTicks` ticks. Mixed signs span both; non-finite values are left out.
 */
export function barScale(values: readonly number[], targetTicks = 5): BarScale {
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(0, ...finite);
  const hi = Math.max(0, ...finite);
  if (lo === hi) return { min: 0, max: 1, ticks: [0, 0.5, 1] };
  const step = niceStep((hi - lo) / Math.max(1, targetTicks));
  const min = Math.floor(lo / step + 1e-9) * step;
  const max = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  // Ticks by index, not by adding steps: no drift to -2.8e-17 where zero should be.
  const count = Math.round((max - min) / step);
  for (let i = 0; i <= count; i++) ticks.push(Number((min + i * step).toFixed(12)) + 0);
  return { min: ticks[0]!, max: ticks[ticks.length - 1]!, ticks };
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/**
 * Legend labels: a run's name, or, when another run of the chart has the same name, the name and
 * the shortest prefix of its id (at least 7 characters, like a short git hash) that tells the
 * runs of that name apart.
 */
export function legendLabels(runs: readonly { readonly runId: string; readonly name: string }[]): Map<string, string> {
  const byName = new Map<string, string[]>();
  for (const run of runs) byName.set(run.name, [...(byName.get(run.name) ?? []), run.runId]);
  const labels = new Map<string, string>();
  for (const [name, ids] of byName) {
    const unique = [...new Set(ids)];
    if (unique.length === 1) {
      labels.set(unique[0]!, name);
      continue;
    }
    let length = 7;
    const longest = Math.max(...unique.map((id) => id.length));
    while (length < longest && new Set(unique.map((id) => id.slice(0, length))).size < unique.length) length++;
    for (const id of unique) labels.set(id, `${name} (${id.slice(0, length)})`);
  }
  return labels;
}

/** MLflow's system metrics (`mlflow.enable_system_metrics_logging`) are logged as `system/…`. */
export function isSystemMetric(key: string): boolean {
  return key.startsWith('system/');
}

/** Metric keys split into the model's own and the system's, each keeping its order. */
export function metricSections(keys: readonly string[]): { readonly model: readonly string[]; readonly system: readonly string[] } {
  return { model: keys.filter((k) => !isSystemMetric(k)), system: keys.filter(isSystemMetric) };
}
