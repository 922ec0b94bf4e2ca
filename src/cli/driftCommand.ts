/**
 * `drift`: the drift between a reference and a current table (CSV, TSV, JSONL, Parquet), column by
 * column as Evidently's DataDriftPreset decides it. `--json` prints the core's DriftReport; the
 * text form is a table. Problems (columns not compared, unreadable lines) go to stderr.
 * Exit codes: 0 done, 1 a file cannot be read, 2 bad usage, 3 with --fail-on-drift when the
 * dataset drifts (for a pipeline stage that must stop).
 */
import { computeDrift } from '../core/drift/report';
import type { DriftReport } from '../core/drift/model';
import { TableReadError } from '../core/drift/table/read';
import { single, UsageError, type ParsedArgs } from './args';
import { toJsonText } from './json.js';

export const DRIFT_USAGE = `  drift           --reference FILE --current FILE [--columns a,b] [--drift-share 0.5] [--flatten] [--fail-on-drift]
                  drift per column and for the dataset, as Evidently's DataDriftPreset (CSV, TSV, JSONL, Parquet)`;

export const DRIFT_BOOLEAN_FLAGS = ['flatten', 'fail-on-drift'] as const;

interface Io {
  out(text: string): void;
  err(text: string): void;
}

export async function runDriftCommand(args: ParsedArgs, io: Io): Promise<number> {
  const reference = single(args, 'reference');
  const current = single(args, 'current');
  if (!reference || !current) throw new UsageError('drift needs --reference FILE and --current FILE');
  const columns = single(args, 'columns')?.split(',').map((c) => c.trim()).filter((c) => c !== '');
  const shareText = single(args, 'drift-share');
  const driftShare = shareText === undefined ? undefined : Number(shareText);
  if (driftShare !== undefined && !(driftShare > 0 && driftShare <= 1)) throw new UsageError('--drift-share must be a number in (0, 1]');
  let report: DriftReport;
  try {
    report = await computeDrift(reference, current, { columns, driftShare, flatten: args.flags.has('flatten') });
  } catch (error) {
    if (error instanceof TableReadError) {
      io.err(`ml-workbench: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  io.out(args.flags.has('json') ? toJsonText(report) + '\n' : text(report));
  for (const problem of [...report.problems, ...report.columns.flatMap((c) => c.problems)]) {
    const where = problem.dataset ? `${problem.dataset === 'reference' ? reference : current}${problem.line ? `:${problem.line}` : ''}: ` : '';
    io.err(`ml-workbench: ${where}${problem.message}\n`);
  }
  return args.flags.has('fail-on-drift') && report.dataset.detected ? 3 : 0;
}

function text(report: DriftReport): string {
  const rows = report.columns.map((c) =>
    [c.column, c.type, c.method?.label ?? '-', c.score === undefined ? '-' : c.score.toPrecision(4), c.threshold === undefined ? '-' : String(c.threshold), c.status === 'tested' ? (c.drifted ? 'DRIFT' : 'ok') : c.status].join('\t'),
  );
  const d = report.dataset;
  const verdict = `${d.drifted} of ${d.tested} columns drifted (share ${d.share.toFixed(3)}, threshold ${d.driftShare}): ${d.detected ? 'dataset drift detected' : 'no dataset drift'}${d.notComputed > 0 ? `; ${d.notComputed} text column(s) not computed` : ''}`;
  return ['column\ttype\tmethod\tscore\tthreshold\tverdict', ...rows, verdict, ''].join('\n');
}
