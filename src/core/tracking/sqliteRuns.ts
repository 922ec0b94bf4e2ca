import { ColumnBuilder, type MetricColumns } from './metricColumns.js';
import type { ReadonlyDatabase, Row, SqlValue } from '../sqlite/database.js';
import type { DatasetInput, Experiment, KeyValue, LifecycleStage, LoggedModel, Metric, Run, RunStatus } from './entities.js';
import { LOGGED_MODEL_STATUS_BY_NUMBER, toJsonDouble } from './entities.js';
import { compact, nonZero, optionalString, withStoredEndTime } from './shape.js';

/**
 * Queries of MLflow's tracking tables (mlflow/store/tracking/dbmodels/models.py), each returning
 * entities in MLflow's REST shape. Pure functions of an open database: the store decides when
 * a connection opens and closes. Experiment ids are read and bound as text: a store migrated
 * from ./mlruns keeps its 18-digit ids, beyond what a JavaScript number holds exactly.
 */

export function readExperiments(db: ReadonlyDatabase, stages: readonly LifecycleStage[]): Experiment[] {
  const rows = db.all(
    `SELECT CAST(experiment_id AS TEXT) AS experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time, workspace
     FROM experiments WHERE lifecycle_stage IN (${marks(stages.length)})
     ORDER BY creation_time DESC, experiment_id ASC`,
    stages,
  );
  const tags = groupBy(db.all('SELECT CAST(experiment_id AS TEXT) AS experiment_id, key, value FROM experiment_tags ORDER BY rowid'), 'experiment_id');
  return rows.map((row) =>
    compact({
      experiment_id: String(row.experiment_id),
      name: text(row.name),
      artifact_location: optionalString(row.artifact_location),
      lifecycle_stage: text(row.lifecycle_stage) as LifecycleStage,
      last_update_time: nonZero(row.last_update_time),
      creation_time: nonZero(row.creation_time),
      workspace: optionalString(row.workspace),
      tags: keyValues(tags.get(String(row.experiment_id))),
    }),
  );
}

/**
 * Runs selected by a condition on the `runs` table, with latest metrics, params, tags, dataset
 * inputs and model outputs, in MLflow's default order (start_time DESC, run_uuid ASC). Within a
 * run, metrics, params and tags come in insertion (rowid) order, as MLflow's own reads return them.
 */
export function readRuns(db: ReadonlyDatabase, where: string, whereArgs: readonly SqlValue[], slice?: { limit: number; offset: number }): Run[] {
  // A slice of MLflow's default order is cut in SQL, so a page of a big experiment reads only its runs.
  const order = `ORDER BY start_time DESC, run_uuid ASC${slice ? ' LIMIT ? OFFSET ?' : ''}`;
  const args = slice ? [...whereArgs, slice.limit, slice.offset] : whereArgs;
  const runs = db.all(
    `SELECT run_uuid, name, CAST(experiment_id AS TEXT) AS experiment_id, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage
     FROM runs WHERE ${where} ${order}`,
    args,
  );
  if (runs.length === 0) return [];
  const selected = `SELECT run_uuid FROM runs WHERE ${where} ${order}`;
  const metrics = new Map<string, Metric[]>();
  db.each(`SELECT run_uuid, value, timestamp, step, is_nan, key FROM latest_metrics WHERE run_uuid IN (${selected}) ORDER BY run_uuid, rowid`, args, (row) => {
    pushTo(metrics, String(row[0]), metricOf(String(row[5]), row.slice(1)));
  });
  const params = keyValuesByRun(db, `SELECT run_uuid, key, value FROM params WHERE run_uuid IN (${selected}) ORDER BY run_uuid, rowid`, args);
  const tags = keyValuesByRun(db, `SELECT run_uuid, key, value FROM tags WHERE run_uuid IN (${selected}) ORDER BY run_uuid, rowid`, args);
  const datasets = readDatasetInputs(db, selected, args);
  const outputs = groupBy(
    db.all(
      `SELECT source_id AS run_uuid, destination_id, step FROM inputs
       WHERE source_type = 'RUN_OUTPUT' AND destination_type = 'MODEL_OUTPUT' AND source_id IN (${selected})`,
      args,
    ),
    'run_uuid',
  );
  return runs.map((row): Run => {
    const id = text(row.run_uuid);
    return {
      info: withStoredEndTime(
        compact({
          run_uuid: id,
          experiment_id: String(row.experiment_id),
          run_name: optionalString(row.name),
          user_id: optionalString(row.user_id),
          status: text(row.status) as RunStatus,
          start_time: row.start_time === null ? undefined : Number(row.start_time),
          end_time: nonZero(row.end_time),
          artifact_uri: optionalString(row.artifact_uri),
          lifecycle_stage: text(row.lifecycle_stage) as LifecycleStage,
          run_id: id,
        }),
        row.end_time,
      ),
      data: compact({ metrics: metrics.get(id), params: params.get(id), tags: tags.get(id) }),
      inputs: compact({ dataset_inputs: datasets.get(id) }),
      outputs: compact({
        model_outputs: outputs.get(id)?.map((o) => ({ model_id: text(o.destination_id), step: Number(o.step) })),
      }),
    };
  });
}

