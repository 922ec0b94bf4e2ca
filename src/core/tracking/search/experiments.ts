import type { Experiment } from '../entities.js';
import { type ClauseValue, type Comparison, type FilterDialect, invalid, isNumberToken, isStringToken, listOf, numberOf, parseFilterWith, splitIdentifier, stripQuotes } from './grammar.js';
import type { Node } from './grouping.js';
import { compareNumber, compareString, compareText } from './like.js';
import { parseOrderByString } from './orderBy.js';
import { pySet } from './python.js';

/**
 * Experiment search: the grammar of `SearchExperimentsUtils` (mlflow/utils/search_utils.py) and
 * the answers of the SQL store (`_get_search_experiments_filter_clauses`,
 * `_get_search_experiments_order_by_clauses` in mlflow/store/tracking/sqlalchemy_store.py).
 * Unlike runs, comparators are not upper-cased: `name like 'x'` is rejected.
 */

export interface ExperimentClause {
  readonly type: 'attribute' | 'tag';
  readonly key: string;
  readonly comparator: string;
  readonly value: ClauseValue;
}

const ATTRIBUTES = new Set(['name', 'experiment_id', 'creation_time', 'last_update_time']);
const NUMERIC = new Set(['creation_time', 'last_update_time']);
const STRING_COMPARATORS = new Set(['!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']);
const NUMERIC_COMPARATORS = new Set(['>', '>=', '!=', '=', '<', '<=']);

/** `SearchExperimentsUtils._get_identifier`: only `attribute.`, `tag.`, `tags.` or no prefix. */
export function experimentIdentifier(text: string, at?: Node): { type: 'attribute' | 'tag'; key: string } {
  const { entity, key } = splitIdentifier(text);
  if (entity !== undefined && !['attribute', 'tag', 'tags'].includes(entity)) {
    invalid(`Invalid entity type '${entity}'. Valid entity types are ('attribute', 'tag', 'tags')`, at);
  }
  const type = entity === undefined || entity === 'attribute' ? 'attribute' : 'tag';
  if (type === 'attribute' && !ATTRIBUTES.has(key)) invalid(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(ATTRIBUTES)}'`, at);
  return { type, key };
}

function experimentValue(type: 'attribute' | 'tag', key: string, token: Node): ClauseValue {
  if (type === 'tag') {
    if (isStringToken(token)) return stripQuotes(token.text, token);
    return invalid(`Expected a quoted string value for tag (e.g. 'my-value'). Got value ${token.text}`, token);
  }
  if (NUMERIC.has(key)) {
    if (!isNumberToken(token)) invalid(`Expected numeric value type for numeric attribute: ${key}. Found ${token.text}`, token);
    if (token.type === 'token' && token.token.kind === 'float') invalid(`Invalid value for numeric attribute '${key}': '${String(numberOf(token))}'`, token);
    return numberOf(token);
  }
  if (isStringToken(token)) return stripQuotes(token.text, token);
  if (token.type === 'parenthesis') {
    if (key !== 'experiment_id') invalid("Only ['experiment_id'] attributes support comparison with a list of quoted string values.", token);
    return listOf(token);
  }
  return invalid(`Expected a quoted string value for attributes. Got value ${token.text}`, token);
}

/** The SQL store's checks, made as it builds its WHERE clause. */
function checkExperimentClause(clause: ExperimentClause, operator: Node): ExperimentClause {
  const { type, key, comparator, value } = clause;
  if (type === 'tag') {
    if (!['IS NULL', 'IS NOT NULL', '=', '!=', 'LIKE', 'ILIKE'].includes(comparator)) invalid(`Invalid comparator for tag: ${comparator}`, operator);
    return clause;
  }
  if (key === 'experiment_id') {
    if (!['=', '!=', 'IN', 'NOT IN'].includes(comparator)) invalid(`Invalid comparator for experiment_id: ${comparator}`, operator);
    for (const id of Array.isArray(value) ? value : [value]) {
      if (!/^\s*[+-]?\d+\s*$/.test(String(id))) invalid(`Invalid experiment ID '${String(id)}'. Experiment ID must be a valid integer.`);
    }
    return clause;
  }
  if (!NUMERIC.has(key)) {
    if (!STRING_COMPARATORS.has(comparator)) invalid(`Invalid comparator '${comparator}' not one of '${pySet(STRING_COMPARATORS)}'`, operator);
    if (comparator === 'IN' || comparator === 'NOT IN') invalid(`Invalid comparator for string attribute: ${comparator}`, operator);
    return clause;
  }
  if (!NUMERIC_COMPARATORS.has(comparator)) invalid(`Invalid comparator '${comparator}' not one of '${pySet(STRING_COMPARATORS)}`, operator);
  return clause;
}

