/**
 * The MLproject file as MLflow reads it (mlflow/projects/_project_spec.py `load_project`): found
 * case-insensitively in the project folder, loaded with PyYAML's `safe_load` (YAML 1.1), at most one
 * of python_env / conda_env / docker_env, entry points with typed parameters and a command template.
 * Scalars are typed the way PyYAML types them, so a default prints as MLflow prints it (`1e-05`,
 * `True`, `10`), not as JavaScript would.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { pyYamlPlainScalarToStr, pyYamlPlainScalarType, shlexQuote } from './pythonValues.js';
import { TaskError } from './spec.js';

export type ParameterType = 'string' | 'float' | 'int' | 'path' | 'uri' | (string & {});

export interface EntryPointParameter {
  readonly name: string;
  /** As declared; MLflow treats any type other than `path` and `uri` like `string`. */
  readonly type: ParameterType;
  /** The default as MLflow substitutes it (Python `str()` of the YAML value); none: the parameter is required. */
  readonly default?: string;
}

export interface EntryPoint {
  readonly name: string;
  /** A Python `str.format` template: `python train.py --alpha {alpha}`. */
  readonly command: string;
  /** In declaration order, which is the order MLflow logs and substitutes them in. */
  readonly parameters: readonly EntryPointParameter[];
}

export type ProjectEnvironment =
  | { readonly kind: 'python_env' | 'conda_env'; readonly file: string }
  | { readonly kind: 'docker_env'; readonly image: string; readonly volumes: readonly string[] }
  | { readonly kind: 'none' };

export interface MlProject {
  readonly name?: string;
  readonly environment: ProjectEnvironment;
  readonly entryPoints: readonly EntryPoint[];
}

type Tree = { readonly scalar: string; readonly plain: boolean } | { readonly map: ReadonlyMap<string, Tree> } | { readonly seq: readonly Tree[] } | null;

/** Parses MLproject text; throws `invalid-mlproject` where MLflow would refuse (or crash on) the file. */
export function parseMlProject(text: string, where = 'MLproject'): MlProject {
  const root = readYaml(text, where);
  if (root === null || !('map' in root)) throw invalid(`${where} must be a YAML mapping of name, environment and entry_points.`, where);
  const top = root.map;
  const environments = ['docker_env', 'python_env', 'conda_env'].filter((key) => top.has(key));
  if (environments.length > 1) throw invalid(`${where} cannot contain multiple environment fields: ${environments.join(', ')}.`, where);
  const entries = top.get('entry_points');
  if (entries !== undefined && entries !== null && !('map' in entries)) throw invalid(`${where}: entry_points must be a mapping of entry point names.`, where);
  const entryPoints = [...(entries?.map ?? new Map<string, Tree>())].map(([name, node]) => readEntryPoint(name, node, where));
  const name = scalarText(top.get('name'));
  return { ...(name === undefined ? {} : { name }), environment: readEnvironment(top, environments[0], where), entryPoints };
}

/** `_find_mlproject`: the first file in `dir` whose lower-cased name is `mlproject`. */
export async function findMlProjectFile(dir: string): Promise<string | undefined> {
  const names = await readdir(dir);
  const name = names.find((candidate) => candidate.toLowerCase() === 'mlproject');
  return name === undefined ? undefined : join(dir, name);
}

/**
 * Reads and checks a project folder like `load_project`: the environment file it names must exist.
 * A folder without MLproject is a valid project with no declared entry points (scripts still run).
 */
export async function loadMlProject(dir: string): Promise<MlProject> {
  const file = await findMlProjectFile(dir);
  if (file === undefined) return { environment: { kind: 'none' }, entryPoints: [] };
  const project = parseMlProject(await readFile(file, 'utf8'), file);
  const environment = project.environment;
  if (environment.kind === 'python_env' || environment.kind === 'conda_env') {
    const exists = await stat(join(dir, environment.file)).then(() => true, () => false);
    if (!exists) throw invalid(`The project specifies ${environment.kind} file ${environment.file}, but no such file was found.`, file);
  }
  return project;
}

/**
 * The entry point `mlflow run -e NAME` runs (`Project.get_entry_point`): a declared one, else a
 * `.py` or `.sh` file of the project run as a script with no declared parameters.
 */
export function resolveEntryPoint(project: MlProject, name: string, env: Readonly<Record<string, string | undefined>> = {}): EntryPoint {
  const declared = project.entryPoints.find((entry) => entry.name === name);
  if (declared) return declared;
  const extension = /\.[^./\\]*$/.exec(name)?.[0];
  if (extension === '.py') return { name, command: `python ${shlexQuote(name)}`, parameters: [] };
  if (extension === '.sh') return { name, command: `${env['SHELL'] ?? 'bash'} ${shlexQuote(name)}`, parameters: [] };
  if (extension === '.R') return { name, command: `Rscript -e "mlflow::mlflow_source('${shlexQuote(name)}')" --args`, parameters: [] };
  const known = project.entryPoints.map((entry) => entry.name).join(', ') || 'none';
  throw new TaskError('unknown-entry-point', `Could not find ${name} among the entry points (${known}) or run it as a .py or .sh script.`, name);
}

