/**
 * The DVC engine's front door. `openDvcRepo(root, { statCachePath })` gives a repo handle whose
 * reads never take DVC's lock; hashing runs in a worker (shared when a `hashService` is passed, as
 * the host does for several roots).
 *
 *   const repo = openDvcRepo(root, { statCachePath });
 *   const { stages, json } = await repo.status({ signal, onProgress });
 */
import type { DataState, DataVersion, DvcDiagnostic, PipelineFile, RepoStatus, Stage, TrackedData } from './entities.js';
import { HashService, type RequestOptions } from './hashing/service.js';
import type { DirEntry } from './hashing/dirListing.js';
import type { Measured } from './hashing/engine.js';
import type { IgnoreSpec } from './ignore.js';
import { loadSnapshot, ParseCache, type Snapshot } from './load.js';
import { dvcActivity, type DvcActivity } from './activity.js';
import { computeStatus } from './status/run.js';
import { buildDag, type Dag } from './status/dag.js';
import { algorithmFor } from './status/stageStatus.js';
import { dataVersions, recordSource, VersionsError } from './versions.js';

export interface DvcRepoOptions {
  /** File for the persistent stat cache (in the extension's storage, never the repo). */
  readonly statCachePath?: string;
  /** A service shared between repos; when given, `dispose()` leaves it running. */
  readonly hashService?: HashService;
  /** The bundled worker script (see HashServiceOptions.workerPath). */
  readonly workerPath?: string;
  /** Hash on this thread (CLI only; see HashServiceOptions.inProcess). */
  readonly inProcess?: boolean;
}

export interface Signal {
  readonly signal?: AbortSignal;
}

export interface DvcRepo {
  readonly root: string;
  /** Stages of every dvc.yaml and `.dvc` file, with their dvc.lock records, and parse problems. */
  load(options?: Signal): Promise<{ stages: readonly Stage[]; pipelines: readonly PipelineFile[]; diagnostics: readonly DvcDiagnostic[]; dag: Dag; ignore: IgnoreSpec }>;
  status(options?: RequestOptions): Promise<RepoStatus>;
  data(options?: RequestOptions): Promise<TrackedData[]>;
  dataVersions(repoPath: string, options?: Signal): Promise<DataVersion[]>;
  /** The files of a directory version from the cache (`.dir` object), for diffs. */
  dirListing(hash: string, options?: Signal): Promise<DirEntry[] | undefined>;
  /**
   * One consistent picture from one snapshot: the stages as loaded, their status and the tracked
   * data (what the views show; `load()` + `status()` could read the files twice, in between a change).
   */
  inspect(options?: InspectOptions): Promise<Inspection>;
  /** A tracked path as it is in the workspace now, with a directory's per-file hashes (for diffs). */
  measureWorkspace(repoPath: string, options?: RequestOptions): Promise<Measured | undefined>;
  /** Whether a dvc command holds the repo now (re-check after it ends). */
  activity(): Promise<DvcActivity>;
  dispose(): Promise<void>;
}

export interface InspectOptions extends RequestOptions {
  /**
   * The last inspection and the stages a change may have reached since (watchPaths.affectedStages):
   * the other stages keep their verdicts unless their definition or record changed.
   */
  readonly reuse?: { readonly previous: Inspection; readonly recheck: readonly string[] };
}

export interface Inspection {
  readonly stages: readonly Stage[];
  readonly pipelines: readonly PipelineFile[];
  readonly diagnostics: readonly DvcDiagnostic[];
  readonly dag: Dag;
  readonly status: RepoStatus;
  readonly data: readonly TrackedData[];
}

