import type { Node } from './grouping.js';
import { type ClauseValue, type Comparison, type FilterDialect, invalid, isNumberToken, isStringToken, listOf, numberOf, parseFilterWith, splitIdentifier, stripQuotes, trimBackticks } from './grammar.js';
import { pyList, pySet } from './python.js';

/** The run filter grammar: `SearchUtils` in mlflow/utils/search_utils.py. */

export type RunEntity = 'metric' | 'parameter' | 'tag' | 'attribute' | 'dataset';

export interface RunClause {
  readonly type: RunEntity;
  /** The key with MLflow's aliases resolved (`created` → `start_time`, `"run name"` → `run_name`). */
  readonly key: string;
  /** Upper-cased, as MLflow compares it: `=`, `LIKE`, `IN`, `IS NULL`, … */
  readonly comparator: string;
  /** A number for metrics and numeric attributes, a string list for IN, null for IS [NOT] NULL. */
  readonly value: ClauseValue;
}

const ENTITY_ALIASES: Readonly<Record<string, RunEntity>> = {
  metric: 'metric', metrics: 'metric',
  parameter: 'parameter', parameters: 'parameter', param: 'parameter', params: 'parameter',
  tag: 'tag', tags: 'tag',
  attribute: 'attribute', attr: 'attribute', attributes: 'attribute', run: 'attribute',
  dataset: 'dataset', datasets: 'dataset',
};
const ENTITIES = ['metric', 'parameter', 'tag', 'attribute', 'dataset'];

export const NUMERIC_RUN_ATTRIBUTES = new Set(['start_time', 'end_time', 'created', 'Created']);
const ALTERNATE_STRING_ATTRIBUTES = ['run name', 'Run name', 'Run Name'];
const ORDERABLE_ATTRIBUTES = ['artifact_uri', 'end_time', 'run_id', 'run_name', 'start_time', 'status', 'user_id', 'created', 'Created'];
export const SEARCHABLE_RUN_ATTRIBUTES = new Set([...ORDERABLE_ATTRIBUTES, ...ALTERNATE_STRING_ATTRIBUTES]);
export const ORDERABLE_RUN_ATTRIBUTES = new Set(ORDERABLE_ATTRIBUTES);
const DATASET_KEYS = new Set(['name', 'digest', 'context']);

const METRIC_COMPARATORS = new Set(['>', '>=', '!=', '=', '<', '<=']);
const PARAM_COMPARATORS = new Set(['!=', '=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL']);
const STRING_ATTRIBUTE_COMPARATORS = new Set(['!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']);
const DATASET_COMPARATORS = STRING_ATTRIBUTE_COMPARATORS;

/** `SearchUtils.translate_key_alias`. */
export function translateRunKeyAlias(key: string): string {
  if (key === 'created' || key === 'Created') return 'start_time';
  if (ALTERNATE_STRING_ATTRIBUTES.includes(key)) return 'run_name';
  return key;
}

/** `SearchUtils._get_identifier`: the entity and key of `metrics.x`, `` params.`a-b` ``, `status`. */
export function runIdentifier(text: string, validAttributes: ReadonlySet<string>, at?: Node): { type: RunEntity; key: string } {
  const { entity, key } = splitIdentifier(text);
  let type: RunEntity = 'attribute';
  if (entity !== undefined) {
    const trimmed = trimBackticks(entity);
    const resolved = ENTITY_ALIASES[trimmed];
    if (resolved === undefined) invalid(`Invalid entity type '${trimmed}'. Valid values are ${pyList(ENTITIES)}`, at);
    type = resolved;
  }
  if (type === 'attribute' && !validAttributes.has(key)) invalid(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(validAttributes)}'`, at);
  if (type === 'dataset' && !DATASET_KEYS.has(key)) invalid(`Invalid dataset key '${key}' specified. Valid keys are '${pySet(DATASET_KEYS)}'`, at);
  return { type, key };
}

