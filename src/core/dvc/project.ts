/**
 * One DVC project (a folder holding `.dvc/`) and the latest consistent picture of it: stages,
 * status and tracked data from one inspection. Re-checks are debounced and serialized (a request
 * during a check runs one more check after it), and never start while a `dvc` command holds the
 * repo: its lock files are polled (read only, never taking a lock) and the check runs once the
 * command has ended. A change to one file re-decides only the stages it can reach.
 */
import { relative, sep } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { Emitter } from '../event.js';
import { Disposable } from '../lifecycle.js';
import { silentLogger, type Logger } from '../log.js';
import type { HashProgress, Stage } from './entities.js';
import type { DvcRepo, Inspection } from './repo.js';
import type { DvcActivity } from './activity.js';
import type { Dag } from './status/dag.js';
import { affectedStages } from './watchPaths.js';

/** Quiet time after a change before re-checking: VS Code already folds a burst of file events (~75 ms). */
export const CHANGE_DEBOUNCE_MS = 30;
/** How often to look again while a dvc command holds the repo. */
export const BUSY_POLL_MS = 400;

export type ProjectState =
  /** Before the first check ends; `preview` (parsed, no status yet) as soon as the files are read. */
  | { readonly kind: 'loading'; readonly preview?: Pick<Inspection, 'stages' | 'dag'> }
  | { readonly kind: 'ready'; readonly inspection: Inspection; readonly durationMs: number }
  | { readonly kind: 'error'; readonly message: string };

export interface ProjectPipeline {
  readonly stages: readonly Stage[];
  readonly dag: Dag;
  /** The project has a dvc.yaml (a pipeline to reproduce, even with no stage in it yet). */
  readonly hasPipelineFile: boolean;
}

/** The workspace folder a project was found in (the host's objects may carry more). */
export interface ProjectFolder {
  readonly name: string;
  /** Absolute path. */
  readonly path: string;
}

export interface DvcProjectOptions {
  readonly log?: Logger;
  readonly clock?: Clock;
}

export class DvcProject<F extends ProjectFolder = ProjectFolder> extends Disposable {
  private readonly changeEmitter = this.register(new Emitter<void>());
  /** The state (or the dvc command waited for) changed. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly progressEmitter = this.register(new Emitter<void>());
  /** Hashing progress of the running check (frequent: only progress messages follow it). */
  readonly onDidProgress = this.progressEmitter.event;
  private stateValue: ProjectState = { kind: 'loading' };
  private activity: DvcActivity | undefined;
  private progressValue: HashProgress | undefined;
  private timer: unknown;
  private running: Promise<void> | undefined;
  private again = false;
  private checks = 0;
  /** When the change that the next check answers was first seen. */
  private requestedAt: number | undefined;
  /** Files changed since the last check ('all': anything may have). */
  private pending: Set<string> | 'all' = 'all';
  private readonly abort = new AbortController();
  private readonly log: Logger;
  private readonly clock: Clock;

  constructor(
    readonly root: string,
    readonly folder: F,
    readonly repo: DvcRepo,
    options: DvcProjectOptions = {},
  ) {
    super();
    this.log = options.log ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.register({
      dispose: () => {
        this.clock.clearTimeout(this.timer);
        this.abort.abort();
        void repo.dispose();
      },
    });
  }

  get state(): ProjectState {
    return this.stateValue;
  }

  /** The dvc command holding the repo now (the last check waited for it), if any. */
  get busy(): DvcActivity | undefined {
    return this.activity;
  }

  /** Files hashed so far while a check hashes (undefined when none is hashing). */
  get progress(): HashProgress | undefined {
    return this.progressValue;
  }

  /** The project as the views name it: the folder's name, or its path below the folder. */
  get label(): string {
    const below = relative(this.folder.path, this.root).split('\\').join('/');
    return below === '' ? this.folder.name : below.startsWith('..') ? this.root : `${this.folder.name}/${below}`;
  }

  /** The inspection of the last check, if one has ended well. */
  get inspection(): Inspection | undefined {
    return this.stateValue.kind === 'ready' ? this.stateValue.inspection : undefined;
  }

  /**
   * The stages and their DAG: from the last check when one has ended, else read from the files
   * now. Tasks and pickers read the pipeline here, not from a repo of their own.
   */
  async pipeline(signal?: AbortSignal): Promise<ProjectPipeline> {
    const inspection = this.inspection;
    const { stages, dag, pipelines } = inspection ?? (await this.repo.load(signal ? { signal } : {}));
    return { stages, dag, hasPipelineFile: pipelines.length > 0 };
  }

