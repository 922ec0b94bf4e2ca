import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { mapLimit } from '../util/concurrency.js';
import { filesUnder, isDirectory, PARALLEL_READS, readKeyValues, readYaml, subdirectories, type Yaml } from './fileReading.js';
import { TrackingError } from './errors.js';
import type { Dataset, DatasetInput, Experiment, Metric, ModelVersion, RegisteredModel, Run, RunInfo } from './model.js';
import { RUN_STATUS_BY_NUMBER, toJsonDouble } from './model.js';
import { parseMetricLine, latestOf } from './metricFile.js';
import { compact, lifecycleStagesFor, nonZero, optionalString } from './shape.js';
import { modelVersionsOf, readRegistry, registeredModelsOf } from './fileRegistry.js';
import type { Listing, ModelRegistry, QueryOptions, SearchExperimentsOptions, SearchRunsOptions, TrackingStore } from './store.js';

const TRASH = '.trash';
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
  ) {
    this.label = `file: ${basename(root)}`;
  }

  async searchExperiments(options: SearchExperimentsOptions = {}): Promise<Listing<Experiment>> {
    await this.checkRoot();
    const stages = lifecycleStagesFor(options.viewType);
    const locations = await this.experimentLocations(stages.includes('active'), stages.includes('deleted'));
    const problems: TrackingError[] = [];
    const experiments = await mapLimit(locations, PARALLEL_READS, async ({ id, dir }) => {
      options.signal?.throwIfAborted();
      try {
        return await this.readExperiment(id, dir);
      } catch (error) {
        problems.push(entityError(error, `experiment ${id}`, join(dir, 'meta.yaml')));
        return undefined;
      }
    });
    const items = experiments
      .filter((e): e is Experiment => e !== undefined && stages.includes(e.lifecycle_stage))
      .sort(experimentOrder);
    return { items, problems };
  }

  async searchRuns(options: SearchRunsOptions): Promise<Listing<Run>> {
    await this.checkRoot();
    const stages = lifecycleStagesFor(options.viewType);
    const problems: TrackingError[] = [];
    const runDirs: { experimentId: string; experimentDir: string; dir: string }[] = [];
    for (const experimentId of options.experimentIds) {
      const experimentDir = await this.findExperimentDir(experimentId);
      if (!experimentDir) continue;
      for (const name of await subdirectories(experimentDir)) {
        if (!RESERVED_EXPERIMENT_FOLDERS.has(name)) runDirs.push({ experimentId, experimentDir, dir: join(experimentDir, name) });
      }
    }
    const runs = await mapLimit(runDirs, PARALLEL_READS, async (location) => {
      options.signal?.throwIfAborted();
      try {
        const info = await readRunInfo(location.dir);
        // MLflow ignores a run whose meta.yaml names another experiment, and runs with no meta.yaml.
        if (!info || info.experiment_id !== location.experimentId || !stages.includes(info.lifecycle_stage)) return undefined;
        return await readRun(info, location.dir, location.experimentDir);
      } catch (error) {
        problems.push(entityError(error, `run ${basename(location.dir)}`, location.dir));
        return undefined;
      }
    });
    const items = runs.filter((r): r is Run => r !== undefined).sort(runOrder);
    return { items, problems };
  }

  async searchRegisteredModels(options: QueryOptions = {}): Promise<Listing<RegisteredModel>> {
    await this.checkRoot();
    options.signal?.throwIfAborted();
    return { items: registeredModelsOf(await readRegistry(this.root)), problems: [] };
  }

  async searchModelVersions(options: QueryOptions = {}): Promise<Listing<ModelVersion>> {
    await this.checkRoot();
    options.signal?.throwIfAborted();
    return { items: modelVersionsOf(await readRegistry(this.root)), problems: [] };
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

  private async experimentLocations(active: boolean, deleted: boolean): Promise<{ id: string; dir: string }[]> {
    const locations: { id: string; dir: string }[] = [];
    if (active) {
      for (const name of await subdirectories(this.root)) {
        if (name !== TRASH && name !== REGISTRY) locations.push({ id: name, dir: join(this.root, name) });
      }
    }
    if (deleted) {
      for (const name of await subdirectories(join(this.root, TRASH))) locations.push({ id: name, dir: join(this.root, TRASH, name) });
    }
    return locations;
  }

  private async findExperimentDir(experimentId: string): Promise<string | undefined> {
    if (!/^[0-9]+$/.test(experimentId)) return undefined;
    for (const dir of [join(this.root, experimentId), join(this.root, TRASH, experimentId)]) {
      if (await isDirectory(dir)) return dir;
    }
    return undefined;
  }

  private async readExperiment(id: string, dir: string): Promise<Experiment | undefined> {
    const meta = await readYaml(join(dir, 'meta.yaml'));
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
      tags: await readKeyValues(join(dir, 'tags')),
    });
  }
}

