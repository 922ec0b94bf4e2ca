import { TrackingError } from '../errors.js';
import { groupStatement, isKeyword, type Node, splitStatements } from './grouping.js';
import { parsePythonList, pyRepr } from './python.js';

/**
 * What the four MLflow filter grammars share (mlflow/utils/search_utils.py `parse_search_filter`,
 * `_process_statement`, `_strip_quotes`, `_parse_list_from_sql_token`). Each grammar (runs,
 * experiments, registered models, model versions) supplies how one comparison becomes a clause.
 */

export type ClauseValue = string | number | readonly string[] | null;

/** Raises MLflow's message, pointing at the token it is about when MLflow's text does not say where. */
export function invalid(message: string, at?: Node): never {
  throw new TrackingError('invalid-argument', at ? `${message} at position ${at.start + 1}: '${at.text}'` : message);
}

export interface Comparison {
  readonly identifier: Node;
  /** The operator as written (`like`, `NOT IN`, `IS NULL` are joined and normalized by MLflow). */
  readonly comparator: string;
  readonly operator: Node;
  /** Absent for IS NULL / IS NOT NULL. */
  readonly value?: Node;
}

export interface FilterDialect<C> {
  /** Runs quote each invalid clause ('OR'); the other searches join them bare (OR). */
  readonly quoteInvalidClauses: boolean;
  clause(comparison: Comparison): C;
}

/** The whole pipeline: sqlparse statement split, grouping, MLflow's AND-only check, then each clause. */
export function parseFilterWith<C>(dialect: FilterDialect<C>, filter: string | undefined): C[] {
  if (!filter) return [];
  const statements = splitStatements(filter);
  if (statements.length === 0) return [];
  if (statements.length > 1) invalid(`Search filter contained multiple expression ${pyRepr(filter)}. Provide AND-ed expression list.`);
  const nodes = groupStatement(filter, statements[0]!);
  const invalids = nodes.filter((node) => node.type !== 'comparison' && !isKeyword(node, 'AND'));
  if (invalids.length > 0) {
    const listed = invalids.map((node) => (dialect.quoteInvalidClauses ? `'${node.text}'` : node.text)).join(', ');
    invalid(`Invalid clause(s) in filter string: ${listed}`, invalids[0]);
  }
  return nodes.filter((node) => node.type === 'comparison').map((node) => dialect.clause(toComparison(node)));
}

function toComparison(node: Node): Comparison {
  if (node.type !== 'comparison') throw new Error('unreachable: only comparisons are left');
  const [identifier, operator, value] = node.parts as [Node, Node, Node | undefined];
  if (identifier.type !== 'identifier') invalid(`Invalid comparison clause. Expected 'Identifier' found '${identifier.text}'`, identifier);
  return { identifier, comparator: operator.text, operator, value };
}

const isQuoted = (value: string, quote: string): boolean => value.length >= 2 && value.startsWith(quote) && value.endsWith(quote);

/** `_trim_backticks`. */
export function trimBackticks(value: string): string {
  return isQuoted(value, '`') ? value.slice(1, -1) : value;
}

/** `_strip_quotes`: MLflow keeps the text between the quotes as is ('it''s' stays it''s). */
export function stripQuotes(value: string, at?: Node): string {
  if (isQuoted(value, "'") || isQuoted(value, '"')) return value.slice(1, -1);
  if (at === undefined) return value;
  return invalid(
    `Parameter value is either not quoted or unidentified quote types used for string value ${value}. Use either single or double quotes.`,
    at,
  );
}

/** `_get_identifier`'s split: entity before the first `.`, quoted key after it. */
export function splitIdentifier(text: string): { entity?: string; rawKey: string; key: string } {
  const dot = text.indexOf('.');
  const rawKey = dot < 0 ? text : text.slice(dot + 1);
  return { entity: dot < 0 ? undefined : text.slice(0, dot), rawKey, key: trimBackticks(stripQuotes(rawKey)) };
}

export const isStringToken = (node: Node): boolean => (node.type === 'token' && node.token.kind === 'string') || node.type === 'identifier';
export const isNumberToken = (node: Node): boolean => node.type === 'token' && (node.token.kind === 'integer' || node.token.kind === 'float');

/** Python's int()/float() of a numeric literal, as `_get_value` returns it. */
export function numberOf(node: Node): number {
  return Number(node.text);
}

/** `_parse_list_from_sql_token` with `_check_valid_identifier_list`'s messages. */
export function listOf(node: Node): readonly string[] {
  const parsed = parsePythonList(node.text);
  if (parsed.ok) return parsed.values;
  if (parsed.problem === 'empty') invalid('While parsing a list in the query, expected a non-empty list of string values, but got empty list', node);
  if (parsed.problem === 'not-strings') {
    invalid(`While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ${parsed.repr}`, node);
  }
  return invalid('While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.', node);
}
