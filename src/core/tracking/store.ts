import type { TrackingError } from './errors.js';
import type { Experiment, ModelVersion, RegisteredModel, Run, ViewType } from './model.js';

export interface QueryOptions {
  readonly signal?: AbortSignal;
}

export interface SearchExperimentsOptions extends QueryOptions {
  readonly viewType?: ViewType;
}

export interface SearchRunsOptions extends QueryOptions {
  readonly experimentIds: readonly string[];
  readonly viewType?: ViewType;
}

/**
 * The result of a listing: what could be read, plus one typed error per entity that could not
 * (a half-written meta.yaml, a truncated metric file). One bad run never hides the others.
 */
export interface Listing<T> {
  readonly items: readonly T[];
  readonly problems: readonly TrackingError[];
}

/** Read access to one MLflow tracking store (the port; SqliteTrackingStore, FileTrackingStore implement it). */
export interface TrackingStore {
  /** A short human label: `sqlite: mlflow.db`, `file: mlruns`, `server: host:port`. */
  readonly label: string;
  /** The tracking URI in MLflow's form. */
  readonly uri: string;
  /** Experiments in MLflow's default order (creation_time DESC, experiment_id ASC). */
  searchExperiments(options?: SearchExperimentsOptions): Promise<Listing<Experiment>>;
  /** Runs with latest metrics, params and tags, in MLflow's default order (start_time DESC, run_id ASC). */
  searchRuns(options: SearchRunsOptions): Promise<Listing<Run>>;
  dispose(): void;
}

/** Read access to an MLflow Model Registry (searches in MLflow's default order). */
export interface ModelRegistry {
  searchRegisteredModels(options?: QueryOptions): Promise<Listing<RegisteredModel>>;
  searchModelVersions(options?: QueryOptions): Promise<Listing<ModelVersion>>;
}
