/**
 * DVC experiments read natively, as `dvc exp show --json` reports them (dvc/repo/experiments/
 * collect.py), with no Python and no lock: refs from git's ref files (or one `for-each-ref`
 * where git must say), objects through one long-lived `cat-file --batch`, the queues from
 * `.dvc/tmp/exps`. A commit's row is computed once per reader (commits never change; like DVC's own exp cache, a row with an error is
 * computed again next time), so a re-read after a change costs the new commits and the workspace.
 *
 *   const experiments = new DvcExperiments(root);
 *   const states = await experiments.show({ revs: ['main'], num: 2 });
 *   experiments.dispose();
 */
import { join, relative, sep } from 'node:path';
import { Git, GitError, locateRepo, ObjectStore, readRefFiles, type BlobReader, type GitCallOptions, type RefListing } from '../../git/index.js';
import { readDvcConfig, type DvcConfig } from '../files/config.js';
import { commitFiles, diskFiles, pausingFiles, stampingFiles } from '../files/repoFiles.js';
import { loadSnapshot, ParseCache, stampOf } from '../load.js';
import { baselineRevs, describe, peelRefs, type PeeledRef, type RefIndex } from './baselines.js';
import { collectExp, RowError } from './collectExp.js';
import { CacheObjects, DvcView } from './dvcView.js';
import { ExperimentsError, type ExpExecutor, type ExpRange, type ExpShowOptions, type ExpState, type SerializableError, type SerializableExp } from './model.js';
import { executorRoot, pidAlive, readQueue, type QueueState, type StartedTask } from './queue.js';
import { baselinePrefix, parseExpRef } from './refs.js';
import { RowCache } from './rowCache.js';
import { cooperative } from '../../util/cooperative.js';
import { watchPlan, type ExperimentsWatch } from './watch.js';

/** The longest first-parent walk from an experiment's tip back to its baseline (a bad ref stops here). */
const MAX_RANGE = 1000;
/**
 * Rows collected at once: their reads share each round trip to `git cat-file`, which is what a
 * cold read waits for; each row yields to the event loop between its steps.
 */
const CONCURRENCY = 64;
/** Longest stretch of parsing between two yields to the event loop. */
const SLICE_MS = 5;

/** Bump when what an answer holds for the same inputs changes (answerKey). */
const ANSWER_FORMAT = 1;

/** A file changed less than this long before its stamp was taken is not trusted to keep a row by. */
const RACY_MS = 2_000;

/** Whether every path still has the stamp it was kept with. */
async function stampsMatch(stamps: readonly (readonly [string, string])[]): Promise<boolean> {
  return (await Promise.all(stamps.map(async ([path, stamp]) => (await stampOf(path)) === stamp))).every(Boolean);
}

/** Whether a stamp (`ino:size:mtimeNs:ctimeNs`) says the content changed at or after `sinceNs` (a write sets the mtime to now). */
function changedSince(stamp: string, sinceNs: bigint): boolean {
  const parts = stamp.split(':');
  return parts.length === 4 && BigInt(parts[2]!) >= sinceNs;
}

type Collected = { readonly data: SerializableExp; readonly error?: undefined } | { readonly data?: undefined; readonly error: SerializableError };

export interface DvcExperimentsOptions {
  /** The git executable (tests may point elsewhere). */
  readonly gitCommand?: string;
  /** Whether a process lives (`psutil.pid_exists`); tests replace it. */
  readonly isAlive?: (pid: number) => boolean;
  /**
   * A file (outside the repo: the extension's storage, the CLI's cache folder) that keeps commit
   * rows between processes; without it they are kept for this reader's life only.
   */
  readonly rowCachePath?: string;
  /**
   * Keep the workspace's row in the row cache too, with the stamps of what it was computed from,
   * and use it when they all still match (a new process per read: the CLI). A long-lived reader
   * keeps its parses in memory instead, and does not rewrite the file at every change of the workspace.
   */
  readonly keepWorkspaceRow?: boolean;
}

export interface ExperimentsResult {
  readonly states: ExpState[];
  /** What to watch to know when to read again. */
  readonly watch: ExperimentsWatch;
  /** Queue files that could not be read (the rest was). */
  readonly problems: readonly string[];
  /**
   * No row held an error and every queue file was read: the same inputs give the same answer
   * (a row with an error is computed again, as its cause may be fixed: a cache object pulled).
   */
  readonly settled: boolean;
}

