import type { HistoryPool } from './history/pool.js';
import { LONG_HISTORY, type MetricColumns } from './metricColumns.js';
import { basename } from 'node:path';
import { DatabaseBusyError, DatabaseRecoveryError, DatabaseTooLargeError, NotASqliteDatabaseError, openReadonly, type ReadonlyDatabase, type SqliteDriverName } from '../sqlite/database.js';
import { TrackingError } from './errors.js';
import { listLocalArtifacts, readLocalArtifact, streamLocalArtifact } from './localArtifacts.js';
import type { Experiment, LoggedModel, Metric, ModelVersion, RegisteredModel, Run } from './entities.js';
import { artifactUriOf, localRunPages, page, rangeOf, searchExperimentsInMemory, searchModelVersionsInMemory, searchRegisteredModelsInMemory, searchRunsInMemory } from './listing.js';
import { lifecycleStagesFor } from './shape.js';
import { createPageToken, parsePageToken } from './search/index.js';
import { checkMaxResults } from './search/maxResults.js';
import { readModelVersions, readRegisteredModels } from './sqliteRegistry.js';
import { marks, metricStepBounds, readExperiments, readLoggedModels, readMetricColumns, readMetricHistory, readRuns, readSampledHistory, sampleMetricColumns, type StepRange } from './sqliteRuns.js';
import type {
  ArtifactSink,
  StreamArtifactOptions,
  RunPagesOptions,
  ArtifactListing,
  BulkIntervalOptions,
  Listing,
  ModelRegistry,
  PageOptions,
  QueryOptions,
  ReadArtifactOptions,
  SearchExperimentsOptions,
  SearchLoggedModelsOptions,
  SearchRunsOptions,
  TrackingStore,
} from './store.js';

export interface SqliteStoreOptions {
  readonly driver?: SqliteDriverName;
  readonly busyTimeoutMs?: number;
  /** Read long metric histories in these worker threads instead of this one. */
  readonly historyPool?: HistoryPool;
}

/**
 * Reads MLflow's SQL store from an SQLite file. Each query opens the file read-only and closes it
 * again: no lock outlives a query, and a file MLflow rewrote in between is never answered from a
 * stale snapshot. Filters and ordering follow MLflow's search grammar (./search).
 */
export class SqliteTrackingStore implements TrackingStore, ModelRegistry {
  readonly label: string;

  constructor(
    readonly uri: string,
    private readonly path: string,
    private readonly options: SqliteStoreOptions = {},
  ) {
    this.label = `sqlite: ${basename(path)}`;
  }

  async searchExperiments(options: SearchExperimentsOptions = {}): Promise<Listing<Experiment>> {
    checkMaxResults('experiments', 'sqlite', options.maxResults);
    return this.withDatabase(options.signal, (db) => {
      const experiments = searchExperimentsInMemory(readExperiments(db, lifecycleStagesFor(options.viewType)), options);
      return page(experiments, options);
    });
  }

  searchRunPages(options: RunPagesOptions): AsyncIterable<Listing<Run>> {
    // MLflow's default order without a filter is cut by SQL's LIMIT (searchRuns below): a first page is cheap.
    return localRunPages((o) => this.searchRuns(o), options, !options.filter?.trim() && !options.orderBy?.length);
  }

  async searchRuns(options: SearchRunsOptions): Promise<Listing<Run>> {
    checkMaxResults('runs', 'sqlite', options.maxResults);
    if (options.experimentIds.length === 0) return { items: [], problems: [] };
    return this.withDatabase(options.signal, (db) => {
      const stages = lifecycleStagesFor(options.viewType);
      const where = `experiment_id IN (${marks(options.experimentIds.length)}) AND lifecycle_stage IN (${marks(stages.length)})`;
      const args = [...options.experimentIds, ...stages];
      if (!options.filter?.trim() && !options.orderBy?.length && options.maxResults !== undefined) {
        // MLflow's default order, one page: SQL cuts it (one row more tells whether another page exists).
        const offset = parsePageToken(options.pageToken);
        const rows = readRuns(db, where, args, { limit: options.maxResults + 1, offset });
        const items = rows.slice(0, options.maxResults);
        return rows.length > options.maxResults ? { items, problems: [], nextPageToken: createPageToken(offset + options.maxResults) } : { items, problems: [] };
      }
      return page(searchRunsInMemory(readRuns(db, where, args), options), options);
    });
  }

