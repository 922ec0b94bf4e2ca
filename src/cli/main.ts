import { availableDrivers, type SqliteDriverName } from '../core/sqlite/database.js';
import { TrackingError } from '../core/tracking/errors.js';
import type { ViewType } from '../core/tracking/entities.js';
import { openTrackingStore } from '../core/tracking/open.js';
import type { ModelRegistry, TrackingStore } from '../core/tracking/store.js';
import { loadRestOptions } from '../core/tracking/rest/environment.js';
import { resolveTrackingUri } from '../core/tracking/uri.js';
import { parseArgs, single, UsageError, type ParsedArgs } from './args.js';
import { COMMANDS, type CommandContext } from './commands.js';
import { DVC_BOOLEAN_FLAGS, DVC_USAGE, isDvcCommand, runDvcCommand } from './dvcCommands.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, reportSqliteDriverWith, unexpectedError, usageLine } from './failure.js';
import { toJsonText } from './json.js';
import { DRIFT_BOOLEAN_FLAGS, DRIFT_USAGE, runDriftCommand } from './driftCommand.js';
import { EXP_BOOLEAN_FLAGS, EXP_SHORT_FLAGS, EXP_USAGE, runExpShow } from './expCommands.js';
import { LINEAGE_BOOLEAN_FLAGS, LINEAGE_USAGE, runLineageCommand } from './lineageCommands.js';

reportSqliteDriverWith(() => availableDrivers()[0] ?? 'none');

const USAGE = `ml-workbench — read MLflow tracking stores; JSON in MLflow's REST shape

Usage: ml-workbench <command> [--tracking-uri URI] [--json] [options]

  experiments     [--view-type ACTIVE_ONLY|DELETED_ONLY|ALL] [--filter F] [--order-by O]... [--max-results N]
  runs            [--experiment-id ID]... [--view-type V] [--filter F] [--order-by O]... [--max-results N] [--page-token T]
                  [--page-size N]   (without --max-results: every run, printed page by page; a server's pages of N, default 1000)
  run             --run-id ID
  metric-history  --run-id ID --key KEY [--max-points N]
  models          [--filter F] [--max-results N]
  model-versions  [--name NAME] [--filter F] [--max-results N]
  logged-models   [--experiment-id ID]...
  artifacts       --run-id ID [--path PATH] [--download DIR]   (--download: to DIR/PATH, as mlflow artifacts download)
${DVC_USAGE}
${EXP_USAGE}
${DRIFT_USAGE}
${LINEAGE_USAGE}

--tracking-uri defaults as MLflow's: MLFLOW_TRACKING_URI, else ./mlruns when it holds
experiments, else sqlite:///mlflow.db in the current folder.
A server is reached as MLflow's client reaches it (MLFLOW_TRACKING_USERNAME/PASSWORD/TOKEN,
MLFLOW_HTTP_REQUEST_TIMEOUT, …); ML_WORKBENCH_HTTP_REQUEST_DEADLINE bounds one request in all
(seconds, default 300). ML_WORKBENCH_SQLJS_MAX_MB: the largest store read without node:sqlite.
Exit codes: 0 done; 1 the store, server or repository could not answer (or DVC stayed busy);
2 bad usage, including a filter, order_by or max_results MLflow would refuse;
3 drift --fail-on-drift: the dataset drifts; 130 cancelled (Ctrl-C).`;

