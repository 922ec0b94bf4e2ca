/**
 * The one-sample Kolmogorov–Smirnov distributions scipy's `ks_2samp` reaches for p-values when it
 * cannot count lattice paths exactly: `kstwo.sf(d, n)` (two-sided, finite n) as scipy.stats
 * computes it — Simard & L'Ecuyer's choice between the Ruben–Gambino closed forms, Durbin's matrix
 * (Marsaglia–Tsang–Wang), Pomeranz's recursion, Pelz–Good's expansion and twice the one-sided
 * Smirnov tail — and that one-sided tail (Birnbaum–Tingey's sum). The same method in the same
 * region keeps our p-values within ~1e-12 of scipy's, where the approximations themselves are
 * off by more than that from the true distribution.
 *   Simard R, L'Ecuyer P (2011), "Computing the Two-Sided Kolmogorov-Smirnov Distribution", JSS 39(11).
 */

const SCALE_UP = 2 ** 128;
const SCALE_DOWN = 2 ** -128;
/** -2 n x² below this: the one-sided tail underflows a double (Cephes MINLOG). */
const MIN_LOG = -7.083964185322641e2;
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const clip = (p: number): number => Math.min(1, Math.max(0, p));

/** P(D⁺_n ≥ x), the one-sided Smirnov tail (scipy.special.smirnov). */
export function smirnovSurvival(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const nx = n * x;
  let nxFloor = Math.floor(nx);
  let alpha = nx - nxFloor;
  if (alpha >= 1) {
    nxFloor += 1;
    alpha = 0;
  }
  if (nxFloor === 0 || (nxFloor === 1 && alpha === 0)) return 1 - x * (1 + x) ** (n - 1);
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (nxFloor >= n - 1) return (1 - x) ** n;
  // Σ_{v=0}^{⌊n(1-x)⌋} C(n,v) (1-x-v/n)^(n-v) (x+v/n)^(v-1): positive terms, summed from logs.
  // v runs to ⌊n(1-x)⌋ but leaves out v = n(1-x) when that is an integer: to n - ⌊nx⌋ - 1 either way.
  const last = n - nxFloor - 1;
  let logBinomial = 0;
  let sum = 0;
  for (let v = 0; v <= last; v++) {
    const below = (n - v) / n - x;
    if (below > 0) {
      const logTerm = logBinomial + (n - v) * Math.log(below) + (v - 1) * Math.log(x + v / n);
      sum += Math.exp(logTerm);
    }
    logBinomial += Math.log((n - v) / (v + 1));
  }
  return clip(x * sum);
}

/** P(D_n ≥ x) for the two-sided statistic (scipy.stats.kstwo.sf). */
export function kolmogorovSurvival(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return NaN;
  // rv_continuous.sf: the support is [1/(2n), 1].
  if (x <= 0.5 / n) return 1;
  if (x >= 1) return 0;
  const t = n * x;
  if (t <= 1) {
    // Ruben–Gambino: P(D_n ≤ x) = n!/n^n (2t-1)^n for 1/(2n) ≤ x ≤ 1/n.
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSurvival(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip(1 - durbinCdf(n, x));
    if (nxSquared <= 4) return clip(1 - pomeranzCdf(n, x));
    return clip(2 * smirnovSurvival(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip(2 * smirnovSurvival(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
}

/** log(n!/n^n) by Stirling's series with n log n taken out (B_2j / (2j(2j-1)) for j = 8…1). */
function logFactorialOverPower(n: number): number {
  const coefficients = [-3617 / 510 / 240, 7 / 6 / 182, -691 / 2730 / 132, 5 / 66 / 90, -1 / 30 / 56, 1 / 42 / 30, -1 / 30 / 12, 1 / 6 / 2];
  const r = 1 / n;
  let series = 0;
  for (const c of coefficients) series = series * (r * r) + c;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + r * series;
}

/** P(D_n ≤ d) by Durbin's matrix: the (k,k) entry of n!/n^n · H^n, with H of order 2k-1. */
function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorial = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = factorial;
    factorial /= j;
    v[j - 1] = (1 - h ** j) * factorial;
  }
  v[m - 1] = (1 + (Math.max(2 * h - 1, 0) ** m - 2 * h ** m)) * factorial;
  let H: Float64Array = new Float64Array(m * m);
  for (let c = 1; c < m; c++) for (let r = c - 1; r < m; r++) H[r * m + c] = w[r - c + 1]!;
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;
  let power: Float64Array = identity(m);
  let exponent = 0;
  let hExponent = 0;
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) {
      power = multiply(power, H, m);
      exponent += hExponent;
    }
    H = multiply(H, H, m);
    hExponent *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]!) > SCALE_UP) {
      for (let i = 0; i < H.length; i++) H[i]! /= SCALE_UP;
      hExponent += 128;
    }
  }
  let p = power[(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      exponent -= 128;
    }
  }
  return clip(p * 2 ** exponent);
}

