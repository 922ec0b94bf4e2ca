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
  const parts = line.trim().split(' ');
  if (parts.length !== 2 && parts.length !== 3 && parts.length !== 5) {
    throw new TrackingError('corrupt-entity', `Metric '${key}' is malformed: a line has ${parts.length} fields, expected 2, 3 or 5`, key);
  }
  const timestamp = parseInteger(parts[0]!, key);
  const value = parsePythonFloat(parts[1]!, key);
  const step = parts.length === 3 ? parseInteger(parts[2]!, key) : 0;
  if (parts.length === 5) return { timestamp, value, step, datasetName: parts[3]!, datasetDigest: parts[4]! };
  return { timestamp, value, step };
}

/** Python's float(): `nan`, `inf`, `-inf`, `infinity` in any case, plus ordinary literals. */
export function parsePythonFloat(text: string, key: string): number {
  const lower = text.toLowerCase().replace(/^\+/, '');
  if (lower === 'nan' || lower === '-nan') return NaN;
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  const value = Number(text.replaceAll('_', ''));
  if (text.trim() === '' || Number.isNaN(value)) throw new TrackingError('corrupt-entity', `Metric '${key}' has a value that is not a number: ${JSON.stringify(text.slice(0, 40))}`, key);
  return value;
}

function parseInteger(text: string, key: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new TrackingError('corrupt-entity', `Metric '${key}' has a malformed integer field: ${JSON.stringify(text.slice(0, 40))}`, key);
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