export interface Io {
  /** May return a promise that settles when the output can take more (a pipe's back-pressure). */
  out(text: string): unknown;
  /** Bytes of UTF-8 text as they are (a server's runs); without it they go to out() decoded. */
  outBytes?(bytes: Uint8Array): unknown;
  /**
   * Told when a long output has let go of a part (a page of a server's runs): the process may
   * collect its garbage now rather than when V8 would (after some 64 MB of dead buffers).
   */
  released?(): void;
  err(text: string): void;
  /** Whether a person watches stderr (progress lines go there then). */
  readonly interactive?: boolean;
  /** Aborted on Ctrl-C. */
  readonly signal?: AbortSignal;
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let args: ParsedArgs;
  try {
    const long = argv[0] === 'exp-show' ? argv.map((a) => EXP_SHORT_FLAGS[a] ?? a) : argv;
    args = parseArgs(long, new Set(['json', 'help', ...DVC_BOOLEAN_FLAGS, ...EXP_BOOLEAN_FLAGS, ...DRIFT_BOOLEAN_FLAGS, ...LINEAGE_BOOLEAN_FLAGS]));
  } catch (error) {
    return fail(io, error);
  }
  if (args.flags.has('help')) {
    io.out(USAGE + '\n');
    return EXIT_OK;
  }
  if (args.command === undefined) return fail(io, new UsageError('a command is needed (experiments, runs, run, metric-history, models, status, …)'));
  if (isDvcCommand(args.command)) return runWithoutStore(args, io, runDvcCommand);
  if (args.command === 'exp-show') return runWithoutStore(args, io, runExpShow);
  if (args.command === 'drift') return runWithoutStore(args, io, runDriftCommand);
  if (args.command === 'lineage' || args.command === 'gate') return runWithoutStore(args, io, (a, o) => runLineageCommand(a, o, openStore));
  const command = COMMANDS[args.command];
  if (!command) return fail(io, new UsageError(`unknown command '${args.command}'`));
  let store: (TrackingStore & ModelRegistry) | undefined;
  try {
    store = await openStore(args);
    const signal = io.signal ?? new AbortController().signal;
    const context: CommandContext = {
      args,
      store,
      viewType: parseViewType(single(args, 'view-type')),
      signal,
      warn: (problem) => warn(io, problem),
      progress: (line) => (io.interactive ? io.err(`${line}\n`) : undefined),
    };
    const result = await command(context);
    const asJson = args.flags.has('json');
    // Compact: the JSON is for programs (pipe it to jq to read it), and a million points print fast.
    if ('write' in result) {
      const out = (text: string | Uint8Array): unknown => (typeof text === 'string' ? io.out(text) : io.outBytes ? io.outBytes(text) : io.out(Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8')));
      await result.write(out, asJson, () => io.released?.());
    }
    else await io.out(asJson ? toJsonText(result.json) + '\n' : result.text());
    return EXIT_OK;
  } catch (error) {
    if (io.signal?.aborted) {
      io.err('ml-workbench: cancelled\n');
      return 130;
    }
    return fail(io, error);
  } finally {
    store?.dispose();
  }
}

/** One place turns an error into what the user reads and the exit code (see failure.ts). */
function fail(io: Io, error: unknown): number {
  if (error instanceof UsageError) {
    io.err(usageLine(error.message));
    return EXIT_USAGE;
  }
  if (error instanceof TrackingError) {
    io.err(`ml-workbench: ${error.message}\n`);
    // A filter, order_by, page token or max_results the store refuses is the caller's to fix.
    return error.reason === 'invalid-argument' ? EXIT_USAGE : EXIT_FAILED;
  }
  io.err(unexpectedError(error));
  return EXIT_FAILED;
}

/** A command that reads no tracking store: usage errors are one line (exit 2), the rest exit 1. */
async function runWithoutStore(args: ParsedArgs, io: Io, run: (args: ParsedArgs, io: Io) => Promise<number>): Promise<number> {
  try {
    return await run(args, io);
  } catch (error) {
    return fail(io, error);
  }
}

async function openStore(args: ParsedArgs): Promise<TrackingStore & ModelRegistry> {
  const cwd = process.cwd();
  const { uri } = resolveTrackingUri({ cwd, explicitUri: single(args, 'tracking-uri'), environmentUri: process.env.MLFLOW_TRACKING_URI });
  const driver = process.env.ML_WORKBENCH_SQLITE_DRIVER as SqliteDriverName | undefined;
  // A server's credentials come from MLflow's own variables and ~/.mlflow/credentials, never asked for.
  const rest = /^https?:/i.test(uri.trim()) ? await loadRestOptions() : undefined;
  return openTrackingStore(uri, { cwd, sqlite: driver ? { driver } : {}, rest });
}

const VIEW_TYPES: readonly ViewType[] = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];

function parseViewType(value: string | undefined): ViewType {
  if (value === undefined) return 'ACTIVE_ONLY';
  const upper = value.toUpperCase() as ViewType;
  if (!VIEW_TYPES.includes(upper)) throw new UsageError(`--view-type must be one of ${VIEW_TYPES.join(', ')}`);
  return upper;
}

/** Per-entity problems go to stderr; the listing of everything else still goes to stdout. */
function warn(io: Io, problem: TrackingError): void {
  io.err(`ml-workbench: warning: skipped ${problem.subject ?? 'an entity'}: ${problem.message}\n`);
}