export class DvcExperiments {
  private readonly git: Git;
  private reader: BlobReader | undefined;
  private objects: ObjectStore | undefined;
  private location: Promise<Location> | undefined;
  private readonly rows = new Map<string, { readonly pending: Promise<Collected>; readonly signal: AbortSignal | undefined }>();
  private readonly workspaceParses = new ParseCache();
  private readonly isAlive: (pid: number) => boolean;
  private readonly saved: RowCache | undefined;
  private readonly keepWorkspaceRow: boolean;

  constructor(
    readonly root: string,
    options: DvcExperimentsOptions = {},
  ) {
    this.git = new Git(root, options.gitCommand);
    this.isAlive = options.isAlive ?? pidAlive;
    this.saved = options.rowCachePath ? new RowCache(options.rowCachePath) : undefined;
    this.keepWorkspaceRow = options.keepWorkspaceRow === true && this.saved !== undefined;
  }

  /** The states `dvc exp show --json` prints for the same options. */
  async show(options: ExpShowOptions = {}): Promise<ExpState[]> {
    return (await this.read(options)).states;
  }

  async read(options: ExpShowOptions = {}): Promise<ExperimentsResult> {
    const signal = options.signal;
    signal?.throwIfAborted();
    const located = this.locate();
    const objects = this.store();
    const call = signal ? { signal } : {};
    // The row cache file is read and parsed beside the refs; its commits are known to the object
    // store before anything is asked of git (with every commit known, git is never started).
    this.saved?.preload();
    const remembered = this.saved ? this.saved.commits().then((commits) => objects.rememberCommits(commits)) : undefined;
    // Started beside locating the repository, not after it. The refs, and the branch HEAD is on,
    // come from git's ref files where that is exactly what git lists (else one `for-each-ref`).
    const refsRead = this.refs(located, call);
    const headRead = Promise.all([refsRead, remembered]).then(([listing]) => objects.commit(listing.headOid ?? 'HEAD'));
    const reads = Promise.all([refsRead, headRead, readDvcConfig(this.root), readQueue(this.root, this.isAlive)]);
    // Outside a repository, what locate() says (the reads fail too, less clearly).
    reads.catch(() => undefined);
    const { gitDir, prefix } = await located;
    const [listing, headCommit, config, queue] = await reads;
    const watch = watchPlan(this.root, gitDir);
    if (!headCommit) return { states: [], watch, problems: queue.problems, settled: false };
    const refs = await peelRefs(objects, listing.refs);
    const index: RefIndex = { refs, symbolicHead: listing.head, head: headCommit.oid };
    const baselines = await baselineRevs(this.git, objects, index, options);
    const names = describe(index, baselines);
    const wanted = new Set(baselines);
    const pause = cooperative(SLICE_MS);
    const context: Context = { config, prefix, objects, queue, wanted, signal, pause, cacheObjects: new CacheObjects(), unsettled: { value: false } };
    // Every part at once: the workspace's parsing runs while git answers for the commits. The
    // parts go into the answer in dvc's order whatever order they finish in.
    const [workspace, groups, baselineRows] = await Promise.all([
      options.hideWorkspace ? undefined : this.workspace(context, config, 'workspace', null),
      Promise.all([this.running(context, headCommit.oid), this.successful(context, refs, listing.broken), options.hideQueued ? new Map<string, ExpRange[]>() : this.queued(context), options.hideFailed ? new Map<string, ExpRange[]>() : this.failed(context)]),
      mapLimited(baselines, (rev) => this.commit(rev, context)),
    ]);
    const states: ExpState[] = workspace ? [workspace] : [];
    baselines.forEach((rev, i) => {
      const row = baselineRows[i]!;
      const experiments = groups.flatMap((group) => sortRanges(group.get(rev) ?? []));
      states.push({ rev, name: names.get(rev) ?? null, data: row.data ?? null, error: row.error ?? null, experiments: experiments.length > 0 ? experiments : null });
    });
    // The cache is an optimisation: a folder that cannot be written costs the next process time, not this answer.
    await this.saved?.addCommits(objects.knownCommits()).then(() => this.saved?.save()).catch(() => undefined);
    const settled = !context.unsettled.value && queue.problems.length === 0 && (workspace === undefined || (workspace.error === null && workspace.data !== null && !containsError(workspace.data)));
    return { states, watch: watchPlan(this.root, gitDir, states[0]?.rev === 'workspace' ? states[0] : undefined), problems: queue.problems, settled };
  }

