/**
 * The body of a test request to `POST /invocations`, from what the model carries (MLflow 3,
 * mlflow/models/utils.py `_Example`): the saved `serving_input_example.json` when present (already
 * in the server's format); else the older `input_example.json`, wrapped by its recorded type; else
 * a skeleton built from the signature for the user to edit; else nothing.
 */
import { readMlModelDocument } from '../models/mlmodel.js';
import { findVersion, modelFileReader, type ModelReference } from '../models/modelFiles.js';
import type { ModelRegistry, TrackingStore } from '../tracking/store.js';

export type PayloadSource = 'serving-input-example' | 'input-example' | 'signature' | 'none';

export interface RequestPayload {
  readonly source: PayloadSource;
  /** JSON text for the request body; `{}` when the model tells nothing (source `none`). */
  readonly body: string;
  /** The artifact file the body came from, relative to the model folder. */
  readonly file?: string;
}

/** Reads a file of the model folder by relative path; undefined when it is not there. */
export type ModelFileReader = (relativePath: string) => Promise<string | undefined>;

export async function requestPayload(mlmodelText: string, readFile: ModelFileReader): Promise<RequestPayload> {
  const model = readMlModelDocument(mlmodelText);
  const info = (model.saved_input_example_info ?? undefined) as Record<string, unknown> | undefined;
  const servingPath = typeof info?.serving_input_path === 'string' ? info.serving_input_path : undefined;
  if (servingPath) {
    const text = await readFile(servingPath);
    if (text !== undefined && isJson(text)) return { source: 'serving-input-example', body: text, file: servingPath };
  }
  const examplePath = typeof info?.artifact_path === 'string' ? info.artifact_path : undefined;
  if (info && examplePath) {
    const text = await readFile(examplePath);
    const wrapped = text === undefined ? undefined : wrapInputExample(text, info);
    if (wrapped !== undefined) return { source: 'input-example', body: JSON.stringify(wrapped), file: examplePath };
  }
  const signature = (model.signature ?? undefined) as Record<string, unknown> | undefined;
  const skeleton = signature ? signatureSkeleton(signature.inputs, signature.params) : undefined;
  if (skeleton !== undefined) return { source: 'signature', body: skeleton };
  return { source: 'none', body: '{}' };
}

/** An `input_example.json` (data, or `{inputs, params}` when saved with params) in the server's request format. */
function wrapInputExample(text: string, info: Record<string, unknown>): Record<string, unknown> | undefined {
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    return undefined;
  }
  let params: unknown;
  if (info.params === 'true' && content !== null && typeof content === 'object' && 'inputs' in content) {
    ({ inputs: content, params } = content as { inputs: unknown; params: unknown });
  }
  let body: Record<string, unknown>;
  if (info.type === 'dataframe') {
    const orient = info.pandas_orient;
    body = orient === 'records' ? { dataframe_records: content } : orient === 'values' ? { inputs: content } : { dataframe_split: content };
  } else if (content !== null && typeof content === 'object' && !Array.isArray(content) && Object.keys(content).length === 1 && 'inputs' in content) {
    body = content as Record<string, unknown>;
  } else {
    body = { inputs: content };
  }
  return params === undefined ? body : { ...body, params };
}

const FLOAT_ZERO = '__mlWorkbenchFloatZero__';

/**
 * One row of placeholders shaped like the signature: `{"dataframe_split": {"columns": […], "data":
 * [[…]]}}` for a column schema, `{"inputs": …}` for tensors (named ones as a mapping), plus
 * `"params"` with their defaults. Floats are written `0.0` so the server reads float columns.
 */
export function signatureSkeleton(inputsJson: unknown, paramsJson?: unknown): string | undefined {
  const inputs = parseSchema(inputsJson);
  if (inputs === undefined || inputs.length === 0) return undefined;
  let body: Record<string, unknown>;
  if (inputs.every((spec) => spec.type === 'tensor')) {
    const named = inputs.every((spec) => typeof spec.name === 'string');
    body = named
      ? { inputs: Object.fromEntries(inputs.map((spec) => [spec.name as string, tensorPlaceholder(spec)])) }
      : { inputs: tensorPlaceholder(inputs[0]!) };
  } else {
    const row = inputs.map((spec) => columnPlaceholder(spec));
    const named = inputs.every((spec) => typeof spec.name === 'string');
    body = { dataframe_split: named ? { columns: inputs.map((spec) => spec.name), data: [row] } : { data: [row] } };
  }
  const params = parseSchema(paramsJson) ?? [];
  if (params.length > 0) body = { ...body, params: Object.fromEntries(params.map((param) => [String(param.name), param.default ?? null])) };
  return JSON.stringify(body, null, 2).replace(new RegExp(`"${FLOAT_ZERO}"`, 'g'), '0.0');
}

type SchemaEntry = Record<string, unknown> & { type?: unknown; name?: unknown };

function parseSchema(json: unknown): SchemaEntry[] | undefined {
  if (typeof json !== 'string' || json === '') return Array.isArray(json) ? (json as SchemaEntry[]) : undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as SchemaEntry[]) : undefined;
  } catch {
    return undefined;
  }
}

/** mlflow/types/schema.py DataType names, Array/Object/Map specs. */
function columnPlaceholder(spec: SchemaEntry): unknown {
  const type = spec.type;
  if (type === 'array') return [columnPlaceholder((spec.items ?? {}) as SchemaEntry)];
  if (type === 'object') {
    const properties = (spec.properties ?? {}) as Record<string, SchemaEntry>;
    return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, columnPlaceholder(value)]));
  }
  if (type === 'map') return {};
  switch (type) {
    case 'double':
    case 'float':
      return FLOAT_ZERO;
    case 'integer':
    case 'long':
      return 0;
    case 'boolean':
      return false;
    case 'datetime':
      return '1970-01-01T00:00:00';
    default:
      return '';
  }
}

/** Zeros in the tensor's shape, a variable (-1) dimension taken as 1 (a fixed one kept, so the shape validates). */
function tensorPlaceholder(spec: SchemaEntry): unknown {
  const tensor = (spec['tensor-spec'] ?? {}) as { dtype?: string; shape?: number[] };
  const dtype = tensor.dtype ?? 'float64';
  const leaf = /^float/.test(dtype) ? FLOAT_ZERO : /^u?int/.test(dtype) ? 0 : dtype === 'bool' ? false : '';
  const build = (dims: readonly number[]): unknown => (dims.length === 0 ? leaf : Array.from({ length: dims[0]! > 0 ? dims[0]! : 1 }, () => build(dims.slice(1))));
  return build(tensor.shape ?? [-1]);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The body of a test request for a registered version: its serving input example, input example, or a signature skeleton. */
export async function payloadForVersion(store: TrackingStore & ModelRegistry, reference: ModelReference): Promise<RequestPayload> {
  const version = await findVersion(store, reference);
  const read = modelFileReader(store, version);
  const mlmodel = await read('MLmodel');
  if (mlmodel === undefined) throw new Error(`The MLmodel file of ${reference.name} version ${reference.version} could not be read (source ${version.source ?? '?'}).`);
  return requestPayload(mlmodel, read);
}
