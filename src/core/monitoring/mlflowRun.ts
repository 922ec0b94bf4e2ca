/**
 * A drift check as an MLflow run: what is logged is decided here (tags linking the run to the
 * model version, metric names MLflow accepts, the report as a JSON artifact); MLflow's own client
 * in the selected interpreter writes it (the script reads the payload from stdin, never from argv
 * or a file of ours).
 */
import type { DriftReport } from '../drift/model.js';
import { runProcess } from '../python/process.js';
import type { LeftOutColumn } from './model.js';

export const MONITORING_EXPERIMENT = 'ml-workbench-monitoring';

/** Tags on every monitoring run (the model version's link, by name and version as MLflow spells them). */
export const MONITORING_TAGS = {
  kind: 'mlworkbench.monitoring.kind',
  modelName: 'mlworkbench.monitoring.model_name',
  modelVersion: 'mlworkbench.monitoring.model_version',
  reference: 'mlworkbench.monitoring.reference',
  current: 'mlworkbench.monitoring.current',
  detected: 'mlworkbench.monitoring.dataset_drift',
} as const;

export interface MonitoringRunPayload {
  readonly experiment: string;
  readonly runName: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
  /** Logged as `drift/report.json`. */
  readonly report: unknown;
}

export interface MonitoringRunContext {
  readonly model?: { readonly name: string; readonly version: string };
  readonly reference: string;
  readonly current: string;
  readonly at: Date;
}

/** MLflow's metric/param names: alphanumerics, `_ - . / space` (mlflow/utils/validation.py `_VALID_PARAM_AND_METRIC_NAMES`). */
export function metricName(text: string): string {
  return text.replace(/[^\w\-./ ]+/g, '_').slice(0, 240);
}

export function monitoringRunPayload(report: DriftReport, leftOut: readonly LeftOutColumn[], context: MonitoringRunContext): MonitoringRunPayload {
  const metrics: Record<string, number> = {
    dataset_drift: report.dataset.detected ? 1 : 0,
    share_of_drifted_columns: report.dataset.share,
    drifted_columns: report.dataset.drifted,
    tested_columns: report.dataset.tested,
    reference_rows: report.reference.rows,
    current_rows: report.current.rows,
  };
  for (const column of report.columns) {
    if (column.score === undefined || !Number.isFinite(column.score)) continue;
    metrics[metricName(`drift_score.${column.column}`)] = column.score;
    metrics[metricName(`drifted.${column.column}`)] = column.drifted ? 1 : 0;
  }
  const clip = (text: string): string => (text.length > 5000 ? `${text.slice(0, 4999)}…` : text);
  const tags: Record<string, string> = {
    [MONITORING_TAGS.kind]: 'drift',
    [MONITORING_TAGS.reference]: clip(context.reference),
    [MONITORING_TAGS.current]: clip(context.current),
    [MONITORING_TAGS.detected]: String(report.dataset.detected),
    ...(context.model ? { [MONITORING_TAGS.modelName]: context.model.name, [MONITORING_TAGS.modelVersion]: context.model.version } : {}),
  };
  const stamp = context.at.toISOString().slice(0, 16).replace('T', ' ');
  const runName = `drift ${context.model ? `${context.model.name} v${context.model.version}` : 'check'} ${stamp}`;
  return { experiment: MONITORING_EXPERIMENT, runName, tags, metrics, report: { ...report, leftOut } };
}

/** Reads the payload (JSON) on stdin, logs the run in the experiment, prints `{"run_id", "experiment_id"}`. */
export const MONITORING_RUN_SCRIPT = `
import json, sys
import mlflow
payload = json.load(sys.stdin)
mlflow.set_experiment(payload["experiment"])
with mlflow.start_run(run_name=payload["runName"]) as run:
    mlflow.set_tags(payload["tags"])
    mlflow.log_metrics(payload["metrics"])
    mlflow.log_dict(payload["report"], "drift/report.json")
print(json.dumps({"run_id": run.info.run_id, "experiment_id": run.info.experiment_id}))
`;

export interface LoggedRun {
  readonly runId: string;
  readonly experimentId: string;
}

/** Logs `payload` with MLflow's client in `python` against `trackingUri`; throws with MLflow's last error line. */
export async function logMonitoringRun(python: string, trackingUri: string, payload: MonitoringRunPayload, options: { cwd: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<LoggedRun> {
  const result = await runProcess(python, ['-c', MONITORING_RUN_SCRIPT], {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), MLFLOW_TRACKING_URI: trackingUri, PYTHONIOENCODING: 'utf-8' },
    timeoutMs: 180_000,
    input: JSON.stringify(payload),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.code !== 0) {
    const last = result.stderr.trim().split('\n').filter(Boolean).at(-1) ?? `exit code ${result.code}`;
    throw new Error(result.timedOut ? 'MLflow did not finish logging the run within 3 minutes' : `MLflow could not log the run: ${last}`);
  }
  const answer = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { run_id?: string; experiment_id?: string };
  if (!answer.run_id || !answer.experiment_id) throw new Error('MLflow logged the run but did not say its id');
  return { runId: answer.run_id, experimentId: answer.experiment_id };
}