async function readRunInfo(dir: string): Promise<RunInfo | undefined> {
  let meta: Yaml;
  try {
    meta = await readYaml(join(dir, 'meta.yaml'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const runId = String(meta.run_id ?? meta.run_uuid ?? '');
  const status = meta.status === undefined || meta.status === null ? 1 : Number(meta.status);
  return compact({
    run_uuid: runId,
    experiment_id: String(meta.experiment_id),
    run_name: optionalString(meta.run_name),
    user_id: optionalString(meta.user_id),
    status: RUN_STATUS_BY_NUMBER[status] ?? 'RUNNING',
    start_time: meta.start_time === null || meta.start_time === undefined ? undefined : Number(meta.start_time),
    end_time: nonZero(meta.end_time),
    artifact_uri: optionalString(meta.artifact_uri) || undefined,
    lifecycle_stage: meta.lifecycle_stage === 'deleted' ? ('deleted' as const) : ('active' as const),
    run_id: runId,
  });
}

async function readRun(info: RunInfo, dir: string, experimentDir: string): Promise<Run> {
  const [metrics, params, tags, inputs, outputs] = await Promise.all([
    readMetrics(join(dir, 'metrics'), info.run_id),
    readKeyValues(join(dir, 'params')),
    readKeyValues(join(dir, 'tags')),
    readInputs(join(dir, 'inputs'), experimentDir),
    readOutputs(join(dir, 'outputs')),
  ]);
  const runName = info.run_name || tags?.find((t) => t.key === 'mlflow.runName')?.value;
  return {
    info: compact({ ...info, run_name: runName ?? info.run_name }),
    data: compact({ metrics, params, tags }),
    inputs: compact({ dataset_inputs: inputs.datasets, model_inputs: inputs.models }),
    outputs: compact({ model_outputs: outputs }),
  };
}

async function readMetrics(dir: string, runId: string): Promise<Metric[]> {
  const keys = await filesUnder(dir);
  return mapLimit(keys, PARALLEL_READS, async (key) => {
    const text = await readFile(join(dir, key), 'utf8');
    const points = text.split('\n').filter((line) => line.trim() !== '').map((line) => parseMetricLine(line, key));
    const latest = latestOf(points);
    if (!latest) throw new TrackingError('corrupt-entity', `Metric '${key}' is malformed: no data found`, join(dir, key));
    return compact({
      key,
      value: toJsonDouble(latest.value),
      timestamp: latest.timestamp,
      step: latest.step,
      dataset_name: latest.datasetName,
      dataset_digest: latest.datasetDigest,
      run_id: runId,
    });
  });
}

async function readInputs(dir: string, experimentDir: string): Promise<{ datasets: DatasetInput[]; models: { model_id: string }[] }> {
  const datasets: DatasetInput[] = [];
  const models: { model_id: string }[] = [];
  for (const inputId of await subdirectories(dir)) {
    const meta = await readYaml(join(dir, inputId, 'meta.yaml'));
    const sourceId = String(meta.source_id);
    if (meta.source_type === 'MODEL') {
      models.push({ model_id: sourceId });
      continue;
    }
    if (meta.source_type !== 'DATASET') continue;
    const datasetMeta = await readYaml(join(experimentDir, 'datasets', sourceId, 'meta.yaml')).catch(() => undefined);
    if (!datasetMeta) continue; // MLflow skips inputs whose dataset is gone, with a warning.
    const tags = Object.entries((meta.tags as Record<string, unknown> | null) ?? {}).map(([key, value]) => ({ key, value: String(value) }));
    const dataset: Dataset = compact({
      name: String(datasetMeta.name ?? ''),
      digest: String(datasetMeta.digest ?? ''),
      source_type: String(datasetMeta.source_type ?? ''),
      source: String(datasetMeta.source ?? ''),
      schema: optionalString(datasetMeta.schema) || undefined,
      profile: optionalString(datasetMeta.profile) || undefined,
    });
    datasets.push(compact({ tags, dataset }));
  }
  return { datasets, models };
}

async function readOutputs(dir: string): Promise<{ model_id: string; step: number }[]> {
  const outputs: { model_id: string; step: number }[] = [];
  for (const modelId of await subdirectories(dir)) {
    const meta = await readYaml(join(dir, modelId, 'meta.yaml'));
    if (meta.destination_type !== 'MODEL_OUTPUT') continue;
    outputs.push({ model_id: String(meta.destination_id), step: Number(meta.step ?? 0) });
  }
  return outputs;
}

function entityError(error: unknown, what: string, path: string): TrackingError {
  if (error instanceof TrackingError) return error;
  return new TrackingError('corrupt-entity', `Cannot read ${what}: ${(error as Error).message}`, path, { cause: error });
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
