/**
 * CSV export (src/core/series/csv.ts): RFC 4180 quoting read back by Python's csv module, values
 * written exactly as Python's repr() of the float MLflow's client returns (checked against the
 * real Python on edge cases and random doubles), and read back bit for bit.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import test from 'node:test';
import fc from 'fast-check';
import { CSV_HEADER, csvField, formatMetricValue, metricsCsv, metricsCsvChunks, parseMetricValue, type CsvSeries } from '../../src/core/series/csv.js';
import { pythonEnv } from '../support/python';

const f64 = (values: readonly number[]): Float64Array => Float64Array.from(values);

/** Runs a Python snippet of the test venv on `input`, returning its stdout. */
async function python(script: string, input: string): Promise<string> {
  const { python: interpreter } = await pythonEnv();
  return execFileSync(interpreter, ['-c', script], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
}

test('values are written as Python writes the floats', () => {
  const values = [1, NaN, Infinity, -Infinity, 1e-5, 1e16, 0.1, -0, 0, 1.2345678901234568e20, 123, 0.0001, 9999999999999998, 5e-324, -1.7976931348623157e308];
  assert.deepEqual(values.map(formatMetricValue), ['1.0', 'nan', 'inf', '-inf', '1e-05', '1e+16', '0.1', '-0.0', '0.0', '1.2345678901234568e+20', '123.0', '0.0001', '9999999999999998.0', '5e-324', '-1.7976931348623157e+308']);
});

test('rows are run_id,run_name,key,step,timestamp,value with RFC 4180 quoting and CRLF', () => {
  const series: CsvSeries = {
    runId: 'abc123',
    runName: 'lr=0.1, "fast"\nrun',
    key: 'val/loss',
    step: f64([0, 1, 1]),
    timestamp: f64([1_700_000_000_000, 1_700_000_000_001, 1_700_000_000_002]),
    value: f64([0.5, NaN, -Infinity]),
  };
  const expected = [
    CSV_HEADER,
    'abc123,"lr=0.1, ""fast""\nrun",val/loss,0,1700000000000,0.5',
    'abc123,"lr=0.1, ""fast""\nrun",val/loss,1,1700000000001,nan',
    'abc123,"lr=0.1, ""fast""\nrun",val/loss,1,1700000000002,-inf',
    '',
  ].join('\r\n');
  assert.equal(metricsCsv([series]), expected);
  assert.equal(metricsCsv([{ ...series, rows: Uint32Array.from([2]) }]), `${CSV_HEADER}\r\n${expected.split('\r\n')[3]}\r\n`, 'only the shown rows');
  assert.deepEqual([csvField('plain'), csvField('a\rb'), csvField('')], ['plain', '"a\rb"', '']);
});

test("Python's csv module reads the fields back exactly", async () => {
  const names = ['plain', 'comma, inside', 'quote " inside', 'new\nline', 'cr\rlf\r\n', '"', ',', '<img src=x onerror=alert(1)>', 'ünïcödé ☃'];
  const series = names.map((runName, i): CsvSeries => ({ runId: `run${i}`, runName, key: `k,${i}`, step: f64([i]), timestamp: f64([i * 1000]), value: f64([i / 3]) }));
  const rows = JSON.parse(await python('import csv, io, json, sys\nprint(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))', metricsCsv(series))) as string[][];
  assert.deepEqual(rows, [CSV_HEADER.split(','), ...names.map((name, i) => [`run${i}`, name, `k,${i}`, String(i), String(i * 1000), formatMetricValue(i / 3)])]);
});

test('long exports come in chunks of whole rows that join to the whole CSV', () => {
  const n = 40_000;
  const series: CsvSeries = { runId: 'r', runName: 'n', key: 'k', step: f64(Array.from({ length: n }, (_, i) => i)), timestamp: new Float64Array(n), value: new Float64Array(n) };
  const chunks = [...metricsCsvChunks([series])];
  assert.equal(chunks.length, 1 + Math.ceil(n / 16_384));
  assert.ok(chunks.every((chunk) => chunk.endsWith('\r\n')));
  assert.equal(chunks.join(''), metricsCsv([series]));
  assert.equal(metricsCsv([series]).split('\r\n').length, n + 2);
});

/** A double's eight bytes, little-endian, in hex: the exact value, NaN and −0 included. */
function hexOf(value: number): string {
  return Buffer.from(new Float64Array([value]).buffer).toString('hex');
}

test("property: formatMetricValue equals Python's repr() on random and edge doubles", async () => {
  const edges = [1e-4, 9.999999999999999e-5, 1e16, 9999999999999998, 1e15, 0.5, 2 ** 53, 2 ** 53 + 2, 1e21, 1e22, 1e-7, 1.5e-7, 123.456, 5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, 0.1 + 0.2, 1 / 3, 100, 1e100];
  const random = fc.sample(fc.oneof(fc.double(), fc.double({ min: -1e20, max: 1e20 }), fc.double({ min: -1e-3, max: 1e-3 }), fc.integer().map(Number)), { numRuns: 20_000, seed: 5 });
  const values = [...edges, ...edges.map((v) => -v), ...random];
  const script = 'import struct, sys\nfor h in sys.stdin.read().split():\n    print(repr(struct.unpack("<d", bytes.fromhex(h))[0]))';
  const reprs = (await python(script, values.map(hexOf).join('\n'))).trimEnd().split('\n');
  assert.equal(reprs.length, values.length);
  values.forEach((value, i) => assert.equal(formatMetricValue(value), reprs[i], `repr of ${hexOf(value)}`));
});

test('property: every double reads back from its text bit for bit', () => {
  fc.assert(
    fc.property(fc.double(), (value) => {
      assert.ok(Object.is(parseMetricValue(formatMetricValue(value)), value));
    }),
    { numRuns: 5000 },
  );
  assert.deepEqual(['NaN', 'Infinity', '-Infinity', ' 2.5 '].map(parseMetricValue), [NaN, Infinity, -Infinity, 2.5]);
  assert.throws(() => parseMetricValue('abc'), RangeError);
  assert.throws(() => parseMetricValue(''), RangeError);
});