export function openDvcRepo(root: string, options: DvcRepoOptions = {}): DvcRepo {
  const ownService = options.hashService === undefined;
  const service =
    options.hashService ??
    new HashService({
      ...(options.statCachePath ? { statCachePath: options.statCachePath } : {}),
      ...(options.workerPath ? { workerPath: options.workerPath } : {}),
      ...(options.inProcess ? { inProcess: true } : {}),
    });
  let lastSnapshot: Snapshot | undefined;
  const parsed = new ParseCache();
  const snapshot = async (signal?: AbortSignal): Promise<Snapshot> => (lastSnapshot = await loadSnapshot(root, signal, parsed));
  return {
    root,
    async load(opts = {}) {
      const s = await snapshot(opts.signal);
      return { stages: s.stages, pipelines: s.pipelines, diagnostics: s.diagnostics, dag: buildDag(s.stages), ignore: s.ignore.spec };
    },
    async status(opts = {}) {
      return computeStatus(await snapshot(opts.signal), service, opts);
    },
    async data(opts = {}) {
      const s = await snapshot(opts.signal);
      return trackedData(s, await computeStatus(s, service, opts));
    },
    async dataVersions(repoPath, opts = {}) {
      const s = lastSnapshot ?? (await snapshot(opts.signal));
      const normalized = repoPath.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
      const source = recordSource(root, s.stages, normalized);
      if (!source) throw new VersionsError(`'${repoPath}' is not tracked by DVC in ${root}`, 'not-tracked');
      return dataVersions(root, source, opts.signal);
    },
    async dirListing(hash, opts = {}) {
      const s = lastSnapshot ?? (await snapshot(opts.signal));
      const md5 = await service.listing({ cacheDir: s.config.cacheDir, hash, algorithm: 'md5' }, opts);
      return md5 ?? service.listing({ cacheDir: s.config.cacheDir, hash, algorithm: 'md5-dos2unix' }, opts);
    },
    async inspect(opts = {}) {
      const s = await snapshot(opts.signal);
      const reuse = opts.reuse ? { previous: opts.reuse.previous.status, previousStages: opts.reuse.previous.stages, recheck: new Set(opts.reuse.recheck) } : undefined;
      const status = await computeStatus(s, service, opts, reuse);
      // The status's diagnostics: the files' own, and those of params files only a status reads.
      return { stages: s.stages, pipelines: s.pipelines, diagnostics: status.diagnostics, dag: buildDag(s.stages), status, data: trackedData(s, status) };
    },
    async measureWorkspace(repoPath, opts = {}) {
      const s = lastSnapshot ?? (await snapshot(opts.signal));
      for (const stage of s.stages) {
        const out = stage.outs.find((o) => o.repoPath === repoPath);
        if (!out) continue;
        const algorithm = algorithmFor(stage, stage.lock?.outs.get(out.defPath));
        const [measured] = await service.measure([{ path: out.absPath, algorithm, ignore: { spec: s.ignore.spec, relPath: out.repoPath }, withEntries: true }], opts);
        return measured;
      }
      return undefined;
    },
    activity: () => dvcActivity(root),
    async dispose() {
      if (ownService) await service.dispose();
    },
  };
}

/** Every out of every stage with its recorded size/count and its state from the status run. */
export function trackedData(snapshot: Snapshot, status: RepoStatus): TrackedData[] {
  const byAddress = new Map(status.stages.map((s) => [s.address, s]));
  const out: TrackedData[] = [];
  for (const stage of snapshot.stages) {
    const stageStatus = byAddress.get(stage.address);
    for (const item of stage.outs) {
      const record = stage.lock?.outs.get(item.defPath);
      const change = stageStatus?.changedOuts.find((c) => c.repoPath === item.repoPath);
      const state: DataState = !record?.hash ? 'never committed' : change ? (change.state === 'new' ? 'modified' : change.state) : 'in sync';
      out.push({
        repoPath: item.repoPath,
        stage: stage.address,
        source: stage.kind === 'data' ? 'dvc-file' : 'stage-out',
        isDir: record?.hash?.endsWith('.dir') ?? false,
        hash: record?.hash,
        size: record?.size,
        nfiles: record?.nfiles,
        cache: item.flags.cache,
        state,
        ...(state === 'not in cache' && change?.actual !== undefined ? { workspaceDiffers: true } : {}),
      });
    }
  }
  return out;
}
