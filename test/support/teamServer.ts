/**
 * The team rig for tests and benchmarks: scripts/team-server.mjs (the same script a user starts)
 * run as a child — a throwaway PostgreSQL cluster, moto's S3 API server and `mlflow server` on
 * PostgreSQL with `--serve-artifacts` to S3, all on 127.0.0.1. The script stops everything and
 * removes its folder when its stdin closes, so the rig goes away with the test process however
 * that ends (a failed test, Ctrl-C, SIGKILL); stop() closes stdin and waits.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './python';

export interface S3Endpoint {
  /** http://127.0.0.1:PORT (path-style addressing). */
  readonly endpointUrl: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

export interface TeamServerInfo {
  /** The MLflow tracking server: http://127.0.0.1:PORT */
  readonly trackingUri: string;
  /** postgresql+psycopg2://mlflow:PASSWORD@127.0.0.1:PORT/mlflow (for MLflow's own store classes). */
  readonly backendStoreUri: string;
  /** s3://mlflow-artifacts: where the server puts the artifacts it proxies. */
  readonly artifactsDestination: string;
  readonly s3: S3Endpoint;
  /** s3://dvc-remote: an empty bucket for a DVC remote. */
  readonly dvcRemoteUrl: string;
  /** The rig's temp folder (logs: mlflow.log, moto.log, pg/postgresql.log). */
  readonly dir: string;
  readonly postgres: { readonly port: number; readonly version: string };
}

export interface TeamServer extends TeamServerInfo {
  /** The process id of scripts/team-server.mjs. */
  readonly pid: number;
  /** The environment that lets boto3/MLflow's client/DVC reach the S3 server. */
  readonly s3Env: NodeJS.ProcessEnv;
  /** What the script printed on stderr so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Just the S3 API server (moto) with its buckets: a DVC remote without MLflow or PostgreSQL. */
export interface S3Server {
  readonly pid: number;
  readonly dir: string;
  readonly s3: S3Endpoint;
  /** s3://dvc-remote */
  readonly dvcRemoteUrl: string;
  readonly s3Env: NodeJS.ProcessEnv;
  output(): string;
  stop(): Promise<void>;
}

export interface TeamServerOptions {
  /** uvicorn workers of `mlflow server` (default 1). */
  readonly workers?: number;
  /** Start from a cluster saved with `pgSave` instead of an empty one. */
  readonly pgTemplate?: string;
  /** Keep the cluster in this folder after stop() (bench data made once). */
  readonly pgSave?: string;
  /** How long the rig may take to answer (MLflow creates its schema in PostgreSQL: ~20 s on 2 busy cores). */
  readonly startTimeoutMs?: number;
}

const SCRIPT = join(REPO_ROOT, 'scripts', 'team-server.mjs');

export async function startTeamServer(options: TeamServerOptions = {}): Promise<TeamServer> {
  const args = ['--workers', String(options.workers ?? 1)];
  if (options.pgTemplate) args.push('--pg-template', options.pgTemplate);
  if (options.pgSave) args.push('--pg-save', options.pgSave);
  // Saving a cluster copies it (GBs for the bench's): the stop may take minutes then.
  return launch<TeamServerInfo>(args, options.startTimeoutMs, options.pgSave ? 900_000 : 60_000);
}

export function startS3Server(): Promise<S3Server> {
  return launch<Pick<TeamServerInfo, 's3' | 'dvcRemoteUrl' | 'dir'>>(['--only-s3'], 120_000, 60_000);
}

async function launch<T extends Pick<TeamServerInfo, 's3'>>(
  extra: readonly string[],
  startTimeoutMs: number | undefined,
  stopTimeoutMs: number,
): Promise<T & { pid: number; s3Env: NodeJS.ProcessEnv; output(): string; stop(): Promise<void> }> {
  const args = [SCRIPT, '--json', '--stop-on-stdin-close', ...extra];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-32_768)));
  // The pipes must not keep a finished test process alive: the rig ends when stdin closes.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ready = new Promise<T>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline !== -1) resolve(JSON.parse(stdout.slice(0, newline)) as T);
    });
    child.once('exit', (code, signal) => reject(new Error(`scripts/team-server.mjs exited (${code ?? signal}) before it was ready:\n${stderr}`)));
  });
  const timeoutMs = startTimeoutMs ?? 240_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the team rig was not ready within ${timeoutMs / 1000} s:\n${stderr}`)), timeoutMs);
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      child.stdin.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(killer);
    })());
  try {
    const info = await Promise.race([ready, timeout]);
    const s3Env: NodeJS.ProcessEnv = {
      AWS_ACCESS_KEY_ID: info.s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: info.s3.secretAccessKey,
      AWS_DEFAULT_REGION: info.s3.region,
      AWS_ENDPOINT_URL_S3: info.s3.endpointUrl,
      MLFLOW_S3_ENDPOINT_URL: info.s3.endpointUrl,
    };
    return { ...info, pid: child.pid!, s3Env, output: () => stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The processes whose working directory is FOLDER or inside it (a rig's servers all run in its folder). */
export function processesIn(folder: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      continue;
    }
    if (cwd === folder || cwd.startsWith(`${folder}/`)) found.push(Number(entry));
  }
  return found;
}