function readDatasetInputs(db: ReadonlyDatabase, selectedRuns: string, args: readonly SqlValue[]): Map<string, DatasetInput[]> {
  const rows = db.all(
    `SELECT i.destination_id AS run_uuid, i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source,
            d.dataset_schema, d.dataset_profile, t.name AS tag_key, t.value AS tag_value
     FROM inputs i JOIN datasets d ON i.source_id = d.dataset_uuid
     LEFT JOIN input_tags t ON t.input_uuid = i.input_uuid
     WHERE i.destination_type = 'RUN' AND i.source_type = 'DATASET' AND i.destination_id IN (${selectedRuns})
     ORDER BY i.destination_id, i.rowid, t.rowid`,
    args,
  );
  const byRun = new Map<string, Map<string, { tags: KeyValue[]; dataset: DatasetInput['dataset'] }>>();
  for (const row of rows) {
    const runId = text(row.run_uuid);
    const inputs = byRun.get(runId) ?? new Map();
    byRun.set(runId, inputs);
    const inputId = text(row.input_uuid);
    let entry = inputs.get(inputId);
    if (!entry) {
      entry = {
        tags: [],
        dataset: compact({
          name: text(row.name),
          digest: text(row.digest),
          source_type: text(row.dataset_source_type),
          source: text(row.dataset_source),
          schema: optionalString(row.dataset_schema),
          profile: optionalString(row.dataset_profile),
        }),
      };
      inputs.set(inputId, entry);
    }
    if (row.tag_key !== null) entry.tags.push({ key: text(row.tag_key), value: text(row.tag_value) });
  }
  return new Map([...byRun].map(([runId, inputs]) => [runId, [...inputs.values()].map((e) => compact({ tags: e.tags, dataset: e.dataset }))]));
}

/** Every point of one metric, ordered as MLflow's SQL store orders get_metric_history. */
export function readMetricHistory(db: ReadonlyDatabase, runId: string, key: string): Metric[] {
  const points: Metric[] = [];
  db.each('SELECT value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY timestamp, step, value', [runId, key], (row) => {
    points.push(metricOf(key, row));
  });
  return points;
}

/**
 * One metric's history as columns in step order: the order of MLflow's index (run_uuid, key,
 * step), so SQLite sorts nothing; points sharing a step are put in timestamp order by the chart
 * (series/axes.ts), which costs only a check when they already are. With `steps`, only the points
 * with `from <= step < below` (either bound may be left out): one part of a history read in parts.
 */
export function readMetricColumns(db: ReadonlyDatabase, runId: string, key: string, steps: StepRange = {}): MetricColumns {
  const builder = new ColumnBuilder();
  const filters = ['run_uuid = ?', 'key = ?'];
  const args: SqlValue[] = [runId, key];
  if (steps.from !== undefined) {
    filters.push('step >= ?');
    args.push(steps.from);
  }
  if (steps.below !== undefined) {
    filters.push('step < ?');
    args.push(steps.below);
  }
  db.each(`SELECT step, timestamp, value, is_nan FROM metrics WHERE ${filters.join(' AND ')} ORDER BY step`, args, (row) => {
    builder.push(Number(row[0]), Number(row[1] ?? 0), Number(row[3]) ? Number.NaN : Number(row[2]));
  });
  return builder.finish();
}

/** Steps `from <= step < below`; a missing bound is open. */
export interface StepRange {
  readonly from?: number;
  readonly below?: number;
}

/**
 * The steps of part `index` of `of` parts of a history whose steps run from `first` to `last`:
 * equal spans of steps, the first part open below and the last open above, so that parts cut
 * from the same bounds cover every point exactly once (points logged meanwhile included), and
 * points sharing a step stay in one part.
 */
