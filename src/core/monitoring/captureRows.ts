/**
 * What one request to `mlflow models serve` becomes in the capture log: one JSON line per input
 * row, flat, the model's input columns under their own names (as its training data names them, so
 * the drift reader compares them column by column), plus the metadata below. The request formats
 * are the scoring server's (mlflow/pyfunc/scoring_server: `dataframe_split`, `dataframe_records`,
 * `instances`, `inputs`); the answer is `{"predictions": …}` with one prediction per row.
 */

/** The metadata columns of a capture line; drift leaves them out (they are not model inputs). */
export const CAPTURE_METADATA = ['timestamp', 'model_uri', 'model_version', 'request_id', 'prediction'] as const;

/** An input column whose name is taken by the metadata is kept under this prefix. */
const RENAMED_PREFIX = 'input.';

export type CaptureSkip =
  | { readonly reason: 'not-json'; readonly message: string }
  | { readonly reason: 'unknown-format'; readonly message: string }
  | { readonly reason: 'too-many-rows'; readonly message: string }
  | { readonly reason: 'predictions-mismatch'; readonly message: string };

export interface CaptureContext {
  readonly modelUri: string;
  /** The registered version served (`3`), when known. */
  readonly modelVersion?: string;
  readonly requestId: string;
  readonly timestamp: Date;
  /** At most this many rows of one request are captured; a larger request is skipped whole. */
  readonly maxRows?: number;
}

export type CaptureOutcome = { readonly lines: readonly string[] } | { readonly skipped: CaptureSkip };

const MAX_ROWS = 10_000;

/**
 * The capture lines of one answered request (`requestBody` as sent, `responseBody` as the server
 * answered with 200), or why none are written. Never throws: a body is untrusted input.
 */
export function captureLines(requestBody: string, responseBody: string, context: CaptureContext): CaptureOutcome {
  const request = parse(requestBody);
  if (request === undefined) return { skipped: { reason: 'not-json', message: 'the request body is not JSON (CSV bodies are not captured)' } };
  const rows = inputRows(request);
  if (!rows) return { skipped: { reason: 'unknown-format', message: 'the request has none of dataframe_split, dataframe_records, instances, inputs' } };
  const maxRows = context.maxRows ?? MAX_ROWS;
  if (rows.length > maxRows) return { skipped: { reason: 'too-many-rows', message: `${rows.length} rows in one request (at most ${maxRows} are captured)` } };
  const predictions = predictionList(parse(responseBody));
  if (predictions && predictions.length !== rows.length) {
    return { skipped: { reason: 'predictions-mismatch', message: `${rows.length} input rows but ${predictions.length} predictions` } };
  }
  const timestamp = context.timestamp.toISOString();
  const lines = rows.map((row, i) => {
    const line: Record<string, unknown> = { timestamp, model_uri: context.modelUri };
    if (context.modelVersion !== undefined) line['model_version'] = context.modelVersion;
    line['request_id'] = context.requestId;
    line['prediction'] = predictions ? predictions[i] : null;
    for (const [name, value] of Object.entries(row)) line[(CAPTURE_METADATA as readonly string[]).includes(name) ? RENAMED_PREFIX + name : name] = value;
    return JSON.stringify(line);
  });
  return { lines };
}

type Row = Record<string, unknown>;

/** The rows of a scoring-server request, as pandas would make a DataFrame of them. */
export function inputRows(request: unknown): Row[] | undefined {
  if (!isObject(request)) return Array.isArray(request) ? listRows(request) : undefined;
  if ('dataframe_split' in request) return splitRows(request['dataframe_split']);
  if ('dataframe_records' in request) return Array.isArray(request['dataframe_records']) ? listRows(request['dataframe_records']) : undefined;
  const tensor = 'instances' in request ? request['instances'] : 'inputs' in request ? request['inputs'] : undefined;
  if (Array.isArray(tensor)) return listRows(tensor);
  if (isObject(tensor)) return columnRows(tensor);
  return undefined;
}

function splitRows(split: unknown): Row[] | undefined {
  if (!isObject(split) || !Array.isArray(split['data'])) return undefined;
  const data = split['data'] as unknown[];
  const columns = Array.isArray(split['columns']) ? (split['columns'] as unknown[]).map(String) : undefined;
  return data.map((values) => {
    const cells = Array.isArray(values) ? values : [values];
    const row: Row = {};
    cells.forEach((value, i) => (row[columns?.[i] ?? String(i)] = value));
    return row;
  });
}

/** `[{a: 1}, …]` as records; `[[1, 2], …]` as columns `0`, `1`, …; `[1, 2]` as one column `0`. */
function listRows(list: readonly unknown[]): Row[] {
  return list.map((item) => {
    if (isObject(item)) return { ...item };
    if (Array.isArray(item)) return Object.fromEntries(item.map((value, i) => [String(i), value]));
    return { '0': item };
  });
}

/** `{a: [1, 2], b: [3, 4]}`: one row per position; a scalar is repeated as pandas broadcasts it. */
function columnRows(columns: Row): Row[] | undefined {
  const lengths = Object.values(columns).filter(Array.isArray).map((values) => (values as unknown[]).length);
  const count = lengths.length > 0 ? Math.max(...lengths) : 1;
  if (lengths.some((length) => length !== count)) return undefined;
  return Array.from({ length: count }, (_, i) => Object.fromEntries(Object.entries(columns).map(([name, values]) => [name, Array.isArray(values) ? values[i] : values])));
}

/** `{"predictions": [...]}` (or a bare list); a column-wise dict of lists becomes one dict per row. */
export function predictionList(response: unknown): unknown[] | undefined {
  const predictions = isObject(response) && 'predictions' in response ? response['predictions'] : response;
  if (Array.isArray(predictions)) return predictions;
  if (isObject(predictions)) return columnRows(predictions);
  return undefined;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Row => typeof value === 'object' && value !== null && !Array.isArray(value);
