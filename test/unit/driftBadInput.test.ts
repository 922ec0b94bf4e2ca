/**
 * Drift on bad input: every problem is named on its column or line, the rest of the report is
 * computed, and nothing is written next to the data. Also the readers' pandas typing on small
 * files whose answer is known (the contract suite checks the rest against real Evidently).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { DriftReport } from '../../src/core/drift/model';
import { computeDrift, readTable } from '../../src/core/drift/report';
import { inferColumnType } from '../../src/core/drift/table/column';
import { TableReadError } from '../../src/core/drift/table/read';
import { main } from '../../src/cli/main';

const dir = mkdtempSync(join(tmpdir(), 'mlw-drift-bad-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** 60 rows of a numeric, a categorical and a boolean column, `shift` moving the numbers. */
function csvRows(shift: number, extra: (i: number) => string = () => ''): string {
  const lines = [];
  for (let i = 0; i < 60; i++) lines.push(`${(i % 17) + shift},${['a', 'b', 'c'][i % 3]},${i % 2 === 0 ? 'True' : 'False'}${extra(i)}`);
  return lines.join('\n') + '\n';
}

function column(report: DriftReport, name: string) {
  const c = report.columns.find((x) => x.column === name);
  assert.ok(c, `no column ${name}`);
  return c;
}

/** Files in the folder with their sizes and mtimes: nothing may change there. */
function snapshot(): string {
  return readdirSync(dir)
    .sort()
    .map((n) => `${n}:${statSync(join(dir, n)).size}:${statSync(join(dir, n)).mtimeMs}`)
    .join('\n');
}

describe('drift on differing schemas', () => {
  test('a column only in the current data, one only in the reference and one retyped are named; the others are tested', async () => {
    const reference = file('schema-ref.csv', 'x,cat,flag,gone,code\n' + csvRows(0, (i) => `,${i},${i}`));
    const current = file('schema-cur.csv', 'x,cat,flag,new,code\n' + csvRows(5, (i) => `,${i},c${i}`));
    const before = snapshot();
    const report = await computeDrift(reference, current);
    assert.equal(snapshot(), before, 'nothing written');
    assert.equal(column(report, 'new').status, 'skipped');
    assert.equal(column(report, 'new').problems[0]!.reason, 'only-in-current');
    assert.equal(column(report, 'gone').problems[0]!.reason, 'only-in-reference');
    const code = column(report, 'code');
    assert.equal(code.status, 'skipped');
    assert.equal(code.problems[0]!.reason, 'retyped');
    assert.match(code.problems[0]!.message, /text .* in the current data but numbers .* in the reference/);
    for (const name of ['x', 'cat', 'flag']) assert.equal(column(report, name).status, 'tested', name);
    assert.equal(column(report, 'x').method?.id, 'ks');
    assert.equal(report.dataset.tested, 3);
  });

  test('--columns limits the report to the columns asked for, naming one that is in neither file', async () => {
    const reference = file('cols-ref.csv', 'x,cat,flag\n' + csvRows(0));
    const current = file('cols-cur.csv', 'x,cat,flag\n' + csvRows(0));
    const report = await computeDrift(reference, current, { columns: ['cat', 'missing'] });
    assert.deepEqual(report.columns.map((c) => [c.column, c.status]), [['cat', 'tested'], ['missing', 'skipped']]);
    assert.match(column(report, 'missing').problems[0]!.message, /in neither file/);
  });
});

