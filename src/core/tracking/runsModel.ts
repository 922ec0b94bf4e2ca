/**
 * The runs of every place's store as the Runs view shows them, apart from the view: experiments,
 * runs loaded a page at a time (child runs nested under their parents), the view's query (filter,
 * status, deleted, sort) and recent filters, lookups of a run by id (loading pages as needed), and
 * live re-reads that update rows in place. Row objects live as long as their run is listed, so a
 * view can refresh one row without reloading (and collapsing) anything; `onDidChange` names the
 * experiment or row that changed (undefined: everything).
 */
import { Emitter } from '../event.js';
import { Disposable } from '../lifecycle.js';
import { silentLogger, type Logger } from '../log.js';
import type { TrackingError } from './errors.js';
import type { Event } from '../event.js';
import type { Experiment, Run } from './entities.js';
import { runSearchFor, type RunViewQuery } from './runsViewQuery.js';
import { nestRuns, type RunNode } from './runTree.js';
import { isServerStore, requireStore, storeOf, type TrackedPlace } from './storeState.js';

/** Where the query and recent filters are kept (the host passes VS Code's workspace state). */
export interface QueryMemento {
  get<T>(key: string, defaultValue: T): T;
  update(key: string, value: unknown): PromiseLike<void>;
}

const QUERY_KEY = 'mlWorkbench.runs.query';
const HISTORY_KEY = 'mlWorkbench.runs.filterHistory';
const HISTORY_SIZE = 10;
/** Pages read at most to find a run by id (the rest of a huge experiment is left unread). */
const LOCATE_MAX_PAGES = 20;

/** A place shown as a level of its own (a multi-root workspace). */
export interface PlaceNode<P extends TrackedPlace> {
  readonly kind: 'folder';
  readonly tracking: P;
}

/** Runs of an experiment loaded so far, page by page. */
export interface LoadedRuns {
  runs: Run[];
  nextPageToken?: string;
  problems: TrackingError[];
}

export interface ExperimentRuns<P extends TrackedPlace> {
  readonly kind: 'experiment';
  readonly tracking: P;
  readonly experiment: Experiment;
  readonly parent?: PlaceNode<P>;
  loaded?: Promise<LoadedRuns>;
  /** The page read or re-read in progress: the next one waits for it, so a re-read never undoes a page. */
  busy?: Promise<void>;
  /** The Load more in progress (a second click while it reads joins it). */
  loadingMore?: Promise<void>;
  /** Top-level run rows (child runs hang below their parents). */
  runNodes: RunRow<P>[];
  readonly runsById: Map<string, RunRow<P>>;
}

export interface RunRow<P extends TrackedPlace> {
  readonly kind: 'run';
  readonly experiment: ExperimentRuns<P>;
  run: Run;
  parent?: RunRow<P>;
  childRuns: RunRow<P>[];
}

export interface RunsModelOptions<P extends TrackedPlace> {
  readonly places: () => readonly P[];
  /** The places or their stores changed: everything is read again. */
  readonly onDidChangePlaces: Event<unknown>;
  /** A place's store changed on disk: its loaded runs are read again. */
  readonly onDidChangeData: Event<P>;
  /** Runs read per page. */
  readonly pageSize: () => number;
  readonly memento: QueryMemento;
  readonly log?: Logger;
}

export class RunsModel<P extends TrackedPlace> extends Disposable {
  private readonly changeEmitter = this.register(new Emitter<ExperimentRuns<P> | RunRow<P> | undefined>());
  /** An experiment's rows, one row, or (undefined) everything changed. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly queryEmitter = this.register(new Emitter<RunViewQuery>());
  readonly onDidChangeQuery = this.queryEmitter.event;
  private experiments = new Map<string, ExperimentRuns<P>>();
  private readonly log: Logger;

  constructor(private readonly options: RunsModelOptions<P>) {
    super();
    this.log = options.log ?? silentLogger;
    this.register(options.onDidChangePlaces(() => this.refresh()));
    this.register(options.onDidChangeData((place) => void this.refreshLoaded(place)));
  }

  get places(): readonly P[] {
    return this.options.places();
  }

  forKey(key: string): P | undefined {
    return this.places.find((p) => p.key === key);
  }

  // ---- the query ----

  get query(): RunViewQuery {
    return this.options.memento.get<RunViewQuery>(QUERY_KEY, {});
  }

  get filterHistory(): readonly string[] {
    return this.options.memento.get<string[]>(HISTORY_KEY, []);
  }

  /** Whether runs are filtered (so an empty experiment says "no runs match"). */
  get isFiltered(): boolean {
    return runSearchFor(this.query).filter !== undefined;
  }

