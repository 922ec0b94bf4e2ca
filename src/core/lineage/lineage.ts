/**
 * Lineage: the one place joining tracking (MLflow), DVC and git. Forward, from a model version,
 * alias, run, DVC experiment or commit to the commit, params, pipeline stage and the data version
 * each dep held (with the span of HEAD's history where that hash held); backward, from a data
 * version to the runs, experiments and model versions trained on it; and whether each input is
 * still HEAD's and the workspace's. Whatever cannot be established is a stated gap.
 *
 * A run's inputs are the data recorded at its `mlflow.source.git.commit` — what `git checkout` of
 * that commit and `dvc checkout` give; dvc.lock's own record of the stage at that commit is shown
 * beside it (it lags when the lock was committed after the run).
 */
import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, sep } from 'node:path';
import { Git, GitError, ObjectStore, type BlobReader } from '../git/index.js';
import { readDvcConfig } from '../dvc/files/config.js';
import { objectPath } from '../dvc/hashing/cachePresence.js';
import type { HashRecord, Stage } from '../dvc/entities.js';
import { RevisionLoader } from '../dvc/revision/load.js';
import { parseExperimentRef, RevisionResolver } from '../dvc/revision/resolve.js';
import type { ModelVersion, Run } from '../tracking/entities.js';
import type { ModelRegistry, TrackingStore } from '../tracking/store.js';
import { HistoryReader, parseRecords, segmentAt, type PathHistory, type RecordKey } from './history.js';
import type { CommitRef, Currency, DataInput, DataLineage, DatasetInputRef, ExperimentRef, Gap, Lineage, ModelVersionRef, RunRef, Staleness, StageLineage } from './model.js';

export const COMMIT_TAG = 'mlflow.source.git.commit';
export const DIRTY_TAG = 'mlflow.source.git.dirty';
export const REPO_URL_TAG = 'mlflow.source.git.repoURL';
export const SOURCE_NAME_TAG = 'mlflow.source.name';

export class LineageError extends Error {
  override readonly name = 'LineageError';
  constructor(
    readonly reason: 'not-found' | 'not-a-repo' | 'not-tracked',
    message: string,
  ) {
    super(message);
  }
}

export interface LineageOptions {
  readonly signal?: AbortSignal;
}

interface RepoFacts {
  readonly top: string;
  readonly head: string | undefined;
  readonly shallow: boolean;
  readonly remotes: readonly string[];
  readonly cacheDir: string;
}

type Store = TrackingStore & ModelRegistry;

/**
 * One per repository and tracking store; remembers what never changes (commits, file revisions,
 * parsed stages by commit) and, per HEAD, each record file's history. dispose() ends git's reader.
 */
export class LineageService {
  readonly git: Git;
  private readonly reader: BlobReader;
  private readonly objects: ObjectStore;
  private readonly loader: RevisionLoader;
  private readonly stagesByCommit = new Map<string, Promise<readonly Stage[]>>();
  private histories: HistoryReader | undefined;
  /** Answers of git that depend only on commits (and HEAD, part of each key). */
  private readonly gitAnswers = new Map<string, Promise<string>>();
  private facts: Promise<RepoFacts> | undefined;

  constructor(
    /** The DVC root (absolute). */
    readonly root: string,
    private readonly store: Store,
  ) {
    this.git = new Git(root);
    this.reader = this.git.blobReader();
    this.objects = new ObjectStore(this.reader);
    this.loader = new RevisionLoader(root, this.git);
  }

  dispose(): void {
    this.reader.dispose();
    this.loader.dispose();
  }

  /** Forgets HEAD-dependent answers (call when HEAD, refs or the workspace's records change). */
  refresh(): void {
    this.facts = undefined;
  }

  /** `git ARGS` remembered: only for arguments that name commits by id (their answer never changes). */
  private gitOnce(args: readonly string[], options: LineageOptions): Promise<string> {
    const key = args.join('\0');
    let pending = this.gitAnswers.get(key);
    if (!pending) {
      pending = this.git.text(args, options.signal ? { signal: options.signal } : {});
      pending.catch(() => this.gitAnswers.delete(key));
      this.gitAnswers.set(key, pending);
    }
    return pending;
  }

