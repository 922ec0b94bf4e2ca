import type { KeyValue, ModelVersion, RegisteredModel } from '../entities.js';
import { type ClauseValue, type Comparison, type FilterDialect, invalid, isNumberToken, isStringToken, listOf, numberOf, parseFilterWith, splitIdentifier, stripQuotes, trimBackticks } from './grammar.js';
import type { Node } from './grouping.js';
import { compareNumber, compareString } from './like.js';
import { pySet } from './python.js';

/**
 * Registry search filters: `SearchModelUtils` and `SearchModelVersionUtils` in
 * mlflow/utils/search_utils.py. Entities are `attribute.`, `tag.`/`tags.` or no prefix; there is
 * no IS NULL. The prompt tag `mlflow.prompt.is_prompt` is special: models without it count as
 * "false", so `tags.\`mlflow.prompt.is_prompt\` != 'true'` selects plain models.
 */

export interface RegistryClause {
  readonly type: 'attribute' | 'tag';
  readonly key: string;
  readonly comparator: string;
  readonly value: ClauseValue;
}

const IS_PROMPT_TAG = 'mlflow.prompt.is_prompt';

interface RegistryGrammar {
  readonly attributes: ReadonlySet<string>;
  readonly numeric: ReadonlySet<string>;
  readonly lists: readonly string[];
}

const MODEL_GRAMMAR: RegistryGrammar = { attributes: new Set(['name']), numeric: new Set(['creation_timestamp', 'last_updated_timestamp']), lists: ['name'] };
const VERSION_GRAMMAR: RegistryGrammar = {
  attributes: new Set(['name', 'version_number', 'run_id', 'source_path']),
  numeric: new Set(['version_number', 'creation_timestamp', 'last_updated_timestamp']),
  lists: ['name', 'run_id'],
};

const STRING_COMPARATORS = new Set(['!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']);
const NUMERIC_COMPARATORS = new Set(['>', '>=', '!=', '=', '<', '<=']);
const TAG_COMPARATORS = new Set(['!=', '=', 'LIKE', 'ILIKE']);

/** `_get_model_search_identifier`: the attribute key is checked before its quotes are removed. */
function identifier(grammar: RegistryGrammar, text: string, at: Node): { type: 'attribute' | 'tag'; key: string } {
  const { entity, rawKey } = splitIdentifier(text);
  if (entity !== undefined && !['attribute', 'tag', 'tags'].includes(entity)) {
    invalid(`Invalid entity type '${entity}'. Valid entity types are ('attribute', 'tag', 'tags')`, at);
  }
  const type = entity === 'tag' || entity === 'tags' ? 'tag' : 'attribute';
  if (type === 'attribute' && !grammar.attributes.has(rawKey)) invalid(`Invalid attribute key '${rawKey}' specified. Valid keys are '${pySet(grammar.attributes)}'`, at);
  return { type, key: trimBackticks(stripQuotes(rawKey)) };
}

function value(grammar: RegistryGrammar, type: 'attribute' | 'tag', key: string, token: Node): ClauseValue {
  if (type === 'tag') {
    if (isStringToken(token)) return stripQuotes(token.text, token);
    return invalid(`Expected a quoted string value for tag (e.g. 'my-value'). Got value ${token.text}`, token);
  }
  if (isStringToken(token)) return stripQuotes(token.text, token);
  if (token.type === 'parenthesis') {
    if (!grammar.lists.includes(key)) invalid(`Only ${pyListOf(grammar.lists)} attributes support comparison with a list of quoted string values.`, token);
    return listOf(token);
  }
  if (isNumberToken(token) && grammar === VERSION_GRAMMAR) {
    if (!grammar.numeric.has(key)) invalid(`Only the '${pySet(grammar.numeric)}' attributes support comparison with numeric values.`, token);
    return numberOf(token);
  }
  return invalid(`Expected a quoted string value or a list of quoted string values for attributes. Got value ${token.text}`, token);
}

const pyListOf = (values: readonly string[]): string => `[${[...values].sort().map((v) => `'${v}'`).join(', ')}]`;

function checkComparator(grammar: RegistryGrammar, clause: RegistryClause, operator: Node): RegistryClause {
  const { type, key, comparator } = clause;
  if (type === 'tag') {
    if (!TAG_COMPARATORS.has(comparator)) invalid(`Invalid comparator '${comparator}' not one of '${pySet(TAG_COMPARATORS)}`, operator);
  } else if (!grammar.numeric.has(key)) {
    if (!STRING_COMPARATORS.has(comparator)) invalid(`Invalid comparator '${comparator}' not one of '${pySet(STRING_COMPARATORS)}'`, operator);
  } else if (!NUMERIC_COMPARATORS.has(comparator)) {
    invalid(`Invalid comparator '${comparator}' not one of '${pySet(STRING_COMPARATORS)}`, operator);
  }
  return clause;
}

function dialectFor(grammar: RegistryGrammar): FilterDialect<RegistryClause> {
  return {
    quoteInvalidClauses: false,
    clause({ identifier: left, comparator, operator, value: right }: Comparison): RegistryClause {
      if (right === undefined) invalid('Invalid comparison clause. Expected 3 tokens found 2', left);
      const { type, key } = identifier(grammar, left.text, left);
      const upper = comparator.toUpperCase();
      return checkComparator(grammar, { type, key, comparator: upper, value: value(grammar, type, key, right) }, operator);
    },
  };
}

export const parseRegisteredModelFilter = (filter: string): RegistryClause[] => parseFilterWith(dialectFor(MODEL_GRAMMAR), filter);
export const parseModelVersionFilter = (filter: string): RegistryClause[] => parseFilterWith(dialectFor(VERSION_GRAMMAR), filter);

function matches(lhs: string | number | undefined, tags: readonly KeyValue[] | undefined, { type, key, comparator, value: operand }: RegistryClause): boolean {
  const found = type === 'tag' ? tags?.find((tag) => tag.key === key)?.value : lhs;
  if (key === IS_PROMPT_TAG && found === undefined) return (comparator === '=' && operand === 'false') || (comparator === '!=' && operand === 'true');
  if (found === undefined) return false;
  if (typeof found === 'number') return compareNumber(comparator, found, operand as number);
  return compareString(comparator, found, operand as string | readonly string[]);
}

export function filterRegisteredModels(models: readonly RegisteredModel[], clauses: readonly RegistryClause[]): RegisteredModel[] {
  return models.filter((model) => clauses.every((clause) => matches(clause.key === 'name' ? model.name : undefined, model.tags, clause)));
}

function versionAttribute(version: ModelVersion, key: string): string | number | undefined {
  if (key === 'name') return version.name;
  if (key === 'run_id') return version.run_id;
  if (key === 'source_path') return version.source;
  if (key === 'version_number') return Number(version.version);
  return undefined;
}

/** Versions in the internal "Deleted_Internal" stage are never returned, as in MLflow. */
export function filterModelVersions(versions: readonly ModelVersion[], clauses: readonly RegistryClause[]): ModelVersion[] {
  return versions
    .filter((version) => version.current_stage !== 'Deleted_Internal')
    .filter((version) => clauses.every((clause) => matches(versionAttribute(version, clause.key), version.tags, clause)));
}
