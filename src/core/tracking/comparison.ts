import { formatDuration, formatMetricValue } from '../format.js';
import { fromJsonDouble, type Run } from './entities.js';
import { runDisplayName } from './runTree.js';

/**
 * The table behind the Compare Runs panel: a column per attribute, param and latest metric, each
 * knowing whether its values differ between the runs and whether they are all numbers (then the
 * charts place them on a linear axis; otherwise their distinct values are categories).
 */
export type ColumnKind = 'attribute' | 'param' | 'metric';

export interface ComparisonColumn {
  /** `attributes.status`, `params.lr`, `metrics.loss`: MLflow's search names, unique. */
  readonly id: string;
  readonly kind: ColumnKind;
  readonly key: string;
  readonly differs: boolean;
  readonly numeric: boolean;
}

export interface ComparisonCell {
  readonly text: string;
  /** The value as a number when it is one (params parse as numbers when they look like one). */
  readonly number?: number;
}

export interface ComparisonRow {
  readonly runId: string;
  readonly name: string;
  readonly status: string;
  readonly cells: Readonly<Record<string, ComparisonCell>>;
}

export interface Comparison {
  readonly columns: readonly ComparisonColumn[];
  readonly rows: readonly ComparisonRow[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function compareRuns(runs: readonly Run[], now: number): Comparison {
  const cells = runs.map(() => new Map<string, ComparisonCell>());
  const columns: ComparisonColumn[] = [];
  const add = (kind: ColumnKind, key: string, value: (run: Run) => ComparisonCell | undefined): void => {
    const id = `${kind === 'attribute' ? 'attributes' : `${kind}s`}.${key}`;
    const values = runs.map(value);
    values.forEach((v, i) => v && cells[i]!.set(id, v));
    const texts = new Set(values.map((v) => v?.text ?? '\u0000missing'));
    const present = values.filter((v): v is ComparisonCell => v !== undefined);
    columns.push({ id, kind, key, differs: texts.size > 1, numeric: present.length > 0 && present.every((v) => v.number !== undefined) });
  };
  add('attribute', 'status', (r) => ({ text: r.info.status }));
  add('attribute', 'duration', (r) => {
    if (r.info.start_time === undefined) return undefined;
    const ms = (r.info.end_time ?? now) - r.info.start_time;
    return { text: formatDuration(ms), number: ms / 1000 };
  });
  add('attribute', 'start_time', (r) => (r.info.start_time === undefined ? undefined : { text: new Date(r.info.start_time).toISOString(), number: r.info.start_time }));
  const keys = (pick: (r: Run) => readonly { key: string }[] | undefined): string[] => [...new Set(runs.flatMap((r) => (pick(r) ?? []).map((e) => e.key)))].sort((a, b) => a.localeCompare(b));
  for (const key of keys((r) => r.data.params)) {
    add('param', key, (r) => {
      const value = r.data.params?.find((p) => p.key === key)?.value;
      if (value === undefined) return undefined;
      return NUMBER.test(value.trim()) ? { text: value, number: Number(value) } : { text: value };
    });
  }
  for (const key of keys((r) => r.data.metrics)) {
    add('metric', key, (r) => {
      const metric = r.data.metrics?.find((m) => m.key === key);
      return metric === undefined ? undefined : { text: formatMetricValue(metric.value), number: fromJsonDouble(metric.value) };
    });
  }
  const rows = runs.map((run, i) => ({ runId: run.info.run_id, name: runDisplayName(run), status: run.info.status, cells: Object.fromEntries(cells[i]!) }));
  return { columns, rows };
}
