/**
 * Two versions of a table file compared: schema, row counts (by key or by position), the first
 * changed/added/removed rows, and — unless asked not to — each column's stats before and after.
 * Files are read from disk in windows (a version from git is spooled to a file first), never
 * whole; see matcher.ts for the memory bound of a diff by key.
 *
 *   const diff = await diffTables({ before: 'a.csv', after: 'b.csv', format: 'csv', key: 'id' });
 */
import { open, type FileHandle } from 'node:fs/promises';
import { openLineTable, type LineFormat, type LineTable } from './lineTable.js';
import { lineStats, type StatsResult } from './lineStats.js';
import { scanLines } from './lineScan.js';
import { Matcher } from './matcher.js';
import type { SchemaDiff, TableDiff, TableFormat, TableProblem, Values } from './model.js';
import { openParquet, rowText, type ParquetTable } from './parquet.js';
import { ColumnAccumulator, type ColumnStats } from './stats.js';

export interface TableDiffOptions {
  /** A file path; undefined when that version has no such file (every row added or removed). */
  readonly before: string | undefined;
  readonly after: string | undefined;
  readonly format: TableFormat;
  /** Match rows by this column's value; by position when absent. */
  readonly key?: string;
  /** How many changed, added and removed rows to show (default 20). */
  readonly limit?: number;
  /** Per-column stats of both versions (a full read of each; default true). */
  readonly stats?: boolean;
  /**
   * Called once with the diff without its column stats, when they are still to be computed (a
   * CSV/TSV/JSONL diff): the stats take many times the diff's own read, so a caller can show it.
   */
  readonly onSummary?: (summary: TableDiff) => void;
  readonly signal?: AbortSignal;
  /** Memory for rows that differ, before they spill to disk (see matcher.ts). */
  readonly budgetBytes?: number;
  readonly spillDir?: string;
}

export class TableDiffError extends Error {
  constructor(
    readonly reason: 'bad-key' | 'unreadable',
    message: string,
  ) {
    super(message);
  }
}

export async function diffTables(options: TableDiffOptions): Promise<TableDiff> {
  const files = await Promise.all([options.before, options.after].map((p) => (p === undefined ? undefined : open(p, 'r'))));
  try {
    return options.format === 'parquet' ? await parquetDiff(files[0], files[1], options) : await lineDiff(files[0], files[1], options.format, options);
  } finally {
    await Promise.all(files.map((f) => f?.close()));
  }
}

function schemaDiff(before: readonly string[], after: readonly string[], stats?: { before: readonly ColumnStats[]; after: readonly ColumnStats[] }): SchemaDiff {
  const added = after.filter((c) => !before.includes(c));
  const removed = before.filter((c) => !after.includes(c));
  const shared = before.filter((c) => after.includes(c));
  const kindOf = (list: readonly ColumnStats[] | undefined, name: string): string | undefined => list?.find((c) => c.name === name)?.kind;
  const kindChanged = stats
    ? shared.flatMap((column) => {
        const [x, y] = [kindOf(stats.before, column), kindOf(stats.after, column)];
        return x && y && x !== y && x !== 'empty' && y !== 'empty' ? [{ column, before: x, after: y }] : [];
      })
    : [];
  return { before, after, added, removed, reordered: added.length === 0 && removed.length === 0 && before.join('\0') !== after.join('\0'), kindChanged };
}

function checkKey(key: string | undefined, before: readonly string[] | undefined, after: readonly string[] | undefined): void {
  if (key === undefined) return;
  for (const [side, columns] of [
    ['before', before],
    ['after', after],
  ] as const) {
    if (columns && !columns.includes(key)) throw new TableDiffError('bad-key', `the ${side} version has no column '${key}' (its columns: ${columns.slice(0, 20).join(', ')})`);
  }
}

async function lineDiff(before: FileHandle | undefined, after: FileHandle | undefined, format: LineFormat, options: TableDiffOptions): Promise<TableDiff> {
  const [a, b] = await Promise.all([before && openLineTable(before, format), after && openLineTable(after, format)]);
  checkKey(options.key, a?.columns, b?.columns);
  const shared = (a?.columns ?? []).filter((c) => (b?.columns ?? []).includes(c));
  const matcher = newMatcher(options, shared, a?.parse ?? (() => ({})), b?.parse ?? (() => ({})));
  const byteComparable = format === 'jsonl' || (a?.header !== undefined && b?.header !== undefined && a.header.equals(b.header));
  const empty = await emptyTable(format);
  const counts = await scanLines(a ?? empty, b ?? empty, matcher, { mode: options.key ? 'key' : 'position', ...(options.key ? { key: options.key } : {}), byteComparable, ...(options.signal ? { signal: options.signal } : {}) });
  await matcher.finish();
  if (options.stats !== false && options.onSummary) options.onSummary(result(options, format, a?.columns ?? [], b?.columns ?? [], matcher, counts, undefined));
  const stats = options.stats === false ? undefined : await Promise.all([statsOf(before, format, 'before', options.signal), statsOf(after, format, 'after', options.signal)]);
  return result(options, format, a?.columns ?? [], b?.columns ?? [], matcher, counts, stats);
}