function readEntryPoint(name: string, node: Tree, where: string): EntryPoint {
  const fields = node !== null && 'map' in node ? node.map : undefined;
  if (!fields) throw invalid(`${where}: entry point ${name} must be a mapping with a command.`, name);
  const command = fields.get('command');
  if (command === undefined || command === null || !('scalar' in command)) throw invalid(`${where}: entry point ${name} has no command.`, name);
  const declared = fields.get('parameters');
  if (declared !== undefined && declared !== null && !('map' in declared)) throw invalid(`${where}: the parameters of entry point ${name} must be a mapping.`, name);
  const parameters = [...(declared?.map ?? new Map<string, Tree>())].map(([parameter, spec]) => readParameter(parameter, spec, `${where}: entry point ${name}`));
  return { name, command: command.scalar, parameters };
}

/** `Parameter.__init__`: a bare string is the type (and the parameter is required); a mapping has type and default. */
function readParameter(name: string, node: Tree, where: string): EntryPointParameter {
  if (node !== null && 'scalar' in node) {
    if (node.plain && pyYamlPlainScalarType(node.scalar) !== 'str') throw invalid(`${where}: parameter ${name} must be a type name or a mapping with type and default.`, name);
    return { name, type: node.scalar };
  }
  if (node === null || !('map' in node)) throw invalid(`${where}: parameter ${name} must be a type name or a mapping with type and default.`, name);
  const type = scalarText(node.map.get('type')) ?? 'string';
  const fallback = defaultText(node.map.get('default'));
  return { name, type, ...(fallback === undefined ? {} : { default: fallback }) };
}

function readEnvironment(top: ReadonlyMap<string, Tree>, kind: string | undefined, where: string): ProjectEnvironment {
  if (kind === undefined) return { kind: 'none' };
  const node = top.get(kind) ?? null;
  if (kind === 'docker_env') {
    const fields = node !== null && 'map' in node ? node.map : new Map<string, Tree>();
    const image = scalarText(fields.get('image'));
    if (!image) throw invalid(`${where}: docker environment specified but no image attribute found.`, where);
    const volumes = fields.get('volumes');
    const list = volumes !== undefined && volumes !== null && 'seq' in volumes ? volumes.seq.map(scalarText) : [];
    if (volumes && (!('seq' in volumes) || list.some((volume) => volume === undefined))) throw invalid(`${where}: docker volumes must be a list of strings.`, where);
    return { kind, image, volumes: list as string[] };
  }
  const file = scalarText(node);
  if (!file) throw invalid(`${where}: ${kind} must name a file.`, where);
  return { kind: kind as 'python_env' | 'conda_env', file };
}

/** Python `str()` of the YAML value; a list or mapping default is kept as its YAML flow text. */
function defaultText(node: Tree | undefined): string | undefined {
  if (node === undefined || node === null) return undefined;
  if ('scalar' in node) return node.plain ? pyYamlPlainScalarToStr(node.scalar) : node.scalar;
  return JSON.stringify(plainValue(node));
}

function plainValue(node: Tree): unknown {
  if (node === null) return null;
  if ('scalar' in node) return node.scalar;
  if ('seq' in node) return node.seq.map(plainValue);
  return Object.fromEntries([...node.map].map(([key, value]) => [key, plainValue(value)]));
}

function scalarText(node: Tree | undefined): string | undefined {
  if (node === undefined || node === null || !('scalar' in node)) return undefined;
  return node.plain ? pyYamlPlainScalarToStr(node.scalar) : node.scalar;
}

/** Structure from the `yaml` package (YAML 1.1, every scalar kept as its text); typing is ours. */
function readYaml(text: string, where: string): Tree {
  let doc: Document;
  try {
    doc = parseDocument(text, { version: '1.1', schema: 'failsafe', uniqueKeys: false });
  } catch (error) {
    throw invalid(`${where} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, where, error);
  }
  if (doc.errors.length > 0) throw invalid(`${where} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, where);
  const toTree = (node: unknown, depth: number): Tree => {
    if (depth > 64) throw invalid(`${where} nests too deeply.`, where);
    if (isAlias(node)) return toTree(node.resolve(doc), depth + 1);
    if (isScalar(node)) {
      const plain = node.type === 'PLAIN';
      const value = node.value === null || node.value === undefined ? '' : String(node.value);
      return plain && pyYamlPlainScalarToStr(value) === undefined ? null : { scalar: value, plain };
    }
    if (isSeq(node)) return { seq: node.items.map((item) => toTree(item, depth + 1)) };
    if (isMap(node)) {
      const map = new Map<string, Tree>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        map.set(key, toTree(pair.value as Node | null, depth + 1));
      }
      return { map };
    }
    return null;
  };
  return toTree(doc.contents, 0);
}

const invalid = (message: string, subject: string, cause?: unknown): TaskError =>
  new TaskError('invalid-mlproject', message, subject, cause === undefined ? undefined : { cause });
