import { type Token, tokenize } from './lexer.js';

/**
 * sqlparse's grouping of a token stream, reduced to what MLflow's filter grammar looks at
 * (sqlparse/engine/grouping.py, then `_join_in_comparison_tokens` in mlflow/utils/search_utils.py):
 * parentheses, dotted identifiers, `a <op> b` comparisons, and MLflow's own joining of
 * `IN (…)`, `NOT IN (…)`, `IS NULL` and `IS NOT NULL`.
 */
export type Node =
  | { readonly type: 'token'; readonly token: Token; readonly text: string; readonly start: number }
  | { readonly type: 'identifier'; readonly text: string; readonly start: number; readonly ordering?: string }
  | { readonly type: 'parenthesis'; readonly text: string; readonly start: number; readonly inner: readonly Token[] }
  | { readonly type: 'comparison'; readonly text: string; readonly start: number; readonly parts: readonly Node[] };

export function isKeyword(node: Node, word: string): boolean {
  return node.type === 'token' && node.token.kind === 'keyword' && node.token.text.toUpperCase() === word;
}

/** Splits on `;` as sqlparse.split does; a trailing `;` stays inside the last statement. */
export function splitStatements(text: string): Token[][] {
  const statements: Token[][] = [[]];
  for (const token of tokenize(text)) {
    statements[statements.length - 1]!.push(token);
    if (token.kind === 'punctuation' && token.text === ';') statements.push([]);
  }
  const last = statements[statements.length - 1]!;
  if (last.every((t) => t.kind === 'whitespace')) {
    statements.pop();
    if (statements.length > 0) statements[statements.length - 1]!.push(...last);
  }
  return statements;
}

/** Groups one statement's tokens into top-level nodes (whitespace dropped). */
export function groupStatement(source: string, tokens: readonly Token[]): Node[] {
  return joinInComparisons(groupComparisons(source, groupIdentifiers(source, groupParentheses(source, tokens))));
}

function span(source: string, start: number, end: number): string {
  return source.slice(start, end);
}

function endOf(node: Node): number {
  return node.start + node.text.length;
}

function tokenNode(token: Token): Node {
  return { type: 'token', token, text: token.text, start: token.start };
}

function groupParentheses(source: string, tokens: readonly Token[]): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'punctuation' && token.text === '(') {
      const close = matchingParenthesis(tokens, i);
      if (close !== undefined) {
        const last = tokens[close]!;
        out.push({ type: 'parenthesis', text: span(source, token.start, last.start + 1), start: token.start, inner: tokens.slice(i + 1, close) });
        i = close;
        continue;
      }
    }
    out.push(tokenNode(token));
  }
  return out;
}

function matchingParenthesis(tokens: readonly Token[], open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'punctuation') continue;
    if (token.text === '(') depth++;
    if (token.text === ')' && --depth === 0) return i;
  }
  return undefined;
}

const isNameLike = (node: Node | undefined): boolean =>
  node?.type === 'token' && (node.token.kind === 'name' || node.token.kind === 'symbol');
const isPeriod = (node: Node | undefined): boolean => node?.type === 'token' && node.token.kind === 'punctuation' && node.token.text === '.';

/** `name`, `"quoted"`, `` `ticked` `` and `a.b.c` chains (a trailing `.` stays in the identifier). */
function groupIdentifiers(source: string, nodes: readonly Node[]): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const first = nodes[i]!;
    if (!isNameLike(first)) {
      out.push(first);
      continue;
    }
    let end = i;
    while (isPeriod(nodes[end + 1])) {
      end++;
      if (isNameLike(nodes[end + 1])) end++;
      else break;
    }
    out.push({ type: 'identifier', text: span(source, first.start, endOf(nodes[end]!)), start: first.start });
    i = end;
  }
  return out;
}

const isOperand = (node: Node | undefined): boolean =>
  node !== undefined &&
  (node.type === 'identifier' || node.type === 'parenthesis' || (node.type === 'token' && ['string', 'integer', 'float'].includes(node.token.kind)));
const isWhitespace = (node: Node | undefined): boolean => node?.type === 'token' && node.token.kind === 'whitespace';

/** `operand <comparison operator> operand`, whitespace allowed around the operator. */
function groupComparisons(source: string, nodes: readonly Node[]): Node[] {
  const solid = nodes.filter((node) => !isWhitespace(node));
  const out: Node[] = [];
  for (let i = 0; i < solid.length; i++) {
    const [left, operator, right] = [solid[i], solid[i + 1], solid[i + 2]];
    if (isOperand(left) && operator?.type === 'token' && operator.token.kind === 'comparison' && isOperand(right)) {
      out.push({ type: 'comparison', text: span(source, left!.start, endOf(right!)), start: left!.start, parts: [left!, operator, right!] });
      i += 2;
    } else {
      out.push(left!);
    }
  }
  return out;
}

function comparisonOf(parts: readonly Node[], operator: string, operatorAt: Node): Node {
  const op: Node = { type: 'token', token: { kind: 'comparison', text: operator, start: operatorAt.start }, text: operator, start: operatorAt.start };
  const [first, , last] = parts;
  const withValue = last === undefined ? [first!, op] : [first!, op, last];
  return { type: 'comparison', text: withValue.map((p) => p.text).join(' '), start: first!.start, parts: withValue };
}

const isNotNull = (node: Node): boolean => node.type === 'token' && node.token.kind === 'keyword' && /^NOT\s+NULL$/i.test(node.text);

/**
 * MLflow's `_join_in_comparison_tokens`, including its way of walking: once it meets an
 * identifier it takes the next two (or three) nodes as one unit whether or not they form a
 * comparison, so the nodes it skips are never joined.
 */
function joinInComparisons(nodes: readonly Node[]): Node[] {
  const out: Node[] = [];
  let i = 0;
  while (i < nodes.length) {
    const first = nodes[i]!;
    if (nodes.length - i < 3) {
      out.push(...nodes.slice(i));
      break;
    }
    if (first.type !== 'identifier') {
      out.push(first);
      i++;
      continue;
    }
    const [second, third, fourth] = [nodes[i + 1]!, nodes[i + 2]!, nodes[i + 3]];
    if (isKeyword(second, 'IN') && third.type === 'parenthesis') {
      out.push(comparisonOf([first, second, third], 'IN', second));
      i += 3;
    } else if (isKeyword(second, 'IS') && (isKeyword(third, 'NULL') || isNotNull(third))) {
      out.push(comparisonOf([first, second], isNotNull(third) ? 'IS NOT NULL' : 'IS NULL', second));
      i += 3;
    } else if (fourth === undefined) {
      out.push(first, second, third);
      break;
    } else if (isKeyword(second, 'NOT') && isKeyword(third, 'IN') && fourth.type === 'parenthesis') {
      out.push(comparisonOf([first, second, fourth], 'NOT IN', second));
      i += 4;
    } else {
      out.push(first, second, third, fourth);
      i += 4;
    }
  }
  return out;
}