async function statsOf(file: FileHandle | undefined, format: LineFormat, side: 'before' | 'after', signal?: AbortSignal): Promise<StatsResult> {
  return file ? lineStats(file, format, side, signal) : { columns: [], rows: 0, problems: [], problemCount: 0 };
}

/** A side with no file: no columns, no records. */
async function emptyTable(format: LineFormat): Promise<LineTable> {
  const nothing = { read: async () => ({ bytesRead: 0 }) } as unknown as FileHandle;
  return openLineTable(nothing, format, 16);
}

function newMatcher(options: TableDiffOptions, shared: readonly string[], parseBefore: (text: string) => Values, parseAfter: (text: string) => Values): Matcher {
  return new Matcher({
    mode: options.key ? 'key' : 'position',
    limit: options.limit ?? 20,
    shared,
    parseBefore,
    parseAfter,
    ...(options.budgetBytes ? { budgetBytes: options.budgetBytes } : {}),
    ...(options.spillDir ? { spillDir: options.spillDir } : {}),
  });
}

function result(options: TableDiffOptions, format: TableFormat, before: readonly string[], after: readonly string[], matcher: Matcher, counts: { rowsBefore: number; rowsAfter: number; problems?: TableProblem[] }, stats: [StatsResult, StatsResult] | undefined): TableDiff {
  const columnStats = stats && { before: stats[0].columns, after: stats[1].columns };
  // The stats read every record, so their problems are complete; the diff alone sees the differing ones.
  const problems: TableProblem[] = stats ? [...stats[0].problems, ...stats[1].problems] : (counts.problems ?? []).slice(0, 40);
  return {
    kind: 'table',
    format,
    mode: options.key ? 'key' : 'position',
    ...(options.key ? { key: options.key } : {}),
    schema: schemaDiff(before, after, columnStats),
    rows: { before: counts.rowsBefore, after: counts.rowsAfter, added: matcher.addedCount, removed: matcher.removedCount, changed: matcher.changedCount, unchanged: matcher.unchanged, duplicateKeys: matcher.duplicateKeys },
    added: matcher.added,
    removed: matcher.removed,
    changed: matcher.changed,
    ...(columnStats ? { stats: columnStats } : {}),
    problems,
    problemCount: stats ? stats[0].problemCount + stats[1].problemCount : (counts.problems?.length ?? 0),
  };
}

async function parquetDiff(before: FileHandle | undefined, after: FileHandle | undefined, options: TableDiffOptions): Promise<TableDiff> {
  const [a, b] = await Promise.all([before && openParquet(before), after && openParquet(after)]);
  checkKey(options.key, a?.columns, b?.columns);
  const columnsA = a?.columns ?? [];
  const columnsB = b?.columns ?? [];
  const shared = columnsA.filter((c) => columnsB.includes(c));
  const zip = (columns: readonly string[]) => (text: string) => Object.fromEntries(columns.map((c, i) => [c, (JSON.parse(text) as unknown[])[i]]));
  const matcher = newMatcher(options, shared, zip(columnsA), zip(columnsB));
  const statsA = columnsA.map((c) => new ColumnAccumulator(c));
  const statsB = columnsB.map((c) => new ColumnAccumulator(c));
  const rowsA = rows(a, options.signal);
  const rowsB = rows(b, options.signal);
  let counts = { rowsBefore: 0, rowsAfter: 0 };
  const pending = (columns: readonly string[], row: Record<string, unknown>, line: number) => {
    const text = rowText(columns, row);
    return { line, text, key: options.key === undefined ? '' : keyOf(row[options.key]) };
  };
  for (;;) {
    const [x, y] = await Promise.all([rowsA.next(), rowsB.next()]);
    if (x.done && y.done) break;
    const rowA = x.done ? undefined : pending(columnsA, x.value, ++counts.rowsBefore);
    const rowB = y.done ? undefined : pending(columnsB, y.value, ++counts.rowsAfter);
    if (!x.done) statsA.forEach((s) => s.add(x.value[s.name]));
    if (!y.done) statsB.forEach((s) => s.add(y.value[s.name]));
    if (rowA && rowB && shared.length === columnsA.length && shared.length === columnsB.length && rowA.text === rowB.text) matcher.identical(1);
    else if (rowA && rowB && !options.key) matcher.pair(rowA, rowB);
    else {
      if (rowA) matcher.row('before', rowA);
      if (rowB) matcher.row('after', rowB);
    }
    if ((counts.rowsBefore + counts.rowsAfter) % 4096 === 0) await matcher.drain();
  }
  await matcher.finish();
  counts = { ...counts };
  const stats: [StatsResult, StatsResult] | undefined =
    options.stats === false
      ? undefined
      : [
          { columns: statsA.map((s) => s.result()), rows: counts.rowsBefore, problems: [], problemCount: 0 },
          { columns: statsB.map((s) => s.result()), rows: counts.rowsAfter, problems: [], problemCount: 0 },
        ];
  return result(options, 'parquet', columnsA, columnsB, matcher, counts, stats);
}

async function* rows(table: ParquetTable | undefined, signal?: AbortSignal): AsyncGenerator<Record<string, unknown>> {
  if (!table) return;
  for await (const group of table.rowGroups(signal)) yield* group;
}

function keyOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  return JSON.stringify(value ?? null, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
