import { downloadArtifacts, type DownloadProgress } from '../core/tracking/artifactDownload.js';
import type { TrackingError } from '../core/tracking/errors.js';
import type { Run, ViewType } from '../core/tracking/entities.js';
import type { Listing, ModelRegistry, TrackingStore } from '../core/tracking/store.js';
import { single, UsageError, type ParsedArgs } from './args.js';

export interface CommandContext {
  readonly args: ParsedArgs;
  readonly store: TrackingStore & ModelRegistry;
  readonly viewType: ViewType;
  /** Aborted by Ctrl-C. */
  readonly signal: AbortSignal;
  warn(problem: TrackingError): void;
  /** A progress line for a person watching (stderr when it is a terminal), else nothing. */
  progress(line: string): void;
}

export interface CommandResult {
  /** Exactly the body of MLflow's REST response for the same request. */
  readonly json: Record<string, unknown>;
  text(): string;
}

/** Printed piece by piece as it is read: the same bytes a CommandResult would give, in bounded memory. */
export interface StreamedResult {
  write(out: (text: string | Uint8Array) => unknown, asJson: boolean, released: () => void): Promise<void>;
}

type Command = (context: CommandContext) => Promise<CommandResult | StreamedResult>;

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

  async runs({ args, store, viewType, warn, signal }) {
    // Options are checked before the store is read.
    const page = paging(args);
    const pageSize = optionalInteger(args, 'page-size');
    let experimentIds = args.values.get('experiment-id');
    if (!experimentIds) {
      const experiments = await store.searchExperiments({ viewType, signal });
      experiments.problems.forEach(warn);
      experimentIds = experiments.items.map((e) => e.experiment_id);
    }
    const query = { experimentIds, viewType, signal, ...page };
    if (query.maxResults !== undefined) {
      const listing = await store.searchRuns(query);
      listing.problems.forEach(warn);
      return result(body('runs', listing), () => lines(listing.items.map(runRow)));
    }
    // Every run: printed page by page as the store pages (a server's 100,000 runs never sit in memory at once).
    const pages = { ...query, ...(pageSize ? { pageSize } : {}) };
    return {
      async write(out, asJson, released) {
        let first = true;
        if (asJson && store.searchRunPagesJson) {
          // A server's runs as its JSON text (compacted): no run is made an object only to be printed again.
          for await (const page of store.searchRunPagesJson(pages)) {
            // The page before this one is printed and no longer held (here nor in the store's paging).
            if (!first) released();
            if (page.count === 0) continue;
            await out(first ? '{"runs":[' : ',');
            await out(page.json);
            first = false;
          }
        } else {
          for await (const page of store.searchRunPages(pages)) {
            page.problems.forEach(warn);
            if (page.items.length === 0) continue;
            if (asJson) await out(`${first ? '{"runs":[' : ','}${page.items.map((run) => JSON.stringify(run)).join(',')}`);
            else await out(lines(page.items.map(runRow)));
            first = false;
            released();
          }
        }
        if (asJson) await out(first ? '{}\n' : ']}\n');
      },
    };
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

  async artifacts({ args, store, signal, progress }) {
    const destination = single(args, 'download');
    if (destination !== undefined) {
      const report = progressReporter(progress);
      const downloaded = await downloadArtifacts(store, required(args, 'run-id'), single(args, 'path'), destination, { signal, onProgress: report });
      const files = downloaded.files.map((f) => ({ path: f.path, file: f.file, bytes: f.bytes }));
      return result({ local_path: downloaded.localPath, files, bytes: downloaded.bytes }, () => `${downloaded.localPath}\n`);
    }
    const listing = await store.listArtifacts(required(args, 'run-id'), single(args, 'path'));
    return result(nonEmpty({ root_uri: listing.root_uri, files: listing.files }), () => lines(listing.files.map((f) => [f.is_dir ? 'dir' : String(f.file_size ?? ''), f.path])));
  },
};

const runRow = (r: Run): string[] => [r.info.run_id, r.info.status, r.info.experiment_id, r.info.run_name ?? ''];

/** At most one line per file and per 5 %: a terminal, not a log. */
function progressReporter(progress: (line: string) => void): (p: DownloadProgress) => void {
  let shown = -1;
  let file = '';
  return (p) => {
    const percent = p.totalBytes > 0 ? Math.floor((100 * p.bytes) / p.totalBytes) : 0;
    if (p.path === file && percent < shown + 5 && p.bytes < p.totalBytes) return;
    shown = percent;
    file = p.path;
    progress(`${percent}% ${p.bytes}/${p.totalBytes} bytes, ${p.filesDone}/${p.totalFiles} files: ${p.path}`);
  };
}

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
