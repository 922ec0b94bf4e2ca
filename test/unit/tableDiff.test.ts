/**
 * Table diffs against pandas: test/support/table_reference.py writes the same before/after table
 * as CSV, TSV, JSON Lines and Parquet with pandas (quoted cells with commas and newlines, missing
 * values, booleans, a moved block of rows, rows added, removed and changed), a schema change and
 * files with malformed records, and prints what pandas computes on those very files. Our diff by
 * key and by position, the changed keys and rows, and every column's stats must agree. Then the
 * memory bound: a diff by key forced to spill to disk gives the same answer.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { TableDiff, TableFormat } from '../../src/core/tabular/model.js';
import type { ColumnStats } from '../../src/core/tabular/stats.js';
import { diffTables } from '../../src/core/tabular/tableDiff.js';
import { env, pythonEnv, REPO_ROOT } from '../support/python.js';

const run = promisify(execFile);

interface PandasStats {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  readonly count: number;
  readonly missing: number;
  readonly min?: number;
  readonly max?: number;
  readonly mean?: number;
  readonly std?: number;
  readonly distinct?: number;
  readonly top?: Record<string, number>;
}

interface Case {
  readonly before: string;
  readonly after: string;
  readonly badLine?: number;
  readonly columns: { before: string[]; after: string[] };
  readonly rows: { before: number; after: number };
  readonly byKey: { added: number; removed: number; changed: number; unchanged: number; changedKeys: string[] };
  readonly byPosition: { added: number; removed: number; changed: number; unchanged: number; changedRows: number[] };
  readonly stats: { before: PandasStats[]; after: PandasStats[] };
}

let dir = '';
let cases: Record<string, Case> = {};

before(async () => {
  const python = await pythonEnv();
  dir = mkdtempSync(join(tmpdir(), 'mlw-tables-'));
  const { stdout } = await run(python.python, [join(REPO_ROOT, 'test', 'support', 'table_reference.py'), '--out', dir], { env: env(python), maxBuffer: 16 << 20, timeout: 120_000 });
  cases = JSON.parse(stdout) as Record<string, Case>;
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const close = (x: number | undefined, y: number | undefined, what: string): void => {
  assert.ok(x !== undefined && y !== undefined && Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)), `${what}: ${x} vs pandas ${y}`);
};

function assertStats(ours: readonly ColumnStats[], pandas: readonly PandasStats[], label: string): void {
  assert.deepEqual(ours.map((c) => c.name), pandas.map((c) => c.name), `${label}: columns`);
  pandas.forEach((expected, i) => {
    const column = ours[i]!;
    const what = `${label} ${expected.name}`;
    assert.equal(column.count, expected.count, `${what}: count`);
    assert.equal(column.missing, expected.missing, `${what}: missing`);
    assert.equal(column.kind, expected.kind, `${what}: kind`);
    if (expected.kind === 'numeric') {
      close(column.min, expected.min, `${what} min`);
      close(column.max, expected.max, `${what} max`);
      close(column.mean, expected.mean, `${what} mean`);
      close(column.std, expected.std, `${what} std`);
      return;
    }
    assert.equal(column.distinct, expected.distinct, `${what}: distinct`);
    for (const { value, count } of column.top ?? []) assert.equal(count, expected.top?.[value], `${what}: count of ${JSON.stringify(value)}`);
    assert.equal(column.top?.[0]?.count, Math.max(...Object.values(expected.top ?? {})), `${what}: most frequent`);
  });
}

const FORMATS: readonly (readonly [string, TableFormat])[] = [
  ['csv', 'csv'],
  ['tsv', 'tsv'],
  ['jsonl', 'jsonl'],
  ['parquet', 'parquet'],
  ['schema', 'csv'],
  ['badcsv', 'csv'],
  ['badjsonl', 'jsonl'],
];

for (const [name, format] of FORMATS) {
  describe(`${name}: as pandas reads it`, () => {
    it('by key: the same added, removed, changed and unchanged rows, the same changed keys', async () => {
      const c = cases[name]!;
      const diff = await diffTables({ before: c.before, after: c.after, format, key: 'id', limit: 1000 });
      const { changedKeys, ...counts } = c.byKey;
      assert.deepEqual({ added: diff.rows.added, removed: diff.rows.removed, changed: diff.rows.changed, unchanged: diff.rows.unchanged }, counts);
      assert.deepEqual(diff.changed.map((r) => r.key).sort(), [...changedKeys].sort());
      assert.deepEqual([diff.rows.before, diff.rows.after], [c.rows.before, c.rows.after]);
      assert.equal(diff.rows.duplicateKeys, 0);
    });

    it('by position: the same counts and changed rows', async () => {
      const c = cases[name]!;
      const diff = await diffTables({ before: c.before, after: c.after, format, limit: 1000, stats: false });
      const { changedRows, ...counts } = c.byPosition;
      assert.deepEqual({ added: diff.rows.added, removed: diff.rows.removed, changed: diff.rows.changed, unchanged: diff.rows.unchanged }, counts);
      // Rows are numbered by line; pandas by index. Without malformed or multi-line records they line up.
      if (name === 'parquet') assert.deepEqual(diff.changed.map((r) => r.lineAfter - 1), changedRows.slice(0, 1000));
    });

    it('stats of every column before and after', async () => {
      const c = cases[name]!;
      const summaries: TableDiff[] = [];
      const diff = await diffTables({ before: c.before, after: c.after, format, key: 'id', onSummary: (s) => summaries.push(s) });
      assertStats(diff.stats!.before, c.stats.before, 'before');
      assertStats(diff.stats!.after, c.stats.after, 'after');
      // A line format's diff comes first without its stats (the panel shows it while they are computed).
      if (format !== 'parquet') {
        assert.equal(summaries.length, 1, 'one summary');
        const [summary] = summaries;
        assert.equal(summary!.stats, undefined, 'no stats in the summary');
        assert.deepEqual([summary!.rows, summary!.added, summary!.removed, summary!.changed], [diff.rows, diff.added, diff.removed, diff.changed], 'the rows are the final ones');
        const without: TableDiff[] = [];
        await diffTables({ before: c.before, after: c.after, format, key: 'id', stats: false, onSummary: (s) => without.push(s) });
        assert.equal(without.length, 0, 'no summary when no stats are computed');
      }
    });
  });
}

describe('what a diff shows', () => {
  it('schema: a column added, one removed, the rest reordered; changes only in shared columns', async () => {
    const c = cases['schema']!;
    const diff = await diffTables({ before: c.before, after: c.after, format: 'csv', key: 'id', limit: 3 });
    assert.deepEqual([diff.schema.added, diff.schema.removed, diff.schema.reordered], [['score'], ['flag'], false]);
    assert.deepEqual(diff.schema.after, c.columns.after);
    assert.ok(diff.changed.every((r) => !r.columns.includes('score') && !r.columns.includes('flag')));
  });

  it('the first changed rows, with the columns that changed and both values; quoted newlines kept', async () => {
    const c = cases['csv']!;
    const diff = await diffTables({ before: c.before, after: c.after, format: 'csv', key: 'id', limit: 3, stats: false });
    assert.equal(diff.changed.length, 3);
    assert.deepEqual(diff.changed.map((r) => r.key), ['1010', '1020', '1030']);
    assert.deepEqual(diff.changed[0]!.columns, ['amount']);
    const note = await diffTables({ before: c.before, after: c.after, format: 'csv', key: 'id', limit: 20, stats: false });
    const row = note.changed.find((r) => r.key === '1050')!;
    assert.deepEqual(row.columns, ['note']);
    assert.equal(row.after['note'], 'changed, with "quotes"\nand a newline');
    assert.deepEqual(note.added.map((r) => r.key), ['5000', '5001', '5002', '5003']);
    assert.deepEqual(note.removed.map((r) => r.key), ['1060', '1061', '1062']);
  });

  it('malformed records are problems with their line; the rest is diffed', async () => {
    for (const [name, format] of [
      ['badcsv', 'csv'],
      ['badjsonl', 'jsonl'],
    ] as const) {
      const c = cases[name]!;
      const diff = await diffTables({ before: c.before, after: c.after, format, key: 'id' });
      assert.equal(diff.problemCount, 1, name);
      assert.deepEqual([diff.problems[0]!.side, diff.problems[0]!.line], ['after', c.badLine], name);
      const alone = await diffTables({ before: c.before, after: c.after, format, stats: false });
      assert.deepEqual(alone.problems.map((p) => p.line), [c.badLine], `${name} without stats`);
    }
  });

  it('a key column that one version lacks is refused by name', async () => {
    const c = cases['schema']!;
    await assert.rejects(diffTables({ before: c.before, after: c.after, format: 'csv', key: 'flag' }), /after version has no column 'flag'/);
  });

  it('a diff by key that spills to disk gives the same answer, and leaves no file behind', async () => {
    const c = cases['csv']!;
    const spillDir = mkdtempSync(join(tmpdir(), 'mlw-spill-'));
    try {
      const inMemory = await diffTables({ before: c.before, after: c.after, format: 'csv', key: 'id', limit: 50, stats: false });
      const spilled = await diffTables({ before: c.before, after: c.after, format: 'csv', key: 'id', limit: 50, stats: false, budgetBytes: 64, spillDir });
      assert.deepEqual(spilled.rows, inMemory.rows);
      assert.deepEqual(spilled.changed, inMemory.changed);
      assert.deepEqual(spilled.added, inMemory.added);
      assert.deepEqual(readdirSync(spillDir), []);
    } finally {
      rmSync(spillDir, { recursive: true, force: true });
    }
  });

  it('by key, a block moved further than the look-ahead and rows deleted around it: only those rows', async () => {
    const row = (i: number): string => `${i},${(i * 7) % 13},name ${i}`;
    const ids = Array.from({ length: 5000 }, (_, i) => i);
    const moved = ids.slice(1000, 1500);
    const after = [...ids.slice(0, 1000), ...ids.slice(1500).filter((i) => i !== 3000 && i !== 3001), ...moved, 9999];
    const a = join(dir, 'moved_a.csv');
    const b = join(dir, 'moved_b.csv');
    writeFileSync(a, ['id,v,name', ...ids.map(row)].join('\n') + '\n');
    writeFileSync(b, ['id,v,name', ...after.map((i) => (i === 4000 ? `${i},changed,name ${i}` : row(i)))].join('\n') + '\n');
    const diff = await diffTables({ before: a, after: b, format: 'csv', key: 'id', stats: false });
    assert.deepEqual(diff.rows, { before: 5000, after: 4999, added: 1, removed: 2, changed: 1, unchanged: 4997, duplicateKeys: 0 });
    assert.deepEqual(diff.removed.map((r) => r.key), ['3000', '3001']);
    assert.deepEqual(diff.changed.map((r) => [r.key, r.columns]), [['4000', ['v']]]);
  });

  it('a version without the file: every row added', async () => {
    const c = cases['csv']!;
    const diff = await diffTables({ before: undefined, after: c.after, format: 'csv', key: 'id', limit: 2 });
    assert.deepEqual([diff.rows.added, diff.rows.removed, diff.rows.before, diff.schema.added.length], [c.rows.after, 0, 0, c.columns.after.length]);
  });
});