  // ---- forward ----

  async ofModelVersion(name: string, selector: { version: string } | { alias: string }, options: LineageOptions = {}): Promise<Lineage> {
    const version = await this.findModelVersion(name, selector, options);
    const ref = modelVersionRef(version);
    const subject = { kind: 'model-version' as const, id: `${name}/${version.version}` };
    if (!version.run_id) {
      return { ...(await this.emptyLineage(subject)), modelVersion: ref, gaps: [{ code: 'no-source-run', message: `${name} version ${version.version} names no source run (source ${version.source ?? 'unknown'}): its commit and data cannot be traced` }] };
    }
    const lineage = await this.ofRun(version.run_id, options);
    return { ...lineage, subject, modelVersion: ref };
  }

  async ofRun(runId: string, options: LineageOptions = {}): Promise<Lineage> {
    let run: Run;
    try {
      run = await this.store.getRun(runId, options);
    } catch (error) {
      const subject = { kind: 'run' as const, id: runId };
      return { ...(await this.emptyLineage(subject)), gaps: [{ code: 'run-not-found', message: `run ${runId} could not be read from the tracking store: ${(error as Error).message}`, subject: runId }] };
    }
    const facts = await this.repoFacts(options);
    const tags = tagMap(run);
    const gaps: Gap[] = [];
    const runRef = runRefOf(run, tags);
    const datasets = datasetsOf(run);
    const base = { subject: { kind: 'run' as const, id: runId }, modelVersion: null, run: runRef, experiment: null, datasets };
    const commitId = tags.get(COMMIT_TAG)?.trim();
    if (!commitId) {
      gaps.push({ code: 'no-commit-tag', message: `run ${runId} has no ${COMMIT_TAG} tag (logged outside a git work tree, or with git unavailable): its code and data versions are unknown`, subject: runId });
      return { ...base, commit: null, stages: [], currency: unknownCurrency(facts), gaps };
    }
    const commit = await this.commitRef(commitId, tags, facts, options);
    if (!commit.inClone) {
      gaps.push({ ...missingCommitGap(commitId, runRef.repoUrl, facts), subject: runId });
      return { ...base, commit, stages: [], currency: unknownCurrency(facts), gaps };
    }
    if (runRef.repoUrl && facts.remotes.length > 0 && !facts.remotes.some((r) => sameRepo(r, runRef.repoUrl!))) {
      gaps.push({ code: 'other-repo', message: `run ${runId} was logged from ${runRef.repoUrl}, not a remote of this repository (${facts.remotes.join(', ')}); commit ${short(commitId)} is present here, so it is read from this clone`, subject: runId });
    }
    if (commit.dirty === null) gaps.push({ code: 'dirty-unknown', message: `run ${runId} did not record whether its work tree was clean (${DIRTY_TAG}): its inputs are taken as committed at ${short(commitId)}`, subject: runId });
    else if (commit.dirty) gaps.push({ code: 'dirty', message: `run ${runId} was logged with uncommitted changes: the data it read may differ from what ${short(commitId)} records`, subject: runId });
    const stages = await this.stagesAt(commit.id, options);
    const stage = chooseStage(stages, runRef.sourceName, facts.top, this.root);
    if (stage.kind === 'none') {
      gaps.push({ code: stages.some((s) => s.kind === 'pipeline') ? 'stage-unknown' : 'no-dvc-source', message: stages.some((s) => s.kind === 'pipeline') ? `no pipeline stage at ${short(commit.id)} runs ${runRef.sourceName ?? 'the run\'s script (no mlflow.source.name tag)'}: the run's data inputs are unknown` : `${short(commit.id)} has no DVC pipeline (dvc.yaml): the run's data inputs are unknown`, subject: runId });
      return { ...base, commit, stages: [], currency: unknownCurrency(facts), gaps };
    }
    if (stage.kind === 'many') {
      gaps.push({ code: 'stage-ambiguous', message: `${stage.stages.map((s) => s.address).join(', ')} all run ${runRef.sourceName}: the run's stage is ambiguous, its data inputs are not chosen`, subject: runId });
      return { ...base, commit, stages: [], currency: unknownCurrency(facts), gaps };
    }
    const lineage = await this.stageLineage(stage.stage, stages, commit.id, facts, gaps, options);
    return { ...base, commit, stages: [lineage], currency: currencyOf([lineage], facts, commit), gaps };
  }