export function stepPart(first: number, last: number, index: number, of: number): StepRange {
  const bound = (i: number): number => Math.floor(first + ((last - first) * i) / of);
  return { ...(index > 0 ? { from: bound(index) } : {}), ...(index < of - 1 ? { below: bound(index + 1) } : {}) };
}

/** The first and last step of one metric (two index lookups), or undefined when it has no points. */
export function metricStepBounds(db: ReadonlyDatabase, runId: string, key: string): { first: number; last: number } | undefined {
  // Two queries: SQLite answers MIN or MAX alone from the index, but scans it for both at once.
  const first = db.all('SELECT step FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step LIMIT 1', [runId, key])[0];
  const last = db.all('SELECT step FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step DESC LIMIT 1', [runId, key])[0];
  if (!first || !last) return undefined;
  return { first: Number(first.step), last: Number(last.step) };
}

/**
 * About `points` points of one metric spread evenly over its steps, in step order, found by as
 * many index lookups (the first point at or after each of `points` evenly spaced steps, and the
 * last point), so a million-point history answers in milliseconds: what a chart draws while the
 * whole history is read. Undefined when the history spans fewer than `minSpan` steps (or is empty).
 */
export function sampleMetricColumns(db: ReadonlyDatabase, runId: string, key: string, points: number, minSpan: number): MetricColumns | undefined {
  const bounds = metricStepBounds(db, runId, key);
  if (!bounds || bounds.last - bounds.first < minSpan) return undefined;
  const n = Math.max(2, Math.floor(points));
  const span = bounds.last - bounds.first;
  // The bucket starts are computed here (exact integers up to 2^53), not by SQLite's arithmetic.
  const starts = Array.from({ length: n }, (_, i) => bounds.first + Math.floor((span * i) / n));
  const builder = new ColumnBuilder(n + 1);
  let previous: number | undefined;
  const take = (row: readonly SqlValue[]): void => {
    const rowid = Number(row[0]);
    if (rowid === previous) return;
    previous = rowid;
    builder.push(Number(row[1]), Number(row[2] ?? 0), Number(row[4]) ? Number.NaN : Number(row[3]));
  };
  db.each(
    `WITH starts(i, step) AS (SELECT key, value FROM json_each(?))
     SELECT m.rowid, m.step, m.timestamp, m.value, m.is_nan FROM starts JOIN metrics m ON m.rowid = (
       SELECT rowid FROM metrics WHERE run_uuid = ? AND key = ? AND step >= starts.step ORDER BY step LIMIT 1)
     ORDER BY starts.i`,
    [JSON.stringify(starts), runId, key],
    take,
  );
  db.each('SELECT rowid, step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step DESC LIMIT 1', [runId, key], take);
  return builder.finish();
}

/**
 * MLflow's SQL `get_metric_history_bulk_interval` for one run (sqlalchemy_store.py
 * `_sample_rows_with_window_functions`): NTILE(maxResults) buckets over the points ordered by
 * (step, timestamp, value, is_nan), the first point of each bucket, and the last point always
 * kept (replacing the final sample when the budget is full). Computed in one ordered pass:
 * NTILE gives the first N mod n buckets one row more, so every bucket's first index is known
 * from the count, without SQLite sorting the rows twice for the window functions.
 */
export function readSampledHistory(db: ReadonlyDatabase, runId: string, key: string, maxResults: number, range?: { start: number; end: number }): Metric[] {
  const filters = ['run_uuid = ?', 'key = ?'];
  const args: SqlValue[] = [runId, key];
  if (range) {
    filters.push('step >= ?', 'step <= ?');
    args.push(range.start, range.end);
  }
  const where = filters.join(' AND ');
  const total = Number(db.all(`SELECT COUNT(*) AS n FROM metrics WHERE ${where}`, args)[0]?.n ?? 0);
  if (total === 0) return [];
  const buckets = Math.max(1, maxResults);
  const starts = bucketStarts(total, buckets);
  const kept: (readonly SqlValue[])[] = [];
  let last: readonly SqlValue[] | undefined;
  let index = 0;
  let next = 0;
  db.each(`SELECT value, timestamp, step, is_nan FROM metrics WHERE ${where} ORDER BY step, timestamp, value, is_nan`, args, (row) => {
    if (index === starts[next]) {
      kept.push(row);
      next++;
    }
    last = row;
    index++;
  });
  const final = kept[kept.length - 1];
  if (last && final !== last) {
    if (kept.length >= buckets) kept[kept.length - 1] = last;
    else kept.push(last);
  }
  return kept.map((row) => ({ ...metricOf(key, row), run_id: runId }));
}

