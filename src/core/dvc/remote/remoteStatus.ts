/**
 * The remote status of every tracked path, as `dvc status -c` decides it: read natively when the
 * remote is a folder or an S3 bucket (DVC 3's layout, credentials from DVC's config and the
 * environment), else answered by `dvc status -c --json` itself (argv, the given interpreter).
 *
 *   const status = await remoteStatus(root, { env: process.env, dvc: { python } , signal });
 *   status.json      // what `dvc status -c --json` prints
 *   status.outputs   // per tracked path: 'in sync' | 'not pushed' | 'not in cache' | 'missing' | 'skipped'
 */
import { loadSnapshot } from '../load.js';
import type { DataStage } from '../files/dvcFile.js';
import type { DvcDiagnostic, Stage } from '../entities.js';
import { runProcess } from '../../python/process.js';
import { readRemoteConfig, remoteLocation, type RemoteConfig } from './config.js';
import { S3Error, type S3ErrorReason } from './s3/client.js';
import { S3Storage, s3Settings, type Environment } from './s3/storage.js';
import { computeCloudStatus, type RemoteObjectState, type RemoteOutput, type RemoteOutputState } from './status.js';
import { FolderStorage, type ObjectStorage } from './storage.js';

export interface RemoteStatusOptions {
  /** The remote's name; default `core.remote`. */
  readonly remote?: string;
  /** AWS_* variables for an S3 remote (the host and the CLI pass process.env). */
  readonly env?: Environment;
  /** How to run DVC for remotes not read natively; without it those fail with reason 'unsupported'. */
  readonly dvc?: { readonly python: string; readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number };
  readonly signal?: AbortSignal;
}

export interface RemoteStatus {
  readonly remote: { readonly name: string; readonly url: string; readonly label: string };
  /** 'native', or 'dvc' with the reason the remote was not read natively. */
  readonly via: 'native' | 'dvc';
  readonly fallbackReason?: string;
  /** What `dvc status -c --json` prints from the repo root. */
  readonly json: Readonly<Record<string, RemoteObjectState>>;
  readonly outputs: readonly RemoteOutput[];
  /** Problems in dvc.yaml / .dvc files met while loading (the rest is still answered). */
  readonly diagnostics: readonly DvcDiagnostic[];
}

export type RemoteStatusErrorReason = 'no-remote' | 'unknown-remote' | 'invalid-url' | 'unsupported' | 'dvc-failed' | 'remote-failed';

