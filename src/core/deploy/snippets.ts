/**
 * Model-as-Dependency: the code that loads a registered model inside the application. The pyfunc
 * flavor (`mlflow.pyfunc.load_model`) works for every model and is the default; a model's native
 * flavor (listed in its MLmodel) gives the framework's own object — an sklearn estimator, a torch
 * module — for code that needs more than `predict`.
 */
import { pythonStringLiteral } from './templates.js';

export interface FlavorChoice {
  readonly flavor: string;
  readonly label: string;
  readonly detail: string;
}

interface NativeFlavor {
  readonly label: string;
  /** What `load_model` returns, for the comment. */
  readonly returns: string;
  /** Lines after loading (`model` is the loaded object). */
  readonly use: readonly string[];
  readonly imports?: readonly string[];
}

/** Native flavors whose load and use we know (MLflow 3 flavor modules, `mlflow.<flavor>.load_model`). */
const NATIVE: Readonly<Record<string, NativeFlavor>> = {
  sklearn: { label: 'scikit-learn', returns: 'the fitted scikit-learn estimator', use: ['predictions = model.predict(frame)', '# classifiers: probabilities = model.predict_proba(frame)'] },
  xgboost: { label: 'XGBoost', returns: 'an xgboost Booster, or the XGBModel it was logged as', use: ['predictions = model.predict(frame)  # a Booster needs xgboost.DMatrix(frame)'] },
  lightgbm: { label: 'LightGBM', returns: 'a lightgbm Booster, or the LGBMModel it was logged as', use: ['predictions = model.predict(frame)'] },
  catboost: { label: 'CatBoost', returns: 'the CatBoost model', use: ['predictions = model.predict(frame)'] },
  statsmodels: { label: 'statsmodels', returns: 'the fitted statsmodels results object', use: ['predictions = model.predict(frame)'] },
  pytorch: { label: 'PyTorch', returns: 'the torch.nn.Module', use: ['model.eval()', 'with torch.no_grad():', '    predictions = model(torch.as_tensor(frame.to_numpy(), dtype=torch.float32))'], imports: ['import torch'] },
  tensorflow: { label: 'TensorFlow', returns: 'the TensorFlow/Keras model', use: ['predictions = model(frame.to_numpy())'] },
  keras: { label: 'Keras', returns: 'the Keras model', use: ['predictions = model.predict(frame.to_numpy())'] },
  transformers: { label: 'Transformers', returns: 'a transformers pipeline (components when logged without one)', use: ['predictions = model("Replace with your input")'] },
  sentence_transformers: { label: 'Sentence Transformers', returns: 'the SentenceTransformer', use: ['embeddings = model.encode(["Replace with your sentences"])'] },
  prophet: { label: 'Prophet', returns: 'the fitted Prophet model', use: ['future = model.make_future_dataframe(periods=30)', 'forecast = model.predict(future)'] },
  spacy: { label: 'spaCy', returns: 'the spaCy Language pipeline', use: ['doc = model("Replace with your text")'] },
  onnx: { label: 'ONNX', returns: 'the onnx.ModelProto (run it with onnxruntime)', use: ['import onnxruntime', 'session = onnxruntime.InferenceSession(model.SerializeToString())', 'predictions = session.run(None, {session.get_inputs()[0].name: frame.to_numpy()})'] },
  spark: { label: 'Spark MLlib', returns: 'the Spark PipelineModel (needs a SparkSession)', use: ['predictions = model.transform(spark_frame)'] },
};

export const PYFUNC = 'python_function';

/** pyfunc first (when the model has it), then the native flavors we can write code for. */
export function flavorChoices(flavors: readonly string[]): FlavorChoice[] {
  const choices: FlavorChoice[] = [];
  if (flavors.includes(PYFUNC)) choices.push({ flavor: PYFUNC, label: 'pyfunc (recommended)', detail: 'mlflow.pyfunc.load_model: the same predict() for every model, with its signature enforced' });
  for (const flavor of flavors) {
    const native = NATIVE[flavor];
    if (native) choices.push({ flavor, label: native.label, detail: `mlflow.${flavor}.load_model: ${native.returns}` });
  }
  return choices;
}

/** An example input, from the model's serving input example or signature (see requestPayload). */
export interface ExampleInput {
  /** The request body (`{"dataframe_split": {columns, data}}`, `{"inputs": …}`). */
  readonly body: string;
  /** Column name → MLflow type, from the signature (floats are written as floats). */
  readonly columnTypes?: Readonly<Record<string, string>>;
}

