/**
 * Distances and moments on sorted samples and category counts, with scipy's/numpy's semantics:
 * `wasserstein_distance(u, v)` (the area between the two empirical CDFs), `np.std` (population,
 * ddof 0), `scipy.spatial.distance.jensenshannon(p, q)` (natural log, inputs normalised to sum 1).
 * Sums are compensated (Neumaier) so a million terms stay within a few ulps of numpy's pairwise sums.
 */

class Sum {
  private total = 0;
  private compensation = 0;
  add(x: number): void {
    const t = this.total + x;
    this.compensation += Math.abs(this.total) >= Math.abs(x) ? this.total - t + x : x - t + this.total;
    this.total = t;
  }
  get value(): number {
    return this.total + this.compensation;
  }
}

/** ∫ |U - V| over the real line for the empirical CDFs of two sorted, non-empty samples. */
export function wassersteinDistance(u: Float64Array, v: Float64Array): number {
  const nu = u.length;
  const nv = v.length;
  let i = 0;
  let j = 0;
  const sum = new Sum();
  let previous = Math.min(u[0]!, v[0]!);
  while (i < nu || j < nv) {
    const value = j >= nv || (i < nu && u[i]! <= v[j]!) ? u[i]! : v[j]!;
    if (value > previous) sum.add(Math.abs(i / nu - j / nv) * (value - previous));
    while (i < nu && u[i]! <= value) i++;
    while (j < nv && v[j]! <= value) j++;
    previous = value;
  }
  return sum.value;
}

export function mean(values: Float64Array): number {
  const sum = new Sum();
  for (let i = 0; i < values.length; i++) sum.add(values[i]!);
  return sum.value / values.length;
}

/** Population standard deviation (numpy's default, ddof = 0). */
export function populationStd(values: Float64Array): number {
  const m = mean(values);
  const sum = new Sum();
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - m;
    sum.add(d * d);
  }
  return Math.sqrt(sum.value / values.length);
}

/** x log(x/y) with scipy's rel_entr conventions (0 at x = 0, ∞ where y = 0 < x). */
function relativeEntropy(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/** The Jensen–Shannon distance (natural log) between two weight vectors of the same categories. */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  const sp = p.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  const left = new Sum();
  const right = new Sum();
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    const m = (pi + qi) / 2;
    left.add(relativeEntropy(pi, m));
    right.add(relativeEntropy(qi, m));
  }
  return Math.sqrt((left.value + right.value) / 2);
}
