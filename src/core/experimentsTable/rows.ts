/**
 * The Experiments table's rows: MLflow runs (child runs under their parent) and DVC experiments
 * (under their baseline commit) in one shape, each with its cells by column id — the identifiers
 * of MLflow's search syntax (`metrics.acc`, `params.lr`, `tags.team`, `attributes.status`) — and a
 * run-shaped shadow so that MLflow's own filter semantics (core/tracking/search) apply to both.
 */
import type { ExperimentRow } from '../dvc/experiments/rows.js';
import type { KeyValue, Metric, Run, RunStatus } from '../tracking/entities.js';
import { nestRuns, runDisplayName, shortRunId, tagValue, type RunNode } from '../tracking/runTree.js';
export { shortRunId } from '../tracking/runTree.js';
import { fromJsonDouble } from '../tracking/entities.js';

export type { CellValue } from './types.js';
import type { CellValue } from './types.js';

export type RowKind = 'run' | 'workspace' | 'baseline' | 'experiment' | 'commit';

export interface TableRow {
  /** `mlflow:<source>:<run id>` or `dvc:<source>:<experiment row id>`: stable across reads. */
  readonly id: string;
  readonly source: 'mlflow' | 'dvc';
  readonly kind: RowKind;
  readonly parentId: string | null;
  readonly name: string;
  /** The name, with the short id when another row of the table has the same name. */
  readonly label: string;
  readonly shortId: string;
  /** MLflow's status (`FINISHED`, …) or DVC's executor state (`success`, `queued`, …). */
  readonly status: string | null;
  /** An MLflow run id, or a DVC revision (commit, or a queue entry's stash commit). */
  readonly ref: string;
  /** The baseline commit of a DVC experiment. */
  readonly baseline: string | null;
  readonly cells: Readonly<Record<string, CellValue>>;
  /** What is wrong with this row (unreadable params file, broken ref, failed run): shown on the row. */
  readonly problems: readonly string[];
  /** The same values as a run, for MLflow's filter semantics. */
  readonly shadow: Run;
  /** A DVC row's metric columns (`metrics.<column>` without `metrics.`) → the metrics file and key they come from. */
  readonly metricFiles?: Readonly<Record<string, { readonly file: string; readonly key: string }>>;
  /** A running DVC experiment's work tree (the git root of its executor's clone), where its files are as it runs. */
  readonly workTree?: string;
}

export const STARRED_TAG = 'mlWorkbench.starred';
/** MLflow's own run description, which its UI shows as the run's note. */
export const NOTE_TAG = 'mlflow.note.content';

/** MLflow runs of one experiment (in the listing's order), children after their parent. */
export function rowsFromRuns(source: string, runs: readonly Run[]): TableRow[] {
  const rows: TableRow[] = [];
  const walk = (node: RunNode, parentId: string | null): void => {
    const row = runRow(source, node.run, parentId);
    rows.push(row);
    for (const child of node.children) walk(child, row.id);
  };
  for (const node of nestRuns(runs)) walk(node, null);
  return rows;
}

function runRow(source: string, run: Run, parentId: string | null): TableRow {
  const { info, data } = run;
  const cells: Record<string, CellValue> = {
    'attributes.status': info.status,
    'attributes.start_time': info.start_time ?? null,
    'attributes.duration': info.start_time !== undefined && info.end_time !== undefined ? info.end_time - info.start_time : null,
    'attributes.user_id': info.user_id ?? null,
    'attributes.run_id': info.run_id,
  };
  for (const p of data.params ?? []) cells[`params.${p.key}`] = p.value;
  for (const m of data.metrics ?? []) cells[`metrics.${m.key}`] = fromJsonDouble(m.value);
  for (const t of data.tags ?? []) if (!t.key.startsWith('mlflow.')) cells[`tags.${t.key}`] = t.value;
  const note = tagValue(run, NOTE_TAG);
  cells['attributes.starred'] = tagValue(run, STARRED_TAG) === 'true';
  cells['attributes.note'] = note ?? null;
  const name = runDisplayName(run);
  const problems = info.status === 'FAILED' ? ['The run failed (status FAILED).'] : [];
  return {
    id: `mlflow:${source}:${info.run_id}`,
    source: 'mlflow',
    kind: 'run',
    parentId,
    name,
    label: name,
    shortId: shortRunId(info.run_id),
    status: info.status,
    ref: info.run_id,
    baseline: null,
    cells,
    problems,
    shadow: run,
  };
}

/** A DVC experiment's star and note, kept by the host (not in the user's repository). */
export interface ExperimentNote {
  readonly starred: boolean;
  readonly note: string;
}

const DVC_STATUS: Readonly<Record<string, RunStatus>> = { success: 'FINISHED', running: 'RUNNING', queued: 'SCHEDULED', failed: 'FAILED' };