  /** A DVC experiment (by name) or any revision: every pipeline stage's inputs at its commit. */
  async ofCommit(rev: string, options: LineageOptions = {}): Promise<Lineage> {
    const info = await new RevisionResolver(this.git).resolve(rev, options.signal).catch((error: Error) => {
      throw new LineageError('not-found', error.message);
    });
    if (!info.commit) throw new LineageError('not-found', `'${rev}' names no commit`);
    const facts = await this.repoFacts(options);
    const commit = await this.commitRef(info.commit, new Map(), facts, options);
    const gaps: Gap[] = [];
    const stages = await this.stagesAt(info.commit, options);
    const lineages: StageLineage[] = [];
    for (const stage of stages) if (stage.kind === 'pipeline') lineages.push(await this.stageLineage(stage, stages, info.commit, facts, gaps, options));
    if (lineages.length === 0) gaps.push({ code: 'no-dvc-source', message: `${short(info.commit)} has no DVC pipeline stage` });
    const experiment: ExperimentRef | null = info.kind === 'experiment' ? { name: info.name, commit: info.commit, baseline: info.baseline! } : null;
    return {
      subject: { kind: experiment ? 'experiment' : 'commit', id: rev },
      modelVersion: null,
      run: null,
      experiment,
      commit: { ...commit, dirty: false },
      stages: lineages,
      datasets: [],
      currency: currencyOf(lineages, facts, commit),
      gaps,
    };
  }

  // ---- backward ----