function runValue(type: RunEntity, key: string, token: Node): ClauseValue {
  switch (type) {
    case 'metric':
      if (!isNumberToken(token)) invalid(`Expected numeric value type for metric. Found ${token.text}`, token);
      return numberOf(token);
    case 'parameter':
    case 'tag':
      if (isStringToken(token)) return stripQuotes(token.text, token);
      return invalid(`Expected a quoted string value for ${type} (e.g. 'my-value'). Got value ${token.text}`, token);
    case 'attribute':
      if (NUMERIC_RUN_ATTRIBUTES.has(key)) {
        if (!isNumberToken(token)) invalid(`Expected numeric value type for numeric attribute: ${key}. Found ${token.text}`, token);
        return numberOf(token);
      }
      if (isStringToken(token)) return stripQuotes(token.text, token);
      if (token.type === 'parenthesis') {
        if (key !== 'run_id') invalid("Only ['run_id'] attributes support comparison with a list of quoted string values.", token);
        return listOf(token);
      }
      return invalid(`Expected a quoted string value for attributes. Got value ${token.text}`, token);
    case 'dataset':
      if (isStringToken(token)) return stripQuotes(token.text, token);
      if (token.type === 'parenthesis') return listOf(token);
      return invalid(`Expected a quoted string value for dataset attributes. Got value ${token.text}`, token);
  }
}

interface Located {
  readonly clause: RunClause;
  readonly operator: Node;
}

const runDialect: FilterDialect<Located> = {
  quoteInvalidClauses: true,
  clause({ identifier, comparator, operator, value }: Comparison): Located {
    const { type, key } = runIdentifier(identifier.text, SEARCHABLE_RUN_ATTRIBUTES, identifier);
    if (value === undefined) {
      if (type !== 'tag' && type !== 'parameter') invalid(`IS NULL / IS NOT NULL is only supported for tags and params, not for '${type}' '${key}'`, identifier);
      return { clause: { type, key, comparator, value: null }, operator };
    }
    const parsed = runValue(type, key, value);
    return { clause: { type, key: translateRunKeyAlias(key), comparator: comparator.toUpperCase(), value: parsed }, operator };
  },
};

/**
 * The comparator checks MLflow makes when it runs the search (`is_metric`, `is_param`, … in
 * `_get_sqlalchemy_filter_clauses`), with their messages' quirks: some lack the closing quote, and
 * the numeric-attribute one lists the string comparators.
 */
function checkComparator({ clause, operator }: Located): RunClause {
  const { type, key, comparator } = clause;
  const fail = (allowed: ReadonlySet<string>, closingQuote: boolean): never =>
    invalid(`Invalid comparator '${comparator}' not one of '${pySet(allowed)}${closingQuote ? "'" : ''}`, operator);
  if (type === 'attribute' && !NUMERIC_RUN_ATTRIBUTES.has(key)) {
    if (!STRING_ATTRIBUTE_COMPARATORS.has(comparator)) fail(STRING_ATTRIBUTE_COMPARATORS, true);
  } else if (type === 'attribute') {
    if (!METRIC_COMPARATORS.has(comparator)) fail(STRING_ATTRIBUTE_COMPARATORS, false);
  } else if (type === 'metric') {
    if (!METRIC_COMPARATORS.has(comparator)) fail(METRIC_COMPARATORS, false);
  } else if (type === 'parameter') {
    if (!PARAM_COMPARATORS.has(comparator)) fail(PARAM_COMPARATORS, true);
  } else if (type === 'tag') {
    if (!PARAM_COMPARATORS.has(comparator)) fail(PARAM_COMPARATORS, false);
  } else if (!DATASET_COMPARATORS.has(comparator)) {
    fail(DATASET_COMPARATORS, false);
  }
  return clause;
}

/** Parses without the search-time comparator checks, so callers can order errors as MLflow does. */
export function parseRunFilterSyntax(filter: string | undefined): readonly Located[] {
  return parseFilterWith(runDialect, filter);
}

export function checkRunComparators(located: readonly Located[]): RunClause[] {
  return located.map(checkComparator);
}

/** Parses a run filter and checks its comparators, raising MLflow's messages. */
export function parseRunFilter(filter: string): RunClause[] {
  return checkRunComparators(parseRunFilterSyntax(filter));
}
