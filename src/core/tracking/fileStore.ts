import type { HistoryPool } from './history/pool.js';
import { LONG_HISTORY, parseMetricColumns, type MetricColumns } from './metricColumns.js';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { cooperative } from '../util/cooperative.js';
import { TrackingError } from './errors.js';
import { isDirectory, readKeyValues, readYaml, subdirectories } from './fileReading.js';
import { modelVersionsOf, readRegistry, registeredModelsOf } from './fileRegistry.js';
import { pointToMetric, readLoggedModel, readMetricPoints, readMetricText, readRun, readRunInfo, sampleMetricText } from './fileRuns.js';
import { listLocalArtifacts, readLocalArtifact, streamLocalArtifact } from './localArtifacts.js';
import type { Experiment, LoggedModel, Metric, ModelVersion, RegisteredModel, Run } from './entities.js';
import { sampleBulkInterval } from './sampling.js';
import { checkMaxResults } from './search/maxResults.js';
import { artifactUriOf, localRunPages, page, rangeOf, searchExperimentsInMemory, searchModelVersionsInMemory, searchRegisteredModelsInMemory, searchRunsInMemory } from './listing.js';
import { compact, lifecycleStagesFor, nonZero, optionalString } from './shape.js';
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

const TRASH = '.trash';
/** Bytes of the shortest line MLflow writes for a point with a step ("1700000000000 0.5 1\n"). */
const SHORTEST_LINE = 20;
const REGISTRY = 'models';
/** Experiment sub-folders that are never runs (file_store.py RESERVED_EXPERIMENT_FOLDERS). */
const RESERVED_EXPERIMENT_FOLDERS = new Set(['tags', 'datasets', 'traces', 'models']);

/**
 * Reads MLflow's file store (`./mlruns`), following mlflow/store/tracking/file_store.py.
 * A malformed experiment or run becomes a problem in the listing; the rest still arrives.
 */
export class FileTrackingStore implements TrackingStore, ModelRegistry {
  readonly label: string;

  constructor(
    readonly uri: string,
    private readonly root: string,
    /** Read long metric histories in these worker threads instead of this one. */
    private readonly historyPool?: HistoryPool,
  ) {
    this.label = `file: ${basename(root)}`;
  }

  async searchExperiments(options: SearchExperimentsOptions = {}): Promise<Listing<Experiment>> {
    checkMaxResults('experiments', 'file', options.maxResults);
    await this.checkRoot();
    const stages = lifecycleStagesFor(options.viewType);
    const locations = this.experimentLocations(stages.includes('active'), stages.includes('deleted'));
    const problems: TrackingError[] = [];
    const experiments: (Experiment | undefined)[] = [];
    const pause = cooperative();
    for (const { id, dir } of locations) {
      options.signal?.throwIfAborted();
      try {
        experiments.push(this.readExperiment(id, dir));
      } catch (error) {
        problems.push(entityError(error, `experiment ${id}`, join(dir, 'meta.yaml')));
      }
      await pause();
    }
    const items = experiments.filter((e): e is Experiment => e !== undefined && stages.includes(e.lifecycle_stage)).sort(experimentOrder);
    return { ...page(searchExperimentsInMemory(items, options), options), problems };
  }

  searchRunPages(options: RunPagesOptions): AsyncIterable<Listing<Run>> {
    return localRunPages((o) => this.searchRuns(o), options);
  }

  async searchRuns(options: SearchRunsOptions): Promise<Listing<Run>> {
    checkMaxResults('runs', 'file', options.maxResults);
    await this.checkRoot();
    const stages = lifecycleStagesFor(options.viewType);
    const problems: TrackingError[] = [];
    const runDirs: { experimentId: string; experimentDir: string; dir: string }[] = [];
    for (const experimentId of options.experimentIds) {
      const experimentDir = this.findExperimentDir(experimentId);
      if (!experimentDir) continue;
      for (const name of subdirectories(experimentDir)) {
        if (!RESERVED_EXPERIMENT_FOLDERS.has(name)) runDirs.push({ experimentId, experimentDir, dir: join(experimentDir, name) });
      }
    }
    const items: Run[] = [];
    const pause = cooperative();
    for (const location of runDirs) {
      options.signal?.throwIfAborted();
      try {
        const info = readRunInfo(location.dir);
        // MLflow ignores a run whose meta.yaml names another experiment, and runs with no meta.yaml.
        if (info && info.experiment_id === location.experimentId && stages.includes(info.lifecycle_stage)) items.push(readRun(info, location.dir, location.experimentDir));
      } catch (error) {
        problems.push(entityError(error, `run ${basename(location.dir)}`, location.dir));
      }
      await pause();
    }
    items.sort(runOrder);
    return { ...page(searchRunsInMemory(items, options), options), problems };
  }