  /** The data version `path` has at `rev` (default HEAD), and the runs, experiments and model versions trained on it. */
  async ofData(path: string, rev = 'HEAD', options: LineageOptions = {}): Promise<DataLineage> {
    const facts = await this.repoFacts(options);
    const repoPath = posix.normalize(path.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/$/, '');
    const info = await new RevisionResolver(this.git).resolve(rev, options.signal).catch((error: Error) => {
      throw new LineageError('not-found', error.message);
    });
    const stages = info.commit ? await this.stagesAt(info.commit, options) : (await this.loader.load(info, options)).stages;
    const record = recordOf(stages, repoPath, this.root, facts.top);
    if (!record?.hash) throw new LineageError('not-tracked', `${repoPath} is not a DVC-tracked path at ${rev} (no .dvc file or stage output records it)`);
    const hash = record.hash;
    const gaps: Gap[] = [];
    const history = facts.head ? await this.historyOf(facts.head, record.key, options) : { key: record.key, segments: [], order: new Map<string, number>() };
    const versions = history.segments.filter((s) => s.hash === hash).map((s) => ({ version: s.version, from: s.from, until: s.until ?? null }));
    if (versions.length === 0) gaps.push({ code: 'not-on-head', message: `${repoPath} at ${rev} (${shortHash(hash)}) is not a version in HEAD's history`, subject: repoPath });
    if (facts.shallow) gaps.push({ code: 'shallow-clone', message: 'this clone is shallow: versions are counted from its oldest commit, and runs on older commits cannot be traced (git fetch --unshallow)' });
    const inCache = await exists(objectPath(facts.cacheDir, hash, record.algorithm));
    if (!inCache) gaps.push({ code: 'not-in-cache', message: `${repoPath} ${shortHash(hash)} is not in the DVC cache (dvc pull or dvc fetch it to read it)`, subject: repoPath });

    const trainedOn = (lineage: StageLineage): boolean => lineage.inputs.some((i) => i.kind === 'dvc' && i.hash === hash && (i.path === repoPath || i.trackedAs === repoPath));
    const runs: DataLineage['runs'][number][] = [];
    const unresolved: string[] = [];
    const experiments = (await this.store.searchExperiments({ viewType: 'ACTIVE_ONLY', ...options })).items;
    if (experiments.length > 0) {
      const listing = await this.store.searchRuns({ experimentIds: experiments.map((e) => e.experiment_id), ...options });
      for (const run of listing.items) {
        const lineage = await this.ofRun(run.info.run_id, options);
        const stage = lineage.stages[0];
        if (!stage) {
          if (lineage.gaps.some((g) => ['no-commit-tag', 'commit-missing', 'shallow-clone', 'other-repo', 'stage-unknown', 'stage-ambiguous'].includes(g.code) && g.subject === run.info.run_id)) unresolved.push(run.info.run_id);
          continue;
        }
        if (trainedOn(stage)) runs.push({ runId: run.info.run_id, runName: run.info.run_name ?? null, experimentId: run.info.experiment_id, commit: lineage.commit!.id, stage: stage.address });
      }
    }
    if (unresolved.length > 0) gaps.push({ code: 'unresolved-runs', message: `${unresolved.length} run(s) could not be traced to their data (no commit tag, commit not in this clone, or no stage): ${unresolved.join(', ')}` });
    const exps: DataLineage['experiments'][number][] = [];
    const { refs } = await this.git.forEachRef(['refs/exps/'], options);
    for (const { ref, oid } of refs) {
      const parsed = parseExperimentRef(ref);
      if (!parsed || !(await this.objects.commit(oid))) continue;
      const stagesAtExp = await this.stagesAt(oid, options);
      for (const stage of stagesAtExp) {
        if (stage.kind !== 'pipeline') continue;
        const lineage = await this.stageLineage(stage, stagesAtExp, oid, facts, [], options);
        if (trainedOn(lineage)) exps.push({ name: parsed.name, commit: oid, baseline: parsed.baseline, stage: stage.address });
      }
    }
    const runIds = new Set(runs.map((r) => r.runId));
    const modelVersions: ModelVersionRef[] = [];
    if (runIds.size > 0) {
      const aliases = new Map<string, string[]>();
      for (const model of (await this.store.searchRegisteredModels(options)).items) for (const a of model.aliases ?? []) aliases.set(`${model.name}\0${a.version}`, [...(aliases.get(`${model.name}\0${a.version}`) ?? []), a.alias]);
      for (const v of (await this.store.searchModelVersions(options)).items) if (v.run_id && runIds.has(v.run_id)) modelVersions.push(modelVersionRef({ ...v, aliases: [...new Set([...(v.aliases ?? []), ...(aliases.get(`${v.name}\0${v.version}`) ?? [])])] }));
    }
    return { path: repoPath, rev, commit: info.commit ?? null, hash, recordedIn: record.key.file, versions, inCache, runs, experiments: exps, modelVersions, gaps };
  }

  // ---- pieces ----

