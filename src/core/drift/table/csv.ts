/**
 * CSV and TSV read as `pandas.read_csv(path)` / `read_csv(path, sep='\t')` would type them: a column
 * of integers with no missing value is int64, numbers otherwise float64 (all-missing too), only
 * True/False tokens bool (object when some are missing), anything else object of the raw strings.
 * One pass keeps numbers in a Float64Array; a column that turns out to hold text after numbers is
 * re-read up to that row for the raw strings (pandas counts "1.0" and "1" apart there).
 */
import { createReadStream } from 'node:fs';
import type { DriftProblem } from '../model';
import { GrowableFloat64, increment, objectKey, type StoredColumn } from './column';
import { DelimitedTokenizer, fieldText, type FieldSink } from './csvTokenizer';
import { lastWasInteger, parseFieldNumber } from './numbers';
import type { ReadOptions, TableRead } from './read';

/** pandas' default `na_values` (plus the empty field). */
const NA_VALUES = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);
const TRUE_VALUES = new Set(['True', 'TRUE', 'true']);
const FALSE_VALUES = new Set(['False', 'FALSE', 'false']);
const BOOL_TOKENS = new Set([...TRUE_VALUES, ...FALSE_VALUES]);
const MAX_NA_LENGTH = 9;

/** The first bytes pandas' NA markers start with: other fields need no string to be told apart. */
const NA_FIRST_BYTES = new Uint8Array(256);
for (const v of NA_VALUES) if (v !== '') NA_FIRST_BYTES[v.charCodeAt(0)] = 1;

const TOKENS = [...BOOL_TOKENS];
const TOKEN_BYTES = TOKENS.map((t) => Buffer.from(t, 'latin1'));

/** One of pandas' true/false tokens, compared on the bytes (no string per field). */
function boolToken(buffer: Buffer, start: number, end: number): string | undefined {
  const length = end - start;
  if (length !== 4 && length !== 5) return undefined;
  for (let i = 0; i < TOKEN_BYTES.length; i++) if (TOKEN_BYTES[i]!.length === length && sameBytes(TOKEN_BYTES[i]!, buffer, start)) return TOKENS[i];
  return undefined;
}

function isMissing(buffer: Buffer, start: number, end: number): boolean {
  if (end === start) return true;
  if (end - start > MAX_NA_LENGTH || NA_FIRST_BYTES[buffer[start]!] === 0) return false;
  return NA_VALUES.has(buffer.toString('latin1', start, end));
}

/**
 * Distinct field values by their bytes, so a column of a few categories costs a hash and a byte
 * comparison per field instead of a decoded string. Stops taking new values past `limit`
 * (a text column), after which values are decoded.
 */
function sameBytes(known: Buffer, buffer: Buffer, start: number): boolean {
  for (let i = 0; i < known.length; i++) if (known[i] !== buffer[start + i]) return false;
  return true;
}

class ByteInterner {
  private readonly table = new Map<number, number[]>();
  private readonly bytes: Buffer[] = [];
  readonly keys: string[] = [];
  readonly counts: number[] = [];

  constructor(private readonly limit = 4096) {}

  /** Counts the value; false when it is new and the table is full. */
  count(buffer: Buffer, start: number, end: number, escaped: boolean): boolean {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ buffer[i]!, 0x01000193);
    const bucket = this.table.get(hash);
    if (bucket) {
      for (const id of bucket) {
        const known = this.bytes[id]!;
        if (known.length === end - start && sameBytes(known, buffer, start)) {
          this.counts[id]!++;
          return true;
        }
      }
    }
    if (this.keys.length >= this.limit) return false;
    const id = this.keys.length;
    this.bytes.push(Buffer.from(buffer.subarray(start, end)));
    this.keys.push(fieldText(buffer, start, end, escaped));
    this.counts.push(1);
    if (bucket) bucket.push(id);
    else this.table.set(hash, [id]);
    return true;
  }
}

/** One column's state while reading: numbers until a non-number, then raw strings. */
class DelimitedColumn {
  private lane: 'empty' | 'number' | 'bool' | 'object' = 'empty';
  private readonly numbers = new GrowableFloat64();
  private infinite = 0;
  private integers = true;
  private readonly tokens = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  private readonly interner = new ByteInterner();
  private present = 0;
  missing = 0;
  /** Rows before this one held numbers that must be re-read as strings. */
  rescanBefore = 0;
  /** The first value that is not a number in a column that held numbers, for the problem report. */
  firstText: { line: number; text: string; numbersBefore: number } | undefined;

