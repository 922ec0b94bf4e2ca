import { parse as parseYaml } from 'yaml';
import { TrackingError } from '../tracking/errors.js';

/**
 * What a user wants to know from an `MLmodel` file (mlflow/models/model.py `Model.to_dict`):
 * flavors, signature, input example, where it came from.
 */
export interface MlModelInfo {
  readonly flavors: readonly string[];
  readonly loaderModule?: string;
  readonly mlflowVersion?: string;
  readonly modelId?: string;
  readonly runId?: string;
  readonly created?: string;
  readonly sizeBytes?: number;
  readonly signature?: { readonly inputs: readonly string[]; readonly outputs: readonly string[]; readonly params: readonly string[] };
  readonly inputExample?: { readonly artifactPath: string; readonly servingInputPath?: string; readonly type?: string };
}

export function parseMlModel(text: string, where = 'MLmodel'): MlModelInfo {
  return summarizeMlModel(readMlModelDocument(text, where));
}

/** The MLmodel YAML as a plain mapping (for readers that need more than the summary, e.g. raw signature schemas). */
export function readMlModelDocument(text: string, where = 'MLmodel'): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text, { version: '1.1' });
  } catch (error) {
    throw new TrackingError('corrupt-entity', `${where} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, where, { cause: error });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new TrackingError('corrupt-entity', `${where} is empty or not a mapping`, where);
  return doc as Record<string, unknown>;
}

export function summarizeMlModel(model: Record<string, unknown>): MlModelInfo {
  const flavors = (model.flavors && typeof model.flavors === 'object' ? model.flavors : {}) as Record<string, Record<string, unknown> | null>;
  const signature = model.signature as Record<string, unknown> | undefined | null;
  const example = model.saved_input_example_info as Record<string, unknown> | undefined | null;
  return {
    flavors: Object.keys(flavors),
    loaderModule: stringOf(flavors.python_function?.loader_module),
    mlflowVersion: stringOf(model.mlflow_version),
    modelId: stringOf(model.model_id),
    runId: stringOf(model.run_id),
    created: stringOf(model.utc_time_created),
    sizeBytes: typeof model.model_size_bytes === 'number' ? model.model_size_bytes : undefined,
    signature: signature
      ? { inputs: describeSchema(signature.inputs), outputs: describeSchema(signature.outputs), params: describeSchema(signature.params) }
      : undefined,
    inputExample: example && typeof example.artifact_path === 'string'
      ? { artifactPath: example.artifact_path, servingInputPath: stringOf(example.serving_input_path), type: stringOf(example.type) }
      : undefined,
  };
}

/**
 * One line per column of a signature schema, stored as a JSON string (mlflow/types/schema.py):
 * `sepal_length: double`, `tensor float64 [-1, 3]`, `alpha: float = 0.1 (param)`.
 */
export function describeSchema(json: unknown): string[] {
  if (typeof json !== 'string' || json === '') return [];
  let columns: unknown;
  try {
    columns = JSON.parse(json);
  } catch {
    return [json];
  }
  if (!Array.isArray(columns)) return [];
  return columns.map((column: Record<string, unknown>) => {
    const spec = column['tensor-spec'] as { dtype?: string; shape?: number[] } | undefined;
    if (column.type === 'tensor' && spec) return `${column.name ? `${String(column.name)}: ` : ''}tensor ${spec.dtype ?? '?'} [${(spec.shape ?? []).join(', ')}]`;
    const type = typeof column.type === 'string' ? column.type : JSON.stringify(column.type);
    const optional = column.required === false ? ' (optional)' : '';
    const fallback = 'default' in column ? ` = ${JSON.stringify(column.default)}` : '';
    return `${column.name === undefined ? '' : `${String(column.name)}: `}${type}${fallback}${optional}`;
  });
}

const stringOf = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : String(value));
