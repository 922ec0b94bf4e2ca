/**
 * CSV, TSV and JSON Lines files as tables of records: the header (CSV/TSV) or the keys of the
 * first records (JSON Lines), and how one record's text becomes values.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Values } from './model.js';
import { NEED_MORE, RecordReader } from './records.js';
import { splitFields } from './values.js';

export type LineFormat = 'csv' | 'tsv' | 'jsonl';

/** Records of a JSON Lines file whose keys name its columns. */
const JSONL_SAMPLE = 1000;

export interface LineTable {
  readonly format: LineFormat;
  readonly columns: readonly string[];
  /** The header record's bytes (CSV/TSV), to tell whether two files' rows compare byte for byte. */
  readonly header?: Buffer;
  /** A reader positioned at the first data record. */
  readonly reader: RecordReader;
  parse(text: string): Values;
  keyOf(values: Values, column: string): string;
  /** Why a record is not a row (a ragged CSV row, a line that is not a JSON object), else undefined. */
  invalid(text: string): string | undefined;
}

export function delimiterOf(format: LineFormat): number {
  return format === 'tsv' ? 0x09 : 0x2c;
}

export async function nextRecord(reader: RecordReader): Promise<boolean> {
  for (;;) {
    if (reader.next() !== NEED_MORE) return true;
    if (reader.done || !(await reader.fill())) return false;
  }
}

export async function openLineTable(file: FileHandle, format: LineFormat, chunk?: number): Promise<LineTable> {
  const quoted = format !== 'jsonl';
  const reader = new RecordReader(file, { quoted, ...(chunk ? { chunk } : {}) });
  if (format === 'jsonl') {
    const columns = await sampleKeys(new RecordReader(file, { quoted: false, chunk: 1 << 16 }));
    return { format, columns, reader, parse: parseJsonRecord, keyOf: keyText, invalid: invalidJson };
  }
  const delimiter = delimiterOf(format);
  const columns = (await nextRecord(reader)) ? splitFields(reader.buffer, reader.recordStart, reader.recordEnd, delimiter) : [];
  const header = Buffer.from(reader.buffer.subarray(reader.recordStart, reader.recordEnd));
  const parse = (text: string): Values => {
    const cells = splitFields(Buffer.from(text, 'utf8'), 0, Buffer.byteLength(text), delimiter);
    const values: Record<string, unknown> = {};
    columns.forEach((name, i) => (values[name] = cells[i]));
    return values;
  };
  const invalid = (text: string): string | undefined => {
    const count = splitFields(Buffer.from(text, 'utf8'), 0, Buffer.byteLength(text), delimiter).length;
    return count === columns.length ? undefined : `${count} fields, but the header has ${columns.length}`;
  };
  return { format, columns, header, reader, parse, keyOf: (values, column) => String(values[column] ?? ''), invalid };
}

async function sampleKeys(reader: RecordReader): Promise<string[]> {
  const keys = new Set<string>();
  for (let n = 0; n < JSONL_SAMPLE && (await nextRecord(reader)); n++) {
    for (const key of Object.keys(parseJsonRecord(reader.buffer.toString('utf8', reader.recordStart, reader.recordEnd)))) keys.add(key);
  }
  return [...keys];
}

/** A JSON Lines record's values: an object's own keys, anything else as `value`; {} when not JSON. */
export function parseJsonRecord(text: string): Values {
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Values) : { value };
  } catch {
    return {};
  }
}

function invalidJson(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : 'not a JSON object';
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
}

function keyText(values: Values, column: string): string {
  const value = values[column];
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}