const experimentDialect: FilterDialect<ExperimentClause> = {
  quoteInvalidClauses: false,
  clause({ identifier, comparator, operator, value }: Comparison): ExperimentClause {
    const { type, key } = experimentIdentifier(identifier.text, identifier);
    if (value === undefined) {
      if (type !== 'tag') invalid(`IS NULL / IS NOT NULL is only supported for tags, not for attribute '${key}'`, identifier);
      return checkExperimentClause({ type, key, comparator, value: null }, operator);
    }
    return checkExperimentClause({ type, key, comparator, value: experimentValue(type, key, value) }, operator);
  },
};

export function parseExperimentFilter(filter: string): ExperimentClause[] {
  return parseFilterWith(experimentDialect, filter);
}

function attributeOf(experiment: Experiment, key: string): string | number | undefined {
  if (key === 'experiment_id') return Number(experiment.experiment_id);
  if (key === 'name') return experiment.name;
  if (key === 'creation_time') return experiment.creation_time;
  if (key === 'last_update_time') return experiment.last_update_time;
  return undefined;
}

export function experimentMatches(experiment: Experiment, { type, key, comparator, value }: ExperimentClause): boolean {
  if (type === 'tag') {
    const found = experiment.tags?.find((tag) => tag.key === key)?.value;
    if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') return (found === undefined) === (comparator === 'IS NULL');
    return found !== undefined && compareString(comparator, found, value as string);
  }
  const found = attributeOf(experiment, key);
  if (found === undefined) return false;
  if (typeof found === 'string') return compareString(comparator, found, value as string);
  if (key !== 'experiment_id') return compareNumber(comparator, found, value as number);
  const ids = (Array.isArray(value) ? value : [value]).map(Number);
  if (comparator === 'IN' || comparator === 'NOT IN') return ids.includes(found) === (comparator === 'IN');
  return compareNumber(comparator, found, ids[0]!);
}

export function filterExperiments(experiments: readonly Experiment[], clauses: readonly ExperimentClause[]): Experiment[] {
  return experiments.filter((experiment) => clauses.every((clause) => experimentMatches(experiment, clause)));
}

export interface ExperimentOrderClause {
  readonly key: string;
  readonly ascending: boolean;
}

/** The default is `creation_time DESC, experiment_id ASC`; otherwise `experiment_id DESC` breaks ties. */
export function parseExperimentOrderBy(orderBy: readonly string[] | undefined): ExperimentOrderClause[] {
  const clauses = (orderBy?.length ? orderBy : ['creation_time DESC', 'experiment_id ASC']).map((text) => {
    const { identifier, ascending } = parseOrderByString(text);
    const { type, key } = experimentIdentifier(identifier);
    if (type !== 'attribute') invalid(`Invalid order_by entity: ${type}`);
    return { key, ascending };
  });
  if (!clauses.some((clause) => clause.key === 'experiment_id')) clauses.push({ key: 'experiment_id', ascending: false });
  return clauses;
}

/** SQLite order: NULL is the lowest value (first ascending, last descending); text in byte order. */
export function compareExperiments(clauses: readonly ExperimentOrderClause[]): (a: Experiment, b: Experiment) => number {
  return (a, b) => {
    for (const { key, ascending } of clauses) {
      const [left, right] = [attributeOf(a, key), attributeOf(b, key)];
      if (left === right) continue;
      let order: number;
      if (left === undefined) order = -1;
      else if (right === undefined) order = 1;
      else if (typeof left === 'number' && typeof right === 'number') order = left - right;
      else order = compareText(String(left), String(right));
      if (order !== 0) return ascending ? order : -order;
    }
    return 0;
  };
}

export function orderExperiments(experiments: readonly Experiment[], orderBy: readonly string[] | undefined): Experiment[] {
  return [...experiments].sort(compareExperiments(parseExperimentOrderBy(orderBy)));
}

export function searchExperimentsInMemory(
  experiments: readonly Experiment[],
  options: { readonly filter?: string; readonly orderBy?: readonly string[] },
): Experiment[] {
  const clauses = parseFilterWith(experimentDialect, options.filter);
  return filterExperiments(experiments, clauses).sort(compareExperiments(parseExperimentOrderBy(options.orderBy)));
}
