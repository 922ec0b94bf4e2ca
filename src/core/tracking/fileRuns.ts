import { readFile } from 'node:fs/promises';
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TrackingError } from './errors.js';
import { filesUnder, readKeyValues, readYaml, subdirectories, type Yaml } from './fileReading.js';
import { latestInText, parseMetricLine, parseMetricText, type MetricPoint } from './metricFile.js';
import type { Dataset, DatasetInput, LoggedModel, Metric, Run, RunInfo } from './entities.js';
import { LOGGED_MODEL_STATUS_BY_NUMBER, RUN_STATUS_BY_NUMBER, toJsonDouble } from './entities.js';
import { compact, nonZero, optionalString, storedEndTime, withStoredEndTime } from './shape.js';

/**
 * Reading runs and logged models of MLflow's file store (mlflow/store/tracking/file_store.py):
 * `<experiment>/<run_id>/{meta.yaml, metrics/, params/, tags/, inputs/, outputs/}` and
 * `<experiment>/models/<model_id>/`.
 */

export function readRunInfo(dir: string): RunInfo | undefined {
  let meta: Yaml;
  try {
    meta = readYaml(join(dir, 'meta.yaml'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const runId = String(meta.run_id ?? meta.run_uuid ?? '');
  const status = meta.status === undefined || meta.status === null ? 1 : Number(meta.status);
  const info = compact({
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
  return withStoredEndTime(info, meta.end_time);
}

export function readRun(info: RunInfo, dir: string, experimentDir: string): Run {
  const metrics = readLatestMetrics(join(dir, 'metrics'), info.run_id);
  const params = readKeyValues(join(dir, 'params'));
  const tags = readKeyValues(join(dir, 'tags'));
  const inputs = readInputs(join(dir, 'inputs'), experimentDir);
  const outputs = readOutputs(join(dir, 'outputs'));
  const runName = info.run_name || tags?.find((t) => t.key === 'mlflow.runName')?.value;
  return {
    info: withStoredEndTime(compact({ ...info, run_name: runName ?? info.run_name }), storedEndTime(info)),
    data: compact({ metrics, params, tags }),
    inputs: compact({ dataset_inputs: inputs.datasets, model_inputs: inputs.models }),
    outputs: compact({ model_outputs: outputs }),
  };
}

/**
 * The latest point of each metric file, remembered while the file keeps its size and mtime: MLflow
 * only appends to these files, and finding the latest point means reading the whole file (tens of
 * MB for a history of a million points), which a chart or a live row would otherwise redo each time.
 */
const latestByFile = new Map<string, { size: number; mtimeMs: number; latest: MetricPoint | undefined }>();
const LATEST_CACHE_SIZE = 20_000;

function latestOfFile(path: string, key: string): MetricPoint | undefined {
  const stats = statSync(path);
  const known = latestByFile.get(path);
  if (known && known.size === stats.size && known.mtimeMs === stats.mtimeMs) return known.latest;
  const latest = latestInText(readFileSync(path, 'utf8'), key);
  // Only big files are worth remembering; a small one costs less to read than to look up.
  if (stats.size >= 64 * 1024) {
    if (latestByFile.size >= LATEST_CACHE_SIZE) latestByFile.delete(latestByFile.keys().next().value!);
    latestByFile.set(path, { size: stats.size, mtimeMs: stats.mtimeMs, latest });
  }
  return latest;
}

function readLatestMetrics(dir: string, runId: string): Metric[] {
  return filesUnder(dir).map((key) => {
    const latest = latestOfFile(join(dir, key), key);
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

function readInputs(dir: string, experimentDir: string): { datasets: DatasetInput[]; models: { model_id: string }[] } {
  const datasets: DatasetInput[] = [];
  const models: { model_id: string }[] = [];
  for (const inputId of subdirectories(dir)) {
    const meta = readYaml(join(dir, inputId, 'meta.yaml'));
    const sourceId = String(meta.source_id);
    if (meta.source_type === 'MODEL') {
      models.push({ model_id: sourceId });
      continue;
    }
    if (meta.source_type !== 'DATASET') continue;
    const datasetMeta = readOptionalYaml(join(experimentDir, 'datasets', sourceId, 'meta.yaml'));
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

function readOutputs(dir: string): { model_id: string; step: number }[] {
  const outputs: { model_id: string; step: number }[] = [];
  for (const modelId of subdirectories(dir)) {
    const meta = readYaml(join(dir, modelId, 'meta.yaml'));
    if (meta.destination_type !== 'MODEL_OUTPUT') continue;
    outputs.push({ model_id: String(meta.destination_id), step: Number(meta.step ?? 0) });
  }
  return outputs;
}

/** A metric file's text, read without blocking ('' when the run never logged the metric). */
export async function readMetricText(runDir: string, key: string): Promise<string> {
  checkMetricKey(key);
  try {
    return await readFile(join(runDir, 'metrics', key), 'utf8');
  } catch (error) {
    if (isMissingFile(error)) return '';
    throw error;
  }
}

/** Bytes read around each sampled offset: far more than a line MLflow writes (about 20 to 60). */
const SAMPLE_WINDOW = 512;

/**
 * About `points` whole lines of a long metric file, from evenly spaced offsets (its first and last
 * line included), joined as text in file order: a sample read by `points` small reads, whatever
 * the file's size. Undefined when the file is smaller than `minBytes` (read it whole) or missing.
 * The reads are synchronous (about as many microseconds as points): the history threads call
 * this, and the CLI, never the extension host's thread.
 */
export function sampleMetricText(runDir: string, key: string, points: number, minBytes: number): string | undefined {
  checkMetricKey(key);
  let fd: number;
  try {
    fd = openSync(join(runDir, 'metrics', key), 'r');
  } catch (error) {
    if (isMissingFile(error)) return undefined;
    throw error;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.size < minBytes) return undefined;
    const size = info.size;
    const n = Math.max(2, Math.floor(points));
    const buffer = Buffer.alloc(SAMPLE_WINDOW);
    const lines: string[] = [];
    for (let i = 0; i <= n; i++) {
      const offset = i === n ? Math.max(0, size - SAMPLE_WINDOW) : Math.floor((size * i) / n);
      const text = buffer.toString('utf8', 0, readSync(fd, buffer, 0, SAMPLE_WINDOW, offset));
      if (i === n) {
        // The last line, written whole (a line still being written has no newline yet).
        const body = text.slice(0, text.lastIndexOf('\n') + 1).replace(/\r?\n$/, '');
        const last = body.slice(body.lastIndexOf('\n') + 1);
        if (last && lines[lines.length - 1] !== last) lines.push(last);
        continue;
      }
      // A window starting inside a line begins at the next one; a line longer than the window is skipped.
      let start = 0;
      if (offset > 0) {
        const newline = text.indexOf('\n');
        if (newline < 0) continue;
        start = newline + 1;
      }
      const end = text.indexOf('\n', start);
      if (end < 0) continue;
      const line = text.slice(start, end);
      if (line && lines[lines.length - 1] !== line) lines.push(line);
    }
    return lines.join('\n');
  } finally {
    closeSync(fd);
  }
}

/** A metric file that is not there (never logged), or a folder where it would be: no points. */
function isMissingFile(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}

function checkMetricKey(key: string): void {
  if (key.split('/').includes('..') || key.startsWith('/')) throw new TrackingError('invalid-argument', `Invalid metric name '${key}'`, key);
}

export function readMetricPoints(runDir: string, key: string): MetricPoint[] {
  checkMetricKey(key);
  let text: string;
  try {
    text = readFileSync(join(runDir, 'metrics', key), 'utf8');
  } catch (error) {
    if (isMissingFile(error)) return [];
    throw error;
  }
  return parseMetricText(text, key);
}

export function pointToMetric(point: MetricPoint, key: string, runId: string): Metric {
  return compact({
    key,
    value: toJsonDouble(point.value),
    timestamp: point.timestamp,
    step: point.step,
    dataset_name: point.datasetName,
    dataset_digest: point.datasetDigest,
    run_id: runId,
  });
}

/** `<experiment>/models/<model_id>/`: meta.yaml (status as an int), params/, tags/, metrics/. */
export function readLoggedModel(dir: string): LoggedModel | undefined {
  const meta = readYaml(join(dir, 'meta.yaml'));
  if (meta.lifecycle_stage === 'deleted') return undefined;
  const modelId = String(meta.model_id);
  const tags = readKeyValues(join(dir, 'tags'));
  const params = readKeyValues(join(dir, 'params'));
  const metrics = readLoggedModelMetrics(join(dir, 'metrics'), modelId);
  return {
    info: compact({
      model_id: modelId,
      experiment_id: String(meta.experiment_id),
      name: String(meta.name ?? ''),
      creation_timestamp_ms: nonZero(meta.creation_timestamp),
      last_updated_timestamp_ms: nonZero(meta.last_updated_timestamp),
      artifact_uri: optionalString(meta.artifact_location),
      status: LOGGED_MODEL_STATUS_BY_NUMBER[Number(meta.status ?? 0)],
      model_type: optionalString(meta.model_type),
      source_run_id: optionalString(meta.source_run_id),
      status_message: optionalString(meta.status_message),
      tags,
    }),
    data: compact({ params, metrics }),
  };
}

/** Logged-model metric lines: `ts value step run_id [dataset_name dataset_digest]`. */
function readLoggedModelMetrics(dir: string, modelId: string): Metric[] {
  const perKey = filesUnder(dir).map((key) => {
    const text = readFileSync(join(dir, key), 'utf8');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line): Metric => {
        const parts = line.trim().split(' ');
        if (parts.length !== 4 && parts.length !== 6) throw new TrackingError('corrupt-entity', `Logged model metric '${key}' is malformed`, join(dir, key));
        const point = parseMetricLine(parts.slice(0, 3).join(' '), key);
        return compact({
          key,
          value: toJsonDouble(point.value),
          timestamp: point.timestamp,
          step: point.step,
          dataset_name: parts[4],
          dataset_digest: parts[5],
          model_id: modelId,
          run_id: parts[3],
        });
      });
  });
  return perKey.flat();
}

function readOptionalYaml(path: string): Yaml | undefined {
  try {
    return readYaml(path);
  } catch {
    return undefined;
  }
}
