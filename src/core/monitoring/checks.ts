/**
 * The Monitoring view's model: the drift checks logged to MLflow (mlflowRun.ts: runs of the
 * `ml-workbench-monitoring` experiment, tagged with the model version they watch), grouped by
 * model version, newest first, each with its verdict and drifted share; a version's status is its
 * last check's verdict. Everything comes from the runs' tags and metrics (untrusted: a missing or
 * odd value makes an unknown, never a crash).
 */
import { fromJsonDouble, type Run } from '../tracking/entities.js';
import type { TrackingStore } from '../tracking/store.js';
import { tagValue } from '../tracking/runTree.js';
import { MONITORING_EXPERIMENT, MONITORING_TAGS } from './mlflowRun.js';

export interface DriftCheck {
  readonly runId: string;
  readonly runName: string;
  /** ms since the epoch (0 when the run has none). */
  readonly startTime: number;
  /** true: dataset drift; false: none; undefined: the run does not say. */
  readonly detected: boolean | undefined;
  readonly share: number | undefined;
  readonly drifted: number | undefined;
  readonly tested: number | undefined;
  readonly reference: string | undefined;
  readonly current: string | undefined;
}

export interface ModelChecks {
  /** Undefined: checks logged without a model version. */
  readonly model: { readonly name: string; readonly version: string } | undefined;
  /** Newest first. */
  readonly checks: readonly DriftCheck[];
  /** The last check's verdict. */
  readonly status: 'drift' | 'no-drift' | 'unknown';
}

export function driftCheckOf(run: Run): DriftCheck {
  const metric = (key: string): number | undefined => {
    const found = run.data.metrics?.find((m) => m.key === key);
    if (!found) return undefined;
    const value = fromJsonDouble(found.value);
    return Number.isFinite(value) ? value : undefined;
  };
  const tag = tagValue(run, MONITORING_TAGS.detected);
  const flag = metric('dataset_drift');
  const detected = tag === 'true' ? true : tag === 'false' ? false : flag === undefined ? undefined : flag === 1;
  return {
    runId: run.info.run_id,
    runName: run.info.run_name ?? tagValue(run, 'mlflow.runName') ?? run.info.run_id,
    startTime: run.info.start_time ?? 0,
    detected,
    share: metric('share_of_drifted_columns'),
    drifted: metric('drifted_columns'),
    tested: metric('tested_columns'),
    reference: tagValue(run, MONITORING_TAGS.reference),
    current: tagValue(run, MONITORING_TAGS.current),
  };
}

/** Checks grouped by model version (versions by name, then number; checks without one last). */
export function groupChecks(runs: readonly Run[]): ModelChecks[] {
  const groups = new Map<string, { model: ModelChecks['model']; checks: DriftCheck[] }>();
  for (const run of runs) {
    if (tagValue(run, MONITORING_TAGS.kind) !== 'drift') continue;
    const name = tagValue(run, MONITORING_TAGS.modelName);
    const version = tagValue(run, MONITORING_TAGS.modelVersion);
    const model = name && version ? { name, version } : undefined;
    const key = model ? `${model.name}\u0000${model.version}` : '';
    const group = groups.get(key) ?? { model, checks: [] };
    group.checks.push(driftCheckOf(run));
    groups.set(key, group);
  }
  const out = [...groups.values()].map(({ model, checks }) => {
    checks.sort((a, b) => b.startTime - a.startTime || a.runId.localeCompare(b.runId));
    const last = checks[0]!.detected;
    return { model, checks, status: last === true ? 'drift' : last === false ? 'no-drift' : 'unknown' } as ModelChecks;
  });
  const version = (m: ModelChecks['model']): number => Number(m?.version) || 0;
  return out.sort((a, b) => (a.model ? 0 : 1) - (b.model ? 0 : 1) || (a.model?.name ?? '').localeCompare(b.model?.name ?? '') || version(b.model) - version(a.model));
}

/** The store's drift checks (the newest 1,000), or [] when nothing was ever logged. */
export async function readDriftChecks(store: TrackingStore, signal?: AbortSignal): Promise<ModelChecks[]> {
  const experiments = await store.searchExperiments({ maxResults: 1000, ...(signal ? { signal } : {}) });
  const experiment = experiments.items.find((e) => e.name === MONITORING_EXPERIMENT);
  if (!experiment) return [];
  const runs = await store.searchRuns({ experimentIds: [experiment.experiment_id], orderBy: ['attributes.start_time DESC'], maxResults: 1000, ...(signal ? { signal } : {}) });
  return groupChecks(runs.items);
}

/** `1 of 4 columns drifted (25%)`, or what is known of it. */
export function checkSummary(check: DriftCheck): string {
  const verdict = check.detected === true ? 'dataset drift' : check.detected === false ? 'no dataset drift' : 'verdict unknown';
  if (check.tested === undefined || check.drifted === undefined) return verdict;
  const share = check.share ?? (check.tested > 0 ? check.drifted / check.tested : 0);
  return `${verdict}: ${check.drifted} of ${check.tested} columns drifted (${Math.round(share * 100)}%)`;
}
