/**
 * Splits a command line into words by the POSIX shell's quoting rules (XCU 2.2–2.3), for the one
 * case that can be run without a shell: a single simple command. Anything a shell would do beyond
 * quote removal — operators (`&&`, `|`, `;`, redirections), expansions (`$x`, `$(…)`, backquotes,
 * `*`/`?` globs, `~user`), several lines — is reported instead of guessed at.
 */

export interface ShellWord {
  readonly value: string;
  /** Set when the word is a variable assignment (`NAME=value` with NAME unquoted). */
  readonly assignment?: { readonly name: string; readonly value: string };
}

export type ShellSplit =
  | { readonly ok: true; readonly words: readonly ShellWord[] }
  | { readonly ok: false; readonly feature: string };

export interface SplitOptions {
  /** Expands an unquoted leading `~` or `~/`; without it, a tilde is reported as an expansion. */
  readonly home?: string;
}

const OPERATORS = new Set(['&', '|', ';', '<', '>', '(', ')']);

export function splitShellWords(text: string, options: SplitOptions = {}): ShellSplit {
  const words: ShellWord[] = [];
  let value = '';
  let inWord = false;
  /** Length of `value` before the first quoted or escaped character: an assignment's name must lie before it. */
  let unquotedPrefix = Infinity;
  const quoted = (): void => {
    if (unquotedPrefix === Infinity) unquotedPrefix = value.length;
  };
  const endWord = (): void => {
    if (!inWord) return;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(value);
    const assignment = match && match[0].length <= unquotedPrefix ? { name: match[1]!, value: value.slice(match[0].length) } : undefined;
    words.push(assignment ? { value, assignment } : { value });
    value = '';
    inWord = false;
    unquotedPrefix = Infinity;
  };
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '\\') {
      if (text[i + 1] === '\n') {
        i += 2;
        continue;
      }
      if (i + 1 >= text.length) return unsupported('a trailing backslash');
      quoted();
      value += text[i + 1];
      inWord = true;
      i += 2;
    } else if (char === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return unsupported('an unterminated single quote');
      quoted();
      value += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (char === '"') {
      const result = doubleQuoted(text, i + 1);
      if ('feature' in result) return unsupported(result.feature);
      quoted();
      value += result.value;
      inWord = true;
      i = result.end;
    } else if (char === ' ' || char === '\t') {
      endWord();
      i += 1;
    } else if (char === '\n') {
      endWord();
      if (text.slice(i).trim() !== '' && words.length > 0) return unsupported('several commands on separate lines');
      i += 1;
    } else if (char === '#' && !inWord) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (OPERATORS.has(char)) {
      return unsupported(operatorName(text, i));
    } else if (char === '$' || char === '`') {
      const expansion = expansionName(text, i);
      if (expansion) return unsupported(expansion);
      value += char;
      inWord = true;
      i += 1;
    } else if (char === '*' || char === '?') {
      return unsupported(`the pathname pattern "${char}"`);
    } else if (char === '~' && (!inWord || (unquotedPrefix === Infinity && /^[A-Za-z_][A-Za-z0-9_]*=$/.test(value)))) {
      const rest = /^[^\s/;&|<>()'"\\]*/.exec(text.slice(i + 1))![0];
      if (rest !== '' || options.home === undefined) return unsupported('tilde expansion');
      value += options.home;
      inWord = true;
      i += 1;
    } else {
      value += char;
      inWord = true;
      i += 1;
    }
  }
  endWord();
  return { ok: true, words };
}

/** Inside double quotes `\` escapes only $ ` " \ and newline; `$` and backquotes still expand. */
function doubleQuoted(text: string, start: number): { value: string; end: number } | { feature: string } {
  let value = '';
  let i = start;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"') return { value, end: i + 1 };
    if (char === '\\' && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1]!)) {
      if (text[i + 1] !== '\n') value += text[i + 1];
      i += 2;
    } else if (char === '$' || char === '`') {
      const expansion = expansionName(text, i);
      if (expansion) return { feature: expansion };
      value += char;
      i += 1;
    } else {
      value += char;
      i += 1;
    }
  }
  return { feature: 'an unterminated double quote' };
}

/** A `$` starts an expansion unless nothing that could be expanded follows it. */
function expansionName(text: string, at: number): string | undefined {
  if (text[at] === '`') return 'command substitution (`…`)';
  const next = text[at + 1] ?? '';
  if (next === '(') return 'command substitution $(…)';
  if (next === '{' || /[A-Za-z_0-9@*#?$!-]/.test(next)) return 'parameter expansion ($…)';
  if (next === "'") return "ANSI-C quoting ($'…')";
  return undefined;
}

function operatorName(text: string, at: number): string {
  const two = text.slice(at, at + 2);
  if (two === '&&' || two === '||') return `the "${two}" operator`;
  const char = text[at]!;
  if (char === '|') return 'a pipeline (|)';
  if (char === ';' || char === '&') return `the "${char}" operator`;
  if (char === '<' || char === '>') return 'a redirection';
  return 'a subshell';
}

const unsupported = (feature: string): ShellSplit => ({ ok: false, feature });