  /**
   * A registered model's version by number or alias, with its aliases (MLflow's model version
   * search leaves them out; the registered model holds them).
   */
  async findModelVersion(name: string, selector: { version: string } | { alias: string }, options: LineageOptions = {}): Promise<ModelVersion> {
    const quoted = `name = '${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    const [versions, models] = await Promise.all([this.store.searchModelVersions({ filter: quoted, ...options }), this.store.searchRegisteredModels({ filter: quoted, ...options })]);
    const model = models.items.find((m) => m.name === name);
    if (!model) throw new LineageError('not-found', `no registered model '${name}'`);
    const wanted = 'version' in selector ? selector.version : model.aliases?.find((a) => a.alias === selector.alias)?.version;
    if (wanted === undefined) throw new LineageError('not-found', `registered model '${name}' has no alias @${(selector as { alias: string }).alias}`);
    const found = versions.items.find((v) => v.name === name && v.version === wanted);
    if (!found) throw new LineageError('not-found', `registered model '${name}' has no version ${wanted}`);
    const aliases = (model.aliases ?? []).filter((a) => a.version === found.version).map((a) => a.alias);
    return { ...found, aliases: [...new Set([...(found.aliases ?? []), ...aliases])] };
  }

  private async stageLineage(stage: Stage, stages: readonly Stage[], commit: string, facts: RepoFacts, gaps: Gap[], options: LineageOptions): Promise<StageLineage> {
    if (!stage.lock) gaps.push({ code: 'stage-not-locked', message: `dvc.lock at ${short(commit)} has no entry for stage ${stage.address}: its params and outputs were not recorded at that commit`, subject: stage.address });
    if (facts.head) {
      const files = stage.deps.map((d) => recordOf(stages, d.repoPath, this.root, facts.top)?.key.file).filter((f): f is string => f !== undefined);
      await (await this.historyReader(facts.head)).prefetch(facts.head, files, options.signal);
    }
    // Read side by side; each input's gaps kept with it so the answer's order does not depend on timing.
    const read = await Promise.all(
      stage.deps
        .filter((dep) => !dep.external)
        .map(async (dep) => {
          const own: Gap[] = [];
          return { input: await this.inputOf(dep.repoPath, dep.defPath, stage, stages, commit, facts, own, options), gaps: own };
        }),
    );
    const inputs: DataInput[] = read.map((r) => r.input);
    for (const r of read) gaps.push(...r.gaps);
    const params: Record<string, Record<string, unknown>> = {};
    for (const [file, values] of stage.lock?.params ?? []) params[file] = plain(values) as Record<string, unknown>;
    const outputs = stage.outs.map((o) => ({ path: o.repoPath, hash: stage.lock?.outs.get(o.defPath)?.hash ?? null }));
    return { address: stage.address, file: stage.file, cmd: stage.cmd ?? null, params, inputs, outputs };
  }

  private async inputOf(repoPath: string, defPath: string, stage: Stage, stages: readonly Stage[], commit: string, facts: RepoFacts, gaps: Gap[], options: LineageOptions): Promise<DataInput> {
    const lockHash = stage.lock?.deps.get(defPath)?.hash ?? null;
    const record = recordOf(stages, repoPath, this.root, facts.top);
    if (!record) {
      const inGit = relative(facts.top, join(this.root, repoPath)).split(sep).join('/');
      const info = await this.objects.commit(commit);
      const entry = info ? await this.objects.entry(info.tree, inGit) : undefined;
      const headInfo = facts.head ? await this.objects.commit(facts.head) : undefined;
      const headEntry = headInfo ? await this.objects.entry(headInfo.tree, inGit) : undefined;
      const hash = entry?.oid ?? null;
      return {
        path: repoPath,
        kind: entry ? 'git' : 'untracked',
        recordedIn: null,
        producedBy: null,
        trackedAs: null,
        hash,
        lockHash,
        version: null,
        range: null,
        inCache: null,
        currency: { headHash: headEntry?.oid ?? null, headVersion: null, currentAtHead: entry && headInfo ? headEntry?.oid === entry.oid : null, workspaceHash: null, currentInWorkspace: null, changedIn: [] },
      };
    }
    const hash = record.hash ?? null;
    if (hash && lockHash && hash !== lockHash) {
      gaps.push({ code: 'lock-differs', message: `dvc.lock at ${short(commit)} records ${shortHash(lockHash)} for ${repoPath} in stage ${stage.address}, but the commit records ${shortHash(hash)}: dvc.lock was not committed with this data; the input shown is the data recorded at the commit`, subject: repoPath });
    }
    const history = facts.head ? await this.historyOf(facts.head, record.key, options) : { key: record.key, segments: [], order: new Map<string, number>() };
    let segment = history.segments.filter((s) => s.hash === hash);
    if (segment.length > 1) {
      const at = (await this.gitOnce(['rev-list', '-1', commit, '--', record.key.file], options)).trim() || undefined;
      const holding = at === undefined ? undefined : segmentAt(history, at);
      segment = holding && holding.hash === hash ? [holding] : [];
    }
    const version = segment.length === 1 ? segment[0]! : undefined;
    if (hash && !version) gaps.push({ code: 'not-on-head', message: `${repoPath} ${shortHash(hash)} (recorded at ${short(commit)}) is not a version in HEAD's history: its range and currency are unknown`, subject: repoPath });
    const inCache = hash ? await exists(objectPath(facts.cacheDir, hash, record.algorithm)) : null;
    if (inCache === false) gaps.push({ code: 'not-in-cache', message: `${repoPath} ${shortHash(hash!)} is not in the DVC cache: the data cannot be checked out or compared until it is pulled`, subject: repoPath });
    const last = history.segments[history.segments.length - 1];
    const headHash = last?.hash ?? null;
    const workspaceHash = await this.workspaceHash(record.key, facts);
    const later = version ? history.segments.slice(version.version) : [];
    return {
      path: repoPath,
      kind: 'dvc',
      recordedIn: record.key.file,
      producedBy: record.key.stage ?? null,
      trackedAs: record.trackedAs,
      hash,
      lockHash,
      version: version?.version ?? null,
      range: version ? { from: version.from, until: version.until ?? null } : null,
      inCache,
      currency: {
        headHash,
        headVersion: last?.version ?? null,
        currentAtHead: hash && last ? headHash === hash : null,
        workspaceHash,
        currentInWorkspace: hash ? workspaceHash === hash : null,
        changedIn: later.map((s) => s.from),
      },
    };
  }

