import type { TrackingError } from '../core/tracking/errors.js';
import type { ViewType } from '../core/tracking/entities.js';
import type { Listing, ModelRegistry, TrackingStore } from '../core/tracking/store.js';
import { single, UsageError, type ParsedArgs } from './args.js';

export interface CommandContext {
  readonly args: ParsedArgs;
  readonly store: TrackingStore & ModelRegistry;
  readonly viewType: ViewType;
  warn(problem: TrackingError): void;
}

export interface CommandResult {
  /** Exactly the body of MLflow's REST response for the same request. */
  readonly json: Record<string, unknown>;
  text(): string;
}

type Command = (context: CommandContext) => Promise<CommandResult>;

/**
 * Each command answers with the JSON of the MLflow REST endpoint it mirrors: protobuf JSON,
 * where an empty repeated field is absent (`{}` rather than `{"runs": []}`).
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
  async experiments({ args, store, viewType, warn }) {
    const listing = await store.searchExperiments({ viewType, ...paging(args) });
    listing.problems.forEach(warn);
    return result(body('experiments', listing), () => lines(listing.items.map((e) => [e.experiment_id, e.lifecycle_stage, e.name])));
  },

  async runs({ args, store, viewType, warn }) {
    const page = paging(args);
    let experimentIds = args.values.get('experiment-id');
    if (!experimentIds) {
      const experiments = await store.searchExperiments({ viewType });
      experiments.problems.forEach(warn);
      experimentIds = experiments.items.map((e) => e.experiment_id);
    }
    const listing = await store.searchRuns({ experimentIds, viewType, ...page });
    listing.problems.forEach(warn);
    return result(body('runs', listing), () => lines(listing.items.map((r) => [r.info.run_id, r.info.status, r.info.experiment_id, r.info.run_name ?? ''])));
  },

  async run({ args, store }) {
    const run = await store.getRun(required(args, 'run-id'));
    return result({ run }, () => lines([[run.info.run_id, run.info.status, run.info.run_name ?? '']]));
  },

  async 'metric-history'({ args, store }) {
    const runId = required(args, 'run-id');
    const key = required(args, 'key');
    const maxPoints = optionalInteger(args, 'max-points');
    const metrics =
      maxPoints === undefined
        ? await store.getMetricHistory(runId, key)
        : await store.getMetricHistoryBulkInterval({ runIds: [runId], metricKey: key, maxResults: maxPoints });
    return result(nonEmpty({ metrics }), () => lines(metrics.map((m) => [String(m.step), String(m.timestamp), String(m.value)])));
  },

  async models({ args, store, warn }) {
    const listing = await store.searchRegisteredModels(paging(args));
    listing.problems.forEach(warn);
    return result(body('registered_models', listing), () => lines(listing.items.map((m) => [m.name])));
  },

  async 'model-versions'({ args, store, warn }) {
    const name = single(args, 'name');
    const filter = single(args, 'filter') ?? (name === undefined ? undefined : `name = '${name.replaceAll("'", "\\'")}'`);
    const listing = await store.searchModelVersions({ ...paging(args), filter });
    listing.problems.forEach(warn);
    return result(body('model_versions', listing), () => lines(listing.items.map((v) => [v.name, v.version, v.status ?? ''])));
  },

  async 'logged-models'({ args, store, warn }) {
    let experimentIds = args.values.get('experiment-id');
    if (!experimentIds) experimentIds = (await store.searchExperiments()).items.map((e) => e.experiment_id);
    const listing = await store.searchLoggedModels({ experimentIds });
    listing.problems.forEach(warn);
    return result(body('models', listing), () => lines(listing.items.map((m) => [m.info.model_id, m.info.name, m.info.source_run_id ?? ''])));
  },

  async artifacts({ args, store }) {
    const listing = await store.listArtifacts(required(args, 'run-id'), single(args, 'path'));
    return result(nonEmpty({ root_uri: listing.root_uri, files: listing.files }), () => lines(listing.files.map((f) => [f.is_dir ? 'dir' : String(f.file_size ?? ''), f.path])));
  },
};

function paging(args: ParsedArgs): { filter?: string; orderBy?: readonly string[]; maxResults?: number; pageToken?: string } {
  return {
    filter: single(args, 'filter'),
    orderBy: args.values.get('order-by'),
    maxResults: optionalInteger(args, 'max-results'),
    pageToken: single(args, 'page-token'),
  };
}

function body(field: string, listing: Listing<unknown>): Record<string, unknown> {
  return nonEmpty({ [field]: listing.items, next_page_token: listing.nextPageToken });
}

/** protobuf JSON leaves out unset fields and empty repeated fields. */
function nonEmpty(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}

function result(json: Record<string, unknown>, text: () => string): CommandResult {
  return { json, text };
}

function lines(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.join('\t')).join('\n') + (rows.length > 0 ? '\n' : '');
}

function required(args: ParsedArgs, name: string): string {
  const value = single(args, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

function optionalInteger(args: ParsedArgs, name: string): number | undefined {
  const value = single(args, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} must be a positive integer`);
  return Number(value);
}
