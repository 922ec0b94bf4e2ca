/**
 * One column, reference against current, as Evidently's ValueDrift computes it inside
 * DataDriftPreset: the type comes from the current data, missing values and ±inf are dropped, the
 * test is chosen by type, reference size and distinct values, and the score is compared with the
 * test's default threshold. What Evidently would stop on (a column missing from one side, retyped,
 * empty) is named on the column instead, and the other columns go on.
 */
import { categoricalHistogram, numericHistogram } from './histogram';
import { chiSquarePValue, chooseMethod, drifted, jensenShannon, ksPValue, METHODS, normedWasserstein, total, zTestPValue, type Counts } from './methods';
import type { ColumnDrift, ColumnSummary, ColumnType, DriftProblem } from './model';
import { distinctCount, dtypeName, inferColumnType, missingCount, objectKey, presentCount, sortedValues, type StoredColumn } from './table/column';

type Side = 'reference' | 'current';

/** Numbers, or values that are all numbers (bools included) in an object column, compare with numbers; strings with strings. */
function valueClass(column: StoredColumn): 'number' | 'text' | 'other' {
  if (column.kind === 'number') return 'number';
  if (column.kind === 'opaque') return 'other';
  for (const key of column.counts.keys()) if (!key.startsWith('\u0000number:')) return 'text';
  return 'number';
}

function countsOf(column: StoredColumn): Counts {
  if (column.kind === 'object' || column.kind === 'category') return column.counts;
  if (column.kind === 'opaque') return new Map();
  if (column.distinct) return new Map([...column.distinct].map(([value, count]) => [objectKey('number', String(value)), count]));
  const sorted = sortedValues(column.values);
  const counts = new Map<string, number>();
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    counts.set(objectKey('number', String(sorted[i])), j - i);
    i = j;
  }
  return counts;
}

export function summarize(column: StoredColumn): ColumnSummary {
  const base = { count: presentCount(column), missing: missingCount(column), dtype: dtypeName(column) };
  if (column.kind === 'number') {
    const values = sortedValues(column.values, column.distinct);
    if (values.length === 0) return { ...base, infinite: column.infinite, unique: 0 };
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i]!;
    const mean = sum / values.length;
    let squares = 0;
    for (let i = 0; i < values.length; i++) {
      const d = values[i]! - mean;
      squares += d * d;
    }
    return { ...base, infinite: column.infinite, unique: column.distinct ? column.distinct.size : distinctCount(values), mean, std: Math.sqrt(squares / values.length), min: values[0]!, max: values[values.length - 1]! };
  }
  if (column.kind === 'opaque') return base;
  return { ...base, unique: column.counts.size };
}

function skipped(column: string, type: ColumnType, problem: DriftProblem, reference?: StoredColumn, current?: StoredColumn): ColumnDrift {
  return {
    column,
    type,
    status: 'skipped',
    ...(reference ? { reference: summarize(reference) } : {}),
    ...(current ? { current: summarize(current) } : {}),
    problems: [problem],
  };
}

const describe = (c: StoredColumn): string => (valueClass(c) === 'number' ? `numbers (${dtypeName(c)})` : valueClass(c) === 'text' ? `text (${dtypeName(c)})` : dtypeName(c));

/** Why a column Evidently would not test is left out, or undefined when it is tested. */
function untestable(name: string, type: ColumnType, reference: StoredColumn, current: StoredColumn): DriftProblem | undefined {
  if (type === 'datetime') return { reason: 'not-tested', column: name, message: `column '${name}' holds dates: DataDriftPreset does not test datetime columns` };
  if (type === 'list' || type === 'unknown') return { reason: 'not-tested', column: name, message: `column '${name}' (${dtypeName(current)}) has no type Evidently tests (${type})` };
  const want = type === 'numerical' ? 'number' : type === 'text' ? 'text' : valueClass(current);
  const numericalMismatch = type === 'numerical' && reference.kind !== 'number';
  if (valueClass(reference) !== want || numericalMismatch) {
    return { reason: 'retyped', column: name, message: `column '${name}' holds ${describe(current)} in the current data but ${describe(reference)} in the reference: not compared` };
  }
  for (const [side, column] of [['reference', reference], ['current', current]] as const) {
    const values = column.kind === 'number' ? column.values.length : presentCount(column);
    if (values === 0) {
      return { reason: 'all-missing', column: name, dataset: side, message: `column '${name}' has no ${column.kind === 'number' && column.infinite > 0 ? 'finite ' : ''}value in the ${side} data (${missingCount(column)} missing): not compared` };
    }
  }
  return undefined;
}