  add(row: number, line: number, buffer: Buffer, start: number, end: number, escaped: boolean): void {
    if (end === start) {
      this.missing++;
      return;
    }
    if (this.lane === 'object') {
      if (isMissing(buffer, start, end)) this.missing++;
      else {
        this.present++;
        if (!this.interner.count(buffer, start, end, escaped)) increment(this.counts, fieldText(buffer, start, end, escaped));
      }
      return;
    }
    // No NA marker reads as a number, so a number needs no NA check.
    const number = this.lane === 'bool' ? undefined : parseFieldNumber(buffer, start, end);
    if (number !== undefined) {
      this.present++;
      this.lane = 'number';
      if (!lastWasInteger()) this.integers = false;
      if (Number.isFinite(number)) this.numbers.push(number);
      else this.infinite++;
      return;
    }
    if (isMissing(buffer, start, end)) {
      this.missing++;
      return;
    }
    this.present++;
    const token = this.lane === 'number' ? undefined : boolToken(buffer, start, end);
    if (token !== undefined) {
      this.lane = 'bool';
      increment(this.tokens, token);
      return;
    }
    this.toObject(row, line, fieldText(buffer, start, end, escaped));
  }

  addMissing(): void {
    this.missing++;
  }

  private toObject(row: number, line: number, text: string): void {
    if (this.lane === 'number') {
      this.rescanBefore = row;
      this.firstText = { line, text, numbersBefore: this.numbers.length + this.infinite };
    }
    for (const [token, count] of this.tokens) increment(this.counts, token, count);
    this.tokens.clear();
    this.lane = 'object';
    increment(this.counts, text);
  }

  /** The raw string of a value seen before the column turned to text (the second pass). */
  addRescanned(buffer: Buffer, start: number, end: number, escaped: boolean): void {
    if (!isMissing(buffer, start, end)) increment(this.counts, fieldText(buffer, start, end, escaped));
  }

  finish(): StoredColumn {
    switch (this.lane) {
      case 'empty':
        return { kind: 'number', dtype: 'float64', values: this.numbers.finish(), distinct: new Map(), infinite: 0, missing: this.missing };
      case 'number': {
        const dtype = this.integers && this.missing === 0 ? 'int64' : 'float64';
        const distinct = this.numbers.distinct();
        return { kind: 'number', dtype, values: this.numbers.finish(), ...(distinct ? { distinct } : {}), infinite: this.infinite, missing: this.missing };
      }
      case 'bool': {
        const trues = [...this.tokens].filter(([t]) => TRUE_VALUES.has(t)).reduce((a, [, c]) => a + c, 0);
        if (this.missing === 0) {
          const values = new Float64Array(this.present);
          values.fill(1, 0, trues);
          const distinct = new Map([[1, trues], [0, this.present - trues]].filter(([, c]) => c! > 0) as [number, number][]);
          return { kind: 'number', dtype: 'bool', values, distinct, infinite: 0, missing: 0 };
        }
        // read_csv leaves True/False with NaN as an object column of Python bools.
        const counts = new Map<string, number>();
        if (trues > 0) counts.set(objectKey('bool', '1'), trues);
        if (this.present - trues > 0) counts.set(objectKey('bool', '0'), this.present - trues);
        return { kind: 'object', counts, present: this.present, missing: this.missing, first: 'bool', last: 'bool' };
      }
      case 'object':
        this.interner.keys.forEach((key, id) => increment(this.counts, key, this.interner.counts[id]));
        return { kind: 'object', counts: this.counts, present: this.present, missing: this.missing, first: 'string', last: 'string' };
    }
  }
}

/** pandas' column names: blanks become "Unnamed: i", repeats get ".1", ".2", … */
export function mangleNames(raw: readonly string[]): string[] {
  const seen = new Map<string, number>();
  const names = raw.map((name, i) => (name === '' ? `Unnamed: ${i}` : name));
  const taken = new Set(names);
  return names.map((name) => {
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    if (count === 0) return name;
    let candidate = `${name}.${count}`;
    for (let k = count; taken.has(candidate); k++) candidate = `${name}.${k + 1}`;
    taken.add(candidate);
    return candidate;
  });
}

/** The byte ranges of the current row's fields (typed arrays reused row after row: no allocation per field). */
class RowFields {
  buffer: Buffer = Buffer.alloc(0);
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  escaped = new Uint8Array(64);

  set(index: number, buffer: Buffer, start: number, end: number, escaped: boolean): void {
    if (index >= this.starts.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.escaped = grow(this.escaped);
    }
    this.buffer = buffer;
    this.starts[index] = start;
    this.ends[index] = end;
    this.escaped[index] = escaped ? 1 : 0;
  }
}

