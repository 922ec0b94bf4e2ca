/**
 * The experiments as table rows (what the Experiments table and the tree show): one row per
 * workspace, baseline and experiment (and per older commit of a multi-commit experiment), in
 * `dvc exp show`'s order, with a status, an id that stays the same across reads, params and
 * metrics flattened to dotted keys (DVC's table columns), and a label that tells apart
 * experiments of the same name by their short commit id.
 */
import type { ExecutorState, ExpDep, ExpExecutor, ExpOut, ExpState, FileResult, SerializableError } from './model.js';

export interface FileError {
  readonly kind: 'params' | 'metrics';
  readonly file: string;
  readonly error: SerializableError;
}

export interface ExperimentRow {
  /** Stable across reads: `workspace`, a baseline's commit, `<baseline>/<experiment rev>`. */
  readonly id: string;
  readonly kind: 'workspace' | 'baseline' | 'experiment' | 'commit';
  readonly rev: string;
  /** 7 characters of a commit id; `workspace` for the work tree. */
  readonly shortRev: string;
  /** A baseline's branch or tag, an experiment's name. */
  readonly name: string | null;
  /** What to show: the name (with the short id when another row has the same name) or the short id. */
  readonly label: string;
  /** The baseline commit an experiment belongs to. */
  readonly baseline: string | null;
  readonly status: ExecutorState | null;
  readonly executor: ExpExecutor | null;
  readonly timestamp: string | null;
  /** file → dotted key → value. */
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly metrics: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly deps: Readonly<Record<string, ExpDep>>;
  readonly outs: Readonly<Record<string, ExpOut>>;
  /** Files of this row that could not be read (their columns are empty). */
  readonly fileErrors: readonly FileError[];
  /** Why the row itself could not be read, or why the run failed. */
  readonly error: SerializableError | null;
}

export function experimentRows(states: readonly ExpState[]): ExperimentRow[] {
  const rows: ExperimentRow[] = [];
  for (const state of states) {
    const isWorkspace = state.rev === 'workspace';
    rows.push(row(state, isWorkspace ? 'workspace' : 'baseline', state.rev, null, null, null));
    for (const range of state.experiments ?? []) {
      range.revs.forEach((rev, i) => {
        const id = `${state.rev}/${rev.rev === 'workspace' ? `workspace:${range.name ?? ''}` : rev.rev}`;
        rows.push(row(i === 0 ? { ...rev, name: rev.name ?? range.name } : rev, i === 0 ? 'experiment' : 'commit', id, state.rev, range.executor?.state ?? (i === 0 ? 'success' : null), i === 0 ? range.executor : null));
      });
    }
  }
  const counts = new Map<string, number>();
  for (const r of rows) if (r.name && r.kind === 'experiment') counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
  return rows.map((r) => (r.name && r.kind === 'experiment' && counts.get(r.name)! > 1 ? { ...r, label: `${r.name} (${r.shortRev})` } : r));
}

function row(state: ExpState, kind: ExperimentRow['kind'], id: string, baseline: string | null, status: ExecutorState | null, executor: ExpExecutor | null): ExperimentRow {
  const shortRev = /^[0-9a-f]{40,64}$/.test(state.rev) ? state.rev.slice(0, 7) : state.rev;
  const fileErrors: FileError[] = [];
  const flat = (kindName: FileError['kind'], files: Readonly<Record<string, FileResult>> | undefined) => {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [file, result] of Object.entries(files ?? {})) {
      if ('error' in result) fileErrors.push({ kind: kindName, file, error: result.error });
      else out[file] = flatten(result.data);
    }
    return out;
  };
  const params = flat('params', state.data?.params);
  const metrics = flat('metrics', state.data?.metrics);
  return {
    id,
    kind,
    rev: state.rev,
    shortRev,
    name: state.name,
    label: state.name || shortRev,
    baseline,
    status,
    executor,
    timestamp: state.data?.timestamp ?? null,
    params,
    metrics,
    deps: state.data?.deps ?? {},
    outs: state.data?.outs ?? {},
    fileErrors,
    error: state.error,
  };
}

/** DVC's `flatten`: nested dicts to dotted keys; a file whose data is not a dict is one value. */
export function flatten(data: unknown, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    if (prefix === '') return { '': data };
    out[prefix] = data;
    return out;
  }
  const entries = Object.entries(data as Record<string, unknown>);
  if (entries.length === 0 && prefix !== '') out[prefix] = {};
  for (const [key, value] of entries) {
    const full = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) Object.assign(out, flatten(value, full));
    else out[full] = value;
  }
  return out;
}
