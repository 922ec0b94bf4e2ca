/**
 * CSV export of chart series: `run_id,run_name,key,step,timestamp,value`, one row per point,
 * either the points drawn (a slice's sourceIndex) or the full history.
 *
 * Fields follow RFC 4180: CRLF between records, a field holding a comma, a double quote, CR or
 * LF is quoted and its quotes doubled (run names are free text).
 *
 * Values are written as Python's repr() writes the float that MLflow's client returns:
 * `MlflowClient().get_metric_history(...)[i].value` printed gives `0.1`, `1.0`, `1e-05`,
 * `1e+16`, `nan`, `inf`, `-inf` (checked against MLflow 3.17.2; the file store's metric files use
 * the same text). The digits are the shortest that read back as the same double, in JS
 * (String(n)) as in Python (repr), so a row equals `f"{m.step},{m.timestamp},{m.value}"` and
 * every value round-trips exactly: Python's float() and pandas read all of them, and JS reads
 * them with {@link parseMetricValue} (Number('inf') is NaN). ±Infinity from a SQLite store is
 * already ±1.7976931348623157e+308 there, as MLflow's client reports it.
 *
 * Fields are not defused for spreadsheets (a run name starting with `=` stays as is): the export
 * is data and must equal MLflow's.
 */

export const CSV_HEADER = 'run_id,run_name,key,step,timestamp,value';

const CRLF = '\r\n';
const ROWS_PER_CHUNK = 16_384;

export interface CsvSeries {
  readonly runId: string;
  readonly runName: string;
  readonly key: string;
  readonly step: Float64Array;
  /** Milliseconds since the epoch, as logged. */
  readonly timestamp: Float64Array;
  /** The logged values (not the chart's NaN-for-gaps y). */
  readonly value: Float64Array;
  /** The rows to write, e.g. a SeriesSlice's sourceIndex for the points shown; all when left out. */
  readonly rows?: Uint32Array;
}

/**
 * The CSV in pieces of at most 16,384 rows, header first: a full export of many long histories
 * is written piece by piece (one string could exceed V8's maximum string length).
 */
export function* metricsCsvChunks(series: readonly CsvSeries[]): Generator<string, void, undefined> {
  yield CSV_HEADER + CRLF;
  for (const s of series) {
    const prefix = `${csvField(s.runId)},${csvField(s.runName)},${csvField(s.key)},`;
    const count = s.rows ? s.rows.length : s.value.length;
    for (let from = 0; from < count; from += ROWS_PER_CHUNK) {
      const to = Math.min(count, from + ROWS_PER_CHUNK);
      let chunk = '';
      for (let r = from; r < to; r++) {
        const i = s.rows ? s.rows[r]! : r;
        chunk += `${prefix}${s.step[i]!},${s.timestamp[i]!},${formatMetricValue(s.value[i]!)}${CRLF}`;
      }
      yield chunk;
    }
  }
}

/** The whole CSV as one string. */
export function metricsCsv(series: readonly CsvSeries[]): string {
  let text = '';
  for (const chunk of metricsCsvChunks(series)) text += chunk;
  return text;
}

/** One RFC 4180 field: quoted only when it must be. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Python's repr() of a float: shortest round-trip digits (the same as JS's), fixed notation with
 * at least one decimal for 1e-4 <= |v| < 1e16, else d[.ddd]e±XX with at least two exponent
 * digits; `nan`, `inf`, `-inf`; `-0.0`.
 */
export function formatMetricValue(value: number): string {
  if (value !== value) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    // JS writes fixed notation for 1e-7 <= |v| < 1e21: the same digits, with the point placed.
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const exponential = magnitude.toExponential();
  const e = exponential.indexOf('e');
  const exponent = Number(exponential.slice(e + 1));
  const digits = String(Math.abs(exponent)).padStart(2, '0');
  return `${value < 0 ? '-' : ''}${exponential.slice(0, e)}e${exponent < 0 ? '-' : '+'}${digits}`;
}

/** The inverse of {@link formatMetricValue}, also reading JS's and protobuf JSON's spellings. */
export function parseMetricValue(text: string): number {
  const trimmed = text.trim();
  switch (trimmed.toLowerCase()) {
    case 'nan':
    case '-nan':
      return NaN;
    case 'inf':
    case 'infinity':
    case '+inf':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
  }
  const value = trimmed === '' ? NaN : Number(trimmed);
  if (Number.isNaN(value)) throw new RangeError(`not a metric value: ${JSON.stringify(text.slice(0, 40))}`);
  return value;
}
