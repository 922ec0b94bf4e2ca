/**
 * JSON Lines read as `pandas.read_json(path, lines=True)` would type them: the frame is built from
 * the records (columns in order of first appearance, absent keys missing), then every object column
 * whose values all pass Python's float() becomes float64 (booleans and numeric strings included),
 * float64 with no missing value and only whole numbers becomes int64, and columns named like dates
 * (`*_at`, `*_time`, `timestamp*`, `date`, `datetime`, `modified`) that parse as dates become
 * datetime64. A malformed line is named and left out; an incomplete last line (a log still being
 * written) too: the file is read up to its size when the read began.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { DriftProblem } from '../model';
import { GrowableFloat64, increment, objectKey, type StoredColumn, type ValueKind } from './column';
import { clip } from './csv';
import { parsePythonFloat } from './numbers';
import type { ReadOptions, TableRead } from './read';

export interface JsonlOptions extends ReadOptions {
  /** Nested objects as columns `parent.child` (pd.json_normalize's naming) instead of one object column. */
  readonly flatten?: boolean;
}

/** Seconds since the epoch at and below which read_json does not take a number for a date (its 's' min_stamp). */
const MIN_EPOCH_SECONDS = 31_536_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;

function isDateLikeName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith('_at') || lower.endsWith('_time') || lower === 'modified' || lower === 'date' || lower === 'datetime' || lower.startsWith('timestamp');
}

function kindOf(value: unknown): ValueKind {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

function keyOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return objectKey('number', String(value));
  if (typeof value === 'boolean') return objectKey('bool', value ? '1' : '0');
  return objectKey(Array.isArray(value) ? 'list' : 'dict', JSON.stringify(value));
}

class JsonColumn {
  private lane: 'empty' | 'number' | 'object' = 'empty';
  private readonly numbers = new GrowableFloat64();
  private infinite = 0;
  private notANumber = 0;
  private integral = true;
  private bools = 0;
  private nonBools = 0;
  private readonly counts = new Map<string, number>();
  present = 0;
  private first: ValueKind | undefined;
  private last: ValueKind | undefined;
  private dateStrings = 0;
  private epochs = 0;
  private notDates = 0;
  rescanBefore = 0;
  firstText: { line: number; text: string } | undefined;

  constructor(private readonly dateLike: boolean) {}

  add(row: number, line: number, value: unknown): void {
    this.present++;
    const kind = kindOf(value);
    this.first ??= kind;
    this.last = kind;
    if (this.dateLike) this.noteDate(value);
    if (this.lane === 'object') {
      increment(this.counts, keyOf(value));
      return;
    }
    const number = typeof value === 'number' ? value : typeof value === 'boolean' ? (value ? 1 : 0) : typeof value === 'string' ? parsePythonFloat(value) : undefined;
    if (number === undefined) {
      if (this.lane === 'number') {
        this.rescanBefore = row;
        this.firstText = { line, text: typeof value === 'string' ? value : JSON.stringify(value) };
      }
      this.lane = 'object';
      increment(this.counts, keyOf(value));
      return;
    }
    this.lane = 'number';
    if (typeof value === 'boolean') this.bools++;
    else this.nonBools++;
    if (Number.isNaN(number)) this.notANumber++;
    else if (!Number.isFinite(number)) this.infinite++;
    else {
      if (!Number.isInteger(number) || Math.abs(number) >= 2 ** 63) this.integral = false;
      this.numbers.push(number);
    }
  }

  private noteDate(value: unknown): void {
    if (typeof value === 'string' && ISO_DATE.test(value.trim())) this.dateStrings++;
    else if (typeof value === 'number' && value > MIN_EPOCH_SECONDS) this.epochs++;
    else this.notDates++;
  }

  addRescanned(value: unknown): void {
    increment(this.counts, keyOf(value));
  }

  finish(rows: number): StoredColumn {
    const missing = rows - this.present;
    if (this.dateLike && this.notDates === 0 && (this.dateStrings === 0 || this.epochs === 0)) {
      return { kind: 'opaque', dtype: 'datetime64[ns]', type: 'datetime', present: this.present, missing };
    }
    if (this.lane === 'object') return { kind: 'object', counts: this.counts, present: this.present, missing, first: this.first, last: this.last };
    const distinct = this.numbers.distinct();
    const values = this.numbers.finish();
    if (this.lane === 'number' && this.nonBools === 0 && missing === 0) return { kind: 'number', dtype: 'bool', values, ...(distinct ? { distinct } : {}), infinite: 0, missing: 0 };
    const whole = missing === 0 && this.notANumber === 0 && this.infinite === 0 && this.integral && this.lane === 'number';
    return { kind: 'number', dtype: whole ? 'int64' : 'float64', values, ...(distinct ? { distinct } : {}), infinite: this.infinite, missing: missing + this.notANumber };
  }
}

