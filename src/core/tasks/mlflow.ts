/**
 * MLflow tasks: a project's entry point (`mlflow run`), a plain training script pointed at the
 * workspace's store, and the deployment commands (`mlflow models serve | predict | build-docker`).
 * All run as `<python> -m mlflow …` in the user's interpreter. Option names: mlflow/cli/__init__.py
 * (`run`) and mlflow/models/cli.py at 3.17.
 */
import { type MlProject, resolveEntryPoint } from './mlproject.js';
import { checkParameters } from './mlprojectParams.js';
import { requireOperand, TaskError, trackingEnv, type TaskSpec, type TrackingTarget } from './spec.js';

/** `--env-manager`: `local` runs in the interpreter itself; the others build an environment first. */
export type EnvManager = 'local' | 'virtualenv' | 'uv' | 'conda';
export const ENV_MANAGERS: readonly EnvManager[] = ['local', 'virtualenv', 'uv', 'conda'];

export interface MlflowBase {
  readonly python: string;
  readonly cwd: string;
  readonly tracking?: TrackingTarget;
  /** Extra variables (merged after the tracking ones). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface MlflowRunOptions extends MlflowBase {
  /** The parsed MLproject of `cwd` (see loadMlProject); the values are checked against it. */
  readonly project: MlProject;
  readonly entryPoint: string;
  /** `-P name=value`, declared parameters first (in declaration order), then undeclared ones. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Default `local`: the user's interpreter already has the project's dependencies. */
  readonly envManager?: EnvManager;
  readonly runName?: string;
}

/**
 * `python -m mlflow run . -e NAME -P k=v … --env-manager local [--experiment-name X] [--run-name R]`,
 * after checking the values the way MLflow will (plus float/int), so a bad value fails here with
 * a TaskError naming the parameter instead of after the run was created.
 */
export function mlflowRun(options: MlflowRunOptions): TaskSpec {
  const entry = resolveEntryPoint(options.project, requireOperand(options.entryPoint, 'entry point'), options.env);
  const values = options.parameters ?? {};
  checkParameters(entry, values, { projectDir: options.cwd });
  const envManager = options.envManager ?? 'local';
  if (!ENV_MANAGERS.includes(envManager)) throw new TaskError('invalid-argument', `Unknown env manager ${JSON.stringify(envManager)}: use one of ${ENV_MANAGERS.join(', ')}.`, envManager);
  if (options.project.environment.kind === 'python_env' && envManager === 'conda') {
    throw new TaskError('invalid-argument', "A python_env project cannot be run with conda: set the env manager to 'virtualenv' or 'local'.", envManager);
  }
  const declared = entry.parameters.map((parameter) => parameter.name).filter((name) => name in values);
  const extra = Object.keys(values).filter((name) => !declared.includes(name));
  const args = ['-m', 'mlflow', 'run', '.', '-e', entry.name];
  for (const name of [...declared, ...extra]) args.push('-P', `${name}=${values[name]}`);
  args.push('--env-manager', envManager);
  const { trackingUri, experimentName, experimentId, allowFileStore } = options.tracking ?? {};
  if (experimentName && experimentId) throw new TaskError('invalid-argument', 'Give either an experiment name or an experiment id, not both (MLflow refuses both).');
  if (experimentName) args.push('--experiment-name', experimentName);
  if (experimentId) args.push('--experiment-id', experimentId);
  if (options.runName) args.push('--run-name', options.runName);
  // The experiment travels as an option, the store in the environment (`mlflow run` has no option for it).
  const env = { ...trackingEnv({ trackingUri, allowFileStore }), ...(options.env ?? {}) };
  return { command: options.python, args, cwd: options.cwd, env, label: `mlflow run -e ${entry.name}` };
}

export interface PythonScriptOptions extends MlflowBase {
  /** The script, relative to `cwd` or absolute. */
  readonly script: string;
  readonly args?: readonly string[];
  /** Interpreter options before the script, e.g. `['-u']`. */
  readonly pythonArgs?: readonly string[];
}

/** `python [pythonArgs] SCRIPT [args]` with MLFLOW_TRACKING_URI and the experiment set, so `mlflow.start_run()` logs to the workspace's store. */
export function pythonScript(options: PythonScriptOptions): TaskSpec {
  const script = requireOperand(options.script, 'script');
  return {
    command: options.python,
    args: [...(options.pythonArgs ?? []), script, ...(options.args ?? [])],
    cwd: options.cwd,
    env: { ...trackingEnv(options.tracking ?? {}), ...(options.env ?? {}) },
    label: `python ${script}`,
  };
}

