import { TrackingError } from '../core/tracking/errors.js';
import type { Experiment, Run, ViewType } from '../core/tracking/model.js';
import { openTrackingStore } from '../core/tracking/open.js';
import type { ModelRegistry, TrackingStore } from '../core/tracking/store.js';
import { resolveTrackingUri } from '../core/tracking/uri.js';
import type { SqliteDriverName } from '../core/sqlite/database.js';
import { parseArgs, single, UsageError, type ParsedArgs } from './args.js';

const USAGE = `ml-workbench — read MLflow tracking stores; JSON in MLflow's REST shape

Usage:
  ml-workbench experiments [--tracking-uri URI] [--view-type ACTIVE_ONLY|DELETED_ONLY|ALL] [--json]
  ml-workbench runs [--tracking-uri URI] [--experiment-id ID]... [--view-type ...] [--json]
  ml-workbench models [--tracking-uri URI] [--json]
  ml-workbench model-versions [--tracking-uri URI] [--name NAME] [--json]

--tracking-uri defaults as MLflow's: MLFLOW_TRACKING_URI, else ./mlruns when it holds
experiments, else sqlite:///mlflow.db in the current folder.`;

const VIEW_TYPES: readonly ViewType[] = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];

/** Exit codes: 0 done, 1 the store could not be read, 2 bad usage. */
export async function main(argv: readonly string[], io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, new Set(['json', 'help']));
    if (args.flags.has('help') || args.command === undefined) {
      io.out(USAGE + '\n');
      return args.command === undefined && !args.flags.has('help') ? 2 : 0;
    }
  } catch (error) {
    io.err(`ml-workbench: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let store: (TrackingStore & ModelRegistry) | undefined;
  try {
    const viewType = parseViewType(single(args, 'view-type'));
    store = openStore(args);
    switch (args.command) {
      case 'experiments': {
        const listing = await store.searchExperiments({ viewType });
        report(listing.problems, io);
        io.out(render(args, { experiments: listing.items }, () => experimentsTable(listing.items)));
        return 0;
      }
      case 'runs': {
        const runs = await searchRuns(store, args.values.get('experiment-id'), viewType, io);
        io.out(render(args, { runs }, () => runsTable(runs)));
        return 0;
      }
      case 'models': {
        const listing = await store.searchRegisteredModels();
        report(listing.problems, io);
        io.out(render(args, { registered_models: listing.items }, () => listing.items.map((m) => m.name).join('\n') + '\n'));
        return 0;
      }
      case 'model-versions': {
        const listing = await store.searchModelVersions();
        report(listing.problems, io);
        const name = single(args, 'name');
        const versions = name === undefined ? listing.items : listing.items.filter((v) => v.name === name);
        io.out(render(args, { model_versions: versions }, () => versions.map((v) => `${v.name}\t${v.version}\t${v.status ?? ''}`).join('\n') + '\n'));
        return 0;
      }
      default:
        throw new UsageError(`unknown command '${args.command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`ml-workbench: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof TrackingError) {
      io.err(`ml-workbench: ${error.message}\n`);
      return 1;
    }
    io.err(`ml-workbench: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  } finally {
    store?.dispose();
  }
}

function openStore(args: ParsedArgs): TrackingStore & ModelRegistry {
  const cwd = process.cwd();
  const { uri } = resolveTrackingUri({ cwd, explicitUri: single(args, 'tracking-uri'), environmentUri: process.env.MLFLOW_TRACKING_URI });
  const driver = process.env.ML_WORKBENCH_SQLITE_DRIVER as SqliteDriverName | undefined;
  return openTrackingStore(uri, { cwd, sqlite: driver ? { driver } : {} });
}

async function searchRuns(store: TrackingStore, ids: readonly string[] | undefined, viewType: ViewType, io: { err: (s: string) => void }): Promise<readonly Run[]> {
  let experimentIds = ids;
  if (!experimentIds) {
    const experiments = await store.searchExperiments({ viewType });
    report(experiments.problems, io);
    experimentIds = experiments.items.map((e) => e.experiment_id);
  }
  const listing = await store.searchRuns({ experimentIds, viewType });
  report(listing.problems, io);
  return listing.items;
}

function parseViewType(value: string | undefined): ViewType {
  if (value === undefined) return 'ACTIVE_ONLY';
  const upper = value.toUpperCase() as ViewType;
  if (!VIEW_TYPES.includes(upper)) throw new UsageError(`--view-type must be one of ${VIEW_TYPES.join(', ')}`);
  return upper;
}

/** Per-entity problems go to stderr; the listing of everything else still goes to stdout. */
function report(problems: readonly TrackingError[], io: { err: (s: string) => void }): void {
  for (const problem of problems) io.err(`ml-workbench: warning: skipped ${problem.subject ?? ''}: ${problem.message}\n`);
}

/** protobuf JSON omits empty results: `{}` rather than `{"runs": []}`. */
function render(args: ParsedArgs, payload: Record<string, readonly unknown[]>, table: () => string): string {
  if (!args.flags.has('json')) return table();
  const body = Object.fromEntries(Object.entries(payload).filter(([, items]) => items.length > 0));
  return JSON.stringify(body, null, 2) + '\n';
}

function experimentsTable(experiments: readonly Experiment[]): string {
  return experiments.map((e) => `${e.experiment_id}\t${e.lifecycle_stage}\t${e.name}`).join('\n') + '\n';
}

function runsTable(runs: readonly Run[]): string {
  return runs.map((r) => `${r.info.run_id}\t${r.info.status}\t${r.info.experiment_id}\t${r.info.run_name ?? ''}`).join('\n') + '\n';
}