  private async workspaceHash(key: RecordKey, facts: RepoFacts): Promise<string | null> {
    const text = await readFile(join(facts.top, key.file), 'utf8').catch(() => undefined);
    if (text === undefined) return null;
    return parseRecords(facts.top, key.file, text).get(`${key.stage ?? ''}\0${key.defPath}`)?.hash ?? null;
  }

  private historyOf(head: string, key: RecordKey, options: LineageOptions): Promise<PathHistory> {
    return this.historyReader(head).then((h) => h.history(head, key, options.signal));
  }

  private async historyReader(_head: string): Promise<HistoryReader> {
    this.histories ??= new HistoryReader(this.git, this.reader, (await this.repoFacts()).top);
    return this.histories;
  }

  private stagesAt(commit: string, options: LineageOptions): Promise<readonly Stage[]> {
    let pending = this.stagesByCommit.get(commit);
    if (!pending) {
      pending = this.loader.load({ name: commit, kind: 'commit', commit }, options).then((loaded) => loaded.stages);
      pending.catch(() => this.stagesByCommit.delete(commit));
      this.stagesByCommit.set(commit, pending);
    }
    return pending;
  }

  private async commitRef(id: string, tags: ReadonlyMap<string, string>, facts: RepoFacts, options: LineageOptions): Promise<CommitRef> {
    const dirtyTag = tags.get(DIRTY_TAG)?.trim().toLowerCase();
    const dirty = dirtyTag === 'true' ? true : dirtyTag === 'false' ? false : null;
    const info = /^[0-9a-f]{7,64}$/i.test(id) ? await this.objects.commit(id.toLowerCase()) : undefined;
    if (!info) return { id, inClone: false, dirty, subject: null, time: null, behindHead: null };
    const behind = facts.head ? Number((await this.gitOnce(['rev-list', '--count', `${info.oid}..${facts.head}`], options)).trim()) : NaN;
    return { id: info.oid, inClone: true, dirty, subject: info.message.split('\n')[0] ?? '', time: new Date(info.committerTime * 1000).toISOString(), behindHead: Number.isFinite(behind) ? behind : null };
  }

  private repoFacts(options: LineageOptions = {}): Promise<RepoFacts> {
    this.facts ??= (async () => {
      const call = options.signal ? { signal: options.signal } : {};
      let top: string;
      try {
        top = await this.git.topLevel(call);
      } catch (error) {
        throw new LineageError('not-a-repo', error instanceof GitError ? `${this.root} is not in a git repository: ${error.message}` : String(error));
      }
      const [head, shallow, remotes, config] = await Promise.all([
        this.git.resolveCommit('HEAD', call),
        this.git.text(['rev-parse', '--is-shallow-repository'], call).then((t) => t.trim() === 'true'),
        this.git.tryText(['config', '--get-regexp', '^remote\\..*\\.url$'], call).then((t) => (t ?? '').split('\n').map((l) => l.split(' ').slice(1).join(' ').trim()).filter(Boolean)),
        readDvcConfig(this.root),
      ]);
      return { top, head, shallow, remotes, cacheDir: config.cacheDir };
    })();
    this.facts.catch(() => (this.facts = undefined));
    return this.facts;
  }