  /**
   * Asks for a re-check after the debounce; bursts of calls make one check. With the changed
   * file, only the stages it can reach are decided again; without, every stage is.
   */
  schedule(changed?: string, delay = CHANGE_DEBOUNCE_MS): void {
    if (this.isDisposed) return;
    if (changed === undefined) this.pending = 'all';
    else if (this.pending !== 'all') this.pending.add(changed);
    this.requestedAt ??= this.clock.now();
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => void this.run(), delay);
  }

  /** A check of every stage now, resolved when it (or the one it joined) has finished. */
  async checkNow(): Promise<void> {
    this.clock.clearTimeout(this.timer);
    this.pending = 'all';
    await this.run();
  }

  /** Runs checks until none is asked for; a call while one runs asks for one more and joins it. */
  private run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          if (await this.waitingForDvc()) return;
          await this.check();
        } while (this.again && !this.abort.signal.aborted);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** True when a dvc command is at work: the check is put off and the lock polled. */
  private async waitingForDvc(): Promise<boolean> {
    const activity = await this.repo.activity();
    const wasBusy = this.activity !== undefined;
    this.activity = activity.busy ? activity : undefined;
    if (activity.busy) {
      if (!wasBusy) {
        this.log.info(`dvc: ${this.label}: waiting while DVC works (${activity.holders.join(', ')})`);
        this.changeEmitter.fire();
      }
      // A dvc command changes anything it likes: everything is checked once it ends.
      this.schedule(undefined, BUSY_POLL_MS);
      return true;
    }
    return false;
  }

  private async check(): Promise<void> {
    const started = this.clock.now();
    const requested = this.requestedAt;
    this.requestedAt = undefined;
    try {
      if (this.stateValue.kind === 'loading' && !this.stateValue.preview) await this.preview();
      const reuse = this.reuse();
      const inspection = await this.repo.inspect({
        ...(reuse ? { reuse } : {}),
        signal: this.abort.signal,
        onProgress: (progress) => {
          this.progressValue = progress.filesDone < progress.filesTotal ? progress : undefined;
          this.progressEmitter.fire();
        },
      });
      const durationMs = this.clock.now() - started;
      this.stateValue = { kind: 'ready', inspection, durationMs };
      const changed = inspection.status.stages.filter((s) => s.state !== 'up-to-date').length;
      const seen = requested === undefined ? '' : `, ${(this.clock.now() - requested).toFixed(0)} ms after the change was seen`;
      const scope = reuse ? `${reuse.recheck.length} of ${inspection.stages.length} stages re-checked` : `${inspection.stages.length} stages`;
      const line = `dvc: ${this.label}: ${scope}, ${changed} not up to date, checked in ${durationMs.toFixed(1)} ms${seen}`;
      if (this.checks++ === 0 || durationMs > 500) this.log.info(line);
      else this.log.trace(line);
    } catch (error) {
      if (this.abort.signal.aborted) return;
      this.log.error(error as Error);
      this.stateValue = { kind: 'error', message: (error as Error).message ?? String(error) };
    } finally {
      this.progressValue = undefined;
      this.progressEmitter.fire();
    }
    this.changeEmitter.fire();
  }

  /**
   * What the next check may keep from the last one: every stage the changed files cannot reach.
   * A change to a DVC file, a config or an unknown place (undefined from affectedStages) re-checks all.
   */
  private reuse(): { previous: Inspection; recheck: string[] } | undefined {
    const pending = this.pending;
    this.pending = new Set();
    if (pending === 'all' || this.stateValue.kind !== 'ready') return undefined;
    const previous = this.stateValue.inspection;
    const recheck = new Set<string>();
    for (const path of pending) {
      const repoPath = relative(this.root, path).split(sep).join('/');
      const reached = repoPath.startsWith('..') ? undefined : affectedStages(previous.stages, previous.dag, repoPath);
      if (!reached) return undefined;
      reached.forEach((address) => recheck.add(address));
    }
    return { previous, recheck: [...recheck] };
  }

  /** The stages without status, shown while a first (cold) check hashes the data. */
  private async preview(): Promise<void> {
    const { stages, dag } = await this.repo.load({ signal: this.abort.signal });
    if (this.stateValue.kind !== 'loading') return;
    this.stateValue = { kind: 'loading', preview: { stages, dag } };
    this.changeEmitter.fire();
  }
}
