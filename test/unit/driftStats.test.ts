/**
 * The drift numerics on cases whose answer is known in closed form (the contract suite checks
 * them against scipy and Evidently at large), and the number parser on any double.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { chiSquarePValue, chooseMethod, drifted, jensenShannon, zTestPValue } from '../../src/core/drift/methods';
import { jensenShannonDistance, wassersteinDistance } from '../../src/core/drift/stats/distances';
import { chiSquareSurvival } from '../../src/core/drift/stats/gamma';
import { ksTwoSample } from '../../src/core/drift/stats/ks';
import { kolmogorovSurvival, smirnovSurvival } from '../../src/core/drift/stats/kolmogorov';
import { normalCdf } from '../../src/core/drift/stats/normal';
import { sortFloat64 } from '../../src/core/drift/stats/sort';
import { parseFieldNumber, parsePythonFloat } from '../../src/core/drift/table/numbers';

const close = (a: number, b: number, tolerance = 1e-14): boolean => a === b || Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));

test('K-S: fully separated samples of 3 give D = 1 and the exact p = 2 / C(6, 3)', () => {
  const r = ksTwoSample(Float64Array.of(1, 2, 3), Float64Array.of(4, 5, 6));
  assert.deepEqual([r.statistic, r.method], [1, 'exact']);
  assert.ok(close(r.pValue, 0.1), String(r.pValue));
  assert.equal(ksTwoSample(Float64Array.of(1, 2, 3), Float64Array.of(1, 2, 3)).pValue, 1);
});

test('one-sample Kolmogorov tails: the closed forms at their ends', () => {
  assert.ok(close(smirnovSurvival(10, 0.95), 0.05 ** 10), 'x ≥ 1 - 1/n: (1-x)^n');
  assert.ok(close(kolmogorovSurvival(10, 0.95), 2 * 0.05 ** 10), 'two-sided: twice that');
  assert.equal(kolmogorovSurvival(10, 0.04), 1, 'below 1/(2n) the tail is 1');
});

test('chi-square, normal and distances on known values', () => {
  assert.ok(close(chiSquareSurvival(2, 2), Math.exp(-1)), 'df 2: e^(-x/2)');
  assert.ok(close(chiSquareSurvival(4, 4), 3 * Math.exp(-2)), 'df 4: (1 + x/2) e^(-x/2)');
  assert.equal(normalCdf(0), 0.5);
  assert.ok(close(normalCdf(-1) + normalCdf(1), 1, 1e-15));
  assert.equal(wassersteinDistance(Float64Array.of(0, 1, 3), Float64Array.of(5, 6, 8)), 5);
  assert.ok(close(jensenShannonDistance([1, 0], [0, 1]), Math.sqrt(Math.LN2)));
});

test("Evidently's test choice, count tests and comparisons", () => {
  assert.equal(chooseMethod('numerical', 1000, 6), 'ks');
  assert.equal(chooseMethod('numerical', 1000, 5), 'chisquare');
  assert.equal(chooseMethod('numerical', 1000, 2), 'z');
  assert.equal(chooseMethod('numerical', 1001, 6), 'wasserstein');
  assert.equal(chooseMethod('numerical', 1001, 5), 'jensenshannon');
  assert.equal(chooseMethod('categorical', 1001, 2), 'jensenshannon');
  assert.equal(chooseMethod('text', 1001, 0), 'abs_text_content_drift');
  const same = new Map([['a', 10], ['b', 30]]);
  assert.equal(zTestPValue(new Map([['a', 5]]), new Map([['a', 7]])), 1, 'one and the same category');
  assert.ok(close(zTestPValue(same, same), 1));
  assert.ok(close(chiSquarePValue(same, same), 1));
  assert.equal(jensenShannon(same, same), 0);
  assert.equal(chiSquarePValue(same, new Map([['a', 10], ['c', 1]])), 0, 'a category new in the current data: infinite statistic');
  assert.deepEqual([drifted('ks', 0.05, 0.05), drifted('chisquare', 0.05, 0.05), drifted('wasserstein', 0.1, 0.1)], [true, false, true]);
});

test('radix sort orders any finite doubles as the built-in sort does', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true }), { minLength: 0, maxLength: 3000 }), (xs) => {
      const a = Float64Array.from(xs);
      const expected = a.slice().sort();
      assert.deepEqual(sortFloat64(a), expected);
    }),
    { numRuns: 60 },
  );
});

test('numbers in fields: exact up to 15 digits, within 2 ulps beyond, pandas forms accepted', () => {
  const parse = (s: string) => parseFieldNumber(Buffer.from(s), 0, Buffer.byteLength(s));
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      const text = String(x);
      const y = parse(text)!;
      const ulp = Math.abs(x) * 2 ** -52 || Number.MIN_VALUE;
      assert.ok(Math.abs(y - x) <= 2 * ulp, `${text} → ${y}`);
    }),
    { numRuns: 2000 },
  );
  fc.assert(fc.property(fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }), fc.integer({ min: 0, max: 15 }), (m, p) => assert.equal(parse(`${m}e-${p}`), Number(`${m}e-${p}`))));
  assert.deepEqual(['1', ' 2 ', '+3', '-1.5e3', '.5', '5.', 'inf', '-Infinity'].map(parse), [1, 2, 3, -1500, 0.5, 5, Infinity, -Infinity]);
  assert.deepEqual(['', 'NA', '1,5', '0x10', '1e', 'nan', '1.2.3'].map(parse), [undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  assert.deepEqual(['1_000', ' 2.5 ', 'nan', '-inf', 'abc', '1e'].map(parsePythonFloat), [1000, 2.5, NaN, -Infinity, undefined, undefined]);
});