export class RemoteStatusError extends Error {
  override readonly name = 'RemoteStatusError';
  constructor(
    readonly reason: RemoteStatusErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** For 'remote-failed' on S3: S3Error's reason ('forbidden', 'unauthenticated', 'not-found', 'network', …). */
  get remoteReason(): S3ErrorReason | undefined {
    return this.cause instanceof S3Error ? this.cause.reason : undefined;
  }
}

export async function remoteStatus(root: string, options: RemoteStatusOptions = {}): Promise<RemoteStatus> {
  let remote: RemoteConfig;
  try {
    remote = await readRemoteConfig(root, options.remote);
  } catch (error) {
    // A remote only the global or system config declares is DVC's to find.
    if (options.dvc && (error as { reason?: string }).reason !== 'invalid-url') return viaDvc(root, undefined, (error as Error).message, options);
    throw typed(error);
  }
  const storage = openStorage(root, remote, options.env ?? {});
  if ('unsupported' in storage) return viaDvc(root, remote, storage.unsupported, options);
  try {
    const snapshot = await loadSnapshot(root, options.signal);
    const status = await computeCloudStatus({
      stages: snapshot.stages,
      repoImports: repoImports(snapshot.stages),
      cache: new FolderStorage(snapshot.config.cacheDir),
      remote: storage.storage,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { remote: { name: remote.name, url: remote.url, label: storage.storage.label }, via: 'native', ...status, diagnostics: snapshot.diagnostics };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw typed(error);
  } finally {
    storage.dispose();
  }
}

function openStorage(root: string, remote: RemoteConfig, env: Environment): { storage: ObjectStorage; dispose(): void } | { unsupported: string } {
  const location = remoteLocation(root, remote);
  if (location.kind === 'local') return { storage: new FolderStorage(location.path), dispose: () => undefined };
  if (location.kind === 'other') return { unsupported: `${location.scheme}:// remotes are read through dvc` };
  const settings = s3Settings(remote, env);
  if ('unsupported' in settings) return settings;
  const storage = new S3Storage(location.bucket, location.prefix, settings.settings);
  return { storage, dispose: () => storage.dispose() };
}

/** `dvc status -c --json [-r NAME]` in the repo, its JSON, and per-output states made from it. */
async function viaDvc(root: string, remote: RemoteConfig | undefined, why: string, options: RemoteStatusOptions): Promise<RemoteStatus> {
  if (!options.dvc) throw new RemoteStatusError('unsupported', `The remote's status cannot be read natively (${why}), and no Python with DVC was given to ask dvc`);
  const args = ['-m', 'dvc', 'status', '--cloud', '--json', ...(options.remote ? ['--remote', options.remote] : [])];
  const result = await runProcess(options.dvc.python, args, { cwd: root, env: options.dvc.env, timeoutMs: options.dvc.timeoutMs ?? 600_000, ...(options.signal ? { signal: options.signal } : {}) }).catch(
    (error: unknown) => {
      if (options.signal?.aborted) throw error;
      throw new RemoteStatusError('dvc-failed', `Cannot run ${options.dvc!.python} -m dvc: ${(error as Error).message}`, { cause: error });
    },
  );
  if (result.code !== 0) throw new RemoteStatusError('dvc-failed', `dvc status --cloud failed (${result.timedOut ? 'timed out' : `exit ${result.code}`}): ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const json = parseDvcJson(result.stdout);
  const snapshot = await loadSnapshot(root, options.signal);
  return {
    remote: { name: remote?.name ?? options.remote ?? '', url: remote?.url ?? '', label: remote?.url ?? '' },
    via: 'dvc',
    fallbackReason: why,
    json,
    outputs: outputsFromJson(snapshot.stages, json),
    diagnostics: snapshot.diagnostics,
  };
}

function parseDvcJson(stdout: string): Record<string, RemoteObjectState> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
  } catch {
    throw new RemoteStatusError('dvc-failed', `dvc status --cloud --json printed something that is not JSON: ${stdout.slice(0, 200)}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new RemoteStatusError('dvc-failed', 'dvc status --cloud --json did not print an object');
  const json: Record<string, RemoteObjectState> = {};
  for (const [name, state] of Object.entries(parsed)) if (state === 'new' || state === 'deleted' || state === 'missing') json[name] = state;
  return json;
}

/** Per tracked path from DVC's names: its own name and the names below it (a copy named elsewhere is not seen). */
export function outputsFromJson(stages: readonly Stage[], json: Readonly<Record<string, RemoteObjectState>>): RemoteOutput[] {
  const imports = repoImports(stages);
  const outputs: RemoteOutput[] = [];
  for (const stage of stages) {
    for (const out of stage.outs) {
      const hash = stage.lock?.outs.get(out.defPath)?.hash;
      const counts = { ok: 0, new: 0, deleted: 0, missing: 0 };
      for (const [name, state] of Object.entries(json)) if (name === out.repoPath || name.startsWith(`${out.repoPath}/`)) counts[state]++;
      const skipped = !out.flags.cache ? 'not cached' : imports.has(stage.address) ? 'import' : !out.flags.push ? 'not pushed by config' : out.flags.remote ? 'another remote' : !hash ? 'never committed' : undefined;
      const state: RemoteOutputState = skipped ? 'skipped' : counts.missing > 0 ? 'missing' : counts.new > 0 ? 'not pushed' : counts.deleted > 0 ? 'not in cache' : 'in sync';
      outputs.push({ repoPath: out.repoPath, stage: stage.address, isDir: hash?.endsWith('.dir') ?? false, hash, state, counts, ...(skipped ? { skipped } : {}) });
    }
  }
  return outputs;
}

/** `.dvc` files of `dvc import` (a dep with `repo:`): DVC leaves their outputs out of `status -c`. */
function repoImports(stages: readonly Stage[]): Set<string> {
  return new Set(stages.filter((stage) => (stage as Partial<DataStage>).repoImport === true).map((stage) => stage.address));
}

function typed(error: unknown): Error {
  if (error instanceof RemoteStatusError) return error;
  const reason = (error as { reason?: string }).reason;
  if (reason === 'no-remote' || reason === 'unknown-remote' || reason === 'invalid-url') return new RemoteStatusError(reason, (error as Error).message, { cause: error });
  return new RemoteStatusError('remote-failed', (error as Error).message, { cause: error });
}