  async getRun(runId: string, options: QueryOptions = {}): Promise<Run> {
    const { dir, experimentDir } = await this.findRun(runId);
    options.signal?.throwIfAborted();
    const info = readRunInfo(dir);
    if (!info || info.run_id !== runId) throw new TrackingError('corrupt-entity', `Run '${runId}' metadata is in invalid state.`, dir);
    return readRun(info, dir, experimentDir);
  }

  async getMetricHistory(runId: string, metricKey: string, options: QueryOptions = {}): Promise<Metric[]> {
    const { dir } = await this.findRun(runId);
    options.signal?.throwIfAborted();
    return readMetricPoints(dir, metricKey).map((p) => pointToMetric(p, metricKey, runId));
  }

  async getMetricColumns(runId: string, metricKey: string, options: QueryOptions = {}): Promise<MetricColumns> {
    if (this.historyPool) return this.historyPool.read(this.uri, runId, metricKey, options.signal);
    const { dir } = await this.findRun(runId);
    options.signal?.throwIfAborted();
    const text = await readMetricText(dir, metricKey);
    options.signal?.throwIfAborted();
    return parseMetricColumns(text, metricKey);
  }

  /**
   * About `points` lines of a long metric file, read at evenly spaced offsets (metricColumns.ts
   * `SampledHistory`); undefined for a short file, and for one whose sampled lines do not parse
   * (the whole read then says what is wrong with it).
   */
  async getMetricSample(runId: string, metricKey: string, points: number, options: QueryOptions = {}): Promise<MetricColumns | undefined> {
    if (this.historyPool) return this.historyPool.sample(this.uri, runId, metricKey, points, options.signal);
    const { dir } = await this.findRun(runId);
    options.signal?.throwIfAborted();
    const text = sampleMetricText(dir, metricKey, points, LONG_HISTORY * SHORTEST_LINE);
    if (text === undefined) return undefined;
    let sample: MetricColumns | undefined;
    try {
      sample = parseMetricColumns(text, metricKey);
    } catch {
      sample = undefined;
    }
    return sample;
  }

  async getMetricHistoryBulkInterval(options: BulkIntervalOptions): Promise<Metric[]> {
    const range = rangeOf(options);
    const histories = await Promise.all(options.runIds.map(async (runId) => ({ runId, points: await this.getMetricHistory(runId, options.metricKey, options) })));
    return sampleBulkInterval(histories, options.maxResults, range);
  }

  async listArtifacts(runId: string, path?: string, options: QueryOptions = {}): Promise<ArtifactListing> {
    return listLocalArtifacts(artifactUriOf(await this.getRun(runId, options)), path);
  }

  async readArtifact(runId: string, path: string, options: ReadArtifactOptions = {}): Promise<Uint8Array> {
    return readLocalArtifact(artifactUriOf(await this.getRun(runId, options)), path, options.maxBytes);
  }

  async streamArtifact(runId: string, path: string, sink: ArtifactSink, options: StreamArtifactOptions = {}): Promise<number> {
    return streamLocalArtifact(artifactUriOf(await this.getRun(runId, options)), path, sink, options);
  }

  async readLoggedModelArtifact(modelId: string, path: string, options: ReadArtifactOptions = {}): Promise<Uint8Array> {
    if (!/^[A-Za-z0-9_-]+$/.test(modelId)) throw new TrackingError('invalid-argument', `Invalid model ID: '${modelId}'`, modelId);
    await this.checkRoot();
    for (const { dir } of this.experimentLocations(true, true)) {
      const meta = isDirectory(join(dir, 'models', modelId)) ? readYaml(join(dir, 'models', modelId, 'meta.yaml')) : undefined;
      if (meta) return readLocalArtifact(String(meta.artifact_location), path, options.maxBytes);
    }
    throw new TrackingError('not-found', `Logged model ${modelId} not found`, modelId);
  }

  async searchLoggedModels(options: SearchLoggedModelsOptions): Promise<Listing<LoggedModel>> {
    await this.checkRoot();
    const problems: TrackingError[] = [];
    const models: LoggedModel[] = [];
    for (const experimentId of options.experimentIds) {
      const experimentDir = this.findExperimentDir(experimentId);
      if (!experimentDir) continue;
      for (const modelId of subdirectories(join(experimentDir, 'models'))) {
        options.signal?.throwIfAborted();
        try {
          const model = readLoggedModel(join(experimentDir, 'models', modelId));
          if (model) models.push(model);
        } catch (error) {
          problems.push(entityError(error, `logged model ${modelId}`, join(experimentDir, 'models', modelId)));
        }
      }
    }
    models.sort((a, b) => (b.info.creation_timestamp_ms ?? 0) - (a.info.creation_timestamp_ms ?? 0) || compareStrings(a.info.model_id, b.info.model_id));
    return { items: models, problems };
  }

