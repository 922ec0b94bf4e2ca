import type { Run } from './entities.js';

export const PARENT_RUN_TAG = 'mlflow.parentRunId';

export interface RunNode {
  readonly run: Run;
  readonly children: readonly RunNode[];
}

export function tagValue(run: Run, key: string): string | undefined {
  return run.data.tags?.find((t) => t.key === key)?.value;
}

/**
 * Nests child runs under their parent (tag mlflow.parentRunId), keeping the listing's order at
 * every level. A child whose parent is not in the listing (deleted, other page) stays at the top.
 */
export function nestRuns(runs: readonly Run[]): RunNode[] {
  const ids = new Set(runs.map((r) => r.info.run_id));
  const children = new Map<string, Run[]>();
  const roots: Run[] = [];
  for (const run of runs) {
    const parent = tagValue(run, PARENT_RUN_TAG);
    if (parent && parent !== run.info.run_id && ids.has(parent)) {
      const siblings = children.get(parent);
      if (siblings) siblings.push(run);
      else children.set(parent, [run]);
    } else {
      roots.push(run);
    }
  }
  const visiting = new Set<string>();
  const build = (run: Run): RunNode => {
    visiting.add(run.info.run_id);
    // A cycle of parent tags (possible in a hand-edited store) must not recurse forever.
    const kids = (children.get(run.info.run_id) ?? []).filter((c) => !visiting.has(c.info.run_id)).map(build);
    return { run, children: kids };
  };
  return roots.map(build);
}

/** The 8 first characters of a run id: enough to tell apart runs of the same name. */
export function shortRunId(runId: string): string {
  return runId.slice(0, 8);
}

/** The name MLflow shows: run_name, else the mlflow.runName tag, else the run id. */
export function runDisplayName(run: Run): string {
  return run.info.run_name || tagValue(run, 'mlflow.runName') || run.info.run_id;
}

export interface SummaryRow {
  readonly label: string;
  readonly value: string;
}

/** The facts about a run that head its panel, formatted for reading. */
export function runSummary(run: Run, experimentName: string, now: number, format: { duration: (ms: number) => string; date: (ms: number) => string }): SummaryRow[] {
  const { info } = run;
  const rows: SummaryRow[] = [
    { label: 'Status', value: info.lifecycle_stage === 'deleted' ? `${info.status} (deleted)` : info.status },
    { label: 'Run ID', value: info.run_id },
    { label: 'Experiment', value: `${experimentName} (#${info.experiment_id})` },
  ];
  const parent = tagValue(run, PARENT_RUN_TAG);
  if (parent) rows.push({ label: 'Parent run', value: parent });
  if (info.user_id) rows.push({ label: 'User', value: info.user_id });
  if (info.start_time !== undefined) rows.push({ label: 'Started', value: format.date(info.start_time) });
  if (info.end_time !== undefined) rows.push({ label: 'Ended', value: format.date(info.end_time) });
  if (info.start_time !== undefined) {
    const running = info.end_time === undefined;
    rows.push({ label: 'Duration', value: format.duration((info.end_time ?? now) - info.start_time) + (running ? ' so far' : '') });
  }
  const source = tagValue(run, 'mlflow.source.name');
  if (source) rows.push({ label: 'Source', value: source });
  const commit = tagValue(run, 'mlflow.source.git.commit');
  if (commit) rows.push({ label: 'Git commit', value: commit });
  if (info.artifact_uri) rows.push({ label: 'Artifacts', value: info.artifact_uri });
  return rows;
}