  getRun(runId: string, options: QueryOptions = {}): Promise<Run> {
    return this.withDatabase(options.signal, (db) => {
      const [run] = readRuns(db, 'run_uuid = ?', [runId]);
      if (!run) throw new TrackingError('not-found', `Run with id=${runId} not found`, runId);
      return run;
    });
  }

  getMetricHistory(runId: string, metricKey: string, options: QueryOptions = {}): Promise<Metric[]> {
    return this.withDatabase(options.signal, (db) => {
      this.requireRun(db, runId);
      return readMetricHistory(db, runId, metricKey);
    });
  }

  getMetricColumns(runId: string, metricKey: string, options: QueryOptions = {}): Promise<MetricColumns> {
    if (this.options.historyPool) return this.options.historyPool.read(this.uri, runId, metricKey, options.signal);
    return this.withDatabase(options.signal, (db) => {
      this.requireRun(db, runId);
      return readMetricColumns(db, runId, metricKey);
    });
  }

  /** About `points` points spread over a long history, by index lookups (metricColumns.ts `SampledHistory`). */
  getMetricSample(runId: string, metricKey: string, points: number, options: QueryOptions = {}): Promise<MetricColumns | undefined> {
    if (this.options.historyPool) return this.options.historyPool.sample(this.uri, runId, metricKey, points, options.signal);
    return this.withDatabase(options.signal, (db) => {
      this.requireRun(db, runId);
      return sampleMetricColumns(db, runId, metricKey, points, LONG_HISTORY);
    });
  }

  /** The first and last step of one metric's history (undefined: no points); two index lookups. */
  getMetricStepBounds(runId: string, metricKey: string, options: QueryOptions = {}): Promise<{ first: number; last: number } | undefined> {
    return this.withDatabase(options.signal, (db) => {
      this.requireRun(db, runId);
      return metricStepBounds(db, runId, metricKey);
    });
  }

  /** The points of one metric's history in a range of steps, read on this thread (the history pool reads a long history's parts on several threads). */
  getMetricColumnsIn(runId: string, metricKey: string, steps: StepRange, options: QueryOptions = {}): Promise<MetricColumns> {
    return this.withDatabase(options.signal, (db) => {
      this.requireRun(db, runId);
      return readMetricColumns(db, runId, metricKey, steps);
    });
  }

  getMetricHistoryBulkInterval(options: BulkIntervalOptions): Promise<Metric[]> {
    const range = rangeOf(options);
    return this.withDatabase(options.signal, (db) => {
      for (const runId of options.runIds) this.requireRun(db, runId);
      return options.runIds.flatMap((runId) => readSampledHistory(db, runId, options.metricKey, options.maxResults, range));
    });
  }

  async listArtifacts(runId: string, path?: string, options: QueryOptions = {}): Promise<ArtifactListing> {
    const run = await this.getRun(runId, options);
    return listLocalArtifacts(artifactUriOf(run), path);
  }

  async readArtifact(runId: string, path: string, options: ReadArtifactOptions = {}): Promise<Uint8Array> {
    const run = await this.getRun(runId, options);
    return readLocalArtifact(artifactUriOf(run), path, options.maxBytes);
  }

  async streamArtifact(runId: string, path: string, sink: ArtifactSink, options: StreamArtifactOptions = {}): Promise<number> {
    const run = await this.getRun(runId, options);
    return streamLocalArtifact(artifactUriOf(run), path, sink, options);
  }

