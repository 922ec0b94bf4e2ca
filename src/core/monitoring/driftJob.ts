/**
 * One drift check as the Drift Report panel and the CLI run it: both tables read, the columns to
 * compare chosen (a serving capture's metadata and a column only one side has, such as the
 * training target the server is never sent, are left out and named), then Evidently's
 * DataDriftPreset decision. CPU-bound: the host runs it in a worker (driftWorker.ts).
 */
import type { DriftReport, TableFormat } from '../drift/model.js';
import { compareTables, readTable } from '../drift/report.js';
import { CAPTURE_METADATA } from './captureRows.js';
import type { LeftOutColumn } from './model.js';
export type { LeftOutColumn } from './model.js';

export interface DriftSide {
  readonly path: string;
  /** For files without a table extension (a DVC cache object). */
  readonly format?: TableFormat;
  /** How the panel names it: `training data of iris/3 (data/train.csv @ 1a2b3c4)`. */
  readonly label: string;
  /** A serving capture log: its metadata columns are not model inputs. */
  readonly capture?: boolean;
}

export interface DriftJob {
  readonly reference: DriftSide;
  readonly current: DriftSide;
  readonly driftShare?: number;
}

export interface DriftJobResult {
  readonly report: DriftReport;
  readonly leftOut: readonly LeftOutColumn[];
}

/** The columns both sides have (reference order), minus capture metadata; the rest named with the reason. */
export function driftColumns(reference: readonly string[], current: readonly string[], capture: { reference?: boolean; current?: boolean } = {}): { columns: string[]; leftOut: LeftOutColumn[] } {
  const metadata = (name: string): boolean => (CAPTURE_METADATA as readonly string[]).includes(name) || name.startsWith('prediction.');
  const inCurrent = new Set(current);
  const inReference = new Set(reference);
  const columns: string[] = [];
  const leftOut: LeftOutColumn[] = [];
  for (const name of reference) {
    if (capture.reference && metadata(name)) continue;
    if (inCurrent.has(name)) columns.push(name);
    else leftOut.push({ column: name, why: capture.current ? 'not in the requests the server received (the training target, or a column the model does not take)' : 'only in the reference data' });
  }
  for (const name of current) {
    if (inReference.has(name) || (capture.current && metadata(name))) continue;
    leftOut.push({ column: name, why: 'only in the current data' });
  }
  return { columns, leftOut };
}

export async function runDriftJob(job: DriftJob, signal?: AbortSignal): Promise<DriftJobResult> {
  const read = (side: DriftSide) => readTable(side.path, { ...(side.format ? { format: side.format } : {}), ...(signal ? { signal } : {}) });
  const reference = await read(job.reference);
  const current = await read(job.current);
  const { columns, leftOut } = driftColumns(reference.names, current.names, { reference: job.reference.capture ?? false, current: job.current.capture ?? false });
  const report = compareTables({ ...reference, path: job.reference.path }, { ...current, path: job.current.path }, { columns, ...(job.driftShare !== undefined ? { driftShare: job.driftShare } : {}) });
  return { report, leftOut };
}
