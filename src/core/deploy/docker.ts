/**
 * Model-as-Service, as a container: `mlflow models generate-dockerfile` (needs no Docker daemon:
 * it writes a Dockerfile and the model into a folder), `mlflow models build-docker` (needs one),
 * and finding out which of the two this machine can do.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findOnPath, type PathLookup } from '../tasks/machine.js';
import type { EnvManager, MlflowBase } from '../tasks/mlflow.js';
import { ENV_MANAGERS } from '../tasks/mlflow.js';
import { requireOperand, type TaskSpec, trackingEnv } from '../tasks/spec.js';
import { DeployError } from './errors.js';

export type DockerStatus =
  | { readonly state: 'ready'; readonly docker: string; readonly serverVersion: string }
  /** No `docker` program on the PATH the tasks get. */
  | { readonly state: 'no-cli'; readonly message: string }
  /** The CLI is there but no daemon answers (not started, no permission on the socket, a remote host down). */
  | { readonly state: 'no-daemon'; readonly docker: string; readonly message: string; readonly detail: string };

export interface DockerProbeOptions extends PathLookup {
  /** The environment docker runs with (DOCKER_HOST, DOCKER_CONTEXT…); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** How long the daemon may take to answer (default 10 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const NO_DAEMON_HINT = 'Start Docker (Docker Desktop, or `sudo systemctl start docker`), or use Generate Dockerfile, which needs no daemon, and build the image where one runs (CI, a remote builder).';

/** Whether `docker build` can run here: the CLI on PATH, and its daemon answering `docker info`. */
export async function dockerStatus(options: DockerProbeOptions = {}): Promise<DockerStatus> {
  const docker = await findOnPath('docker', { ...options, path: options.path ?? options.env?.['PATH'] });
  if (!docker) return { state: 'no-cli', message: 'Docker is not installed (no docker on PATH): Build Docker Image needs it. Generate Dockerfile needs no Docker and writes a build context to build elsewhere.' };
  const result = await run(docker, ['info', '--format', '{{.ServerVersion}}'], options);
  const version = result.stdout.trim();
  if (result.code === 0 && version !== '' && !/^<no value>$/.test(version)) return { state: 'ready', docker, serverVersion: version };
  const detail = (result.stderr.trim() || result.stdout.trim() || result.error || 'no answer').split('\n').filter(Boolean).slice(-3).join(' ');
  const host = options.env?.['DOCKER_HOST'] ?? process.env['DOCKER_HOST'];
  const where = host ? ` at ${host}` : '';
  const message = result.timedOut ? `The Docker daemon${where} did not answer within ${Math.round((options.timeoutMs ?? 10_000) / 1000)} s. ${NO_DAEMON_HINT}` : `Docker is installed, but no Docker daemon answers${where}: ${detail} ${NO_DAEMON_HINT}`;
  return { state: 'no-daemon', docker, message, detail };
}

interface RunResult {
  readonly code: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly error?: string;
}

function run(command: string, args: readonly string[], options: DockerProbeOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, [...args], { env: options.env ?? process.env, timeout: options.timeoutMs ?? 10_000, signal: options.signal, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const failure = error as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
      resolve({
        code: failure ? (typeof failure.code === 'number' ? failure.code : undefined) : 0,
        stdout: String(stdout),
        stderr: String(stderr),
        timedOut: Boolean(failure?.killed),
        ...(failure && typeof failure.code !== 'number' ? { error: failure.message } : {}),
      });
    });
  });
}

export interface GenerateDockerfileOptions extends MlflowBase {
  readonly modelUri: string;
  /** The folder MLflow writes the Dockerfile and model_dir into (must not exist or be empty). */
  readonly outputDirectory: string;
  /** Unset: MLflow picks (local when the model records its Python version and needs no Java). */
  readonly envManager?: EnvManager;
  readonly installJava?: boolean;
  readonly installMlflow?: boolean;
}

/** `python -m mlflow models generate-dockerfile -m URI -d DIR [--env-manager M] [--install-java B] [--install-mlflow]`. */
export function modelsGenerateDockerfile(options: GenerateDockerfileOptions): TaskSpec {
  const uri = requireOperand(options.modelUri, 'model URI');
  const args = ['-m', 'mlflow', 'models', 'generate-dockerfile', '-m', uri, '-d', requireOperand(options.outputDirectory, 'output folder')];
  if (options.envManager !== undefined) {
    if (!ENV_MANAGERS.includes(options.envManager)) throw new DeployError('invalid-argument', `Unknown env manager ${JSON.stringify(options.envManager)}.`, options.envManager);
    args.push('--env-manager', options.envManager);
  }
  if (options.installJava !== undefined) args.push('--install-java', options.installJava ? 'true' : 'false');
  if (options.installMlflow) args.push('--install-mlflow');
  return { command: options.python, args, cwd: options.cwd, env: { ...trackingEnv(options.tracking ?? {}), ...(options.env ?? {}) }, label: `mlflow models generate-dockerfile ${uri}` };
}

/** The output folder may not hold anything yet: MLflow would mix the new build context with old files. */
export async function checkDockerfileFolder(path: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new DeployError('invalid-argument', `${path} cannot be used: ${(error as Error).message}`, path, { cause: error });
  }
  if (entries.length > 0) throw new DeployError('file-exists', `${path} is not empty: choose a new folder for the Dockerfile (nothing is overwritten).`, path);
}

/** What the generated Dockerfile does, for the user and for the tests. */
export interface DockerfileSummary {
  readonly baseImage: string;
  /** The folder copied in as the model (`model_dir` → `/opt/ml/model`). */
  readonly modelCopy?: { readonly from: string; readonly to: string };
  readonly entrypoint?: readonly string[];
  readonly mlflowVersion?: string;
  readonly env: Readonly<Record<string, string>>;
  /** The port the server listens on inside the container (MLflow's images: 8080). */
  readonly port: number;
}

export function summarizeDockerfile(text: string): DockerfileSummary {
  const lines = joinContinuations(text);
  const from = lines.find((line) => /^FROM\s/i.test(line));
  if (!from) throw new DeployError('invalid-file', 'The Dockerfile has no FROM line.', 'Dockerfile');
  const copy = lines.map((line) => /^COPY\s+(\S+)\s+(\S+)$/i.exec(line)).find((match) => match && /\/opt\/ml\/model\/?$/.test(match[2]!));
  const entry = lines.map((line) => /^ENTRYPOINT\s+(\[.*\])$/i.exec(line)).find(Boolean);
  const mlflow = lines.map((line) => /pip install[^\n]*\bmlflow==([\w.]+)/.exec(line)).find(Boolean);
  const env: Record<string, string> = {};
  for (const line of lines) {
    const match = /^ENV\s+([A-Za-z_][\w]*)[=\s]+(.*)$/i.exec(line);
    if (match) env[match[1]!] = match[2]!.trim();
  }
  let entrypoint: string[] | undefined;
  try {
    entrypoint = entry ? (JSON.parse(entry[1]!) as string[]) : undefined;
  } catch {
    entrypoint = undefined;
  }
  return {
    baseImage: from.replace(/^FROM\s+/i, '').split(/\s+/)[0]!,
    ...(copy ? { modelCopy: { from: copy[1]!, to: copy[2]! } } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    ...(mlflow ? { mlflowVersion: mlflow[1]! } : {}),
    env,
    port: 8080,
  };
}

export async function readDockerfileSummary(folder: string): Promise<DockerfileSummary> {
  return summarizeDockerfile(await readFile(join(folder, 'Dockerfile'), 'utf8'));
}

function joinContinuations(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