export function columnDrift(name: string, reference: StoredColumn | undefined, current: StoredColumn | undefined): ColumnDrift {
  if (!current && !reference) return skipped(name, 'unknown', { reason: 'not-tested', column: name, message: `column '${name}' is in neither file` });
  if (!current) return skipped(name, inferColumnType(reference!), { reason: 'only-in-reference', column: name, dataset: 'reference', message: `column '${name}' is only in the reference data` }, reference);
  const type = inferColumnType(current);
  if (!reference) return skipped(name, type, { reason: 'only-in-current', column: name, dataset: 'current', message: `column '${name}' is only in the current data` }, undefined, current);
  const problem = untestable(name, type, reference, current);
  if (problem) return skipped(name, type, problem, reference, current);
  const summaries = { reference: summarize(reference), current: summarize(current) };
  if (type === 'text') return textColumn(name, reference, summaries);
  return type === 'numerical' ? numericalColumn(name, reference, current, summaries) : categoricalColumn(name, reference, current, summaries);
}

function textColumn(name: string, reference: StoredColumn, summaries: Record<Side, ColumnSummary>): ColumnDrift {
  const method = METHODS[chooseMethod('text', presentCount(reference), 0)];
  const { threshold, ...described } = method;
  return {
    column: name,
    type: 'text',
    status: 'not-computed',
    method: described,
    threshold,
    ...summaries,
    problems: [{ reason: 'not-computed', column: name, message: `column '${name}' is text (more than half its values distinct): Evidently tests it with a domain classifier (TF-IDF and SGD on a random split) that is not reproduced here; open the full Evidently report for its score` }],
  };
}

function numericalColumn(name: string, reference: StoredColumn, current: StoredColumn, summaries: Record<Side, ColumnSummary>): ColumnDrift {
  const refColumn = reference as Extract<StoredColumn, { kind: 'number' }>;
  const curColumn = current as Extract<StoredColumn, { kind: 'number' }>;
  const ref = sortedValues(refColumn.values, refColumn.distinct);
  const cur = sortedValues(curColumn.values, curColumn.distinct);
  const id = chooseMethod('numerical', ref.length, distinctInBoth(ref, cur, 6));
  let score: number;
  if (id === 'ks') score = ksPValue(ref, cur);
  else if (id === 'wasserstein') score = normedWasserstein(ref, cur);
  else score = countTest(id, countsOf(reference), countsOf(current));
  const integers = current.kind === 'number' && current.dtype.startsWith('int');
  return tested(name, 'numerical', id, score, summaries, numericHistogram(ref, cur, integers));
}

function categoricalColumn(name: string, reference: StoredColumn, current: StoredColumn, summaries: Record<Side, ColumnSummary>): ColumnDrift {
  const ref = countsOf(reference);
  const cur = countsOf(current);
  const distinct = new Set([...ref.keys(), ...cur.keys()]).size;
  const id = chooseMethod('categorical', total(ref), distinct);
  return tested(name, 'categorical', id, countTest(id, ref, cur), summaries, categoricalHistogram(ref, cur));
}

/** Distinct values of two sorted samples together, counted up to `limit`. */
function distinctInBoth(a: Float64Array, b: Float64Array, limit: number): number {
  let i = 0;
  let j = 0;
  let count = 0;
  while ((i < a.length || j < b.length) && count < limit) {
    const value = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < a.length && a[i] === value) i++;
    while (j < b.length && b[j] === value) j++;
    count++;
  }
  return count;
}

function countTest(id: string, reference: Counts, current: Counts): number {
  if (id === 'chisquare') return chiSquarePValue(reference, current);
  if (id === 'z') return zTestPValue(reference, current);
  return jensenShannon(reference, current);
}

function tested(name: string, type: ColumnType, id: keyof typeof METHODS, score: number, summaries: Record<Side, ColumnSummary>, histogram: ColumnDrift['histogram']): ColumnDrift {
  const { threshold, ...method } = METHODS[id];
  return { column: name, type, status: 'tested', method, score, threshold, drifted: drifted(id, score, threshold), ...summaries, ...(histogram ? { histogram } : {}), problems: [] };
}
