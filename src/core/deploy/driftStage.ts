/**
 * The drift check stage: a DVC stage that compares a current table with the reference table a
 * model learned from, with Evidently's DataDriftPreset (templates/check_drift.py, run by DVC in the
 * project's Python), and FAILS when Evidently finds the dataset drifted, so `dvc repro` stops
 * before the stages that depend on it (retraining on drifted data, a deployment). Its JSON report
 * is a DVC metrics file (git-tracked: `dvc metrics show`, the Experiments table); Evidently's full
 * HTML report is a cached output.
 *
 * `planDriftCheckStage` computes the edits (dvc.yaml edited in place, the script created) for the
 * user to review as diffs; it never replaces a stage or a file.
 */
import { shlexQuote } from '../tasks/pythonValues.js';
import { DeployError } from './errors.js';
import { isWithin, projectPath } from './paths.js';
import { renderTemplate } from './templates.js';
import { insertMapEntry } from './yamlEdit.js';
import type { FileEdit } from './batchStage.js';

export interface DriftStageRequest {
  readonly stageName: string;
  /** Relative to the dvc.yaml folder (as every path below): the data the model learned from. */
  readonly referencePath: string;
  /** The newer data: a later data version, a serving capture exported as a table. */
  readonly currentPath: string;
  readonly scriptPath: string;
  /** The JSON report (a metrics file); the HTML report goes beside it (`.html`). */
  readonly reportPath: string;
  /** The share of drifted columns that makes the dataset drifted (Evidently's default 0.5). */
  readonly driftShare?: number;
  /** The program in the stage's cmd (default `python`: the interpreter DVC's shell finds). */
  readonly python?: string;
}

export interface DriftStageContext {
  readonly dvcYaml?: string;
  /** Paths (relative to the dvc.yaml folder) that exist already. */
  readonly existing: ReadonlySet<string>;
  /** DVC-tracked paths (`.dvc` outputs and stage outputs), relative to the dvc.yaml folder. */
  readonly tracked: readonly string[];
  /** The check_drift.py template. */
  readonly template: string;
}

export interface DriftStagePlan {
  readonly stageName: string;
  readonly edits: readonly FileEdit[];
  readonly stage: { readonly cmd: string; readonly deps: readonly string[]; readonly metrics: readonly unknown[]; readonly outs: readonly string[] };
}

const STAGE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;
const TABLE = /\.(csv|tsv|parquet|jsonl|ndjson)$/i;

export function planDriftCheckStage(request: DriftStageRequest, context: DriftStageContext): DriftStagePlan {
  const name = request.stageName;
  if (!STAGE_NAME.test(name)) throw new DeployError('invalid-argument', `"${name}" cannot name a stage: use letters, digits, "_" and "-".`, name);
  const reference = projectPath(request.referencePath, 'reference data');
  const current = projectPath(request.currentPath, 'current data');
  const script = projectPath(request.scriptPath, 'script');
  const report = projectPath(request.reportPath, 'report');
  const html = report.replace(/\.json$/i, '') + '.html';
  for (const [path, what] of [[reference, 'reference data'], [current, 'current data']] as const) {
    if (!TABLE.test(path)) throw new DeployError('invalid-argument', `The ${what} ${path} must be a table file: .csv, .tsv, .parquet or .jsonl.`, path);
  }
  if (reference === current) throw new DeployError('invalid-argument', `The reference and the current data are the same file (${reference}): a drift check compares two.`, reference);
  if (!/\.json$/i.test(report)) throw new DeployError('invalid-argument', `The report ${report} must be a .json file (DVC reads it as metrics).`, report);
  if (!/\.py$/.test(script)) throw new DeployError('invalid-argument', `The script ${script} must be a .py file.`, script);
  const share = request.driftShare ?? 0.5;
  if (!(share > 0 && share <= 1)) throw new DeployError('invalid-argument', `The drift share ${share} must be more than 0 and at most 1 (the share of drifted columns that makes the dataset drifted).`, String(share));
  const written = [script, report, html];
  for (const path of written) {
    if ([reference, current].some((input) => isWithin(input, path) || isWithin(path, input))) throw new DeployError('invalid-argument', `${path} would overwrite the data the stage reads.`, path);
    const overlapping = context.tracked.find((tracked) => isWithin(path, tracked) || isWithin(tracked, path));
    if (overlapping) throw new DeployError('invalid-argument', `${path} overlaps ${overlapping}, which DVC tracks already: choose another path.`, path);
    if (context.existing.has(path)) throw new DeployError('file-exists', `${path} exists already: choose another path (files are never overwritten).`, path);
  }

  const words = [request.python ?? 'python', script, '--reference', reference, '--current', current, '--report', report, '--html', html, ...(request.driftShare !== undefined ? ['--drift-share', String(share)] : [])];
  // DVC runs `cmd` through a shell: every word is quoted for it.
  const cmd = words.map(shlexQuote).join(' ');
  const stage = { cmd, deps: [script, reference, current], metrics: [{ [report]: { cache: false } }], outs: [html] };
  const dvcYaml = insertMapEntry(context.dvcYaml, {
    parent: 'stages',
    key: name,
    value: stage,
    comment: [`Drift check (ML Workbench): fails when Evidently finds ${current} drifted from ${reference},`, 'which stops `dvc repro` before the stages that depend on it.'],
    file: 'dvc.yaml',
    exists: () => new DeployError('stage-exists', `dvc.yaml already has a stage "${name}": choose another name (an existing stage is never replaced).`, name),
  });
  const scriptText = renderTemplate(context.template, { stage: name, script }, 'check_drift.py');
  return { stageName: name, stage, edits: [{ path: 'dvc.yaml', before: context.dvcYaml, after: dvcYaml }, { path: script, after: scriptText }] };
}
