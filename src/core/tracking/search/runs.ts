import type { Run } from '../entities.js';
import { fromJsonDouble } from '../entities.js';
import { storedEndTime } from '../shape.js';
import { invalid } from './grammar.js';
import { compareNumber, compareString, compareText } from './like.js';
import { parseOrderByString } from './orderBy.js';
import { pyList } from './python.js';
import { checkRunComparators, ORDERABLE_RUN_ATTRIBUTES, parseRunFilterSyntax, type RunClause, type RunEntity, runIdentifier, translateRunKeyAlias } from './runGrammar.js';

/**
 * Run search with the answers MLflow's SQL store gives (mlflow/store/tracking/sqlalchemy_store.py
 * `_get_sqlalchemy_filter_clauses`, `_get_orderby_clauses`), evaluated on runs already read.
 */

const RUN_NAME_TAG = 'mlflow.runName';
const DATASET_CONTEXT_TAG = 'mlflow.data.context';

const valueOf = (entries: readonly { key: string; value: string }[] | undefined, key: string): string | undefined =>
  entries?.find((entry) => entry.key === key)?.value;

function metricOf(run: Run, key: string): number | undefined {
  const metric = run.data.metrics?.find((m) => m.key === key);
  return metric === undefined ? undefined : fromJsonDouble(metric.value);
}

/** The runs table column an attribute reads; `run_name` filters read the mlflow.runName tag, as MLflow's SQL does. */
function attributeOf(run: Run, key: string, forOrdering: boolean): string | number | undefined {
  const { info } = run;
  switch (key) {
    case 'run_id':
      return info.run_id;
    case 'run_name':
      return forOrdering ? info.run_name : valueOf(run.data.tags, RUN_NAME_TAG);
    case 'start_time':
      return info.start_time;
    case 'end_time':
      return storedEndTime(info);
    case 'user_id':
      return info.user_id;
    case 'status':
      return info.status;
    case 'artifact_uri':
      return info.artifact_uri;
    default:
      return undefined;
  }
}

function matchesDataset(run: Run, { key, comparator, value }: RunClause): boolean {
  const operand = value as string | readonly string[];
  return (run.inputs?.dataset_inputs ?? []).some((input) => {
    if (key !== 'context') return compareString(comparator, key === 'name' ? input.dataset.name : input.dataset.digest, operand);
    return (input.tags ?? []).some((tag) => tag.key === DATASET_CONTEXT_TAG && compareString(comparator, tag.value, operand));
  });
}

/** One clause; a missing metric, param, tag or attribute never matches, except under IS NULL. */
export function runMatches(run: Run, clause: RunClause): boolean {
  const { type, key, comparator, value } = clause;
  if (type === 'dataset') return matchesDataset(run, clause);
  if (type === 'metric') {
    const metric = metricOf(run, key);
    if (metric === undefined) return false;
    // NaN is stored as 0 with is_nan set: it satisfies only "!=".
    if (Number.isNaN(metric)) return comparator === '!=';
    return compareNumber(comparator, metric, value as number);
  }
  if (type === 'parameter' || type === 'tag') {
    const found = valueOf(type === 'tag' ? run.data.tags : run.data.params, key);
    if (comparator === 'IS NULL') return found === undefined;
    if (comparator === 'IS NOT NULL') return found !== undefined;
    return found !== undefined && compareString(comparator, found, value as string);
  }
  const found = attributeOf(run, key, false);
  if (found === undefined) return false;
  if (typeof found === 'number') return compareNumber(comparator, found, value as number);
  return compareString(comparator, found, value as string | readonly string[]);
}

export function filterRuns(runs: readonly Run[], clauses: readonly RunClause[]): Run[] {
  return runs.filter((run) => clauses.every((clause) => runMatches(run, clause)));
}

export interface RunOrderClause {
  readonly type: Exclude<RunEntity, 'dataset'>;
  readonly key: string;
  readonly ascending: boolean;
}

/** `parse_order_by_for_search_runs` for each string, plus the SQL store's own checks. */
export function parseRunOrderBy(orderBy: readonly string[] | undefined): RunOrderClause[] {
  const seen = new Set<string>();
  return (orderBy ?? []).map((text) => {
    const { identifier, ascending } = parseOrderByString(text);
    const parsed = runIdentifier(identifier, ORDERABLE_RUN_ATTRIBUTES);
    const key = translateRunKeyAlias(parsed.key);
    if (parsed.type === 'dataset') invalid(`Invalid identifier type '${parsed.type}'`);
    const id = `${parsed.type}\u0000${key}`;
    if (seen.has(id)) invalid(`\`order_by\` contains duplicate fields: ${pyList(orderBy ?? [])}`);
    seen.add(id);
    return { type: parsed.type, key, ascending };
  });
}

type SortValue = string | number | undefined;

function sortValueOf(run: Run, { type, key }: RunOrderClause): SortValue {
  if (type === 'metric') return metricOf(run, key);
  if (type === 'parameter') return valueOf(run.data.params, key);
  if (type === 'tag') return valueOf(run.data.tags, key);
  return attributeOf(run, key, true);
}

/** MLflow's CASE column: real values first, then NaN (metrics only), then missing, in both directions. */
const rankOf = (value: SortValue): number => (value === undefined ? 2 : typeof value === 'number' && Number.isNaN(value) ? 1 : 0);

function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return compareText(String(a), String(b));
}

/** A comparator giving MLflow's order: the clauses, then `start_time DESC`, then `run_id ASC`. */
export function compareRuns(clauses: readonly RunOrderClause[]): (a: Run, b: Run) => number {
  const byStart = clauses.some((clause) => clause.type === 'attribute' && clause.key === 'start_time');
  return (a, b) => {
    for (const clause of clauses) {
      const [left, right] = [sortValueOf(a, clause), sortValueOf(b, clause)];
      const rank = rankOf(left) - rankOf(right);
      if (rank !== 0) return rank;
      if (rankOf(left) !== 0) continue;
      const order = compareValues(left, right);
      if (order !== 0) return clause.ascending ? order : -order;
    }
    if (!byStart) {
      // SQLite sorts NULL lowest, so a run without start_time comes last under DESC.
      const [left, right] = [a.info.start_time, b.info.start_time];
      if (left !== right) return left === undefined ? 1 : right === undefined ? -1 : right - left;
    }
    return compareText(a.info.run_id, b.info.run_id);
  };
}

export function orderRuns(runs: readonly Run[], orderBy: readonly string[] | undefined): Run[] {
  return [...runs].sort(compareRuns(parseRunOrderBy(orderBy)));
}

/**
 * What a store calls to answer `search_runs` from runs it has read: errors raised in the order
 * MLflow raises them (filter syntax, then order_by, then comparators).
 */
export function searchRunsInMemory(runs: readonly Run[], options: { readonly filter?: string; readonly orderBy?: readonly string[] }): Run[] {
  const syntax = parseRunFilterSyntax(options.filter);
  const order = parseRunOrderBy(options.orderBy);
  const clauses = checkRunComparators(syntax);
  return filterRuns(runs, clauses).sort(compareRuns(order));
}

