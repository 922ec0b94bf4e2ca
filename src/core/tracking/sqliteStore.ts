import { basename } from 'node:path';
import { DatabaseBusyError, NotASqliteDatabaseError, openReadonly, type ReadonlyDatabase, type Row, type SqliteDriverName } from '../sqlite/database.js';
import { TrackingError } from './errors.js';
import type { DatasetInput, Experiment, KeyValue, Metric, ModelVersion, RegisteredModel, Run, RunStatus, ViewType } from './model.js';
import { toJsonDouble } from './model.js';
import { compact, lifecycleStagesFor, nonZero, optionalString } from './shape.js';
import { readModelVersions, readRegisteredModels } from './sqliteRegistry.js';
import type { Listing, ModelRegistry, QueryOptions, SearchExperimentsOptions, SearchRunsOptions, TrackingStore } from './store.js';

export interface SqliteStoreOptions {
  readonly driver?: SqliteDriverName;
  readonly busyTimeoutMs?: number;
}

/**
 * Reads MLflow's SQL store from an SQLite file (mlflow/store/tracking/dbmodels/models.py).
 * Each query opens the file read-only and closes it again: no lock outlives a query, and a file
 * MLflow rewrote in between is never answered from a stale snapshot.
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
    return this.withDatabase(options.signal, (db) => {
      const stages = lifecycleStagesFor(options.viewType);
      const rows = db.all(
        `SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time, workspace
         FROM experiments WHERE lifecycle_stage IN (${marks(stages.length)})
         ORDER BY creation_time DESC, experiment_id ASC`,
        stages,
      );
      const tags = groupBy(db.all('SELECT experiment_id, key, value FROM experiment_tags ORDER BY rowid'), 'experiment_id');
      const items = rows.map((row): Experiment =>
        compact({
          experiment_id: String(row.experiment_id),
          name: text(row.name),
          artifact_location: optionalString(row.artifact_location),
          lifecycle_stage: text(row.lifecycle_stage) as Experiment['lifecycle_stage'],
          last_update_time: nonZero(row.last_update_time),
          creation_time: nonZero(row.creation_time),
          workspace: optionalString(row.workspace),
          tags: keyValues(tags.get(String(row.experiment_id))),
        }),
      );
      return { items, problems: [] };
    });
  }

  async searchRuns(options: SearchRunsOptions): Promise<Listing<Run>> {
    if (options.experimentIds.length === 0) return { items: [], problems: [] };
    return this.withDatabase(options.signal, (db) => {
      const stages = lifecycleStagesFor(options.viewType);
      const where = `experiment_id IN (${marks(options.experimentIds.length)}) AND lifecycle_stage IN (${marks(stages.length)})`;
      const args = [...options.experimentIds.map(Number), ...stages];
      const runs = db.all(
        `SELECT run_uuid, name, experiment_id, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage
         FROM runs WHERE ${where} ORDER BY start_time DESC, run_uuid ASC`,
        args,
      );
      const ofRuns = `run_uuid IN (SELECT run_uuid FROM runs WHERE ${where})`;
      const metrics = groupBy(db.all(`SELECT run_uuid, key, value, timestamp, step, is_nan FROM latest_metrics WHERE ${ofRuns} ORDER BY run_uuid, key`, args), 'run_uuid');
      const params = groupBy(db.all(`SELECT run_uuid, key, value FROM params WHERE ${ofRuns} ORDER BY run_uuid, key`, args), 'run_uuid');
      const tags = groupBy(db.all(`SELECT run_uuid, key, value FROM tags WHERE ${ofRuns} ORDER BY run_uuid, key`, args), 'run_uuid');
      const datasets = this.datasetInputs(db, where, args);
      const outputs = groupBy(
        db.all(
          `SELECT source_id AS run_uuid, destination_id, step FROM inputs
           WHERE source_type = 'RUN_OUTPUT' AND destination_type = 'MODEL_OUTPUT'
             AND source_id IN (SELECT run_uuid FROM runs WHERE ${where})`,
          args,
        ),
        'run_uuid',
      );
      const items = runs.map((row): Run => {
        const id = text(row.run_uuid);
        return {
          info: compact({
            run_uuid: id,
            experiment_id: String(row.experiment_id),
            run_name: optionalString(row.name),
            user_id: optionalString(row.user_id),
            status: text(row.status) as RunStatus,
            start_time: row.start_time === null ? undefined : Number(row.start_time),
            end_time: nonZero(row.end_time),
            artifact_uri: optionalString(row.artifact_uri),
            lifecycle_stage: text(row.lifecycle_stage) as Run['info']['lifecycle_stage'],
            run_id: id,
          }),
          data: compact({
            metrics: (metrics.get(id) ?? []).map(toMetric),
            params: keyValues(params.get(id)),
            tags: keyValues(tags.get(id)),
          }),
          inputs: compact({ dataset_inputs: datasets.get(id) }),
          outputs: compact({
            model_outputs: outputs.get(id)?.map((o) => ({ model_id: text(o.destination_id), step: Number(o.step) })),
          }),
        };
      });
      return { items, problems: [] };
    });
  }

  searchRegisteredModels(options: QueryOptions = {}): Promise<Listing<RegisteredModel>> {
    return this.withDatabase(options.signal, (db) => ({ items: readRegisteredModels(db), problems: [] }));
  }

  searchModelVersions(options: QueryOptions = {}): Promise<Listing<ModelVersion>> {
    return this.withDatabase(options.signal, (db) => ({ items: readModelVersions(db), problems: [] }));
  }

  dispose(): void {
    // Nothing is held between queries.
  }

  private datasetInputs(db: ReadonlyDatabase, where: string, args: readonly (string | number)[]): Map<string, DatasetInput[]> {
    const rows = db.all(
      `SELECT i.destination_id AS run_uuid, i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source,
              d.dataset_schema, d.dataset_profile, t.name AS tag_key, t.value AS tag_value
       FROM inputs i JOIN datasets d ON i.source_id = d.dataset_uuid
       LEFT JOIN input_tags t ON t.input_uuid = i.input_uuid
       WHERE i.destination_type = 'RUN' AND i.source_type = 'DATASET'
         AND i.destination_id IN (SELECT run_uuid FROM runs WHERE ${where})
       ORDER BY i.destination_id, i.rowid, t.rowid`,
      args,
    );
    const byRun = new Map<string, Map<string, { tags: KeyValue[]; input: DatasetInput }>>();
    for (const row of rows) {
      const runId = text(row.run_uuid);
      const inputs = byRun.get(runId) ?? new Map();
      byRun.set(runId, inputs);
      const inputId = text(row.input_uuid);
      let entry = inputs.get(inputId);
      if (!entry) {
        const tagsOfInput: KeyValue[] = [];
        entry = {
          tags: tagsOfInput,
          input: {
            tags: tagsOfInput,
            dataset: compact({
              name: text(row.name),
              digest: text(row.digest),
              source_type: text(row.dataset_source_type),
              source: text(row.dataset_source),
              schema: optionalString(row.dataset_schema),
              profile: optionalString(row.dataset_profile),
            }),
          },
        };
        inputs.set(inputId, entry);
      }
      if (row.tag_key !== null) entry.tags.push({ key: text(row.tag_key), value: text(row.tag_value) });
    }
    return new Map([...byRun].map(([runId, inputs]) => [runId, [...inputs.values()].map((e) => compact(e.input))]));
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
      return query(db);
    } catch (error) {
      if (error instanceof TrackingError || (error as Error).name === 'AbortError') throw error;
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
  if (error instanceof NotASqliteDatabaseError) {
    return new TrackingError('corrupt-store', `${path} is not an SQLite database: it cannot be an MLflow store`, path, { cause: error });
  }
  return new TrackingError('corrupt-store', `Cannot open the MLflow database ${path}: ${(error as Error).message}`, path, { cause: error });
}

/** MLflow stores NaN as 0 with is_nan = 1 and ±Infinity as ±DBL_MAX; its client reports DBL_MAX as is. */
function toMetric(row: Row): Metric {
  const value = Number(row.is_nan) ? NaN : Number(row.value);
  return { key: text(row.key), value: toJsonDouble(value), timestamp: Number(row.timestamp ?? 0), step: Number(row.step) };
}

function keyValues(rows: readonly Row[] | undefined): KeyValue[] | undefined {
  return rows?.map((row) => ({ key: text(row.key), value: text(row.value) }));
}

function groupBy(rows: readonly Row[], column: string): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = String(row[column]);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

const marks = (count: number): string => Array.from({ length: count }, () => '?').join(', ');
const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

export type { ViewType };
