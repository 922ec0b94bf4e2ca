import type { JsonDouble } from '../format.js';
import type { Run, ViewType } from './entities.js';
import { parseRunFilter, parseRunOrderBy } from './search/index.js';

/** What the Runs view shows: the user's filter, the quick toggles and the sort. */
export interface RunViewQuery {
  /** An MLflow filter string typed by the user. */
  readonly filter?: string;
  readonly status?: 'RUNNING' | 'FAILED';
  readonly showDeleted?: boolean;
  /** One MLflow order_by clause, e.g. `metrics.accuracy DESC`. */
  readonly orderBy?: string;
}

export interface RunSearch {
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly viewType: ViewType;
}

/** The search the stores run for a view query: toggles become clauses ANDed to the user's filter. */
export function runSearchFor(query: RunViewQuery): RunSearch {
  const clauses = [query.filter?.trim(), query.status ? `attributes.status = '${query.status}'` : undefined].filter((c): c is string => !!c);
  return {
    filter: clauses.length > 0 ? clauses.join(' AND ') : undefined,
    orderBy: query.orderBy ? [query.orderBy] : undefined,
    viewType: query.showDeleted ? 'ALL' : 'ACTIVE_ONLY',
  };
}

/** MLflow's own error message for a filter, or undefined when MLflow would accept it. */
export function validateRunFilter(filter: string): string | undefined {
  if (filter.trim() === '') return undefined;
  try {
    parseRunFilter(filter);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export function validateRunOrderBy(orderBy: string): string | undefined {
  try {
    parseRunOrderBy([orderBy]);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A short line for the view's description: `metrics.acc > 0.9 · running · ↓ metrics.acc`. */
export function describeRunQuery(query: RunViewQuery): string | undefined {
  const parts = [
    query.filter?.trim() || undefined,
    query.status === 'RUNNING' ? 'running only' : query.status === 'FAILED' ? 'failed only' : undefined,
    query.showDeleted ? 'with deleted' : undefined,
    query.orderBy ? sortLabel(query.orderBy) : undefined,
  ].filter((p): p is string => !!p);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

function sortLabel(orderBy: string): string {
  const match = /^(.*?)\s+(ASC|DESC)\s*$/i.exec(orderBy.trim());
  const key = match ? match[1]! : orderBy.trim();
  const descending = match ? match[2]!.toUpperCase() === 'DESC' : false;
  return `${descending ? '↓' : '↑'} ${key}`;
}

/** Sort keys a user can pick from: attributes, then every metric and param seen in the runs. */
export function sortKeysOf(runs: readonly Run[]): string[] {
  const metrics = new Set<string>();
  const params = new Set<string>();
  for (const run of runs) {
    for (const m of run.data.metrics ?? []) metrics.add(m.key);
    for (const p of run.data.params ?? []) params.add(p.key);
  }
  const quote = (key: string): string => (/^[\w.]+$/.test(key) && !key.includes('.') ? key : `\`${key.replaceAll('`', '')}\``);
  return [
    'attributes.start_time',
    'attributes.end_time',
    'attributes.run_name',
    'attributes.status',
    ...[...metrics].sort().map((k) => `metrics.${quote(k)}`),
    ...[...params].sort().map((k) => `params.${quote(k)}`),
  ];
}

export interface QueriedKey {
  readonly type: 'metric' | 'parameter' | 'tag';
  readonly key: string;
}

/**
 * The metrics, params and tags the view's query sorts by, then filters by (once each): a run row
 * shows their values, so what decided the order and the selection is on the row. Read from the
 * view's query only, nothing is written anywhere. A query MLflow refuses names nothing.
 */
export function queriedKeys(query: RunViewQuery): QueriedKey[] {
  const out: QueriedKey[] = [];
  const add = (type: string, key: string): void => {
    if ((type === 'metric' || type === 'parameter' || type === 'tag') && !out.some((k) => k.type === type && k.key === key)) out.push({ type, key });
  };
  try {
    if (query.orderBy) for (const clause of parseRunOrderBy([query.orderBy])) add(clause.type, clause.key);
  } catch {
    // An invalid sort is reported where it is set.
  }
  try {
    if (query.filter?.trim()) for (const clause of parseRunFilter(query.filter)) add(clause.type, clause.key);
  } catch {
    // An invalid filter is reported where it is typed.
  }
  return out;
}

/** `acc 0.93`, `lr 0.01`: the run's values of the queried keys (a missing one says so). */
export function queriedValues(run: Run, keys: readonly QueriedKey[], format: (value: JsonDouble) => string): string[] {
  return keys.map(({ type, key }) => {
    if (type === 'metric') {
      const metric = run.data.metrics?.find((m) => m.key === key);
      return `${key} ${metric ? format(metric.value) : '—'}`;
    }
    const list = type === 'parameter' ? run.data.params : run.data.tags;
    const value = list?.find((p) => p.key === key)?.value;
    return `${key} ${value === undefined ? '—' : value.length > 40 ? `${value.slice(0, 39)}…` : value}`;
  });
}

/** Names more than one of these runs share: their rows add a short run id. */
export function sharedNames(runs: Iterable<Run>, nameOf: (run: Run) => string): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const run of runs) {
    const name = nameOf(run);
    if (seen.has(name)) shared.add(name);
    else seen.add(name);
  }
  return shared;
}