/** `models:/NAME/VERSION` or `models:/NAME@ALIAS` (mlflow/store/artifact/utils/models.py). */
export function registeredModelUri(name: string, reference: { readonly version: string | number } | { readonly alias: string }): string {
  requireOperand(name, 'model name');
  if ('version' in reference) {
    if (!/^\d+$/.test(String(reference.version))) throw new TaskError('invalid-argument', `A model version is a number (got ${JSON.stringify(reference.version)}).`, String(reference.version));
    return `models:/${name}/${reference.version}`;
  }
  requireOperand(reference.alias, 'alias');
  return `models:/${name}@${reference.alias}`;
}

export interface ServeOptions extends MlflowBase {
  readonly modelUri: string;
  /** A free port (see findFreePort). */
  readonly port: number;
  /** Default 127.0.0.1: the server is for this machine only. */
  readonly host?: string;
  readonly envManager?: EnvManager;
  readonly workers?: number;
  /** Seconds per request (`--timeout`). */
  readonly timeoutSeconds?: number;
}

/** `python -m mlflow models serve -m URI --host 127.0.0.1 --port N --env-manager local`. */
export function modelsServe(options: ServeOptions): TaskSpec {
  const uri = requireOperand(options.modelUri, 'model URI');
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) throw new TaskError('invalid-argument', `Port ${options.port} is not a TCP port.`, String(options.port));
  const args = ['-m', 'mlflow', 'models', 'serve', '-m', uri, '--host', options.host ?? '127.0.0.1', '--port', String(options.port), '--env-manager', envManagerOf(options.envManager)];
  if (options.workers !== undefined) args.push('--workers', String(options.workers));
  if (options.timeoutSeconds !== undefined) args.push('--timeout', String(options.timeoutSeconds));
  return mlflowSpec(options, args, `mlflow models serve ${uri} :${options.port}`);
}

export interface PredictOptions extends MlflowBase {
  readonly modelUri: string;
  readonly inputPath: string;
  readonly outputPath: string;
  /** `-t`: how to read the input file; MLflow's default is json. */
  readonly contentType?: 'json' | 'csv';
  readonly envManager?: EnvManager;
}

/** `python -m mlflow models predict -m URI -i IN -o OUT [-t json|csv] --env-manager local`: batch predictions into a file. */
export function modelsPredict(options: PredictOptions): TaskSpec {
  const uri = requireOperand(options.modelUri, 'model URI');
  const args = ['-m', 'mlflow', 'models', 'predict', '-m', uri, '-i', requireOperand(options.inputPath, 'input file'), '-o', requireOperand(options.outputPath, 'output file')];
  if (options.contentType) args.push('-t', options.contentType);
  args.push('--env-manager', envManagerOf(options.envManager));
  return mlflowSpec(options, args, `mlflow models predict ${uri}`);
}

export interface BuildDockerOptions extends MlflowBase {
  readonly modelUri: string;
  /** The image name (`-n`), e.g. `iris-classifier:3`. */
  readonly imageName: string;
  readonly envManager?: EnvManager;
}

/** `python -m mlflow models build-docker -m URI -n IMAGE`; check dockerAvailability first. */
export function modelsBuildDocker(options: BuildDockerOptions): TaskSpec {
  const uri = requireOperand(options.modelUri, 'model URI');
  const image = requireOperand(options.imageName, 'image name');
  if (!/^[a-z0-9][a-z0-9._\-/:@]*$/.test(image)) throw new TaskError('invalid-argument', `"${image}" is not a Docker image name (lower-case letters, digits, . _ - / : @).`, image);
  const args = ['-m', 'mlflow', 'models', 'build-docker', '-m', uri, '-n', image];
  if (options.envManager) args.push('--env-manager', envManagerOf(options.envManager));
  return mlflowSpec(options, args, `mlflow models build-docker ${image}`);
}

function envManagerOf(value: EnvManager | undefined): EnvManager {
  const manager = value ?? 'local';
  if (!ENV_MANAGERS.includes(manager)) throw new TaskError('invalid-argument', `Unknown env manager ${JSON.stringify(manager)}.`, manager);
  return manager;
}

function mlflowSpec(options: MlflowBase, args: string[], label: string): TaskSpec {
  return { command: options.python, args, cwd: options.cwd, env: { ...trackingEnv(options.tracking ?? {}), ...(options.env ?? {}) }, label };
}
