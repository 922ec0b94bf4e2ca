import { invalid } from './grammar.js';
import { tokenize } from './lexer.js';

/**
 * One order_by string split as `SearchUtils._parse_order_by_string` does: sqlparse must see a
 * single identifier (optionally followed by ASC/DESC), then shlex splits it with backticks read
 * as double quotes.
 */
export function parseOrderByString(orderBy: string): { identifier: string; ascending: boolean } {
  const couldNotParse = (): never => invalid(`Invalid order_by clause '${orderBy}'. Could not be parsed.`);
  if (!isSingleIdentifier(orderBy)) couldNotParse();
  const words = shlexSplit(orderBy.replaceAll('`', '"'));
  if (words === undefined || words.length > 2) return couldNotParse();
  // One word: MLflow goes on with sqlparse's token as written, quotes and all, so `` `metrics.A` ``
  // is the entity '`metrics' (refused) while `` `metrics.A` DESC `` is shlex's unquoted metrics.A.
  if (words.length < 2) return { identifier: orderBy.trim(), ascending: true };
  const direction = words[1]!.toLowerCase();
  if (direction !== 'asc' && direction !== 'desc') invalid(`Invalid ordering key in order_by clause '${orderBy}'.`);
  return { identifier: words[0]!.trim(), ascending: direction === 'asc' };
}

/** sqlparse groups the whole string into one Identifier (or the builtin `timestamp`). */
function isSingleIdentifier(text: string): boolean {
  const tokens = tokenize(text);
  let i = 0;
  const isName = (k: number): boolean => tokens[k]?.kind === 'name' || tokens[k]?.kind === 'symbol';
  if (tokens[0]?.kind === 'keyword' && tokens[0].text.toUpperCase() === 'TIMESTAMP') i = 1;
  else {
    if (!isName(0)) return false;
    i = 1;
    while (tokens[i]?.text === '.' && isName(i + 1)) i += 2;
    if (tokens[i]?.text === '.') i++;
  }
  let sawSpace = false;
  while (tokens[i]?.kind === 'whitespace') {
    i++;
    sawSpace = true;
  }
  if (i === tokens.length) return !sawSpace;
  // Identifier followed by an alias name or by ASC/DESC: sqlparse keeps both in one Identifier.
  if (!sawSpace || (tokens[i]!.kind !== 'order' && tokens[i]!.kind !== 'name')) return false;
  return i + 1 === tokens.length;
}

/** Python's shlex.split (POSIX mode); undefined where shlex raises (an unclosed quote). */
export function shlexSplit(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word = `${word ?? ''}${char}`;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && ['\\', '"', '$', '`'].includes(text[i + 1] ?? '')) word = `${word ?? ''}${text[++i] ?? ''}`;
      else word = `${word ?? ''}${char}`;
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
    } else if (char === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else {
      word = (word ?? '') + char;
    }
  }
  if (quote !== undefined) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}