function identity(m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) out[i * m + i] = 1;
  return out;
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l]!;
      if (ail === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j]! += ail * b[l * m + j]!;
    }
  }
  return out;
}

/** P(D_n ≤ x) by Pomeranz's recursion over 2n+2 rows of Poisson-like convolutions. */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilF = f > 0 ? 1 : 0;
  const roundF = f > 0.5 ? 1 : 0;
  const size = 2 * (ll + 1);
  const powers = (ratio: number): Float64Array => {
    const out = new Float64Array(size);
    out[0] = 1;
    for (let i = 1; i < size; i++) out[i] = (out[i - 1]! * ratio) / i;
    return out;
  };
  const gPower = powers(g / n);
  const twoGPower = powers((2 * g) / n);
  const oneMinusTwoGPower = powers((1 - 2 * g) / n);
  let v0 = new Float64Array(size);
  let v1 = new Float64Array(size);
  v1[0] = 1;
  let v0Start = 0;
  let v1Start = 0;
  let exponent = 0;
  let [j1, j2] = pomeranzBounds(0, n, ll, ceilF, roundF);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [v0, v1] = [v1, v0];
    [v0Start, v1Start] = [v1Start, v0Start];
    v1.fill(0);
    [j1, j2] = pomeranzBounds(i, n, ll, ceilF, roundF);
    const weights = i === 1 || i === 2 * n + 1 ? gPower : i % 2 === 1 ? twoGPower : oneMinusTwoGPower;
    const length = j2 - k1 + 1;
    if (length <= 0) continue;
    const from = k1 - v0Start;
    const a = v0.subarray(from, Math.min(from + length, size));
    const b = weights.subarray(0, Math.min(length, size));
    const skip = j1 - k1;
    const count = j2 - j1 + 1;
    for (let c = 0; c < count; c++) {
      const index = c + skip;
      let sum = 0;
      for (let p = Math.max(0, index - b.length + 1); p <= Math.min(index, a.length - 1); p++) sum += a[p]! * b[index - p]!;
      v1[c] = sum;
    }
    let max = 0;
    for (let c = 0; c < size; c++) max = Math.max(max, v1[c]!);
    if (max > 0 && max < SCALE_DOWN) {
      for (let c = 0; c < size; c++) v1[c]! *= SCALE_UP;
      exponent -= 128;
    }
    v1Start = v0Start + j1 - k1;
  }
  let answer = v1[n - v1Start]!;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > SCALE_UP) {
      answer *= SCALE_DOWN;
      exponent += 128;
    }
    answer *= m;
  }
  return clip(answer * 2 ** exponent);
}

function pomeranzBounds(i: number, n: number, ll: number, ceilF: number, roundF: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilF - 1;
    j2 = ll + ceilF - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilF - 1;
        j2 = n + ll + ceilF - 1;
      } else {
        j1 = half - 1 - ll - roundF - 1;
        j2 = half + ll - 1 + ceilF - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundF - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pelz–Good's expansion of P(D_n ≤ x) in powers of 1/√n, for small x·√n. */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qLog = -PI2 / 8 / z2;
  if (qLog < -708) return 0;
  const q = Math.exp(qLog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const terms = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k >= 1; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qPower = q ** (8 * k);
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) terms[i] = terms[i]! * qPower + coefficients[i]!;
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) terms[i] = (terms[i]! * q * SQRT_2PI) / divisors[i]!;
  const q2 = Math.exp(-PI2 / 2 / z2);
  let k2Extra = 0;
  let k3Extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxK; k >= 1; k--) {
    const weight = k * k * q2 ** (k * k);
    k2Extra += weight;
    k3Extra += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * weight;
  }
  terms[2]! += (k2Extra * PI2 * SQRT_2PI) / (-36 * z ** 3);
  terms[3]! += (k3Extra * PI2 * SQRT_2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += terms[i]! / n ** (i / 2);
  return sum;
}