  /**
   * Everything a `read` with these options answers from, as one string, when it can all be told
   * without computing a row: the refs and HEAD (commits and their rows never change), the DVC
   * config files' stamps, the queue's files, the kept workspace row's stamps (still matching), and
   * whether the clone is shallow (its `shallow` file's stamp).
   * Undefined when a row must be computed to know the answer: an experiment running (its live
   * metrics), a queue file that could not be read, no kept workspace row or a stale one. Two equal
   * keys, the same answer: a caller may keep the answer by its key (the CLI does, outside the repo).
   */
  async answerKey(options: ExpShowOptions = {}): Promise<string | undefined> {
    const located = this.locate();
    const [listing, queue, config] = await Promise.all([this.refs(located, {}), readQueue(this.root, this.isAlive), Promise.all(['config', 'config.local'].map((f) => stampOf(join(this.root, '.dvc', f))))]);
    if (queue.problems.length > 0 || queue.active.length > 0 || queue.started.some((task) => task.ready === undefined)) return undefined;
    let workspace: readonly (readonly [string, string])[] | null = null;
    if (!options.hideWorkspace) {
      const entry = this.keepWorkspaceRow ? await this.saved?.workspace() : undefined;
      if (!entry || !(await stampsMatch(entry.stamps))) return undefined;
      workspace = entry.stamps;
    }
    const { signal: _signal, ...asked } = options;
    const { prefix, gitDir } = await located;
    // A shallow clone deepened (`git fetch --deepen`) walks further with the same refs.
    const shallow = await stampOf(join(gitDir, 'shallow'));
    return JSON.stringify({ format: ANSWER_FORMAT, root: this.root, prefix, options: asked, listing, config, queue, workspace, shallow });
  }

  dispose(): void {
    this.reader?.dispose();
    this.reader = undefined;
    this.objects = undefined;
    this.rows.clear();
  }

  private store(): ObjectStore {
    if (!this.objects) {
      this.reader = this.git.blobReader();
      this.objects = new ObjectStore(this.reader);
    }
    return this.objects;
  }

  /**
   * Where the repository is: read from the files in the plain case (no git process to start),
   * else as `git rev-parse` says (linked worktrees, bare repositories, GIT_DIR and the like).
   */
  private async locate(): Promise<Location> {
    this.location ??= locateRepo(this.root)
      .then(async (native) => {
        if (native) return { ...native, native: true };
        const out = await this.git.text(['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir']);
        const [top, gitDir] = out.trim().split('\n') as [string, string];
        return { top, gitDir, native: false };
      })
      .then(
        ({ top, gitDir, native }) => {
          const rel = relative(top, this.root);
          return { top, gitDir, native, prefix: rel === '' ? '' : rel.split(sep).join('/') };
        },
        (error: unknown) => {
          this.location = undefined;
          if (error instanceof GitError && error.reason === 'not-a-repo') throw new ExperimentsError('not-a-git-repo', `${this.root} is not in a git repository: DVC experiments live in git`, { cause: error });
          throw new ExperimentsError('git-failed', (error as Error).message, { cause: error });
        },
      );
    return this.location;
  }

  /** The refs and HEAD's branch: from the ref files where that is exactly what git lists, else from `git for-each-ref`. */
  private async refs(located: Promise<Location>, call: GitCallOptions): Promise<RefListing> {
    const { gitDir, native } = await located;
    return (native ? await readRefFiles(gitDir) : undefined) ?? (await this.git.forEachRef([], call));
  }

