/**
 * Several runs' series on one shared x array: uPlot's "aligned data" `[xs, ...ys]`, where every
 * series has a value (or none) at every x. Runs rarely log at the same steps or times, so the
 * shared x is the sorted union of theirs, and a run with nothing at an x gets an absent point.
 *
 * Repeated x: MLflow keeps every value logged at one step, so a series may hold x = 5 twice. The
 * union then holds x = 5 as many times as the series that repeats it most, and each series fills
 * those slots in its own order, the rest absent: no value is lost and x stays non-decreasing.
 *
 * A k-way merge with a linear scan of the k heads: O(points × runs), which for 20 runs of
 * 2,000 downsampled points is under a million comparisons; run twice (count, then fill) so each
 * output array is allocated once at its exact size.
 */
import { FLAG_ABSENT, nonFiniteFlag } from './flags.js';

export interface AlignInput {
  /** Non-decreasing, finite. */
  readonly x: Float64Array;
  /** Raw or smoothed values; non-finite ones become flagged gaps. */
  readonly y: Float64Array;
  /** Flags from downsample(); computed from y when left out. */
  readonly flags?: Uint8Array;
}

export interface Aligned {
  /** The union of the inputs' x, non-decreasing. */
  readonly x: Float64Array;
  /** One array per input, x.length long: NaN wherever the same index of `flags` is non-zero. */
  readonly ys: Float64Array[];
  /**
   * One array per input: 0 for a value, FLAG_ABSENT where the run has nothing at that x, else the
   * non-finite flags of a gap. For uPlot: absent → undefined, non-finite → null.
   */
  readonly flags: Uint8Array[];
}

/** Merges the series onto one x array; throws a RangeError when an x array is unsorted or NaN. */
export function alignSeries(series: readonly AlignInput[]): Aligned {
  for (const s of series) {
    if (s.x.length !== s.y.length || (s.flags && s.flags.length !== s.x.length)) throw new RangeError('x, y and flags of a series differ in length');
  }
  const total = merge(series, undefined);
  const out: Aligned = {
    x: new Float64Array(total),
    ys: series.map(() => new Float64Array(total)),
    flags: series.map(() => new Uint8Array(total)),
  };
  merge(series, out);
  return out;
}

/** One merge pass: counts the shared slots, and fills `out` when given. */
function merge(series: readonly AlignInput[], out: Aligned | undefined): number {
  const k = series.length;
  const heads = new Uint32Array(k);
  const taken = new Uint32Array(k);
  let slots = 0;
  let previous = -Infinity;
  for (;;) {
    const x = smallestHead(series, heads);
    if (x === undefined) break;
    if (!(x >= previous)) throw new RangeError(`x values must be non-decreasing and not NaN (${x} after ${previous})`);
    previous = x;
    let width = 0;
    for (let s = 0; s < k; s++) {
      taken[s] = takeRun(series[s]!, heads[s]!, x, out, s, slots);
      heads[s] = heads[s]! + taken[s]!;
      if (taken[s]! > width) width = taken[s]!;
    }
    if (out) fillAbsent(out, taken, x, slots, width);
    slots += width;
  }
  return slots;
}

/** The least x among the series' next points, or undefined when all are consumed. */
function smallestHead(series: readonly AlignInput[], heads: Uint32Array): number | undefined {
  let least: number | undefined;
  for (let s = 0; s < series.length; s++) {
    const xs = series[s]!.x;
    const head = heads[s]!;
    // A NaN head becomes `least` only when it comes first, and then fails merge's order check.
    if (head < xs.length && (least === undefined || xs[head]! < least)) least = xs[head]!;
  }
  return least;
}

/** Consumes the series' points at x (copying them into slots from `at` when filling). */
function takeRun(series: AlignInput, head: number, x: number, out: Aligned | undefined, s: number, at: number): number {
  const xs = series.x;
  let count = 0;
  while (head + count < xs.length && xs[head + count] === x) {
    if (out) {
      const i = head + count;
      const y = series.y[i]!;
      const flag = series.flags ? series.flags[i]! : nonFiniteFlag(y);
      out.ys[s]![at + count] = flag === 0 ? y : NaN;
      out.flags[s]![at + count] = flag;
    }
    count++;
  }
  return count;
}

/** Writes x into the group's slots and marks the slots a series left empty as absent. */
function fillAbsent(out: Aligned, taken: Uint32Array, x: number, at: number, width: number): void {
  out.x.fill(x, at, at + width);
  for (let s = 0; s < taken.length; s++) {
    for (let j = taken[s]!; j < width; j++) {
      out.ys[s]![at + j] = NaN;
      out.flags[s]![at + j] = FLAG_ABSENT;
    }
  }
}