describe('drift on empty and missing data', () => {
  test('an empty current file is named; its columns are not compared', async () => {
    const reference = file('empty-ref.csv', 'x,cat,flag\n' + csvRows(0));
    const current = file('empty-cur.csv', '');
    const report = await computeDrift(reference, current);
    assert.deepEqual(report.problems.map((p) => [p.reason, p.dataset]), [['empty-file', 'current']]);
    assert.ok(report.columns.every((c) => c.status === 'skipped' && c.problems[0]!.reason === 'only-in-reference'));
    assert.equal(report.dataset.tested, 0);
    assert.equal(report.dataset.detected, false);
    const lines = await computeDrift(file('empty-ref.jsonl', '{"x": 1}\n{"x": 2}\n'), file('empty-cur.jsonl', ''));
    assert.deepEqual(lines.problems.map((p) => [p.reason, p.dataset]), [['empty-file', 'current']]);
    assert.equal(column(lines, 'x').problems[0]!.reason, 'only-in-reference');
  });

  test('a header-only file and an all-missing column are named per column, the rest is computed', async () => {
    const reference = file('na-ref.csv', 'x,cat,flag,hole\n' + csvRows(0, (i) => `,${i}`));
    const current = file('na-cur.csv', 'x,cat,flag,hole\n' + csvRows(0, () => ',NA'));
    const report = await computeDrift(reference, current);
    const hole = column(report, 'hole');
    assert.equal(hole.status, 'skipped');
    assert.deepEqual([hole.problems[0]!.reason, hole.problems[0]!.dataset], ['all-missing', 'current']);
    assert.equal(column(report, 'x').status, 'tested');
    const headerOnly = await computeDrift(reference, file('header-only.csv', 'x,cat,flag,hole\n'));
    assert.ok(headerOnly.columns.every((c) => c.status === 'skipped'));
    assert.equal(headerOnly.current.rows, 0);
  });

  test('a file that does not exist, or is not a table, is a typed error', async () => {
    await assert.rejects(computeDrift(join(dir, 'nope.csv'), join(dir, 'nope.csv')), (e: unknown) => e instanceof TableReadError && e.reason === 'not-found');
    await assert.rejects(computeDrift(file('a.txt', 'x'), file('b.txt', 'x')), (e: unknown) => e instanceof TableReadError && e.reason === 'unsupported-format');
    await assert.rejects(computeDrift(file('bad.parquet', 'not parquet'), file('bad2.parquet', 'no')), (e: unknown) => e instanceof TableReadError && e.reason === 'invalid-file');
  });
});

