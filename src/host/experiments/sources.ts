import { join } from 'node:path';
import * as vscode from 'vscode';
import { DvcliveHistory, ExperimentsThread, experimentRows, type ExperimentsWatch } from '../../core/dvc/experiments/index.js';
import { Emitter } from '../../core/event.js';
import { dvcHistoryReader, emptyPagedRuns, fillRuns, moreRuns, orderByFor, parseTableFilter, takeSpare, type PagedRuns, rowsFromExperiments, rowsFromRuns, type ExperimentNote, type HistoryReader, type SortKey, type TableRow } from '../../core/experimentsTable/index.js';
import type { Logger } from '../../core/log.js';
import type { SourceStatus, TableSourceRef } from '../../protocol/experimentsTable.js';
import { Disposable } from '../dispose.js';
import type { TrackingService } from '../tracking/trackingService.js';

/** Rows of one source (an MLflow experiment, a DVC root), reloaded on change. */
export interface TableSource {
  readonly ref: TableSourceRef;
  readonly id: string;
  readonly rows: readonly TableRow[];
  readonly status: SourceStatus;
  readonly onDidChange: vscode.Event<void>;
  /** The query the rows answer changed (MLflow pages server-side with it). */
  setQuery(filter: string, sort: readonly SortKey[]): void;
  loadMore(): void;
  reload(): void;
  dispose(): void;
  /** A row's whole history of one metric (MLflow's metric history; DVCLive's files for DVC). */
  readonly history?: HistoryReader;
}

const PAGE = 1000;
/** Runs a local store that can cut its listing (SQLite, default order) shows before its whole listing is read. */
const FIRST_PAGE = 200;
/** Rows read before asking the user (Load More). */
const AUTO_ROWS = 10_000;

/** An MLflow experiment's runs through the store's run pages, with the table's filter and order pushed down. */
export class MlflowSource extends Disposable implements TableSource {
  private readonly changeEmitter = this.register(new Emitter<void>());
  readonly onDidChange = this.changeEmitter.event;
  readonly id: string;
  rows: readonly TableRow[] = [];
  private paged: PagedRuns = emptyPagedRuns();
  private loading = false;
  private error: string | undefined;
  private filter = '';
  private orderBy: string[] = [];
  private generation = 0;

  constructor(
    readonly ref: TableSourceRef,
    private readonly label: string,
    private readonly tracking: TrackingService,
    private readonly log: Logger,
  ) {
    super();
    this.id = `${ref.place}:${ref.experimentId}`;
    this.register(tracking.onDidChangeData((folder) => folder.key === ref.place && this.reload()));
    this.reload();
  }

  readonly history: HistoryReader = (row, key, signal) => this.tracking.storeFor(this.ref.place).getMetricHistory(row.ref, key, { signal });

  get status(): SourceStatus {
    return { id: this.id, label: this.label, kind: 'mlflow', loaded: this.paged.runs.length, more: moreRuns(this.paged), loading: this.loading, ...(this.error ? { error: this.error } : {}) };
  }

  setQuery(filter: string, sort: readonly SortKey[]): void {
    // A filter MLflow would refuse is not sent: the table shows the error at its position and keeps the rows.
    const pushed = 'clauses' in parseTableFilter(filter) ? filter : this.filter;
    const orderBy = orderByFor(sort);
    if (pushed === this.filter && orderBy.join() === this.orderBy.join()) return;
    this.filter = pushed;
    this.orderBy = orderBy;
    this.reload();
  }

  reload(): void {
    this.paged = emptyPagedRuns();
    void this.load(++this.generation, AUTO_ROWS);
  }

  loadMore(): void {
    if (this.loading) return;
    if (takeSpare(this.paged, AUTO_ROWS)) {
      this.rows = rowsFromRuns(this.id, this.paged.runs);
      this.changeEmitter.fire();
    } else if (this.paged.nextPageToken !== undefined) void this.load(this.generation, this.paged.runs.length + AUTO_ROWS, this.paged.nextPageToken);
  }