/**
 * DVC experiments as `experimentRows` lists them: the workspace and each baseline at the top,
 * experiments under their baseline, older commits of an experiment under it. Params of
 * `params.yaml` are keyed by their dotted key, of other files by `file:key`; metrics by their
 * dotted key, or `file:key` when two metrics files of the row share a key.
 */
export function rowsFromExperiments(source: string, experiments: readonly ExperimentRow[], notes: (rev: string) => ExperimentNote | undefined = () => undefined): TableRow[] {
  const idOf = (row: ExperimentRow): string => `dvc:${source}:${row.id}`;
  let lastExperiment: string | null = null;
  return experiments.map((row) => {
    let parentId: string | null = null;
    if (row.kind === 'experiment') parentId = row.baseline ? `dvc:${source}:${row.baseline}` : null;
    if (row.kind === 'commit') parentId = lastExperiment;
    if (row.kind === 'experiment') lastExperiment = idOf(row);
    return experimentRow(source, row, parentId, notes(row.rev));
  });
}

function experimentRow(source: string, row: ExperimentRow, parentId: string | null, note: ExperimentNote | undefined): TableRow {
  const cells: Record<string, CellValue> = {
    'attributes.status': row.status ?? (row.kind === 'workspace' ? 'workspace' : row.kind === 'baseline' ? 'baseline' : null),
    'attributes.start_time': row.timestamp ? Date.parse(row.timestamp) || null : null,
    'attributes.duration': null,
    'attributes.user_id': null,
    'attributes.run_id': row.rev,
    'attributes.starred': note?.starred ?? false,
    'attributes.note': note?.note || null,
  };
  const params: KeyValue[] = [];
  for (const [file, values] of Object.entries(row.params)) {
    for (const [key, value] of Object.entries(values)) {
      const column = file === 'params.yaml' ? key : `${file}:${key}`;
      cells[`params.${column}`] = cellOf(value);
      params.push({ key: column, value: typeof value === 'string' ? value : JSON.stringify(value) ?? '' });
    }
  }
  const metricKeys = new Map<string, number>();
  for (const values of Object.values(row.metrics)) for (const key of Object.keys(values)) metricKeys.set(key, (metricKeys.get(key) ?? 0) + 1);
  const metrics: Metric[] = [];
  const metricFiles: Record<string, { file: string; key: string }> = {};
  for (const [file, values] of Object.entries(row.metrics)) {
    for (const [key, value] of Object.entries(values)) {
      const column = metricKeys.get(key)! > 1 ? `${file}:${key}` : key;
      cells[`metrics.${column}`] = cellOf(value);
      metricFiles[column] = { file, key };
      if (typeof value === 'number') metrics.push({ key: column, value, timestamp: 0, step: 0 });
    }
  }
  const problems = [
    ...(row.error ? [`${row.error.type ? `${row.error.type}: ` : ''}${row.error.msg}`] : []),
    ...row.fileErrors.map((e) => `${e.kind === 'params' ? 'Params' : 'Metrics'} file ${e.file} could not be read: ${e.error.msg}`),
  ];
  const status = row.status ? (DVC_STATUS[row.status] ?? 'FINISHED') : 'FINISHED';
  const name = row.name || row.shortRev;
  const label = row.kind === 'workspace' ? 'workspace' : row.label;
  const tags: KeyValue[] = note?.starred ? [{ key: STARRED_TAG, value: 'true' }] : [];
  const start = cells['attributes.start_time'];
  const shadow: Run = {
    info: { run_id: row.rev, run_uuid: row.rev, run_name: name, experiment_id: source, status, lifecycle_stage: 'active', ...(typeof start === 'number' ? { start_time: start } : {}) },
    data: { params, metrics, tags: [...tags, { key: 'mlflow.runName', value: name }] },
  };
  // A run in the queue's own clone is read there; a run in the workspace is the workspace row's rev.
  const workTree = row.status === 'running' && row.rev !== 'workspace' ? row.executor?.local?.root ?? undefined : undefined;
  return { id: `dvc:${source}:${row.id}`, source: 'dvc', kind: row.kind, parentId, name, label, shortId: row.shortRev, status: row.status, ref: row.rev, baseline: row.baseline, cells, problems, shadow, metricFiles, ...(workTree ? { workTree } : {}) };
}

function cellOf(value: unknown): CellValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value) ?? null;
}

/**
 * Rows of the same name told apart: every MLflow run (and DVC experiment) whose name another row
 * of the table shares gets its short id in its label. DVC's own labels already do this among its
 * experiments; this also covers names shared across sources.
 */
export function distinguishNames(rows: readonly TableRow[]): TableRow[] {
  const counts = new Map<string, number>();
  const named = (row: TableRow): boolean => row.kind === 'run' || row.kind === 'experiment';
  for (const row of rows) if (named(row)) counts.set(row.name, (counts.get(row.name) ?? 0) + 1);
  return rows.map((row) => (named(row) && counts.get(row.name)! > 1 && row.label === row.name && row.name !== row.shortId ? { ...row, label: `${row.name} (${row.shortId})` } : row));
}