describe('drift on bad values and lines', () => {
  test('non-numeric text in a numeric column names its line; the column is compared as text, as pandas reads it', async () => {
    const reference = file('text-ref.csv', 'x,cat,flag\n' + csvRows(0));
    const rows = csvRows(0).split('\n');
    rows[40] = 'oops,a,True';
    const current = file('text-cur.csv', 'x,cat,flag\n' + rows.join('\n'));
    const report = await computeDrift(reference, current);
    const x = column(report, 'x');
    assert.equal(x.problems[0]!.reason, 'non-numeric');
    assert.equal(x.problems[0]!.line, 42);
    assert.match(x.problems[0]!.message, /'oops' on line 42/);
    assert.equal(x.status, 'skipped');
    assert.equal(x.problems[1]!.reason, 'retyped');
    assert.equal(column(report, 'cat').status, 'tested');
    const read = await readTable(current);
    const stored = read.columns.get('x')!;
    assert.equal(stored.kind, 'object', 'pandas holds the raw strings');
    assert.equal(stored.kind === 'object' && stored.counts.get('1'), 4, 'values before the bad line re-read as text');
  });

  test('a malformed JSONL line and a ragged CSV line are named and left out; the rest is computed', async () => {
    const records = (shift: number) => Array.from({ length: 50 }, (_, i) => JSON.stringify({ x: (i % 13) + shift, cat: ['a', 'b'][i % 2] }));
    const reference = file('lines-ref.jsonl', records(0).join('\n') + '\n');
    const lines = records(3);
    lines[9] = '{"x": 1, "cat": ';
    lines[20] = '[1, 2]';
    const current = file('lines-cur.jsonl', lines.join('\n') + '\n');
    const report = await computeDrift(reference, current);
    assert.deepEqual(report.problems.map((p) => [p.reason, p.line]), [['malformed-line', 10], ['malformed-line', 21]]);
    assert.equal(report.current.rows, 48);
    assert.equal(column(report, 'x').status, 'tested');
    const csv = file('ragged.csv', 'x,cat,flag\n' + csvRows(0).replace('\n', ',extra\n'));
    const ragged = await computeDrift(file('ragged-ref.csv', 'x,cat,flag\n' + csvRows(0)), csv);
    assert.deepEqual(ragged.problems.map((p) => [p.reason, p.line]), [['ragged-line', 2]]);
    assert.equal(ragged.current.rows, 59);
  });

  test('a capture log being written (its last line incomplete) is read up to its last whole line', async () => {
    const records = Array.from({ length: 30 }, (_, i) => JSON.stringify({ timestamp: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`, model_version: '3', x: i % 7, y: i % 2 === 0 ? 'u' : 'v' }));
    const reference = file('capture-ref.jsonl', records.join('\n') + '\n');
    const current = file('capture.jsonl', records.join('\n') + '\n{"timestamp": "2026-01-01T00:01:00Z", "x": 4');
    const before = snapshot();
    const report = await computeDrift(reference, current);
    assert.equal(snapshot(), before, 'nothing written');
    assert.deepEqual(report.problems.map((p) => [p.reason, p.line, p.dataset]), [['incomplete-last-line', 31, 'current']]);
    assert.equal(report.current.rows, 30);
    assert.equal(column(report, 'timestamp').type, 'datetime', 'read_json parses timestamp* columns as dates');
    assert.equal(column(report, 'timestamp').status, 'skipped');
    assert.equal(column(report, 'x').type, 'categorical', 'an int column with ≤ 10 values');
    assert.equal(column(report, 'x').drifted, false);
  });
});

describe('pandas typing of the readers', () => {
  test('CSV: ints, ints with missing values, floats, True/False, True/False with missing values, text, quotes and CRLF', async () => {
    const path = file('types.csv', '\ufeffi,ina,f,b,bna,s,q,q\r\n1,1,1.5,True,True,a,"x, ""y""",1\r\n2,,2,False,,b,"multi\nline",2\r\n3,3,inf,true,False,c,z,3\r\n');
    const read = await readTable(path);
    assert.deepEqual(read.names, ['i', 'ina', 'f', 'b', 'bna', 's', 'q', 'q.1']);
    const dtype = (n: string) => {
      const c = read.columns.get(n)!;
      return c.kind === 'number' || c.kind === 'opaque' ? c.dtype : c.kind;
    };
    assert.deepEqual(read.names.map(dtype), ['int64', 'float64', 'float64', 'bool', 'object', 'object', 'object', 'int64']);
    assert.equal(inferColumnType(read.columns.get('bna')!), 'unknown', 'Evidently leaves object columns of bools untyped');
    const q = read.columns.get('q')!;
    assert.deepEqual(q.kind === 'object' ? [...q.counts.keys()] : [], ['x, "y"', 'multi\nline', 'z']);
    assert.equal(read.rows, 3);
  });

  test('JSONL: whole floats become int64, numeric strings and booleans with nulls float64, dates datetime', async () => {
    const path = file('types.jsonl', '{"f":1.0,"s":"1","bn":true,"t":"a","created_at":1700000000}\n{"f":2.0,"s":"2.5","bn":null,"t":"b","created_at":1700000001}\n');
    const read = await readTable(path);
    const dtype = (n: string) => {
      const c = read.columns.get(n)!;
      return c.kind === 'number' || c.kind === 'opaque' ? c.dtype : c.kind;
    };
    assert.deepEqual(read.names.map(dtype), ['int64', 'float64', 'float64', 'object', 'datetime64[ns]']);
  });
});

describe('the drift CLI', () => {
  test('prints the report as JSON, names problems on stderr, and with --fail-on-drift exits 3 on dataset drift', async () => {
    const reference = file('cli-ref.csv', 'x,cat,flag\n' + csvRows(0));
    const current = file('cli-cur.csv', 'x,cat,flag\n' + csvRows(40));
    let out = '';
    let err = '';
    const io = { out: (s: string) => void (out += s), err: (s: string) => void (err += s) };
    assert.equal(await main(['drift', '--reference', reference, '--current', current, '--json'], io), 0);
    const report = JSON.parse(out) as DriftReport;
    assert.equal(column(report, 'x').drifted, true);
    assert.equal(err, '');
    assert.equal(await main(['drift', '--reference', reference, '--current', current, '--columns', 'x,cat', '--fail-on-drift'], io), 3);
    assert.equal(await main(['drift', '--reference', reference], io), 2);
    assert.equal(await main(['drift', '--reference', join(dir, 'none.csv'), '--current', current], io), 1);
    assert.match(err, /none\.csv does not exist/);
  });
});
