/**
 * The pieces of core/dvc/plots that need no repo: data files parsed as DVC's parsers read them
 * (CSV quoting, NaN in JSON, YAML aliases bounded), images told by their bytes, steps in image
 * paths, DVC's datapoint rules on small inputs. The whole against real DVC is
 * test/contract/dvcPlots.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { convert, finishDatapoints, seriesKeyOf } from '../../src/core/dvc/plots/datapoints.js';
import { PlotError, type JsonValue } from '../../src/core/dvc/plots/model.js';
import { parseDelimited, parsePlotData, sniffImage } from '../../src/core/dvc/plots/parse.js';
import { normalizeRepoPath } from '../../src/core/dvc/revision/files.js';
import { parseExperimentRef } from '../../src/core/dvc/revision/resolve.js';
import { stepGroups, stepOf } from '../../src/core/dvc/plots/steps.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return error instanceof PlotError ? error.reason : `not a PlotError: ${String(error)}`;
  }
  return 'no error';
};

describe('plot data files', () => {
  it('reads CSV as Python csv.DictReader does: strings, quotes, CRLF, blank lines skipped', () => {
    const text = 'a,b\r\n1,"x, ""y"""\r\n\r\n2,"multi\r\nline"\r\n';
    assert.deepEqual(parsePlotData('p.csv', bytes(text)), [
      { a: '1', b: 'x, "y"' },
      { a: '2', b: 'multi\nline' },
    ]);
  });

  it('reads TSV, and numbers the fields when header is false', () => {
    assert.deepEqual(parsePlotData('p.tsv', bytes('1\t2\n3\t4\n'), false), [
      { '0': '1', '1': '2' },
      { '0': '3', '1': '4' },
    ]);
  });

  it('says which line of a CSV is ragged or where a quote is left open', () => {
    assert.throws(() => parseDelimited('p.csv', 'a,b\n1,2\n3\n', ',', true), /line 3: 1 field, but the header has 2/);
    assert.throws(() => parseDelimited('p.csv', 'a,b\n1,"open\n', ',', true), /line 2: a quoted field is not closed/);
  });

  it('round-trips any table written with RFC 4180 quoting', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', ' ', 'é') });
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 8 }), (rows) => {
        const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;
        const text = ['h1,h2', ...rows.map((r) => r.map(quote).join(','))].join('\n');
        assert.deepEqual(parseDelimited('t.csv', text, ',', true), rows.map(([h1, h2]) => ({ h1, h2 })));
      }),
    );
  });

  it("reads JSON with Python's NaN and Infinity, and empty content as {}", () => {
    const value = parsePlotData('m.json', bytes('[{"v": NaN, "w": -Infinity, "s": "NaN in a string"}]')) as Record<string, unknown>[];
    assert.ok(Number.isNaN(value[0]!['v']));
    assert.equal(value[0]!['w'], -Infinity);
    assert.equal(value[0]!['s'], 'NaN in a string');
    assert.deepEqual(parsePlotData('m.json', bytes('[]')), {});
    assert.equal(reason(() => parsePlotData('m.json', bytes('{"a": '))), 'malformed');
  });

  it('refuses a YAML alias bomb, text that is not UTF-8 and formats DVC does not plot', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    assert.equal(reason(() => parsePlotData('b.yaml', bytes(bomb))), 'malformed');
    assert.equal(reason(() => parsePlotData('b.csv', Buffer.from([0x61, 0xff, 0x0a]))), 'malformed');
    assert.equal(reason(() => parsePlotData('b.parquet', bytes('x'))), 'unsupported-format');
  });
});

describe('images', () => {
  it('are told by their signature, not their name', () => {
    assert.equal(sniffImage('a.png', Buffer.from('89504e470d0a1a0a0000', 'hex')), 'png');
    assert.equal(sniffImage('a.png', Buffer.from('ffd8ffe000', 'hex')), 'jpeg');
    assert.equal(sniffImage('a.gif', bytes('GIF89a....')), 'gif');
    assert.equal(sniffImage('a.svg', bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>')), 'svg');
    assert.equal(reason(() => sniffImage('a.png', bytes('<svg></svg>'))), 'not-an-image');
    assert.equal(reason(() => sniffImage('a.png', Buffer.alloc(0))), 'not-an-image');
  });

  it('carry their step where the path has one', () => {
    assert.deepEqual(stepOf('plots/images/step_12/x.png'), { group: 'plots/images/step_{step}/x.png', value: 12 });
    assert.deepEqual(stepOf('dvclive/plots/images/sample/7.png'), { group: 'dvclive/plots/images/sample/{step}.png', value: 7 });
    assert.deepEqual(stepOf('img/pred-003.jpg'), { group: 'img/pred-{step}.jpg', value: 3 });
    assert.equal(stepOf('img/v2model.png'), undefined);
    const groups = stepGroups(['a/1.png', 'a/2.png', 'b/3.png', 'c.png']);
    assert.deepEqual([...groups.keys()], ['a/1.png', 'a/2.png']);
  });
});

describe("DVC's datapoints", () => {
  const data = new Map<string, JsonValue>([['p.csv', [{ step: '0', loss: '1' }, { step: '1', loss: '2' }]]]);

  it('use the row index as step when no x is given, and the last column as y', () => {
    const converted = convert('p.csv', {}, data, 'HEAD');
    assert.deepEqual([converted.x, converted.y, converted.xLabel, converted.yLabel], ['step', 'loss', 'step', 'loss']);
    assert.deepEqual(converted.datapoints[1], { step: 1, loss: '2', rev: 'HEAD', filename: 'p.csv', field: 'loss' });
  });

  it('say a missing field or x and y of different lengths', () => {
    assert.equal(reason(() => convert('p.csv', { x: 'nope' }, data, 'w')), 'bad-definition');
    const two = new Map<string, JsonValue>([...data, ['q.csv', [{ t: '0' }]]]);
    assert.equal(reason(() => convert('id', { x: { 'q.csv': 't' }, y: { 'p.csv': 'loss' } }, two, 'w')), 'bad-definition');
  });

  it('keep only the key that tells several sources apart', () => {
    assert.equal(seriesKeyOf([{ filename: 'a', field: 'x' }]), undefined);
    assert.equal(seriesKeyOf([{ filename: 'a', field: 'x' }, { filename: 'a', field: 'y' }]), 'field');
    assert.equal(seriesKeyOf([{ filename: 'a', field: 'x' }, { filename: 'b', field: 'y' }]), 'filename::field');
    const points = [{ filename: 'a', field: 'x', v: 1 }];
    finishDatapoints(points, 'filename::field');
    assert.deepEqual(points, [{ v: 1, 'filename::field': 'a::x' }]);
  });
});

describe('paths and refs', () => {
  it('never leave the repository', () => {
    assert.equal(normalizeRepoPath('plots/./a/../b.csv'), 'plots/b.csv');
    assert.equal(normalizeRepoPath('../etc/passwd'), undefined);
    assert.equal(normalizeRepoPath('a/../../b'), undefined);
    assert.equal(normalizeRepoPath('/etc/passwd'), undefined);
  });

  it('name experiments only in their own namespace', () => {
    const sha = 'd7ce49d56a994821daaa685cc2955aaa2112e70e';
    assert.deepEqual(parseExperimentRef(`refs/exps/d7/${sha.slice(2)}/exp-four`), { name: 'exp-four', baseline: sha });
    assert.equal(parseExperimentRef('refs/exps/exec/EXEC_HEAD'), undefined);
    assert.equal(parseExperimentRef('refs/exps/celery/stash'), undefined);
  });
});
