/**
 * Per-column stats of a CSV/TSV/JSON Lines file in one streaming pass. CSV cells are typed from
 * their bytes (numbers without making strings); a row with more or fewer fields than the header
 * is a problem (pandas refuses it too) and is left out of the stats.
 */
import type { FileHandle } from 'node:fs/promises';
import { nextRecord, openLineTable, delimiterOf, parseJsonRecord, type LineFormat } from './lineTable.js';
import type { TableProblem } from './model.js';
import type { RecordReader } from './records.js';
import { ColumnAccumulator, type ColumnStats } from './stats.js';
import { hasQuote, MISSING, numberAt, slowNumber, splitFields } from './values.js';

export interface StatsResult {
  readonly columns: readonly ColumnStats[];
  readonly rows: number;
  readonly problems: TableProblem[];
  readonly problemCount: number;
}

const MAX_PROBLEMS = 20;

export async function lineStats(file: FileHandle, format: LineFormat, side: 'before' | 'after', signal?: AbortSignal): Promise<StatsResult> {
  const table = await openLineTable(file, format);
  const problems: TableProblem[] = [];
  let problemCount = 0;
  const problem = (line: number, message: string): void => {
    if (problemCount++ < MAX_PROBLEMS) problems.push({ side, line, message });
  };
  if (format === 'jsonl') return jsonStats(table.reader, problem, () => problemCount, problems, signal);
  const columns = table.columns.map((name) => new ColumnAccumulator(name));
  const delimiter = delimiterOf(format);
  const reader = table.reader;
  const cells: string[] = [];
  let rows = 0;
  while (await nextRecord(reader)) {
    if (++rows % 65536 === 0) signal?.throwIfAborted();
    const { buffer, recordStart: start, recordEnd: end } = reader;
    if (start === end) {
      rows--;
      continue;
    }
    if (hasQuote(buffer, start, end)) {
      splitFields(buffer, start, end, delimiter, cells);
      if (cells.length !== columns.length) {
        problem(reader.recordLine, `${cells.length} fields, but the header has ${columns.length}`);
        continue;
      }
      cells.forEach((cell, i) => addCell(columns[i]!, cell));
      continue;
    }
    const count = countFields(buffer, start, end, delimiter);
    if (count !== columns.length) {
      problem(reader.recordLine, `${count} fields, but the header has ${columns.length}`);
      continue;
    }
    let from = start;
    for (let i = 0; i < columns.length; i++) {
      let to = buffer.indexOf(delimiter, from);
      if (to < 0 || to > end) to = end;
      addBytes(columns[i]!, buffer, from, to);
      from = to + 1;
    }
  }
  return { columns: columns.map((c) => c.result()), rows, problems, problemCount };
}

function countFields(buffer: Buffer, start: number, end: number, delimiter: number): number {
  let count = 1;
  for (let at = buffer.indexOf(delimiter, start); at >= 0 && at < end; at = buffer.indexOf(delimiter, at + 1)) count++;
  return count;
}

/** pandas' missing markers other than '' by first byte: the longest one's length (#N/A N/A, -1.#QNAN, NULL…). */
const MISSING_FIRST = new Map<number, number>([
  [0x23, 9],
  [0x2d, 8],
  [0x31, 7],
  [0x3c, 4],
  [0x4e, 4],
  [0x6e, 4],
]);

function addBytes(column: ColumnAccumulator, buffer: Buffer, start: number, end: number): void {
  if (start === end) return column.addMissing();
  const number = numberAt(buffer, start, end);
  if (number !== undefined) return column.addNumber(number);
  const first = buffer[start]!;
  // Text is counted from its bytes; only what may be a missing marker or a spaced/inf number becomes a string.
  if (end - start <= (MISSING_FIRST.get(first) ?? 0) && MISSING.has(buffer.toString('latin1', start, end))) return column.addMissing();
  if (first === 0x20 || buffer[end - 1] === 0x20 || first === 0x2b || first === 0x69 || first === 0x49) {
    const number = slowNumber(buffer.toString('utf8', start, end));
    if (number !== undefined) return column.addNumber(number);
  }
  column.addTextBytes(buffer, start, end);
}

function addCell(column: ColumnAccumulator, cell: string): void {
  if (MISSING.has(cell)) return column.addMissing();
  const number = slowNumber(cell);
  if (number !== undefined) column.addNumber(number);
  else column.addText(cell);
}

async function jsonStats(reader: RecordReader, problem: (line: number, message: string) => void, count: () => number, problems: TableProblem[], signal?: AbortSignal): Promise<StatsResult> {
  const columns = new Map<string, ColumnAccumulator>();
  let rows = 0;
  while (await nextRecord(reader)) {
    const text = reader.buffer.toString('utf8', reader.recordStart, reader.recordEnd);
    if (text.trim() === '') continue;
    if (++rows % 65536 === 0) signal?.throwIfAborted();
    let values: Record<string, unknown>;
    try {
      const parsed = JSON.parse(text) as unknown;
      values = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : (parseJsonRecord(text) as Record<string, unknown>);
    } catch (error) {
      problem(reader.recordLine, `not JSON: ${(error as Error).message}`);
      rows--;
      continue;
    }
    for (const [name, value] of Object.entries(values)) {
      let column = columns.get(name);
      if (!column) {
        column = new ColumnAccumulator(name);
        // Earlier rows lacked this key: missing there, as pandas fills NaN.
        for (let i = 1; i < rows; i++) column.addMissing();
        columns.set(name, column);
      }
      column.add(value);
    }
    for (const [name, column] of columns) if (!(name in values)) column.addMissing();
  }
  return { columns: [...columns.values()].map((c) => c.result()), rows, problems, problemCount: count() };
}