export interface SnippetRequest {
  readonly modelUri: string;
  /** The flavor to load with (default pyfunc). */
  readonly flavor?: string;
  /** `models:/iris@champion` → `3`: named in the comment. */
  readonly resolvedVersion?: string;
  readonly example?: ExampleInput;
  /** Written as `mlflow.set_tracking_uri(…)` when the code would not find the store by itself. */
  readonly trackingUri?: string;
}

export interface Snippet {
  /** Import lines the code needs (insert the missing ones at the top of the file). */
  readonly imports: readonly string[];
  /** The lines inserted at the cursor. */
  readonly code: string;
}

export function modelSnippet(request: SnippetRequest): Snippet {
  const flavor = request.flavor ?? PYFUNC;
  const native = flavor === PYFUNC ? undefined : NATIVE[flavor];
  if (flavor !== PYFUNC && !native) throw new Error(`No snippet for the flavor "${flavor}"; use pyfunc.`);
  const uri = pythonStringLiteral(request.modelUri);
  const imports = new Set(['import mlflow']);
  const lines: string[] = [];
  const pinned = request.resolvedVersion && !/\/\d+$/.test(request.modelUri) ? ` (version ${request.resolvedVersion} when this was written)` : '';
  lines.push(`# ${request.modelUri.replace(/[\r\n\u2028\u2029]+/g, ' ')}${pinned}: ${native ? native.returns : 'a pyfunc model: predict() takes a DataFrame and enforces the signature'}`);
  if (request.trackingUri) lines.push(`mlflow.set_tracking_uri(${pythonStringLiteral(request.trackingUri)})`);
  lines.push(`model = mlflow.${native ? flavor : 'pyfunc'}.load_model(${uri})`);
  const input = exampleLines(request.example);
  if (input.usesPandas) imports.add('import pandas as pd');
  lines.push(...input.lines);
  if (native) {
    for (const line of native.imports ?? []) imports.add(line);
    lines.push(...native.use);
  } else {
    lines.push(`predictions = model.predict(${input.variable})`);
  }
  return { imports: [...imports], code: `${lines.join('\n')}\n` };
}

function exampleLines(example: ExampleInput | undefined): { lines: string[]; variable: string; usesPandas: boolean } {
  const body = parseBody(example?.body);
  const split = body?.dataframe_split as { columns?: unknown; data?: unknown } | undefined;
  if (split && Array.isArray(split.data) && Array.isArray(split.data[0])) {
    const columns = Array.isArray(split.columns) ? split.columns.map(String) : undefined;
    const row = (split.data[0] as unknown[]).map((value, index) => pythonLiteral(value, columns ? example?.columnTypes?.[columns[index]!] : undefined));
    const columnsArgument = columns ? `, columns=[${columns.map(pythonStringLiteral).join(', ')}]` : '';
    return { lines: [`frame = pd.DataFrame([[${row.join(', ')}]]${columnsArgument})  # one example row: replace with your data`], variable: 'frame', usesPandas: true };
  }
  if (body && 'inputs' in body) {
    return { lines: [`inputs = ${pythonLiteral(body.inputs)}  # the model's example input: replace with your data`], variable: 'inputs', usesPandas: false };
  }
  return { lines: ['frame = ...  # the model has no input example or signature: pass what it was trained on'], variable: 'frame', usesPandas: false };
}

function parseBody(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON value as a Python literal; numbers in a float column written as floats (`5` → `5.0`). */
export function pythonLiteral(value: unknown, mlflowType?: string): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return Number.isNaN(value) ? 'float("nan")' : value > 0 ? 'float("inf")' : '-float("inf")';
    const text = String(value);
    return (mlflowType === 'double' || mlflowType === 'float') && /^-?\d+$/.test(text) ? `${text}.0` : text;
  }
  if (typeof value === 'string') return pythonStringLiteral(value);
  if (Array.isArray(value)) return `[${value.map((item) => pythonLiteral(item)).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([key, item]) => `${pythonStringLiteral(key)}: ${pythonLiteral(item)}`).join(', ')}}`;
}

/** Column name → type of a signature's `inputs` JSON (named column specs only). */
export function signatureColumnTypes(inputsJson: unknown): Record<string, string> {
  if (typeof inputsJson !== 'string') return {};
  try {
    const specs: unknown = JSON.parse(inputsJson);
    if (!Array.isArray(specs)) return {};
    return Object.fromEntries(specs.filter((spec) => spec && typeof spec.name === 'string' && typeof spec.type === 'string').map((spec) => [spec.name as string, spec.type as string]));
  } catch {
    return {};
  }
}