/** The first row index of each of NTILE(buckets)'s groups over `total` rows. */
export function bucketStarts(total: number, buckets: number): number[] {
  if (total <= buckets) return Array.from({ length: total }, (_, i) => i);
  const size = Math.floor(total / buckets);
  const larger = total % buckets;
  return Array.from({ length: buckets }, (_, i) => i * size + Math.min(i, larger));
}

/**
 * A metrics row [value, timestamp, step, is_nan] as MLflow's Metric. MLflow stores NaN as 0 with
 * is_nan = 1 and ±Infinity as ±DBL_MAX; its client reports DBL_MAX as is, and so do we.
 */
function metricOf(key: string, row: readonly SqlValue[]): Metric {
  const value = Number(row[3]) ? NaN : Number(row[0]);
  return { key, value: toJsonDouble(value), timestamp: Number(row[1] ?? 0), step: Number(row[2]) };
}

/**
 * MLflow 3 logged models of some experiments, deleted ones left out, newest first. Tags and params
 * come in key order: MLflow looks them up by model id through the (model_id, key) primary key.
 */
export function readLoggedModels(db: ReadonlyDatabase, experimentIds: readonly string[]): LoggedModel[] {
  const where = `experiment_id IN (${marks(experimentIds.length)}) AND lifecycle_stage != 'deleted'`;
  const args = [...experimentIds];
  const models = db.all(
    `SELECT model_id, CAST(experiment_id AS TEXT) AS experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status, model_type, source_run_id, status_message
     FROM logged_models WHERE ${where} ORDER BY creation_timestamp_ms DESC, model_id ASC`,
    args,
  );
  const selected = `SELECT model_id FROM logged_models WHERE ${where}`;
  const tags = groupBy(db.all(`SELECT model_id, tag_key AS key, tag_value AS value FROM logged_model_tags WHERE model_id IN (${selected}) ORDER BY model_id, tag_key`, args), 'model_id');
  const params = groupBy(db.all(`SELECT model_id, param_key AS key, param_value AS value FROM logged_model_params WHERE model_id IN (${selected}) ORDER BY model_id, param_key`, args), 'model_id');
  const metrics = groupBy(
    db.all(
      `SELECT model_id, metric_name, metric_value, metric_timestamp_ms, metric_step, run_id, dataset_name, dataset_digest
       FROM logged_model_metrics WHERE model_id IN (${selected}) ORDER BY model_id, rowid`,
      args,
    ),
    'model_id',
  );
  return models.map((row): LoggedModel => {
    const id = text(row.model_id);
    return {
      info: compact({
        model_id: id,
        experiment_id: String(row.experiment_id),
        name: text(row.name),
        creation_timestamp_ms: nonZero(row.creation_timestamp_ms),
        last_updated_timestamp_ms: nonZero(row.last_updated_timestamp_ms),
        artifact_uri: optionalString(row.artifact_location),
        status: LOGGED_MODEL_STATUS_BY_NUMBER[Number(row.status)],
        model_type: optionalString(row.model_type),
        source_run_id: optionalString(row.source_run_id),
        status_message: optionalString(row.status_message),
        tags: keyValues(tags.get(id)),
      }),
      data: compact({
        params: keyValues(params.get(id)),
        metrics: metrics.get(id)?.map((m) =>
          compact({
            key: text(m.metric_name),
            value: toJsonDouble(m.metric_value === null ? NaN : Number(m.metric_value)),
            timestamp: Number(m.metric_timestamp_ms),
            step: Number(m.metric_step),
            dataset_name: optionalString(m.dataset_name) || undefined,
            dataset_digest: optionalString(m.dataset_digest) || undefined,
            model_id: id,
            run_id: optionalString(m.run_id) || undefined,
          }),
        ),
      }),
    };
  });
}

/** `run_uuid, key, value` rows grouped by run, in the query's order. */
function keyValuesByRun(db: ReadonlyDatabase, sql: string, args: readonly SqlValue[]): Map<string, KeyValue[]> {
  const groups = new Map<string, KeyValue[]>();
  db.each(sql, args, (row) => pushTo(groups, String(row[0]), { key: text(row[1]), value: text(row[2]) }));
  return groups;
}

function pushTo<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const group = groups.get(key);
  if (group) group.push(item);
  else groups.set(key, [item]);
}

const keyValues = (rows: readonly Row[] | undefined): KeyValue[] | undefined => rows?.map((row) => ({ key: text(row.key), value: text(row.value) }));

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

export const marks = (count: number): string => Array.from({ length: count }, () => '?').join(', ');
const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));
