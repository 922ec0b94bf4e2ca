/**
 * What the editor says about each `models:/` URI in a Python file: the version it resolves to now,
 * the source run's key metrics, and a diagnostic when the model, version or alias does not exist.
 */
import { formatMetricValue, oneLine } from '../format.js';
import type { Metric, Run } from '../tracking/entities.js';
import type { QueryOptions, TrackingStore } from '../tracking/store.js';
import { type DeployError, isDeployError } from './errors.js';
import type { ModelUriOccurrence, TextRange } from './pythonModelUris.js';
import { type RegistryLookup, resolveModelUri, type ResolvedModel } from './resolve.js';

export type ModelUriCheck =
  | { readonly state: 'resolved'; readonly occurrence: ModelUriOccurrence; readonly resolved: ResolvedModel }
  /** The URI is wrong for this registry (or for MLflow): a diagnostic. */
  | { readonly state: 'problem'; readonly occurrence: ModelUriOccurrence; readonly problem: DeployError }
  /** The registry could not be read: nothing is claimed either way. */
  | { readonly state: 'unchecked'; readonly occurrence: ModelUriOccurrence; readonly error: Error };

export async function checkModelUris(occurrences: readonly ModelUriOccurrence[], lookup: RegistryLookup, options: QueryOptions = {}): Promise<ModelUriCheck[]> {
  return Promise.all(
    occurrences.map(async (occurrence): Promise<ModelUriCheck> => {
      if (isDeployError(occurrence.parsed)) return { state: 'problem', occurrence, problem: occurrence.parsed };
      try {
        return { state: 'resolved', occurrence, resolved: await resolveModelUri(lookup, occurrence.parsed, options) };
      } catch (error) {
        if (isDeployError(error)) return { state: 'problem', occurrence, problem: error };
        return { state: 'unchecked', occurrence, error: error instanceof Error ? error : new Error(String(error)) };
      }
    }),
  );
}

export interface ModelUriDiagnostic {
  readonly range: TextRange;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** The DeployError reason, or `stage-deprecated` / `registration-failed` / `registration-pending`. */
  readonly code: string;
}

export function modelUriDiagnostics(checks: readonly ModelUriCheck[]): ModelUriDiagnostic[] {
  const diagnostics: ModelUriDiagnostic[] = [];
  for (const check of checks) {
    const { range } = check.occurrence;
    if (check.state === 'problem') {
      diagnostics.push({ range, severity: 'error', message: check.problem.message, code: check.problem.reason });
    } else if (check.state === 'resolved') {
      const { uri, version } = check.resolved;
      if (version.status === 'FAILED_REGISTRATION') {
        diagnostics.push({ range, severity: 'error', message: `${uri.name} version ${version.version} failed to register${version.status_message ? `: ${oneLine(version.status_message)}` : ''}; it cannot be loaded.`, code: 'registration-failed' });
      } else if (version.status === 'PENDING_REGISTRATION') {
        diagnostics.push({ range, severity: 'warning', message: `${uri.name} version ${version.version} is still being registered.`, code: 'registration-pending' });
      }
      if (uri.kind === 'stage') {
        diagnostics.push({ range, severity: 'warning', message: `Model stages are deprecated in MLflow: point an alias at version ${version.version} and load models:/${uri.name}@ALIAS instead.`, code: 'stage-deprecated' });
      }
    }
  }
  return diagnostics;
}

/** What the hover and the CodeLens show of the source run. */
export interface SourceRunSummary {
  readonly runId: string;
  readonly runName?: string;
  readonly experimentId: string;
  readonly status: string;
  /** Latest values, key metrics first. */
  readonly metrics: readonly { readonly key: string; readonly value: string }[];
}

const KEY_METRIC = /(^|[_./-])(acc|accuracy|f1|auc|roc_auc|precision|recall|r2|rmse|mse|mae|mape|loss|log_loss|score)($|[_./-])/i;

/** The version's source run, with its metrics ordered key metrics first (`preferred` before all). */
export async function sourceRunSummary(store: TrackingStore, resolved: ResolvedModel, options: QueryOptions & { readonly preferred?: string; readonly max?: number } = {}): Promise<SourceRunSummary | undefined> {
  const runId = resolved.version.run_id;
  if (!runId) return undefined;
  let run: Run;
  try {
    run = await store.getRun(runId, options);
  } catch {
    return undefined;
  }
  return { runId, runName: run.info.run_name, experimentId: run.info.experiment_id, status: run.info.status, metrics: orderMetrics(run.data.metrics ?? [], options.preferred).slice(0, options.max ?? 8) };
}

export function orderMetrics(metrics: readonly Metric[], preferred?: string): { key: string; value: string }[] {
  const rank = (key: string): number => (key === preferred ? 0 : KEY_METRIC.test(key) ? 1 : 2);
  return [...metrics]
    .sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key))
    .map((metric) => ({ key: metric.key, value: formatMetricValue(metric.value) }));
}

/** The CodeLens line: `iris@champion → version 3 · accuracy 0.9733 · f1 0.97`, or the problem. */
export function codeLensTitle(check: ModelUriCheck, run?: SourceRunSummary): string {
  if (check.state === 'problem') return `$(error) ${oneLine(check.problem.message, 90)}`;
  if (check.state === 'unchecked') return '$(warning) Registry not readable';
  const { uri, version } = check.resolved;
  const target = uri.kind === 'version' ? `${uri.name} version ${version.version}` : `${describeReference(check.resolved)} → version ${version.version}`;
  const metrics = (run?.metrics ?? []).slice(0, 2).map((metric) => `${metric.key} ${metric.value}`);
  return [target, ...metrics].join(' · ');
}

export function describeReference(resolved: ResolvedModel): string {
  const { uri } = resolved;
  switch (uri.kind) {
    case 'alias':
      return `${uri.name}@${uri.alias}`;
    case 'latest':
      return `${uri.name}/latest`;
    case 'stage':
      return `${uri.name}/${uri.stage}`;
    default:
      return `${uri.name}/${resolved.version.version}`;
  }
}