  /** A work tree's row (the repo's own, or a running executor's clone). */
  private async workspace({ pause, cacheObjects }: Context, config: DvcConfig | undefined, rev: string, name: string | null, root = this.root): Promise<ExpState> {
    // The project's own workspace row (not a running experiment's executor), kept between processes when asked.
    const kept = this.keepWorkspaceRow && root === this.root && rev === 'workspace' ? this.saved : undefined;
    try {
      if (kept) {
        const entry = await kept.workspace();
        if (entry && (await stampsMatch(entry.stamps))) {
          return { rev, name, data: entry.data, error: null, experiments: null };
        }
      }
      const stamps = new Map<string, Promise<string>>();
      const note = (path: string): void => void (stamps.has(path) || stamps.set(path, stampOf(path)));
      // The DVC config is read beside the rows (readDvcConfig): its files are inputs too.
      for (const file of ['config', 'config.local']) note(join(root, '.dvc', file));
      const files = pausingFiles(kept ? stampingFiles(diskFiles, stamps, stampOf) : diskFiles, pause);
      const ownConfig = config ?? (await readDvcConfig(root));
      // Kept rows record every read: no parse served from memory (its reads would go unrecorded).
      const snapshot = await loadSnapshot(root, undefined, root === this.root && !kept ? this.workspaceParses : undefined, { config: ownConfig, files });
      const data = await collectExp(snapshot, new DvcView(root, files, snapshot, cacheObjects, kept ? note : undefined), rev, null);
      if (kept && !containsError(data)) {
        const entries = await Promise.all([...stamps].map(async ([path, stamp]) => [path, await stamp] as const));
        // Git's "racy" rule: a file changed in the last moments could change again within the same
        // timestamp tick, unseen by its stamp; such a row is not kept (the next read computes it).
        const recent = BigInt(Date.now() - RACY_MS) * 1_000_000n;
        if (!entries.some(([, stamp]) => changedSince(stamp, recent))) await kept.setWorkspace({ stamps: entries, data });
      }
      return { rev, name, data, error: null, experiments: null };
    } catch (error) {
      return { rev, name, data: null, error: rowError(error), experiments: null };
    }
  }

  /** A commit's row, computed once per reader unless it held an error (which unsettles this read). */
  private async commit(oid: string, context: Context): Promise<Collected> {
    const row = await this.commitRow(oid, context);
    if (row.error || containsError(row.data)) context.unsettled.value = true;
    return row;
  }

  private commitRow(oid: string, context: Context): Promise<Collected> {
    let entry = this.rows.get(oid);
    // A row still being computed for a read that was cancelled ends in that cancellation: not this read's answer.
    if (entry?.signal?.aborted && entry.signal !== context.signal) entry = undefined;
    if (!entry) {
      const pending = this.collectCommit(oid, context);
      const mine = { pending, signal: context.signal };
      entry = mine;
      this.rows.set(oid, mine);
      const forget = (): void => {
        if (this.rows.get(oid) === mine) this.rows.delete(oid);
      };
      void pending.then((row) => {
        if (row.error || containsError(row.data)) forget();
      }, forget);
    }
    return entry.pending;
  }

  private async collectCommit(oid: string, context: Context): Promise<Collected> {
    const saved = await this.saved?.get(oid);
    if (saved) return { data: saved };
    const row = await this.collectFresh(oid, context);
    if (row.data && !containsError(row.data)) await this.saved?.set(oid, row.data);
    return row;
  }

  private async collectFresh(oid: string, { objects, config, prefix, signal, pause, cacheObjects }: Context): Promise<Collected> {
    try {
      signal?.throwIfAborted();
      const commit = await objects.commit(oid);
      if (!commit) return { error: { type: 'RevError', msg: `commit ${oid} is not in this git repository (garbage-collected, or never fetched)` } };
      await objects.prefetchTrees(commit.tree);
      await pause();
      const files = pausingFiles(commitFiles(objects, commit.tree, this.root, prefix), pause);
      const snapshot = await loadSnapshot(this.root, signal, undefined, { files, config });
      await pause();
      return { data: await collectExp(snapshot, new DvcView(this.root, files, snapshot, cacheObjects), oid, localIso(commit.committerTime)) };
    } catch (error) {
      if (signal?.aborted) throw error;
      return { error: rowError(error) };
    }
  }

  /** `collect_successful`: every experiment ref of a wanted baseline, with its queue executor if any. */
  private async successful(context: Context, refs: readonly PeeledRef[], broken: readonly string[]): Promise<Map<string, ExpRange[]>> {
    const executors = successExecutors(context.queue, context.wanted);
    const out = new Map<string, ExpRange[]>();
    for (const ref of broken.map(parseExpRef)) {
      // DVC skips such a ref without a word; the row says what is wrong instead.
      if (!ref || !context.wanted.has(ref.baseline)) continue;
      const error = { type: 'SCMError', msg: `the experiment ref ${ref.ref} is broken: its file holds no commit id` };
      push(out, ref.baseline, { revs: [{ rev: ref.ref, name: ref.name, data: null, error, experiments: null }], executor: null, name: ref.name });
    }
    // Every baseline's refs at once (their reads share git's round trips), grouped in ref order.
    const mine = [...context.wanted].flatMap((baseline) => {
      const prefix = baselinePrefix(baseline);
      return refs.filter((r) => r.ref.startsWith(prefix)).map((entry) => ({ baseline, entry, ref: parseExpRef(entry.ref) }));
    });
    const ranges = await mapLimited(mine, async ({ baseline, entry, ref }): Promise<ExpRange | undefined> => {
      if (!ref) return undefined;
      const revs = await this.range(entry.commit, baseline, context);
      if (revs.length === 0) return undefined;
      revs[0] = { ...revs[0]!, name: ref.name };
      return { revs, executor: executors.get(entry.ref) ?? null, name: ref.name };
    });
    for (const baseline of context.wanted) out.set(baseline, [...(out.get(baseline) ?? [])]);
    mine.forEach(({ baseline }, i) => {
      const range = ranges[i];
      if (range) out.get(baseline)!.push(range);
    });
    return out;
  }