/** One record's columns: its own keys, or with `flatten` the leaves of nested objects as `a.b`. */
function entries(record: Record<string, unknown>, flatten: boolean, prefix = ''): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, value] of Object.entries(record)) {
    const name = prefix + key;
    if (flatten && value !== null && typeof value === 'object' && !Array.isArray(value)) out.push(...entries(value as Record<string, unknown>, true, `${name}.`));
    else out.push([name, value]);
  }
  return out;
}

type LineHandler = (text: string, line: number, last: boolean) => boolean | void;

/** Calls `handle` for each line of the file's first `size` bytes; stops when it returns true. */
async function eachLine(path: string, size: number, signal: AbortSignal | undefined, handle: LineHandler): Promise<void> {
  if (size === 0) return;
  const stream = createReadStream(path, { start: 0, end: size - 1, highWaterMark: 1 << 20, signal });
  let rest = '';
  let line = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = rest + chunk.toString('utf8');
      let from = 0;
      for (let nl = text.indexOf('\n', from); nl !== -1; nl = text.indexOf('\n', from)) {
        if (handle(text.slice(from, nl), ++line, false) === true) return;
        from = nl + 1;
      }
      rest = text.slice(from);
    }
    if (rest.length > 0) handle(rest, ++line, true);
  } finally {
    stream.destroy();
  }
}

/** The record on a line, undefined for a blank one, or a problem. */
type Parsed = { readonly record: Record<string, unknown> } | { readonly problem: DriftProblem } | undefined;

function parseLine(text: string, line: number, last: boolean): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    if (last) return { problem: { reason: 'incomplete-last-line', line, message: `line ${line} is incomplete (no line end, not valid JSON): the file may still be being written; the line was left out` } };
    return { problem: { reason: 'malformed-line', line, message: `line ${line} is not valid JSON (${(error as Error).message}): the line was left out` } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problem: { reason: 'malformed-line', line, message: `line ${line} holds ${Array.isArray(value) ? 'an array' : clip(JSON.stringify(value))}, not a JSON object: the line was left out` } };
  }
  return { record: value as Record<string, unknown> };
}

export async function readJsonl(path: string, options: JsonlOptions = {}): Promise<TableRead> {
  const size = (await stat(path)).size;
  const names: string[] = [];
  const builders = new Map<string, JsonColumn | undefined>();
  const problems: DriftProblem[] = [];
  let rows = 0;
  const flatten = options.flatten ?? false;
  await eachLine(path, size, options.signal, (text, line, last) => {
    const parsed = parseLine(text, line, last);
    if (parsed === undefined) return;
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      return;
    }
    for (const [name, value] of entries(parsed.record, flatten)) {
      let builder = builders.get(name);
      if (!builders.has(name)) {
        names.push(name);
        builder = options.columns && !options.columns.has(name) ? undefined : new JsonColumn(isDateLikeName(name));
        builders.set(name, builder);
      }
      if (builder && value !== null) builder.add(rows, line, value);
    }
    rows++;
  });
  if (size === 0) problems.push({ reason: 'empty-file', message: `${path} is empty` });
  await rescan(path, size, options.signal, builders, flatten);
  const columns = new Map<string, StoredColumn>();
  for (const name of names) {
    const builder = builders.get(name);
    if (!builder) continue;
    if (builder.firstText) {
      const { line, text } = builder.firstText;
      problems.push({ reason: 'non-numeric', column: name, line, message: `column '${name}' holds numbers and text ('${clip(text)}' on line ${line}): pandas reads it as text, so it is compared as categories` });
    }
    columns.set(name, builder.finish(rows));
  }
  return { format: 'jsonl', reader: 'ml-workbench JSON Lines reader', rows, names, columns, problems };
}

/** Re-reads the values of rows before each column turned to text, as the keys pandas would count. */
async function rescan(path: string, size: number, signal: AbortSignal | undefined, builders: ReadonlyMap<string, JsonColumn | undefined>, flatten: boolean): Promise<void> {
  const targets = [...builders].filter((e): e is [string, JsonColumn] => e[1] !== undefined && e[1].rescanBefore > 0);
  if (targets.length === 0) return;
  const limit = Math.max(...targets.map(([, b]) => b.rescanBefore));
  let row = 0;
  await eachLine(path, size, signal, (text, line, last) => {
    const parsed = parseLine(text, line, last);
    if (parsed === undefined || 'problem' in parsed) return;
    const record = new Map(entries(parsed.record, flatten));
    for (const [name, builder] of targets) {
      const value = record.get(name);
      if (row < builder.rescanBefore && value !== undefined && value !== null) builder.addRescanned(value);
    }
    row++;
    return row >= limit;
  });
}
