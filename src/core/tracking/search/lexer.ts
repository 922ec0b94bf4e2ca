/**
 * A tokenizer for MLflow search filters that splits text the way MLflow's parser, sqlparse 0.5+,
 * does (sqlparse/keywords.py SQL_REGEX, matched case-insensitively at each position in order).
 * Only the rules a filter or an order_by clause can reach are kept; what sqlparse would lex as
 * something exotic (placeholders, JSON operators) falls through to `operator` or `error`, which
 * the grammar rejects as an invalid clause just as MLflow does.
 */

export type TokenKind =
  | 'whitespace'
  | 'comment'
  /** A bare or back-ticked name: `metrics`, `a`, `` `f1-score` ``. */
  | 'name'
  /** A double-quoted string, which sqlparse treats as a quoted name (String.Symbol). */
  | 'symbol'
  /** A single-quoted string literal (String.Single). */
  | 'string'
  | 'integer'
  | 'float'
  | 'hex'
  | 'keyword'
  /** ASC / DESC (Keyword.Order). */
  | 'order'
  /** `=`, `!=`, `<`, `>=`, …, `LIKE`, `ILIKE`, `NOT LIKE` (Operator.Comparison). */
  | 'comparison'
  | 'operator'
  | 'punctuation'
  | 'error';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Offset of the first character in the filter string. */
  readonly start: number;
}

/**
 * Words sqlparse lexes as keywords (it knows ~800; these are the ones a filter is likely to hit).
 * A keyword where a key is expected is not grouped into a comparison, so MLflow reports it as an
 * invalid clause.
 */
const KEYWORDS = new Set([
  'AND', 'OR', 'NOT', 'IS', 'NULL', 'IN', 'BETWEEN', 'EXISTS', 'KEY', 'TIMESTAMP', 'TRUE', 'FALSE',
  'SELECT', 'FROM', 'WHERE', 'AS', 'ON', 'BY', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'ALL', 'ANY',
  'SOME', 'UNION', 'JOIN', 'LIMIT', 'OFFSET', 'HAVING', 'INTO', 'VALUES', 'USING', 'DISTINCT',
  'ORDER', 'GROUP', 'TABLE', 'SET', 'UPDATE', 'DELETE', 'INSERT', 'CREATE', 'DROP', 'DATE', 'TIME',
]);

const WORD = String.raw`[\p{L}\p{N}\p{M}_]`;
const LETTER = String.raw`[A-Za-zÀ-ÖØ-öø-ÿ]`;

type RuleKind = TokenKind | 'word';

// Order matters: the first rule that matches at a position wins, as in sqlparse's lexer.
const RULES: readonly (readonly [RegExp, RuleKind])[] = [
  [/(--|# ).*?(\r\n|\r|\n|$)/y, 'comment'],
  [/\s/uy, 'whitespace'],
  [/`(``|[^`])*`/y, 'name'],
  [/(CASE|IN|VALUES|USING|FROM|AS)\b/iy, 'keyword'],
  [new RegExp(`${LETTER}${WORD}*(?=\\s*\\.(?!\\d))`, 'iuy'), 'name'],
  [new RegExp(`(?<=\\.)${LETTER}${WORD}*`, 'iuy'), 'name'],
  [/-?0x[\dA-F]+/iy, 'hex'],
  [/-?\d+(\.\d+)?E-?\d+/iy, 'float'],
  [new RegExp(`(?!_|${LETTER})-?(\\d+(\\.\\d*)|\\.\\d+)(?!_|${LETTER})`, 'iuy'), 'float'],
  [new RegExp(`(?!_|${LETTER})-?\\d+(?!_|${LETTER})`, 'iuy'), 'integer'],
  [/'(''|\\'|[^'])*'/y, 'string'],
  [/"(""|\\"|[^"])*"/y, 'symbol'],
  [/NOT\s+NULL\b/iy, 'keyword'],
  [/(ASC|DESC)\b/iy, 'order'],
  [/(NOT\s+)?(LIKE|ILIKE|RLIKE)\b/iy, 'comparison'],
  [new RegExp(`${WORD}[$#\\p{L}\\p{N}\\p{M}_]*`, 'uy'), 'word'],
  [/[;:()[\],.]/y, 'punctuation'],
  [/[<>=~!]+/y, 'comparison'],
  [/[+/@#%^&|-]+/y, 'operator'],
];

/** Splits a filter or order_by string into tokens; never throws (unknown characters become `error`). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < text.length) {
    const token = matchAt(text, position);
    tokens.push(token);
    position += token.text.length;
  }
  return tokens;
}

function matchAt(text: string, position: number): Token {
  for (const [pattern, kind] of RULES) {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (!match || match[0].length === 0) continue;
    return { kind: kind === 'word' ? wordKind(match[0]) : kind, text: match[0], start: position };
  }
  return { kind: 'error', text: String.fromCodePoint(text.codePointAt(position)!), start: position };
}

/** sqlparse's PROCESS_AS_KEYWORD: a keyword when the word is in its dictionaries, a name otherwise. */
function wordKind(word: string): TokenKind {
  return KEYWORDS.has(word.toUpperCase()) ? 'keyword' : 'name';
}
