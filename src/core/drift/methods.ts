/**
 * The drift tests Evidently's DataDriftPreset runs by default, chosen as its
 * `_get_default_stattest` chooses (evidently/legacy/calculations/stattests/registry.py, 0.7.23):
 *   text: reference > 1000 rows → absolute text content drift, else percentile text content drift;
 *   reference ≤ 1000 rows: numerical with ≤ 5 distinct values → chi-square (> 2) or Z-test, else
 *   K-S; categorical → chi-square (> 2 distinct) or Z-test;
 *   reference > 1000 rows: numerical with ≤ 5 distinct values → Jensen–Shannon, else normed
 *   Wasserstein; categorical → Jensen–Shannon.
 * Rows are counted and values told apart after missing values and ±inf are dropped. Each test
 * keeps Evidently's own comparison with its default threshold (p ≤ t for K-S, p < t for chi-square
 * and Z, distance ≥ t for Wasserstein and Jensen–Shannon).
 */
import type { DriftMethod, DriftMethodId } from './model';
import { jensenShannonDistance, populationStd, wassersteinDistance } from './stats/distances';
import { chiSquareSurvival } from './stats/gamma';
import { ksTwoSample } from './stats/ks';
import { normalCdf } from './stats/normal';

export const METHODS: Readonly<Record<DriftMethodId, DriftMethod & { readonly threshold: number }>> = {
  ks: { id: 'ks', label: 'K-S p_value', score: 'p_value', threshold: 0.05 },
  chisquare: { id: 'chisquare', label: 'chi-square p_value', score: 'p_value', threshold: 0.05 },
  z: { id: 'z', label: 'Z-test p_value', score: 'p_value', threshold: 0.05 },
  wasserstein: { id: 'wasserstein', label: 'Wasserstein distance (normed)', score: 'distance', threshold: 0.1 },
  jensenshannon: { id: 'jensenshannon', label: 'Jensen-Shannon distance', score: 'distance', threshold: 0.1 },
  perc_text_content_drift: { id: 'perc_text_content_drift', label: 'Percentile text content drift', score: 'roc_auc', threshold: 0.95 },
  abs_text_content_drift: { id: 'abs_text_content_drift', label: 'Absolute text content drift', score: 'roc_auc', threshold: 0.55 },
};

/** Above this many reference rows Evidently switches from p-values to distances. */
export const SMALL_SAMPLE_ROWS = 1000;

export function chooseMethod(type: 'numerical' | 'categorical' | 'text', referenceRows: number, distinctValues: number): DriftMethodId {
  if (type === 'text') return referenceRows > SMALL_SAMPLE_ROWS ? 'abs_text_content_drift' : 'perc_text_content_drift';
  const fewValues = type === 'categorical' || distinctValues <= 5;
  if (referenceRows <= SMALL_SAMPLE_ROWS) {
    if (!fewValues) return 'ks';
    return distinctValues > 2 ? 'chisquare' : 'z';
  }
  return fewValues ? 'jensenshannon' : 'wasserstein';
}

/** Counts per category of one sample; keys shared between the two samples of a column. */
export type Counts = ReadonlyMap<string, number>;

export function total(counts: Counts): number {
  let sum = 0;
  for (const c of counts.values()) sum += c;
  return sum;
}

function union(reference: Counts, current: Counts): string[] {
  return [...new Set([...reference.keys(), ...current.keys()])];
}

/** Evidently's `_chi_stat_test`: scipy.stats.chisquare of current counts against reference counts scaled to the current size. */
export function chiSquarePValue(reference: Counts, current: Counts): number {
  const keys = union(reference, current);
  const scale = total(current) / total(reference);
  let statistic = 0;
  for (const key of keys) {
    const expected = (reference.get(key) ?? 0) * scale;
    const observed = current.get(key) ?? 0;
    statistic += (observed - expected) ** 2 / expected;
  }
  return chiSquareSurvival(statistic, keys.length - 1);
}

/** Evidently's `_z_stat_test`: the two-proportion Z-test on "not the first category", two-sided, as 2(1 - Φ(|z|)). */
export function zTestPValue(reference: Counts, current: Counts): number {
  const keys = union(reference, current).sort();
  if (reference.size === 1 && current.size === 1 && keys.length === 1) return 1;
  const first = keys[0]!;
  const n1 = total(reference);
  const n2 = total(current);
  const p1 = (n1 - (reference.get(first) ?? 0)) / n1;
  const p2 = (n2 - (current.get(first) ?? 0)) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return 2 * (1 - normalCdf(Math.abs(z)));
}

/** Evidently's `_jensenshannon` on category shares (`get_binned_data` without filling zeros). */
export function jensenShannon(reference: Counts, current: Counts): number {
  const keys = union(reference, current);
  const n1 = total(reference);
  const n2 = total(current);
  return jensenShannonDistance(
    keys.map((k) => (reference.get(k) ?? 0) / n1),
    keys.map((k) => (current.get(k) ?? 0) / n2),
  );
}

/** Evidently's `_wasserstein_distance_norm`: scipy's distance over max(std of reference, 0.001). */
export function normedWasserstein(referenceSorted: Float64Array, currentSorted: Float64Array): number {
  const norm = Math.max(populationStd(referenceSorted), 0.001);
  return wassersteinDistance(referenceSorted, currentSorted) / norm;
}

export function ksPValue(referenceSorted: Float64Array, currentSorted: Float64Array): number {
  return ksTwoSample(referenceSorted, currentSorted).pValue;
}

/** Evidently's verdict for a score: p-values drift at or below (K-S) or below (chi-square, Z) the threshold, distances at or above it. */
export function drifted(method: DriftMethodId, score: number, threshold: number): boolean {
  switch (method) {
    case 'ks':
      return score <= threshold;
    case 'chisquare':
    case 'z':
      return score < threshold;
    case 'abs_text_content_drift':
    case 'perc_text_content_drift':
      return score > threshold;
    default:
      return score >= threshold;
  }
}