  private async emptyLineage(subject: Lineage['subject']): Promise<Lineage> {
    const facts = await this.repoFacts().catch(() => undefined);
    return { subject, modelVersion: null, run: null, experiment: null, commit: null, stages: [], datasets: [], currency: { state: 'unknown', head: facts?.head ?? null, stale: [] }, gaps: [] };
  }
}

/** The record of `repoPath` among a revision's stages: its own out, or the tracked directory holding it. */
function recordOf(stages: readonly Stage[], repoPath: string, root: string, top: string): { key: RecordKey; hash: string | undefined; algorithm: HashRecord['algorithm']; trackedAs: string | null } | undefined {
  let inside: { stage: Stage; defPath: string; repoPath: string } | undefined;
  for (const stage of stages) {
    for (const out of stage.outs) {
      if (out.repoPath === repoPath) return build(stage, out.defPath, null);
      if (repoPath.startsWith(`${out.repoPath}/`)) inside ??= { stage, defPath: out.defPath, repoPath: out.repoPath };
    }
  }
  return inside ? build(inside.stage, inside.defPath, inside.repoPath) : undefined;

  function build(stage: Stage, defPath: string, trackedAs: string | null): { key: RecordKey; hash: string | undefined; algorithm: HashRecord['algorithm']; trackedAs: string | null } {
    const file = stage.kind === 'data' ? join(root, stage.file) : join(root, dirname(stage.file), 'dvc.lock');
    const key: RecordKey = { file: relative(top, file).split(sep).join('/'), stage: stage.kind === 'data' ? undefined : stage.name, defPath };
    const record = stage.lock?.outs.get(defPath);
    return { key, hash: record?.hash, algorithm: record?.algorithm ?? 'md5', trackedAs };
  }
}

type StageChoice = { kind: 'one'; stage: Stage } | { kind: 'many'; stages: Stage[] } | { kind: 'none' };

/** The pipeline stage that runs the run's entry script (`mlflow.source.name`): as a dep, or named in its cmd. */
export function chooseStage(stages: readonly Stage[], sourceName: string | null, top: string, root: string): StageChoice {
  const pipeline = stages.filter((s) => s.kind === 'pipeline');
  if (!sourceName || pipeline.length === 0) return { kind: 'none' };
  let script = sourceName.replace(/\\/g, '/');
  if (isAbsolute(sourceName)) {
    const rel = relative(root, sourceName);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      // Logged from another checkout: compare the path below the folder named like this repo's top.
      const parts = script.split('/');
      const topName = top.split(sep).pop();
      const at = parts.lastIndexOf(topName ?? '');
      script = at >= 0 ? parts.slice(at + 1).join('/') : (parts.pop() ?? script);
    } else script = rel.split(sep).join('/');
  }
  script = posix.normalize(script).replace(/^\.\//, '');
  const matches = pipeline.filter((stage) => {
    if (stage.deps.some((d) => d.repoPath === script || posix.join(stage.wdir, d.defPath) === script)) return true;
    const cmd = typeof stage.cmd === 'string' ? stage.cmd : (stage.cmd ?? []).join(' ');
    return cmd.split(/\s+/).some((token) => token === script || posix.normalize(posix.join(stage.wdir, token)) === script);
  });
  if (matches.length === 1) return { kind: 'one', stage: matches[0]! };
  if (matches.length > 1) return { kind: 'many', stages: matches };
  return { kind: 'none' };
}