  /** `collect_branch`: the tip, then first parents until the baseline (excluded). */
  private async range(tip: string, baseline: string, context: Context): Promise<ExpState[]> {
    const revs: ExpState[] = [];
    for (let oid: string | undefined = tip; oid && revs.length < MAX_RANGE; ) {
      const row = await this.commit(oid, context);
      revs.push({ rev: oid, name: null, data: row.data ?? null, error: row.error ?? null, experiments: null });
      const parent: string | undefined = (await context.objects.commit(oid))?.parents[0];
      oid = parent === baseline ? undefined : parent;
    }
    return revs;
  }

  private async queued(context: Context): Promise<Map<string, ExpRange[]>> {
    const out = new Map<string, ExpRange[]>();
    const entries = context.queue.queued.filter((e) => context.wanted.has(e.baselineRev));
    const rows = await mapLimited(entries, (entry) => this.commit(entry.stashRev, context));
    entries.forEach((entry, i) => {
      const row = rows[i]!;
      // A queued run has no metrics yet (collect_queued drops what the stash commit holds).
      const data = row.data ? { ...row.data, metrics: {} } : null;
      const executor: ExpExecutor = { state: 'queued', name: 'dvc-task', local: { root: null, log: null, pid: null, returncode: null, task_id: entry.stashRev } };
      push(out, entry.baselineRev, { revs: [{ rev: entry.stashRev, name: entry.name, data, error: row.error ?? null, experiments: null }], executor, name: entry.name });
    });
    return out;
  }

  private async failed(context: Context): Promise<Map<string, ExpRange[]>> {
    const out = new Map<string, ExpRange[]>();
    const tasks = context.queue.started.filter((t) => t.ready && taskOutcome(t) === 'failed' && context.wanted.has(t.entry.baselineRev));
    const rows = await mapLimited(tasks, (task) => this.commit(task.entry.stashRev, context));
    tasks.forEach((task, i) => {
      const row = rows[i]!;
      const local = task.process ? { root: null, log: task.process.stdout, pid: task.process.pid, returncode: task.process.returncode, task_id: task.entry.stashRev } : null;
      const error = task.info || task.ready !== 'SUCCESS' ? { msg: 'Experiment run failed', type: '' } : { msg: `Experiment run failed: no executor record in .dvc/tmp/exps/run/${task.entry.stashRev}`, type: '' };
      push(out, task.entry.baselineRev, { revs: [{ rev: task.entry.stashRev, name: task.entry.name, data: row.data ?? null, error, experiments: null }], executor: { state: 'failed', name: null, local }, name: task.entry.name });
    });
    return out;
  }

