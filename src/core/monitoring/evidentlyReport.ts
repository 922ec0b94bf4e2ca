/**
 * Open Full Evidently Report: the same comparison the Drift Report panel shows, run by Evidently
 * itself (Report with DataDriftPreset, its defaults) in the selected interpreter, saved as its own
 * HTML report. The script reads its payload on stdin (paths, formats, the compared columns), never
 * from argv; it reads the tables with pandas as Evidently's users do.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DriftReport, TableFormat } from '../drift/model.js';
import { runProcess } from '../python/process.js';
import type { DriftSide } from './driftJob.js';

export interface EvidentlyReportPayload {
  readonly reference: { readonly path: string; readonly format: TableFormat };
  readonly current: { readonly path: string; readonly format: TableFormat };
  /** The columns the panel compared (both sides have them; capture metadata left out). */
  readonly columns: readonly string[];
  readonly driftShare: number;
  /** Where the HTML goes. */
  readonly html: string;
}

/** The payload of a check the panel computed: the same files and columns. */
export function evidentlyPayload(reference: DriftSide, current: DriftSide, report: DriftReport, html: string): EvidentlyReportPayload {
  return {
    reference: { path: reference.path, format: reference.format ?? report.reference.format },
    current: { path: current.path, format: current.format ?? report.current.format },
    columns: report.columns.map((c) => c.column),
    driftShare: report.dataset.driftShare,
    html,
  };
}

export const EVIDENTLY_REPORT_SCRIPT = `
import json, os, sys, warnings
warnings.filterwarnings("ignore")
os.environ.setdefault("DO_NOT_TRACK", "1")
import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset
payload = json.load(sys.stdin)
def read(side):
    path, kind = side["path"], side["format"]
    if kind == "parquet":
        return pd.read_parquet(path)
    if kind == "jsonl":
        return pd.read_json(path, lines=True)
    return pd.read_csv(path, sep="\\t" if kind == "tsv" else ",")
columns = payload["columns"]
reference = read(payload["reference"])[columns]
current = read(payload["current"])[columns]
snapshot = Report([DataDriftPreset(columns=columns, drift_share=payload["driftShare"])]).run(current, reference)
os.makedirs(os.path.dirname(payload["html"]) or ".", exist_ok=True)
snapshot.save_html(payload["html"])
print(json.dumps({"html": payload["html"]}))
`;

/** Runs Evidently in `python`; resolves with the HTML file's path. */
export async function runEvidentlyReport(python: string, payload: EvidentlyReportPayload, options: { cwd: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<string> {
  const result = await runProcess(python, ['-c', EVIDENTLY_REPORT_SCRIPT], {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), PYTHONIOENCODING: 'utf-8' },
    timeoutMs: 600_000,
    input: JSON.stringify(payload),
    maxStdout: 1 << 20,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.code !== 0) {
    const last = result.stderr.trim().split('\n').filter(Boolean).at(-1) ?? `exit code ${result.code}`;
    throw new Error(result.timedOut ? 'Evidently did not finish the report within 10 minutes' : `Evidently could not make the report: ${last}`);
  }
  return payload.html;
}

/** Keeps the `keep` newest reports of `dir` (each several MB), removing older `drift-*.html` files. */
export async function pruneReports(dir: string, keep: number): Promise<void> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => /^drift-.*\.html$/.test(name)).sort();
  await Promise.all(names.slice(0, Math.max(0, names.length - keep)).map((name) => rm(join(dir, name), { force: true })));
}
