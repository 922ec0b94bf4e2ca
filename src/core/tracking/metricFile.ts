import { TrackingError } from './errors.js';

export interface MetricPoint {
  readonly timestamp: number;
  readonly value: number;
  readonly step: number;
  readonly datasetName?: string;
  readonly datasetDigest?: string;
}

/**
 * One line of a file-store metric file: `ts value [step [dataset_name dataset_digest]]`
 * (file_store.py `_get_metric_from_line`). Note MLflow's own quirk, kept for identical answers:
 * a 5-field line is read with step 0.
 */
export function parseMetricLine(line: string, key: string): MetricPoint {
  const trimmed = line.trim();
  // Fields by indexOf: a metric file can hold millions of lines, and split() allocates per line.
  const a = trimmed.indexOf(' ');
  const b = a < 0 ? -1 : trimmed.indexOf(' ', a + 1);
  if (a < 0) throw malformed(key, 1);
  const timestamp = parseInteger(trimmed.slice(0, a), key);
  const value = parsePythonFloat(b < 0 ? trimmed.slice(a + 1) : trimmed.slice(a + 1, b), key);
  if (b < 0) return { timestamp, value, step: 0 };
  const c = trimmed.indexOf(' ', b + 1);
  if (c < 0) return { timestamp, value, step: parseInteger(trimmed.slice(b + 1), key) };
  const parts = trimmed.slice(b + 1).split(' ');
  if (parts.length !== 3) throw malformed(key, parts.length + 2);
  return { timestamp, value, step: 0, datasetName: parts[1]!, datasetDigest: parts[2]! };
}

function malformed(key: string, fields: number): TrackingError {
  return new TrackingError('corrupt-entity', `Metric '${key}' is malformed: a line has ${fields} fields, expected 2, 3 or 5`, key);
}

/** Every point of a metric file's text, in file order (blank lines skipped). */
export function parseMetricText(text: string, key: string): MetricPoint[] {
  const points: MetricPoint[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    if (line.trim() !== '') points.push(parseMetricLine(line, key));
    start = end + 1;
  }
  return points;
}

/** Python's float(): `nan`, `inf`, `-inf`, `infinity` in any case, plus ordinary literals. */
export function parsePythonFloat(text: string, key: string): number {
  const fast = Number(text);
  // Number() accepts what Python's float() accepts for digits, signs, '.', exponents; not '', hex or '_'.
  if (fast === fast && text !== '' && !/[xXoObB_ ]/.test(text)) return fast;
  const lower = text.toLowerCase().replace(/^\+/, '');
  if (lower === 'nan' || lower === '-nan') return NaN;
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  const value = Number(text.replaceAll('_', ''));
  if (text.trim() === '' || Number.isNaN(value)) throw new TrackingError('corrupt-entity', `Metric '${key}' has a value that is not a number: ${JSON.stringify(text.slice(0, 40))}`, key);
  return value;
}

function parseInteger(text: string, key: string): number {
  if (!isIntegerText(text)) throw new TrackingError('corrupt-entity', `Metric '${key}' has a malformed integer field: ${JSON.stringify(text.slice(0, 40))}`, key);
  return Number(text);
}

/**
 * The point MLflow reports as the metric's latest value: the max of (step, timestamp, value) by
 * Python tuple comparison, where NaN compares unequal and not greater, so an earlier point wins.
 */
export function latestOf(points: readonly MetricPoint[]): MetricPoint | undefined {
  let best: MetricPoint | undefined;
  for (const point of points) {
    if (!best || tupleGreater([point.step, point.timestamp, point.value], [best.step, best.timestamp, best.value])) best = point;
  }
  return best;
}

function tupleGreater(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    return a[i]! > b[i]!;
  }
  return false;
}

/** `[+-]?[0-9]+`, checked by char codes: this runs once or twice per logged point. */
function isIntegerText(text: string): boolean {
  let i = text.charCodeAt(0) === 43 || text.charCodeAt(0) === 45 ? 1 : 0;
  if (i >= text.length) return false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The latest point of a metric file's text (see {@link latestOf}) without building a point per
 * line: listing runs reads every metric file whole, and only one point of each matters.
 */
export function latestInText(text: string, key: string): MetricPoint | undefined {
  let best: MetricPoint | undefined;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const a = text.indexOf(' ', start);
    const b = a < 0 || a >= end ? -1 : text.indexOf(' ', a + 1);
    // The common 3-field line, parsed in place; anything else takes the general parser.
    if (a > start && b > a && (text.indexOf(' ', b + 1) < 0 || text.indexOf(' ', b + 1) >= end) && text.charCodeAt(end - 1) !== 13) {
      const step = integerAt(text, b + 1, end);
      const timestamp = integerAt(text, start, a);
      if (step !== undefined && timestamp !== undefined) {
        if (!best || step > best.step || (step === best.step && (timestamp > best.timestamp || (timestamp === best.timestamp && isGreaterValue(text, a + 1, b, best.value))))) {
          best = { timestamp, value: parsePythonFloat(text.slice(a + 1, b), key), step };
        } else {
          parsePythonFloat(text.slice(a + 1, b), key);
        }
        start = end + 1;
        continue;
      }
    }
    const line = text.slice(start, end);
    if (line.trim() !== '') {
      const point = parseMetricLine(line, key);
      if (!best || tupleGreater([point.step, point.timestamp, point.value], [best.step, best.timestamp, best.value])) best = point;
    }
    start = end + 1;
  }
  return best;
}

function isGreaterValue(text: string, from: number, to: number, than: number): boolean {
  const value = parsePythonFloat(text.slice(from, to), '');
  return value > than;
}

/** An optionally signed decimal integer in text[from, to), or undefined when it is not one. */
function integerAt(text: string, from: number, to: number): number | undefined {
  if (from >= to || to - from > 16) return undefined;
  let i = from;
  let sign = 1;
  if (text.charCodeAt(i) === 45) {
    sign = -1;
    i++;
  } else if (text.charCodeAt(i) === 43) i++;
  if (i >= to) return undefined;
  let value = 0;
  for (; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    value = value * 10 + c;
  }
  return sign * value;
}