function currencyOf(stages: readonly StageLineage[], facts: RepoFacts, commit: CommitRef): Currency {
  const dvcInputs = stages.flatMap((s) => s.inputs.filter((i) => i.kind === 'dvc'));
  if (dvcInputs.length === 0) return unknownCurrency(facts);
  const stale: Staleness[] = [];
  const seen = new Set<string>();
  for (const input of dvcInputs) {
    if (seen.has(input.path) || input.currency.currentAtHead !== false) continue;
    seen.add(input.path);
    const changes = input.currency.changedIn.length;
    const behind = commit.behindHead === null ? '' : `, ${commit.behindHead} commit${commit.behindHead === 1 ? '' : 's'} later`;
    const trained = input.version === null ? shortHash(input.hash ?? '?') : `v${input.version}`;
    const head = input.currency.headHash === null ? 'no longer tracks it' : `has v${input.currency.headVersion ?? '?'}`;
    stale.push({ path: input.path, trainedVersion: input.version, headVersion: input.currency.headVersion, message: `trained on ${input.path} ${trained} — HEAD ${head}${behind} (${changes} change${changes === 1 ? '' : 's'} since)` });
  }
  const unknown = dvcInputs.some((i) => i.currency.currentAtHead === null);
  return { state: stale.length > 0 ? 'stale' : unknown ? 'unknown' : 'current', head: facts.head ?? null, stale };
}

function unknownCurrency(facts: RepoFacts): Currency {
  return { state: 'unknown', head: facts.head ?? null, stale: [] };
}

function missingCommitGap(commit: string, repoUrl: string | null, facts: RepoFacts): Gap {
  if (repoUrl && facts.remotes.length > 0 && !facts.remotes.some((r) => sameRepo(r, repoUrl))) {
    return { code: 'other-repo', message: `the run was logged from ${repoUrl} (commit ${short(commit)}), not from this repository (${facts.remotes.join(', ')}): its code and data cannot be read here` };
  }
  if (facts.shallow) return { code: 'shallow-clone', message: `commit ${short(commit)} is not in this shallow clone: fetch more history (git fetch --unshallow) to trace it` };
  return { code: 'commit-missing', message: `commit ${short(commit)} is not in this clone${repoUrl ? ` (the run names ${repoUrl})` : ''}: fetch it, or the branch holding it, to trace the run's data` };
}

/** Two remote URLs for one repository: scheme, user, `.git` and `host:path` vs `host/path` aside. */
export function sameRepo(a: string, b: string): boolean {
  const norm = (url: string): string =>
    url
      .trim()
      .replace(/^[a-z+]+:\/\//i, '')
      .replace(/^[^@/]+@/, '')
      .replace(/^([^/:]+):(?!\d)/, '$1/')
      .replace(/\.git\/?$/, '')
      .replace(/\/+$/, '')
      .toLowerCase();
  return norm(a) === norm(b);
}

function tagMap(run: Run): Map<string, string> {
  return new Map((run.data.tags ?? []).map((t) => [t.key, t.value]));
}

function runRefOf(run: Run, tags: ReadonlyMap<string, string>): RunRef {
  const params: Record<string, string> = {};
  for (const p of run.data.params ?? []) params[p.key] = p.value;
  const metrics: Record<string, number | string> = {};
  for (const m of run.data.metrics ?? []) metrics[m.key] = m.value;
  return {
    runId: run.info.run_id,
    runName: run.info.run_name ?? null,
    experimentId: run.info.experiment_id,
    status: run.info.status,
    startTime: run.info.start_time ?? null,
    params,
    metrics,
    sourceName: tags.get(SOURCE_NAME_TAG) ?? null,
    repoUrl: tags.get(REPO_URL_TAG) ?? null,
  };
}

function datasetsOf(run: Run): DatasetInputRef[] {
  return (run.inputs?.dataset_inputs ?? []).map((input) => ({
    name: input.dataset.name,
    digest: input.dataset.digest,
    sourceType: input.dataset.source_type,
    source: input.dataset.source,
    context: input.tags?.find((t) => t.key === 'mlflow.data.context')?.value ?? null,
  }));
}

export function modelVersionRef(version: ModelVersion): ModelVersionRef {
  return { name: version.name, version: version.version, aliases: [...(version.aliases ?? [])].sort(), source: version.source ?? null, runId: version.run_id || null, modelId: version.model_id || null };
}

function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function short(commit: string): string {
  return commit.slice(0, 7);
}

function shortHash(hash: string): string {
  return hash.length > 12 ? hash.slice(0, 8) : hash;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