class Reader implements FieldSink {
  header: string[] | undefined;
  readonly rawHeader: string[] = [];
  builders: (DelimitedColumn | undefined)[] = [];
  rows = 0;
  line = 0;
  readonly problems: DriftProblem[] = [];
  private readonly fields = new RowFields();

  constructor(private readonly only: ReadonlySet<string> | undefined) {}

  field(index: number, buffer: Buffer, start: number, end: number, _quoted: boolean, escaped: boolean): void {
    if (!this.header) {
      let text = fieldText(buffer, start, end, escaped);
      if (index === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.rawHeader.push(text);
      return;
    }
    if (index < this.builders.length) this.fields.set(index, buffer, start, end, escaped);
  }

  endRow(count: number, line: number): void {
    if (!this.header) {
      this.header = mangleNames(this.rawHeader);
      this.builders = this.header.map((name) => (this.only && !this.only.has(name) ? undefined : new DelimitedColumn()));
      return;
    }
    const width = this.header.length;
    if (count > width) {
      this.problems.push({ reason: 'ragged-line', line, message: `line ${line} has ${count} fields where the header has ${width}: the line was left out` });
      return;
    }
    const f = this.fields;
    for (let i = 0; i < width; i++) {
      const builder = this.builders[i];
      if (!builder) continue;
      if (i < count) builder.add(this.rows, line, f.buffer, f.starts[i]!, f.ends[i]!, f.escaped[i] === 1);
      else builder.addMissing();
    }
    this.rows++;
  }
}

/** Feeds the raw strings of rows before each column's switch to text back into that column. */
class Rescanner implements FieldSink {
  private row = -1;
  private readonly limit: number;
  private readonly fields = new RowFields();
  constructor(private readonly targets: ReadonlyMap<number, DelimitedColumn>, private readonly width: number) {
    this.limit = Math.max(...[...targets.values()].map((b) => b.rescanBefore));
  }
  get done(): boolean {
    return this.row >= this.limit;
  }
  field(index: number, buffer: Buffer, start: number, end: number, _quoted: boolean, escaped: boolean): void {
    if (index < this.width) this.fields.set(index, buffer, start, end, escaped);
  }
  endRow(count: number): void {
    if (this.row >= 0 && count > this.width) return;
    if (this.row >= 0) {
      const f = this.fields;
      for (const [i, builder] of this.targets) {
        if (this.row < builder.rescanBefore && i < count) builder.addRescanned(f.buffer, f.starts[i]!, f.ends[i]!, f.escaped[i] === 1);
      }
    }
    this.row++;
  }
}

async function tokenize(path: string, delimiter: string, sink: FieldSink, signal: AbortSignal | undefined, stop?: () => boolean): Promise<number> {
  const tokenizer = new DelimitedTokenizer(delimiter.charCodeAt(0), sink);
  let bytes = 0;
  const stream = createReadStream(path, { highWaterMark: 4 << 20, signal });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      tokenizer.push(chunk);
      if (stop?.()) return bytes;
    }
    tokenizer.end();
  } finally {
    stream.destroy();
  }
  return bytes;
}

export async function readDelimited(path: string, delimiter: ',' | '\t', options: ReadOptions = {}): Promise<TableRead> {
  const reader = new Reader(options.columns);
  const bytes = await tokenize(path, delimiter, reader, options.signal);
  const format = delimiter === ',' ? 'csv' : 'tsv';
  if (bytes === 0 || !reader.header) {
    return { format, reader: 'ml-workbench delimited-text reader', rows: 0, names: [], columns: new Map(), problems: [{ reason: 'empty-file', message: `${path} is empty: no header line` }] };
  }
  const names = reader.header;
  const rescans = new Map<number, DelimitedColumn>();
  reader.builders.forEach((b, i) => b && b.rescanBefore > 0 && rescans.set(i, b));
  if (rescans.size > 0) {
    const rescanner = new Rescanner(rescans, names.length);
    await tokenize(path, delimiter, rescanner, options.signal, () => rescanner.done);
  }
  const problems = [...reader.problems];
  const columns = new Map<string, StoredColumn>();
  names.forEach((name, i) => {
    const builder = reader.builders[i];
    if (!builder) return;
    if (builder.firstText) {
      const { line, text, numbersBefore } = builder.firstText;
      problems.push({ reason: 'non-numeric', column: name, line, message: `column '${name}' holds numbers (${numbersBefore} before line ${line}) and text ('${clip(text)}' on line ${line}): pandas reads it as text, so it is compared as categories` });
    }
    columns.set(name, builder.finish());
  });
  return { format, reader: 'ml-workbench delimited-text reader', rows: reader.rows, names, columns, problems };
}

export function clip(text: string, max = 40): string {
  const oneLine = text.replace(/[\r\n\t]+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