  async searchRegisteredModels(options: PageOptions = {}): Promise<Listing<RegisteredModel>> {
    checkMaxResults('registered-models', 'file', options.maxResults);
    await this.checkRoot();
    options.signal?.throwIfAborted();
    return searchRegisteredModelsInMemory(registeredModelsOf(readRegistry(this.root)), options);
  }

  async searchModelVersions(options: PageOptions = {}): Promise<Listing<ModelVersion>> {
    checkMaxResults('model-versions', 'file', options.maxResults);
    await this.checkRoot();
    options.signal?.throwIfAborted();
    return searchModelVersionsInMemory(modelVersionsOf(readRegistry(this.root)), options);
  }

  dispose(): void {
    // Nothing is held between queries.
  }

  private async checkRoot(): Promise<void> {
    try {
      await readdir(this.root);
    } catch (error) {
      throw new TrackingError('not-found', `No MLflow file store at ${this.root}`, this.root, { cause: error });
    }
  }

  private experimentLocations(active: boolean, deleted: boolean): { id: string; dir: string }[] {
    const locations: { id: string; dir: string }[] = [];
    if (active) {
      for (const name of subdirectories(this.root)) {
        if (name !== TRASH && name !== REGISTRY) locations.push({ id: name, dir: join(this.root, name) });
      }
    }
    if (deleted) {
      for (const name of subdirectories(join(this.root, TRASH))) locations.push({ id: name, dir: join(this.root, TRASH, name) });
    }
    return locations;
  }

  /** MLflow's _find_run_root: the run's folder in whichever experiment (active or deleted) holds it. */
  private async findRun(runId: string): Promise<{ dir: string; experimentDir: string }> {
    if (!/^[A-Za-z0-9_-]+$/.test(runId)) throw new TrackingError('invalid-argument', `Invalid run ID: '${runId}'`, runId);
    await this.checkRoot();
    for (const { dir: experimentDir } of this.experimentLocations(true, true)) {
      const dir = join(experimentDir, runId);
      if (isDirectory(dir)) return { dir, experimentDir };
    }
    throw new TrackingError('not-found', `Run '${runId}' not found`, runId);
  }

  private findExperimentDir(experimentId: string): string | undefined {
    if (!/^[0-9]+$/.test(experimentId)) return undefined;
    for (const dir of [join(this.root, experimentId), join(this.root, TRASH, experimentId)]) {
      if (isDirectory(dir)) return dir;
    }
    return undefined;
  }

  private readExperiment(id: string, dir: string): Experiment | undefined {
    const meta = readYaml(join(dir, 'meta.yaml'));
    const experimentId = String(meta.experiment_id);
    if (experimentId !== id) return undefined;
    return compact({
      experiment_id: experimentId,
      name: String(meta.name ?? ''),
      artifact_location: optionalString(meta.artifact_location),
      lifecycle_stage: meta.lifecycle_stage === 'deleted' ? ('deleted' as const) : ('active' as const),
      last_update_time: nonZero(meta.last_update_time),
      creation_time: nonZero(meta.creation_time),
      workspace: optionalString(meta.workspace),
      tags: readKeyValues(join(dir, 'tags')),
    });
  }
}

/** A problem with one entity, its message naming the entity and its subject the file or folder. */
function entityError(error: unknown, what: string, path: string): TrackingError {
  const cause = error instanceof TrackingError ? error : undefined;
  const message = (error as Error).message;
  return new TrackingError(cause?.reason ?? 'corrupt-entity', `Cannot read ${what}: ${message}`, cause?.subject?.startsWith(path) ? cause.subject : path, { cause: error });
}

/** MLflow's default experiment order: creation_time DESC, experiment_id ASC. */
function experimentOrder(a: Experiment, b: Experiment): number {
  return (b.creation_time ?? 0) - (a.creation_time ?? 0) || compareStrings(a.experiment_id, b.experiment_id);
}

/** MLflow's default run order: start_time DESC, run_id ASC. */
function runOrder(a: Run, b: Run): number {
  return (b.info.start_time ?? 0) - (a.info.start_time ?? 0) || compareStrings(a.info.run_id, b.info.run_id);
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
