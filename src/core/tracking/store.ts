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
  /** One run, deleted or not; a typed 'not-found' error when it does not exist. */
  getRun(runId: string, options?: QueryOptions): Promise<Run>;
  /** Every logged point of one metric, in MLflow's order for the store. */
  getMetricHistory(runId: string, metricKey: string, options?: QueryOptions): Promise<Metric[]>;
  /** Sampled histories of several runs, as MLflow's get-history-bulk-interval returns them (with run_id). */
  getMetricHistoryBulkInterval(options: BulkIntervalOptions): Promise<Metric[]>;
  /** The direct children of `path` (the artifact root when omitted) in the run's artifacts. */
  listArtifacts(runId: string, path?: string, options?: QueryOptions): Promise<ArtifactListing>;
  readArtifact(runId: string, path: string, options?: ReadArtifactOptions): Promise<Uint8Array>;
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