  async readLoggedModelArtifact(modelId: string, path: string, options: ReadArtifactOptions = {}): Promise<Uint8Array> {
    const location = await this.withDatabase(options.signal, (db) => db.all('SELECT artifact_location FROM logged_models WHERE model_id = ?', [modelId])[0]?.artifact_location);
    if (typeof location !== 'string') throw new TrackingError('not-found', `Logged model ${modelId} not found`, modelId);
    return readLocalArtifact(location, path, options.maxBytes);
  }

  searchLoggedModels(options: SearchLoggedModelsOptions): Promise<Listing<LoggedModel>> {
    if (options.experimentIds.length === 0) return Promise.resolve({ items: [], problems: [] });
    return this.withDatabase(options.signal, (db) => ({ items: readLoggedModels(db, options.experimentIds), problems: [] }));
  }

  async searchRegisteredModels(options: PageOptions = {}): Promise<Listing<RegisteredModel>> {
    checkMaxResults('registered-models', 'sqlite', options.maxResults);
    return this.withDatabase(options.signal, (db) => searchRegisteredModelsInMemory(readRegisteredModels(db), options));
  }

  async searchModelVersions(options: PageOptions = {}): Promise<Listing<ModelVersion>> {
    checkMaxResults('model-versions', 'sqlite', options.maxResults);
    return this.withDatabase(options.signal, (db) => searchModelVersionsInMemory(readModelVersions(db), options));
  }

  dispose(): void {
    // Nothing is held between queries.
  }

  private requireRun(db: ReadonlyDatabase, runId: string): void {
    if (db.all('SELECT 1 FROM runs WHERE run_uuid = ?', [runId]).length === 0) {
      throw new TrackingError('not-found', `Run with id=${runId} not found`, runId);
    }
  }

  private async withDatabase<T>(signal: AbortSignal | undefined, query: (db: ReadonlyDatabase) => T): Promise<T> {
    signal?.throwIfAborted();
    let db: ReadonlyDatabase;
    try {
      db = await openReadonly(this.path, this.options);
    } catch (error) {
      throw openError(this.path, error);
    }
    try {
      signal?.throwIfAborted();
      return await query(db);
    } catch (error) {
      if (error instanceof TrackingError || (error as Error).name === 'AbortError') throw error;
      if (isLocked(error)) throw lockedError(this.path, error);
      throw new TrackingError('corrupt-store', `Cannot read the MLflow database ${this.path}: ${(error as Error).message}`, this.path, { cause: error });
    } finally {
      db.close();
    }
  }
}

function openError(path: string, error: unknown): TrackingError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new TrackingError('not-found', `No MLflow database at ${path}`, path, { cause: error });
  if (error instanceof DatabaseBusyError) return new TrackingError('busy', error.message, path, { cause: error });
  if (isLocked(error)) return lockedError(path, error);
  if (error instanceof DatabaseTooLargeError) return new TrackingError('too-large', error.message, path, { cause: error });
  if (error instanceof DatabaseRecoveryError) return new TrackingError('corrupt-store', error.message, path, { cause: error });
  if (error instanceof NotASqliteDatabaseError) {
    return new TrackingError('corrupt-store', `${path} is not an SQLite database: it cannot be an MLflow store`, path, { cause: error });
  }
  return new TrackingError('corrupt-store', `Cannot open the MLflow database ${path}: ${(error as Error).message}`, path, { cause: error });
}

/** SQLite's SQLITE_BUSY after the busy timeout: a writer holds the lock (also when met at open). */
function isLocked(error: unknown): boolean {
  return /database is locked|SQLITE_BUSY/i.test((error as Error).message ?? '');
}

function lockedError(path: string, error: unknown): TrackingError {
  return new TrackingError('busy', `The MLflow database ${path} stayed locked by a writer; try again in a moment`, path, { cause: error });
}
