/**
 * `models:/…` URIs written in Python source (`mlflow.pyfunc.load_model("models:/iris@champion")`),
 * with where they are, for hovers, CodeLens and diagnostics. Only string literals count (a URI in a
 * comment is prose); a URI built at run time (`f"models:/{name}/1"`) cannot be checked and is left out.
 */
import type { DeployError } from './errors.js';
import { type ModelUri, tryParseModelUri } from './modelUri.js';
import { pythonStrings, type PythonString } from './pythonStrings.js';

/** 0-based line and UTF-16 column, as VS Code counts them. */
export interface TextPosition {
  readonly line: number;
  readonly character: number;
}

export interface TextRange {
  readonly start: TextPosition;
  readonly end: TextPosition;
}

export interface ModelUriOccurrence {
  readonly text: string;
  /** Offsets of the URI in the source. */
  readonly start: number;
  readonly end: number;
  readonly range: TextRange;
  /** The parsed URI, or why MLflow would refuse it. */
  readonly parsed: ModelUri | DeployError;
}

const MARKER = 'models:/';
/** Characters that end a URI written inside prose (`"see models:/iris/1, then…"`). */
const TRAILING = /[.,;:!?)\]}>'"]+$/;

export function findModelUris(source: string): ModelUriOccurrence[] {
  const lines = lineStarts(source);
  const found: ModelUriOccurrence[] = [];
  for (const literal of pythonStrings(source)) {
    for (const [from, to] of urisIn(literal)) {
      const text = literal.content.slice(from, to);
      const parsed = tryParseModelUri(text);
      if (parsed === undefined || isPlaceholder(text)) continue;
      const start = literal.contentStart + from;
      const end = literal.contentStart + to;
      found.push({ text, start, end, range: { start: positionAt(lines, start), end: positionAt(lines, end) }, parsed });
    }
  }
  return found;
}

/** [from, to) of each URI in a literal's content. */
function urisIn(literal: PythonString): (readonly [number, number])[] {
  const { content } = literal;
  const spans: (readonly [number, number])[] = [];
  let at = content.indexOf(MARKER);
  while (at >= 0) {
    const next = content.indexOf(MARKER, at + MARKER.length);
    const span = uriSpan(literal, at, next < 0 ? content.length : next);
    if (span) spans.push(span);
    at = next;
  }
  return spans;
}

function uriSpan(literal: PythonString, from: number, limit: number): readonly [number, number] | undefined {
  const { content } = literal;
  if (from > 0 && /[A-Za-z0-9_]/.test(content[from - 1]!)) return undefined;
  const field = literal.fields.find(([start]) => start >= from && start < limit);
  // The whole literal is the URI: a registered name may hold spaces ("models:/Churn Model/3").
  const whole = from === 0 && content.indexOf(MARKER, MARKER.length) < 0 && !field;
  let to: number;
  if (whole) {
    to = content.trimEnd().length;
  } else {
    const space = /\s/.exec(content.slice(from, limit));
    to = space ? from + space.index : limit;
    to = from + content.slice(from, to).replace(TRAILING, '').length;
  }
  // Built at run time, or written with escapes we would have to decode: not checkable as written.
  if (field && field[0] < to) return undefined;
  if (content.slice(from, to).includes('\\')) return undefined;
  // The bare prefix (`uri.startswith("models:/")`) is code about URIs, not one.
  return to > from + MARKER.length ? [from, to] : undefined;
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let index = source.indexOf('\n'); index >= 0; index = source.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

function positionAt(starts: readonly number[], offset: number): TextPosition {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low, character: offset - starts[low]! };
}

/**
 * A URI written as a pattern in help text or a docstring (`models:/NAME/VERSION`,
 * `models:/<name>@<alias>`, `models:/{name}/1`): not a model to look up.
 */
const PLACEHOLDER_WORDS = /^(NAME|MODEL|MODEL_NAME|REGISTERED_MODEL|VERSION|ALIAS|STAGE|SUFFIX)$/;

function isPlaceholder(uri: string): boolean {
  const parts = uri.slice(MARKER.length).split(/[/@]/).filter(Boolean);
  return parts.some((part) => /[<>{}]/.test(part)) || (parts.length > 0 && parts.every((part) => PLACEHOLDER_WORDS.test(part)));
}
