/**
 * Every DVC project of a workspace (a project above a folder, pipelines in sub-folders, several
 * projects in a monorepo): the one owner of projects, their stages and DAGs. Finding them is
 * cheap and happens once something asks (`discovered`); checking their status (hashing) starts
 * only with `ensureStarted`, when a view or editor needs it. Tasks read the same projects.
 */
import { relative, sep } from 'node:path';
import type { Clock } from '../clock.js';
import { Emitter } from '../event.js';
import { Disposable, disposeAll, type DisposableLike } from '../lifecycle.js';
import { silentLogger, type Logger } from '../log.js';
import { findDvcRoots } from './discovery.js';
import { DvcProject, type ProjectFolder } from './project.js';
import type { DvcRepo } from './repo.js';

export interface DvcProjectsOptions<F extends ProjectFolder> {
  /** The folders to look in (asked again on each discovery). */
  readonly folders: () => readonly F[];
  /** Opens a project's repo handle (the host shares one hashing worker between them). */
  readonly openRepo: (root: string) => DvcRepo;
  readonly findRoots?: (folder: string) => Promise<string[]>;
  readonly log?: Logger;
  readonly clock?: Clock;
}

export interface ProjectsChange<F extends ProjectFolder> {
  readonly added: readonly DvcProject<F>[];
  readonly removed: readonly DvcProject<F>[];
}

export class DvcProjects<F extends ProjectFolder = ProjectFolder> extends Disposable {
  private readonly changeEmitter = this.register(new Emitter<DvcProject<F> | undefined>());
  /** A project's state changed (undefined: the set of projects changed). */
  readonly onDidChange = this.changeEmitter.event;
  private readonly progressEmitter = this.register(new Emitter<DvcProject<F>>());
  /** A project's hashing progressed. */
  readonly onDidProgress = this.progressEmitter.event;
  private readonly projectsEmitter = this.register(new Emitter<ProjectsChange<F>>());
  /** Projects were found or went away (after `discovered`). */
  readonly onDidChangeProjects = this.projectsEmitter.event;
  private list: DvcProject<F>[] = [];
  private readonly subscriptions = new Map<DvcProject<F>, DisposableLike[]>();
  private discovering: Promise<void> | undefined;
  private first: Promise<void> | undefined;
  private checking = false;
  private readonly log: Logger;

  constructor(private readonly options: DvcProjectsOptions<F>) {
    super();
    this.log = options.log ?? silentLogger;
    this.register({ dispose: () => this.clear() });
  }

  get projects(): readonly DvcProject<F>[] {
    return this.list;
  }

  /** Whether projects have been looked for (so a folder change should look again). */
  get hasDiscovered(): boolean {
    return this.first !== undefined;
  }

  /** Whether projects are being checked (a view or editor asked for their status). */
  get isChecking(): boolean {
    return this.checking;
  }

  /** Finds the projects once; later calls wait for that. */
  discovered(): Promise<void> {
    this.first ??= this.rediscover();
    return this.first;
  }

  /** Finds the projects (once) and starts checking each, and each one found later. */
  async ensureStarted(): Promise<void> {
    if (!this.checking) {
      this.checking = true;
      await this.discovered();
      for (const project of this.list) if (project.state.kind === 'loading') project.schedule(undefined, 0);
      return;
    }
    await this.discovered();
  }

  /** The project whose tree holds `path` (the innermost one for nested projects). */
  projectFor(path: string): DvcProject<F> | undefined {
    const holding = this.list.filter((p) => {
      const rel = relative(p.root, path);
      return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
    });
    return holding.sort((a, b) => b.root.length - a.root.length)[0];
  }

  /** Re-checks every project now (the Refresh commands). */
  async refreshAll(): Promise<void> {
    await this.ensureStarted();
    await Promise.all(this.list.map((p) => p.checkNow()));
  }

  /** Looks for the projects again; serialized, so two calls never open one project twice. */
  rediscover(): Promise<void> {
    const previous = this.discovering ?? Promise.resolve();
    const next = previous.then(() => this.discover());
    this.discovering = next;
    return next;
  }

  private async discover(): Promise<void> {
    if (this.isDisposed) return;
    const findRoots = this.options.findRoots ?? ((folder: string) => findDvcRoots(folder));
    const found = new Map<string, F>();
    for (const folder of this.options.folders()) {
      for (const root of await findRoots(folder.path).catch(() => [])) if (!found.has(root)) found.set(root, folder);
    }
    if (this.isDisposed) return;
    const kept = this.list.filter((p) => found.has(p.root));
    const removed = this.list.filter((p) => !found.has(p.root));
    for (const gone of removed) this.drop(gone);
    const added = [...found].filter(([root]) => !kept.some((p) => p.root === root)).map(([root, folder]) => this.add(root, folder));
    this.list = [...kept, ...added].sort((a, b) => a.root.localeCompare(b.root));
    this.log.info(`dvc: roots ${this.list.map((p) => p.root).join(', ') || '(none)'}`);
    this.projectsEmitter.fire({ added, removed });
    this.changeEmitter.fire(undefined);
    if (this.checking) for (const project of added) project.schedule(undefined, 0);
  }

  private add(root: string, folder: F): DvcProject<F> {
    const project = new DvcProject(root, folder, this.options.openRepo(root), { log: this.log, ...(this.options.clock ? { clock: this.options.clock } : {}) });
    this.subscriptions.set(project, [project.onDidChange(() => this.changeEmitter.fire(project)), project.onDidProgress(() => this.progressEmitter.fire(project))]);
    return project;
  }

  private drop(project: DvcProject<F>): void {
    disposeAll(this.subscriptions.get(project) ?? []);
    this.subscriptions.delete(project);
    project.dispose();
  }

  private clear(): void {
    for (const project of this.list) this.drop(project);
    this.list = [];
  }
}