  /** `collect_active`: the workspace run, temp-dir runs and started celery tasks, read from their work trees. */
  private async running(context: Context, head: string): Promise<Map<string, ExpRange[]>> {
    const out = new Map<string, ExpRange[]>();
    for (const run of context.queue.active) {
      if (!context.wanted.has(run.info.baselineRev)) continue;
      if (run.kind === 'workspace') {
        const revs = [await this.workspace(context, context.config, 'workspace', run.info.name)];
        if (head !== run.info.baselineRev) revs.push(...(await this.range(head, run.info.baselineRev, context)));
        const local = { root: run.info.rootDir, log: null, pid: run.process?.pid ?? null, returncode: null, task_id: null };
        push(out, run.info.baselineRev, { revs, executor: { state: 'running', name: 'workspace', local }, name: run.info.name });
      } else {
        const local = run.process ? { root: run.info.rootDir, log: run.process.stdout, pid: run.process.pid, returncode: null, task_id: null } : null;
        const state = { ...(await this.workspace(context, undefined, 'workspace', run.entry.name, executorRoot(run.info))), rev: run.entry.stashRev };
        push(out, run.info.baselineRev, { revs: [state], executor: { state: 'running', name: run.info.location, local }, name: run.entry.name });
      }
    }
    for (const task of context.queue.started) {
      if (task.ready || !context.wanted.has(task.entry.baselineRev)) continue;
      const local = task.process && task.info ? { root: task.info.rootDir, log: task.process.stdout, pid: task.process.pid, returncode: null, task_id: task.entry.stashRev } : null;
      // The row is the executor clone's workspace, named by the task's stash commit (its data keeps rev 'workspace').
      const state: ExpState = task.info
        ? { ...(await this.workspace(context, undefined, 'workspace', task.entry.name, executorRoot(task.info))), rev: task.entry.stashRev }
        : { rev: task.entry.stashRev, name: task.entry.name, data: null, error: { type: 'FileNotFoundError', msg: `the running task has no executor record yet (.dvc/tmp/exps/run/${task.entry.stashRev})` }, experiments: null };
      push(out, task.entry.baselineRev, { revs: [state], executor: { state: 'running', name: task.info?.location ?? 'dvc-task', local }, name: task.entry.name });
    }
    return out;
  }
}

interface Location {
  readonly top: string;
  readonly gitDir: string;
  /** Found from the files (so its refs can be read from them too). */
  readonly native: boolean;
  readonly prefix: string;
}

interface Context {
  readonly config: DvcConfig;
  readonly prefix: string;
  readonly objects: ObjectStore;
  readonly queue: QueueState;
  readonly wanted: ReadonlySet<string>;
  readonly signal: AbortSignal | undefined;
  /** Yields to the event loop once a slice of synchronous work has passed. */
  readonly pause: () => Promise<void>;
  /** DVC cache objects read during this read (by hash: shared by every row). */
  readonly cacheObjects: CacheObjects;
  /** Set when a row of this read holds an error: computed again next time, so not an answer to keep. */
  readonly unsettled: { value: boolean };
}

/** A finished celery task: success when its executor recorded a result, else failed. */
function taskOutcome(task: StartedTask): 'success' | 'failed' {
  return task.info?.resultHash && task.info.resultRef ? 'success' : 'failed';
}

function successExecutors(queue: QueueState, wanted: ReadonlySet<string>): Map<string, ExpExecutor> {
  const out = new Map<string, ExpExecutor>();
  for (const task of queue.started) {
    if (!task.ready || taskOutcome(task) !== 'success' || !wanted.has(task.entry.baselineRev)) continue;
    const local = task.process ? { root: null, log: task.process.stdout, pid: task.process.pid, returncode: task.process.returncode, task_id: task.entry.stashRev } : null;
    out.set(task.info!.resultRef!, { state: 'success', name: 'dvc-task', local });
  }
  return out;
}

/** `_sorted_ranges`: newest tip first (by timestamp, then rev); no timestamp sorts last. */
function sortRanges(ranges: readonly ExpRange[]): ExpRange[] {
  const key = (r: ExpRange): [string, string] => {
    const head = r.revs[0];
    return head?.data?.timestamp ? [head.data.timestamp, head.rev] : ['', ''];
  };
  return [...ranges].sort((a, b) => {
    const [ta, ra] = key(a);
    const [tb, rb] = key(b);
    return ta !== tb ? (ta < tb ? 1 : -1) : ra === rb ? 0 : ra < rb ? 1 : -1;
  });
}

function push(map: Map<string, ExpRange[]>, key: string, range: ExpRange): void {
  map.set(key, [...(map.get(key) ?? []), range]);
}

function containsError(data: SerializableExp): boolean {
  return [...Object.values(data.params), ...Object.values(data.metrics)].some((f) => 'error' in f);
}

function rowError(error: unknown): SerializableError {
  if (error instanceof RowError) return error.error;
  if (error instanceof GitError) return { type: 'SCMError', msg: error.message };
  if (error instanceof Error) return { type: error.name === 'Error' ? 'DvcException' : error.name, msg: error.message };
  return { type: 'DvcException', msg: String(error) };
}

/** Python's naive `datetime.fromtimestamp(t).isoformat()`: local time, no offset. */
export function localIso(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${String(d.getFullYear()).padStart(4, '0')}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Maps with at most CONCURRENCY calls in flight, keeping order. */
async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return out;
}
