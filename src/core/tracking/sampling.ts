import type { Metric } from './entities.js';

/**
 * MLflow's generic get_metric_history_bulk_interval (mlflow/store/tracking/abstract_store.py),
 * which its file store and REST-less stores use: sample up to `maxResults` steps from the union
 * of every run's logged steps in the range, keep each run's min and max step, then return each
 * run's points at those steps, evenly thinned to the budget.
 */
export function sampleBulkInterval(
  histories: readonly { readonly runId: string; readonly points: readonly Metric[] }[],
  maxResults: number,
  range?: { readonly start: number; readonly end: number },
): Metric[] {
  const budget = Math.max(1, maxResults);
  const stepsPerRun = histories.map((h) => h.points.map((p) => p.step));
  const allSteps = [...new Set(stepsPerRun.flat())].sort((a, b) => a - b);
  const start = range?.start ?? 0;
  const end = range?.end ?? (allSteps.length > 0 ? allSteps[allSteps.length - 1]! : 0);
  const minsAndMaxes = new Set<number>();
  for (const steps of stepsPerRun) {
    if (steps.length === 0) continue;
    let min = Infinity;
    let max = -Infinity;
    for (const step of steps) {
      if (step < min) min = step;
      if (step > max) max = step;
    }
    for (const step of [min, max]) if (start <= step && step <= end) minsAndMaxes.add(step);
  }
  const startIndex = bisectLeft(allSteps, start);
  const endIndex = bisectRight(allSteps, end);
  const sampled = new Set<number>();
  if (endIndex - startIndex <= budget) {
    for (const step of allSteps.slice(startIndex, endIndex)) sampled.add(step);
  } else {
    const interval = (endIndex - startIndex) / budget;
    for (let i = 0; i < budget; i++) {
      const index = startIndex + Math.trunc(i * interval);
      if (index < endIndex) sampled.add(allSteps[index]!);
    }
    sampled.add(allSteps[endIndex - 1]!);
  }
  const steps = new Set([...sampled, ...minsAndMaxes]);
  const perRunBudget = Math.max(budget, steps.size);
  const out: Metric[] = [];
  for (const { runId, points } of histories) {
    // A stable sort by (step, timestamp), as Python's sorted() on the history order.
    const kept = points.filter((p) => steps.has(p.step)).sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
    for (const index of evenlySpacedIndices(kept.length, perRunBudget)) out.push({ ...kept[index]!, run_id: runId });
  }
  return out;
}

/** `_evenly_spaced_indices`: first and last always kept; Python's round() rounds half to even. */
export function evenlySpacedIndices(total: number, maxResults: number): number[] {
  if (total <= 0) return [];
  if (total <= maxResults) return Array.from({ length: total }, (_, i) => i);
  if (maxResults === 1) return [total - 1];
  const step = (total - 1) / (maxResults - 1);
  const indices = new Set<number>();
  for (let i = 0; i < maxResults; i++) indices.add(roundHalfEven(i * step));
  return [...indices].sort((a, b) => a - b);
}

export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function bisectLeft(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function bisectRight(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value < sorted[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