  /** Runs up to `upTo` through the store's run pages (core/experimentsTable/runPages: a local store is read once). */
  private async load(generation: number, upTo: number, pageToken?: string): Promise<void> {
    this.loading = true;
    this.error = undefined;
    this.changeEmitter.fire();
    try {
      const store = this.tracking.storeFor(this.ref.place);
      const pages = store.searchRunPages({ experimentIds: [this.ref.experimentId!], ...(this.filter ? { filter: this.filter } : {}), ...(this.orderBy.length ? { orderBy: this.orderBy } : {}), pageSize: PAGE, firstPage: FIRST_PAGE, ...(pageToken ? { pageToken } : {}) });
      const paged = this.paged;
      await fillRuns(pages, paged, upTo, () => {
        if (generation !== this.generation) return false;
        this.rows = rowsFromRuns(this.id, paged.runs);
        this.changeEmitter.fire();
        return true;
      });
    } catch (error) {
      if (generation !== this.generation) return;
      this.error = (error as Error).message;
      this.log.warn(`Experiments table: reading runs of ${this.label} failed: ${this.error}`);
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.changeEmitter.fire();
      }
    }
  }
}

export interface DvcSourceOptions {
  readonly workerPath: string;
  readonly rowCachePath?: string;
  readonly notes: (root: string, rev: string) => ExperimentNote | undefined;
  readonly log: Logger;
}

/** A DVC root's experiments, read natively in a worker and read again when refs, the queue or metrics change. */
export class DvcSource extends Disposable implements TableSource {
  private readonly changeEmitter = this.register(new Emitter<void>());
  readonly onDidChange = this.changeEmitter.event;
  readonly id: string;
  rows: readonly TableRow[] = [];
  private readonly reader: ExperimentsThread;
  private readonly dvclive: DvcliveHistory;
  readonly history: HistoryReader;
  private loading = false;
  private again = false;
  private error: string | undefined;
  private problems: readonly string[] = [];
  private watched = '';
  private watchers: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly ref: TableSourceRef,
    private readonly label: string,
    private readonly options: DvcSourceOptions,
  ) {
    super();
    this.id = ref.place;
    this.reader = new ExperimentsThread(ref.place, { workerPath: options.workerPath, ...(options.rowCachePath ? { rowCachePath: options.rowCachePath } : {}) });
    this.register({ dispose: () => this.reader.dispose() });
    this.dvclive = new DvcliveHistory(ref.place);
    this.history = dvcHistoryReader(this.dvclive);
    this.register({ dispose: () => this.dvclive.dispose() });
    this.register({ dispose: () => (clearTimeout(this.timer), this.watchers.forEach((w) => w.dispose())) });
    this.reload();
  }

  get status(): SourceStatus {
    const error = this.error ?? (this.problems.length ? `Some queue files could not be read: ${this.problems.slice(0, 3).join('; ')}` : undefined);
    return { id: this.id, label: this.label, kind: 'dvc', loaded: this.rows.length, more: false, loading: this.loading, ...(error ? { error } : {}) };
  }

  setQuery(): void {}

  loadMore(): void {}

  /** Notes changed: rows again from the last read. */
  renotes(): void {
    this.reload();
  }

  reload(): void {
    if (this.loading) {
      this.again = true;
      return;
    }
    void this.read();
  }

  private async read(): Promise<void> {
    this.loading = true;
    this.changeEmitter.fire();
    try {
      const result = await this.reader.read({});
      this.rows = rowsFromExperiments(this.id, experimentRows(result.states), (rev) => this.options.notes(this.ref.place, rev));
      this.problems = result.problems;
      this.error = undefined;
      this.watch(result.watch);
    } catch (error) {
      this.error = (error as Error).message;
      this.options.log.warn(`Experiments table: reading DVC experiments of ${this.ref.place} failed: ${this.error}`);
    } finally {
      this.loading = false;
      this.changeEmitter.fire();
      if (this.again) {
        this.again = false;
        this.reload();
      }
    }
  }

  private watch(plan: ExperimentsWatch): void {
    const key = JSON.stringify(plan);
    if (key === this.watched) return;
    this.watched = key;
    this.watchers.forEach((w) => w.dispose());
    const soon = (): void => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.reload(), 300);
    };
    const globs = [...plan.gitGlobs.map((g) => new vscode.RelativePattern(vscode.Uri.file(plan.gitDir), g)), ...plan.rootGlobs.map((g) => new vscode.RelativePattern(vscode.Uri.file(plan.root), g))];
    this.watchers = globs.map((pattern) => {
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      watcher.onDidChange(soon);
      watcher.onDidCreate(soon);
      watcher.onDidDelete(soon);
      return watcher;
    });
  }
}

export function dvcWorkerPath(extensionUri: vscode.Uri): string {
  return join(extensionUri.fsPath, 'dist', 'dvcExpWorker.js');
}