  async updateQuery(change: Partial<RunViewQuery>): Promise<void> {
    const next: RunViewQuery = { ...this.query, ...change };
    await this.options.memento.update(QUERY_KEY, next);
    if (change.filter) await this.options.memento.update(HISTORY_KEY, [change.filter, ...this.filterHistory.filter((f) => f !== change.filter)].slice(0, HISTORY_SIZE));
    this.queryEmitter.fire(next);
    this.refresh();
  }

  // ---- reading ----

  /** Everything again: the experiments and the first page of each one shown. */
  refresh(): void {
    this.experiments = new Map();
    this.changeEmitter.fire(undefined);
  }

  /** The experiments of a place's store (rows reused while the model lives), and what could not be read. */
  async experimentsOf(place: P, parent?: PlaceNode<P>): Promise<{ experiments: ExperimentRuns<P>[]; problems: readonly TrackingError[] }> {
    const listing = await requireStore(place).searchExperiments({ viewType: this.query.showDeleted ? 'ALL' : 'ACTIVE_ONLY' });
    const experiments = listing.items.map((experiment) => {
      const id = `${place.key}:${experiment.experiment_id}`;
      const node: ExperimentRuns<P> = this.experiments.get(id) ?? { kind: 'experiment', tracking: place, experiment, parent, runNodes: [], runsById: new Map() };
      this.experiments.set(id, node);
      return node;
    });
    return { experiments, problems: listing.problems };
  }

  /** The experiment's runs loaded so far (its first page, read once); its rows are built from them. */
  async runsOf(node: ExperimentRuns<P>): Promise<LoadedRuns> {
    node.loaded ??= this.firstPage(node);
    let loaded: LoadedRuns;
    try {
      loaded = await node.loaded;
    } catch (error) {
      node.loaded = undefined;
      throw error;
    }
    if (node.runNodes.length === 0 && loaded.runs.length > 0) this.rebuild(node, loaded);
    return loaded;
  }

  /**
   * The next page of the experiment's runs. A call while one reads joins it; a re-read of the
   * loaded pages (live data, a write) waits for it, and it for the re-read, so neither undoes the
   * other (a re-read begun before the page arrived would set the rows back to one page).
   */
  loadMore(node: ExperimentRuns<P>): Promise<void> {
    node.loadingMore ??= this.serially(node, () => this.readNextPage(node)).finally(() => {
      node.loadingMore = undefined;
    });
    return node.loadingMore;
  }

  private async readNextPage(node: ExperimentRuns<P>): Promise<void> {
    const loaded = await node.loaded;
    const store = storeOf(node.tracking);
    if (!loaded?.nextPageToken || !store) return;
    const next = await store.searchRuns({ experimentIds: [node.experiment.experiment_id], ...runSearchFor(this.query), maxResults: this.options.pageSize(), pageToken: loaded.nextPageToken });
    const merged: LoadedRuns = { runs: [...loaded.runs, ...next.items], nextPageToken: next.nextPageToken, problems: [...loaded.problems, ...next.problems] };
    node.loaded = Promise.resolve(merged);
    this.rebuild(node, merged);
    this.changeEmitter.fire(node);
  }

  /** Every run loaded so far (for sort keys, key metrics, pickers). */
  loadedRuns(): Run[] {
    return [...this.experiments.values()].flatMap((e) => [...e.runsById.values()].map((r) => r.run));
  }

  findRun(key: string, runId: string): RunRow<P> | undefined {
    for (const node of this.experiments.values()) {
      if (node.tracking.key !== key) continue;
      const row = node.runsById.get(runId);
      if (row) return row;
    }
    return undefined;
  }

  /**
   * The row of a run, loading what it takes: the experiments of its place and pages of its
   * experiment (up to `maxPages`). Undefined when the query hides the run.
   */
  async locateRun(key: string, runId: string, maxPages = LOCATE_MAX_PAGES): Promise<RunRow<P> | undefined> {
    const place = this.forKey(key);
    const store = storeOf(place);
    if (!place || !store) return undefined;
    const run = await store.getRun(runId);
    const parent = this.places.length > 1 ? { kind: 'folder' as const, tracking: place } : undefined;
    await this.experimentsOf(place, parent);
    const node = this.experiments.get(`${key}:${run.info.experiment_id}`);
    if (!node) return undefined;
    await this.runsOf(node);
    for (let page = 0; page < maxPages && !node.runsById.has(runId); page++) {
      const loaded = await node.loaded;
      if (!loaded?.nextPageToken) break;
      await this.loadMore(node);
    }
    return node.runsById.get(runId);
  }

  // ---- live ----

