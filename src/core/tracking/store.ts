import type { TrackingError } from './errors.js';
import type { Experiment, FileInfo, LoggedModel, Metric, ModelVersion, RegisteredModel, Run, ViewType } from './entities.js';

export interface QueryOptions {
  readonly signal?: AbortSignal;
}

/** Paging as MLflow pages: opaque tokens, `maxResults` per page. Without `maxResults`, everything. */
export interface PageOptions extends QueryOptions {
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly maxResults?: number;
  readonly pageToken?: string;
}

export interface SearchExperimentsOptions extends PageOptions {
  readonly viewType?: ViewType;
}

export interface SearchRunsOptions extends PageOptions {
  readonly experimentIds: readonly string[];
  readonly viewType?: ViewType;
}

export interface RunPagesOptions extends SearchRunsOptions {
  /** Runs per page asked of a server (default 1000, MlflowClient's page); local stores answer at once. */
  readonly pageSize?: number;
  /**
   * A local store that can cut its listing cheaply (SQLite in MLflow's default order, no filter:
   * SQL's LIMIT) first yields this many runs from a cut read, then the rest of the whole listing:
   * a table draws its first rows before the whole listing is read. Ignored elsewhere.
   */
  readonly firstPage?: number;
}

export interface SearchLoggedModelsOptions extends QueryOptions {
  readonly experimentIds: readonly string[];
}

export interface BulkIntervalOptions extends QueryOptions {
  readonly runIds: readonly string[];
  readonly metricKey: string;
  /** Points per run, 1..2500 as MLflow allows. */
  readonly maxResults: number;
  readonly startStep?: number;
  readonly endStep?: number;
}

/**
 * Where streamArtifact writes: a node:stream Writable (a file), declared by shape because the
 * webview build reaches this port (core/series → metricColumns) and must not see Node's types.
 */
export interface ByteSink {
  write(chunk: Uint8Array, callback?: (error?: Error | null) => void): boolean;
  end(callback?: () => void): unknown;
  destroy(error?: Error): unknown;
}

/** A fresh sink per try (a retry starts the file again); `size` when the store knows it. */
export type ArtifactSink = (size: number | undefined) => ByteSink;

export interface StreamArtifactOptions extends QueryOptions {
  /** Bytes of this try so far. */
  readonly onData?: (received: number) => void;
}

export interface ReadArtifactOptions extends QueryOptions {
  /** Refuse files larger than this many bytes (a typed 'too-large' error) instead of reading them. */
  readonly maxBytes?: number;
}

/**
 * The result of a listing: what could be read, plus one typed error per entity that could not
 * (a half-written meta.yaml, a truncated metric file). One bad run never hides the others.
 */
export interface Listing<T> {
  readonly items: readonly T[];
  readonly problems: readonly TrackingError[];
  /** Present when more pages exist. */
  readonly nextPageToken?: string;
}

export interface ArtifactListing {
  readonly root_uri: string;
  readonly files: readonly FileInfo[];
}

/** A page of runs as JSON text: the run objects separated by commas, without brackets. */
export interface RunsJsonPage {
  readonly json: Uint8Array;
  readonly count: number;
}

/** Read access to one MLflow tracking store (the port; SQLite, file store and REST implement it). */
export interface TrackingStore {
  /** A short human label: `sqlite: mlflow.db`, `file: mlruns`, `server: host:port`. */
  readonly label: string;
  /** The tracking URI in MLflow's form. */
  readonly uri: string;
  /** Experiments in MLflow's default order (creation_time DESC, experiment_id ASC) unless ordered. */
  searchExperiments(options?: SearchExperimentsOptions): Promise<Listing<Experiment>>;
  /** Runs with latest metrics, params and tags, in MLflow's default order (start_time DESC, run_id ASC) unless ordered. */
  searchRuns(options: SearchRunsOptions): Promise<Listing<Run>>;
  /**
   * Every run of a search from `pageToken` on, page after page as the store produces them: a
   * server's pages of `pageSize` (the next one requested while the caller handles this one, so
   * memory stays at two pages), a local store's whole listing at once. `maxResults` is ignored.
   */
  searchRunPages(options: RunPagesOptions): AsyncIterable<Listing<Run>>;
  /**
   * searchRunPages' runs as JSON text, for a store that has them as text (a server): what prints
   * them needs no object of any run. Absent: print from searchRunPages.
   */
  searchRunPagesJson?(options: RunPagesOptions): AsyncIterable<RunsJsonPage>;
  /** One run, deleted or not; a typed 'not-found' error when it does not exist. */
  getRun(runId: string, options?: QueryOptions): Promise<Run>;
  /** Every logged point of one metric, in MLflow's order for the store. */
  getMetricHistory(runId: string, metricKey: string, options?: QueryOptions): Promise<Metric[]>;
  /** Sampled histories of several runs, as MLflow's get-history-bulk-interval returns them (with run_id). */
  getMetricHistoryBulkInterval(options: BulkIntervalOptions): Promise<Metric[]>;
  /** The direct children of `path` (the artifact root when omitted) in the run's artifacts. */
  listArtifacts(runId: string, path?: string, options?: QueryOptions): Promise<ArtifactListing>;
  readArtifact(runId: string, path: string, options?: ReadArtifactOptions): Promise<Uint8Array>;
  /**
   * One artifact file streamed into `sink(size)` (a server's through its artifact proxy when it
   * has one): any size in constant memory; the answer is the byte count. A retry calls `sink` again.
   * Use downloadArtifacts (artifactDownload.ts) to fetch files or folders to disk.
   */
  streamArtifact(runId: string, path: string, sink: ArtifactSink, options?: StreamArtifactOptions): Promise<number>;
  /** A file of an MLflow 3 logged model's artifacts (its MLmodel, input example…). */
  readLoggedModelArtifact(modelId: string, path: string, options?: ReadArtifactOptions): Promise<Uint8Array>;
  /** MLflow 3 logged models of the given experiments. */
  searchLoggedModels(options: SearchLoggedModelsOptions): Promise<Listing<LoggedModel>>;
  dispose(): void;
}

/** Read access to an MLflow Model Registry (searches in MLflow's default order). */
export interface ModelRegistry {
  searchRegisteredModels(options?: PageOptions): Promise<Listing<RegisteredModel>>;
  searchModelVersions(options?: PageOptions): Promise<Listing<ModelVersion>>;
}
