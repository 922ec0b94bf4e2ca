/**
 * The `mlWorkbench` task type: what a task in tasks.json (or one the provider lists) says, checked
 * the way VS Code cannot (it only checks `taskDefinitions`' JSON schema loosely), and turned into
 * an argv TaskSpec by the builders. The host adds the interpreter, the folder and the store.
 */
import { isAbsolute, posix, resolve, win32 } from 'node:path';
import { dvcExpRun, dvcRepro } from './dvc.js';
import { ENV_MANAGERS, type EnvManager, mlflowRun, modelsBuildDocker, modelsPredict, pythonScript } from './mlflow.js';
import type { MlProject } from './mlproject.js';
import { TaskError, type TaskSpec, type TrackingTarget } from './spec.js';

export const TASK_TYPE = 'mlWorkbench';

export const TASK_KINDS = ['dvcRepro', 'dvcExpRun', 'mlflowRun', 'pythonScript', 'modelsPredict', 'modelsBuildDocker'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export interface WorkbenchTaskDefinition {
  readonly type: typeof TASK_TYPE;
  readonly task: TaskKind;
  /** Folder the command runs in, relative to the workspace folder (the DVC root, the MLproject folder). */
  readonly cwd?: string;
  readonly targets?: readonly string[];
  readonly downstream?: boolean;
  readonly force?: boolean;
  /** dvcExpRun: `--set-param` overrides; absent: asked for when the task starts. */
  readonly setParams?: Readonly<Record<string, string>>;
  /** dvcExpRun: `--queue` (run later by the queue's workers). */
  readonly queue?: boolean;
  readonly entryPoint?: string;
  /** mlflowRun: `-P` values; absent: asked for when the task starts. */
  readonly parameters?: Readonly<Record<string, string>>;
  readonly envManager?: EnvManager;
  readonly script?: string;
  readonly args?: readonly string[];
  readonly modelUri?: string;
  readonly inputPath?: string;
  readonly outputPath?: string;
  readonly contentType?: 'json' | 'csv';
  readonly imageName?: string;
}

/** Checks a definition from tasks.json field by field; throws `invalid-argument` naming the field. */
export function readTaskDefinition(value: unknown): WorkbenchTaskDefinition {
  if (!isRecord(value) || value.type !== TASK_TYPE) throw bad('type', `The task's type must be "${TASK_TYPE}".`);
  const task = value.task;
  if (typeof task !== 'string' || !(TASK_KINDS as readonly string[]).includes(task)) throw bad('task', `"task" must be one of ${TASK_KINDS.join(', ')} (got ${JSON.stringify(task)}).`);
  for (const key of ['cwd', 'entryPoint', 'script', 'modelUri', 'inputPath', 'outputPath', 'imageName'] as const) optional(value, key, 'string');
  for (const key of ['downstream', 'force'] as const) optional(value, key, 'boolean');
  for (const key of ['targets', 'args'] as const) {
    const list = value[key];
    if (list !== undefined && !(Array.isArray(list) && list.every((item) => typeof item === 'string'))) throw bad(key, `"${key}" must be a list of strings.`);
  }
  for (const key of ['setParams', 'parameters'] as const) {
    const map = value[key];
    if (map !== undefined && !(isRecord(map) && Object.values(map).every((item) => typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean'))) {
      throw bad(key, `"${key}" must map names to values (strings, numbers or booleans).`);
    }
  }
  if (value.envManager !== undefined && !ENV_MANAGERS.includes(value.envManager as EnvManager)) throw bad('envManager', `"envManager" must be one of ${ENV_MANAGERS.join(', ')}.`);
  if (value.contentType !== undefined && value.contentType !== 'json' && value.contentType !== 'csv') throw bad('contentType', '"contentType" must be json or csv.');
  const stringify = (map: unknown): Record<string, string> | undefined => (isRecord(map) ? Object.fromEntries(Object.entries(map).map(([k, v]) => [k, String(v)])) : undefined);
  const setParams = stringify(value.setParams);
  const parameters = stringify(value.parameters);
  return { ...(value as unknown as WorkbenchTaskDefinition), ...(setParams ? { setParams } : {}), ...(parameters ? { parameters } : {}) };
}

/** What the host knows when it runs a definition. */
export interface DefinitionContext {
  /** The interpreter (absolute path, or a name looked up on PATH). */
  readonly python: string;
  /** The workspace folder `cwd`, relative paths and the store are resolved against. */
  readonly folder: string;
  readonly tracking: TrackingTarget;
  /** mlflowRun: the parsed MLproject of the task's folder. */
  readonly project?: MlProject;
  /** Default `--env-manager` when the definition names none (a setting). */
  readonly envManager?: EnvManager;
}

/** The argv of a definition (values already chosen: setParams / parameters as given, none asked). */
export function specForDefinition(definition: WorkbenchTaskDefinition, context: DefinitionContext): TaskSpec {
  const cwd = resolve(context.folder, definition.cwd ?? '.');
  const { python, tracking } = context;
  const envManager = definition.envManager ?? context.envManager;
  const trainingEnv = { python, cwd, tracking };
  switch (definition.task) {
    case 'dvcRepro':
      return withTracking(dvcRepro({ python, cwd, targets: definition.targets, downstream: definition.downstream, force: definition.force }), tracking);
    case 'dvcExpRun':
      return withTracking(dvcExpRun({ python, cwd, targets: definition.targets, downstream: definition.downstream, force: definition.force, setParams: definition.setParams, queue: definition.queue }), tracking);
    case 'mlflowRun': {
      if (!context.project) throw new TaskError('invalid-mlproject', `No MLproject file in ${cwd}.`, cwd);
      return mlflowRun({ ...trainingEnv, project: context.project, entryPoint: required(definition.entryPoint, 'entryPoint'), parameters: definition.parameters, envManager });
    }
    case 'pythonScript':
      return pythonScript({ ...trainingEnv, script: required(definition.script, 'script'), args: definition.args });
    case 'modelsPredict': {
      const inputPath = absolute(context.folder, required(definition.inputPath, 'inputPath'));
      const outputPath = absolute(context.folder, required(definition.outputPath, 'outputPath'));
      return modelsPredict({ ...trainingEnv, modelUri: required(definition.modelUri, 'modelUri'), inputPath, outputPath, contentType: definition.contentType, envManager });
    }
    case 'modelsBuildDocker':
      return modelsBuildDocker({ ...trainingEnv, modelUri: required(definition.modelUri, 'modelUri'), imageName: required(definition.imageName, 'imageName'), envManager: definition.envManager });
  }
}

/** The task's name in Run Task, the status bar and notifications (before any value is asked for). */
export function definitionLabel(definition: WorkbenchTaskDefinition): string {
  const targets = (definition.targets ?? []).join(' ');
  const flags = `${definition.downstream ? ' --downstream' : ''}${definition.force ? ' --force' : ''}`;
  switch (definition.task) {
    case 'dvcRepro':
      return targets ? `dvc repro${flags} ${targets}` : `dvc repro${flags} (whole pipeline)`;
    case 'dvcExpRun':
      return `dvc exp run${flags}${targets ? ` ${targets}` : ''}`;
    case 'mlflowRun':
      return `mlflow run -e ${definition.entryPoint ?? '?'}`;
    case 'pythonScript':
      return `python ${definition.script ?? '?'}`;
    case 'modelsPredict':
      return `mlflow models predict ${definition.modelUri ?? '?'}`;
    case 'modelsBuildDocker':
      return `mlflow models build-docker ${definition.modelUri ?? '?'}`;
  }
}

/** Tasks that log runs: when one ends, the Runs view looks for the new run. */
export function isTrainingTask(definition: Pick<WorkbenchTaskDefinition, 'task'>): boolean {
  return definition.task === 'dvcRepro' || definition.task === 'dvcExpRun' || definition.task === 'mlflowRun' || definition.task === 'pythonScript';
}

/**
 * The environment the interpreter's own tools need: its folder first on PATH, as activating a
 * virtual environment does, so a DVC stage's `python src/train.py` or MLflow's `bash -c` runs the
 * same Python (with the same packages) as the task. Unchanged for a bare command name.
 */
export function interpreterPath(python: string, inheritedPath: string | undefined, platform: NodeJS.Platform = process.platform): Record<string, string> {
  const path = platform === 'win32' ? win32 : posix;
  if (!path.isAbsolute(python)) return {};
  const folder = path.dirname(python);
  const delimiter = path.delimiter;
  const rest = (inheritedPath ?? '').split(delimiter).filter((entry) => entry !== '' && entry !== folder);
  return { [platform === 'win32' ? 'Path' : 'PATH']: [folder, ...rest].join(delimiter) };
}

/**
 * A tracking URI every working directory reads the same: a relative SQLite or file store is made
 * absolute against the workspace folder (a task may run in a sub-folder); servers stay as they are.
 */
export function absoluteTrackingUri(uri: string, folder: string): string {
  const sqlite = /^sqlite:\/\/\/(.*)$/.exec(uri);
  if (sqlite) {
    const [path, query] = splitQuery(sqlite[1]!);
    return isAbsolute(path) ? uri : `sqlite:///${resolve(folder, path)}${query}`;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !/^[a-z]:[\\/]/i.test(uri)) return uri;
  return resolve(folder, uri);
}

function splitQuery(text: string): [string, string] {
  const at = text.indexOf('?');
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at)];
}

/** DVC runs the stage's own command, which reads the store from the environment like any script. */
function withTracking(spec: TaskSpec, tracking: TrackingTarget): TaskSpec {
  const env: Record<string, string> = { ...spec.env };
  if (tracking.trackingUri) env['MLFLOW_TRACKING_URI'] = tracking.trackingUri;
  if (tracking.allowFileStore) env['MLFLOW_ALLOW_FILE_STORE'] = 'true';
  return { ...spec, env };
}

function absolute(folder: string, path: string): string {
  return isAbsolute(path) ? path : resolve(folder, path);
}

function required(value: string | undefined, field: string): string {
  if (value === undefined || value.trim() === '') throw bad(field, `The task needs "${field}".`);
  return value;
}

function optional(value: Record<string, unknown>, key: string, type: 'string' | 'boolean'): void {
  if (value[key] !== undefined && typeof value[key] !== type) throw bad(key, `"${key}" must be a ${type}.`);
}

const bad = (field: string, message: string): TaskError => new TaskError('invalid-argument', message, field);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