  /** Loaded runs of every experiment (of one place), read again: the runs that changed are updated, nothing else. */
  async refreshLoaded(place?: P): Promise<void> {
    const targets = [...this.experiments.values()].filter((e) => e.loaded && (!place || e.tracking.key === place.key));
    await Promise.all(targets.map((node) => this.reloadExperiment(node)));
  }

  /** Puts a fresh copy of a run into its row; fires only when something differs. */
  updateRun(row: RunRow<P>, run: Run): void {
    if (JSON.stringify(row.run) === JSON.stringify(run)) return;
    row.run = run;
    this.changeEmitter.fire(row);
  }

  /** After a write to one run: read it again into its row (its experiment's rows when it may leave the list). */
  async refreshAfterWrite(row: RunRow<P>, options: { rowsMayChange?: boolean } = {}): Promise<void> {
    if (options.rowsMayChange) return this.reloadExperiment(row.experiment);
    const store = storeOf(row.experiment.tracking);
    if (store) this.updateRun(row, await store.getRun(row.run.info.run_id));
  }

  /**
   * A poll of the tracking servers (local stores are watched instead): each loaded run still
   * RUNNING is read again, and with `withPages` the loaded pages too, so new runs appear.
   */
  async pollServers(withPages: boolean): Promise<void> {
    const rows = [...this.experiments.values()].flatMap((e) => [...e.runsById.values()]);
    const running = rows.filter((row) => row.run.info.status === 'RUNNING' && isServer(row.experiment.tracking));
    await Promise.all(running.map(async (row) => this.updateRun(row, await requireStore(row.experiment.tracking).getRun(row.run.info.run_id))));
    if (!withPages) return;
    const servers = new Set([...this.experiments.values()].filter((e) => e.loaded && isServer(e.tracking)).map((e) => e.tracking));
    for (const place of servers) await this.refreshLoaded(place);
  }

  private async firstPage(node: ExperimentRuns<P>, count = this.options.pageSize()): Promise<LoadedRuns> {
    const store = storeOf(node.tracking);
    if (!store) return { runs: [], problems: [] };
    const listing = await store.searchRuns({ experimentIds: [node.experiment.experiment_id], ...runSearchFor(this.query), maxResults: count });
    return { runs: [...listing.items], nextPageToken: listing.nextPageToken, problems: [...listing.problems] };
  }

  private reloadExperiment(node: ExperimentRuns<P>): Promise<void> {
    return this.serially(node, () => this.reread(node));
  }

  /** Runs `task` after the node's read in progress, whatever that read's outcome. */
  private serially(node: ExperimentRuns<P>, task: () => Promise<void>): Promise<void> {
    const result = (node.busy ?? Promise.resolve()).then(task);
    node.busy = result.catch(() => undefined);
    return result;
  }

  private async reread(node: ExperimentRuns<P>): Promise<void> {
    const previous = await node.loaded?.catch(() => undefined);
    if (!previous) return;
    let fresh: LoadedRuns;
    try {
      fresh = await this.firstPage(node, Math.max(this.options.pageSize(), previous.runs.length));
    } catch (error) {
      this.log.warn(`could not re-read runs of ${node.experiment.name}: ${(error as Error).message}`);
      return;
    }
    node.loaded = Promise.resolve(fresh);
    const sameRows = fresh.runs.length === previous.runs.length && fresh.runs.every((run, i) => run.info.run_id === previous.runs[i]!.info.run_id) && fresh.problems.length === previous.problems.length;
    if (!sameRows) {
      this.rebuild(node, fresh);
      this.changeEmitter.fire(node);
      return;
    }
    for (const run of fresh.runs) {
      const row = node.runsById.get(run.info.run_id);
      if (row) this.updateRun(row, run);
    }
  }

  /** Run rows from a listing, reusing the row objects of runs already shown. */
  private rebuild(node: ExperimentRuns<P>, loaded: LoadedRuns): void {
    const previous = node.runsById;
    const rows = new Map<string, RunRow<P>>();
    const toRow = (tree: RunNode, parent?: RunRow<P>): RunRow<P> => {
      const row: RunRow<P> = previous.get(tree.run.info.run_id) ?? { kind: 'run', experiment: node, run: tree.run, childRuns: [] };
      row.run = tree.run;
      row.parent = parent;
      rows.set(tree.run.info.run_id, row);
      row.childRuns = tree.children.map((child) => toRow(child, row));
      return row;
    };
    node.runNodes = nestRuns(loaded.runs).map((tree) => toRow(tree));
    node.runsById.clear();
    for (const [id, row] of rows) node.runsById.set(id, row);
  }
}

function isServer(place: TrackedPlace): boolean {
  const store = storeOf(place);
  return !!store && isServerStore(store);
}
