import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { loadYaml } from '../../src/core/dvc/files/yamlFile.js';
import { parseLockfile } from '../../src/core/dvc/files/lockfile.js';
import { configFromSections, parseConfigText } from '../../src/core/dvc/files/config.js';
import { IgnoreRules } from '../../src/core/dvc/ignore.js';
import { loadPipeline } from '../../src/core/dvc/load.js';
import { foreachMembers, matrixMembers } from '../../src/core/dvc/pipeline/resolve.js';
import { pyEquals, pyFloatRepr, type PyValue } from '../../src/core/dvc/pyValue.js';
import { Context } from '../../src/core/dvc/templating/context.js';
import { dvcToStr, resolveString, shellQuote, TemplateError } from '../../src/core/dvc/templating/interpolate.js';

const scratch = mkdtempSync(join(tmpdir(), 'mlw-dvcparse-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(scratch, 'p-'));
  mkdirSync(join(root, '.dvc'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

test("Python's float repr: fixed between 1e-4 and 1e16, exponent with two digits otherwise", () => {
  const cases: [number, string][] = [
    [0.1, '0.1'], [1, '1.0'], [100, '100.0'], [1e-5, '1e-05'], [0.0001, '0.0001'], [1e16, '1e+16'],
    [1.2345678901234568e17, '1.2345678901234568e+17'], [-2.5, '-2.5'], [1.5e-7, '1.5e-07'], [-0, '-0.0'], [Infinity, 'inf'], [NaN, 'nan'],
  ];
  for (const [value, expected] of cases) assert.equal(pyFloatRepr(value), expected, String(value));
});

test('property: our float repr equals python3 repr for any double', (t) => {
  const python = 'python3';
  try {
    execFileSync(python, ['-c', 'pass']);
  } catch {
    t.skip('no python3 on PATH');
    return;
  }
  const doubles = fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), 400).filter((d) => !Object.is(d, -0));
  const out = execFileSync(python, ['-c', 'import json,sys; print("\\n".join(repr(float(x)) for x in json.load(sys.stdin)))'], { input: JSON.stringify(doubles) }).toString().trim().split('\n');
  doubles.forEach((d, i) => assert.equal(pyFloatRepr(d), out[i], String(d)));
});

test("Python's == on loaded values: ints equal floats, bools equal 1/0, deep lists and dicts", () => {
  assert.ok(pyEquals(1n, 1.0));
  assert.ok(pyEquals(true, 1n));
  assert.ok(!pyEquals('1', 1n));
  assert.ok(pyEquals({ a: [1n, { b: 2.0 }] }, { a: [1.0, { b: 2n }] }));
  assert.ok(!pyEquals({ a: 1n }, { a: 1n, b: 2n }));
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }), (n) => assert.equal(pyEquals(n, Number(n)), BigInt(Number(n)) === n)));
});

test('interpolation: a whole placeholder keeps its type, inside a string it is stringified as DVC does', () => {
  const context = Context.empty();
  const values: Record<string, PyValue> = { lr: 0.1, n: 3n, on: true, name: 'x y', train: { epochs: 3n, layers: [1n, 2n], fast: false, opt: 'a b' } };
  const selector = { select: (e: string) => (e.split('.').reduce<PyValue>((v, k) => (v as Record<string, PyValue>)[k]!, values)) };
  assert.equal(resolveString('${lr}', selector, 'cmd'), 0.1);
  assert.equal(resolveString('--lr ${lr} --n=${n} ${on}', selector, 'cmd'), '--lr 0.1 --n=3 true');
  assert.equal(resolveString('python t.py ${train}', selector, 'cmd'), "python t.py --epochs 3 --layers 1 2 --opt 'a b'");
  assert.equal(resolveString('t ${train}', selector, 'cmd', { bool: 'boolean_optional', list: 'append' }), "t --epochs 3 --layers 1 --layers 2 --no-fast --opt 'a b'");
  assert.equal(resolveString('cost \\${lr} ${lr}', selector, 'cmd'), 'cost ${lr} 0.1');
  assert.throws(() => resolveString('${train}', selector, 'deps'), TemplateError);
  assert.throws(() => resolveString('${train.layers}', selector, 'outs'), TemplateError);
  assert.throws(() => resolveString('${}', selector, 'cmd'), TemplateError);
  assert.equal(context.has('lr'), false);
});

test('generated stage keys: foreach values, indexes for composite items, dict keys; matrix fragments', () => {
  assert.deepEqual(foreachMembers(['a', 1n, 0.5, true]).map(([k]) => k), ['a', '1', '0.5', 'true']);
  assert.deepEqual(foreachMembers([{ a: 1n }, 'b']).map(([k]) => k), ['0', '1']);
  assert.deepEqual(foreachMembers({ us: 1n, eu: 2n }).map(([k]) => k), ['us', 'eu']);
  assert.deepEqual(matrixMembers({ model: ['a', 'b'], cfg: [{ x: 1n }, 2.0] }).map(([k]) => k), ['a-cfg0', 'a-2.0', 'b-cfg0', 'b-2.0']);
  assert.equal(dvcToStr(1e-5), '1e-05');
  assert.equal(shellQuote("it's"), `'it'"'"'s'`);
  assert.equal(shellQuote('plain-path/x.txt'), 'plain-path/x.txt');
});

test('dvc.yaml: stages, foreach/matrix expansion, vars and positions for navigation', async () => {
  const root = project({
    'params.yaml': 'lr: 0.1\nsizes: [s, m]\n',
    'extra.yaml': 'seed: 7\nother: 1\n',
    'dvc.yaml': [
      'vars:',
      '  - extra.yaml:seed',
      '  - local: 5',
      'stages:',
      '  prep:',
      '    cmd: python p.py ${lr} ${seed} ${local}',
      '    deps:',
      '      - data.csv',
      '    params: [lr, {extra.yaml: [seed]}]',
      '    outs: [{out.txt: {cache: false, persist: true}}]',
      '  train:',
      '    foreach: ${sizes}',
      '    do:',
      '      cmd: echo ${item}',
      '      wdir: sub',
      '      outs: ["m_${item}.txt"]',
      '',
    ].join('\n'),
  });
  const { stages, diagnostics } = await loadPipeline(root, join(root, 'dvc.yaml'), {});
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(stages.map((s) => s.address), ['prep', 'train@s', 'train@m']);
  const prep = stages[0]!;
  assert.equal(prep.cmd, 'python p.py 0.1 7 5');
  assert.deepEqual(prep.position, { line: 5, column: 3 });
  assert.deepEqual(prep.deps[0]!.position, { line: 8, column: 9 });
  assert.deepEqual(prep.params.map((p) => [p.defPath, p.keys]), [['params.yaml', ['lr']], ['extra.yaml', ['seed']]]);
  assert.deepEqual(prep.outs[0]!.flags, { cache: false, persist: true, push: true });
  const trainM = stages[2]!;
  assert.equal(trainM.generatedFrom, 'train');
  assert.equal(trainM.wdir, 'sub');
  assert.equal(trainM.outs[0]!.repoPath, 'sub/m_m.txt');
  assert.deepEqual(trainM.outs[0]!.position, { line: 16, column: 14 });
});

test('errors in user files are diagnostics at their line, and the rest still loads', async () => {
  const root = project({
    'dvc.yaml': 'stages:\n  ok:\n    cmd: echo ok\n  bad:\n    cmd: echo ${missing}\n  worse:\n    cmd: echo\n    outz: [x]\n',
  });
  const { stages, diagnostics } = await loadPipeline(root, join(root, 'dvc.yaml'), {});
  assert.deepEqual(stages.map((s) => s.name), ['ok']);
  assert.deepEqual(diagnostics.map((d) => [d.line, d.column, d.severity]), [[4, 3, 'error'], [6, 3, 'error']]);
  assert.match(diagnostics[0]!.message, /Could not find 'missing'/);
  assert.match(diagnostics[1]!.message, /unknown key 'outz'/);
  const broken = loadYaml('/x/dvc.yaml', 'stages:\n  a:\n    outs: [a_${x}.txt]\n');
  assert.equal(broken.value, undefined);
  assert.equal(broken.diagnostics[0]!.line, 3);
});

test('whole-file params swallow key entries for the same file (_merge_params)', async () => {
  const root = project({ 'params.yaml': 'a: 1\n', 'dvc.yaml': 'stages:\n  s:\n    cmd: x\n    params: [a, {params.yaml: }, {p2.json: [k]}]\n' });
  const { stages } = await loadPipeline(root, join(root, 'dvc.yaml'), {});
  assert.deepEqual(stages[0]!.params.map((p) => [p.defPath, p.keys]), [['params.yaml', []], ['p2.json', ['k']]]);
});

test('dvc.lock: DVC 3 records carry hash md5, DVC 2 records are md5-dos2unix; schema 2.0 only', () => {
  const text = "schema: '2.0'\nstages:\n  s:\n    cmd: x\n    deps:\n    - path: a\n      hash: md5\n      md5: abc\n      size: 3\n    outs:\n    - path: d\n      md5: def.dir\n      size: 9\n      nfiles: 2\n    params:\n      params.yaml:\n        lr: 0.1\n";
  const { lock } = parseLockfile('/r/dvc.lock', text);
  const s = lock!.stages.get('s')!;
  assert.deepEqual(s.deps.get('a'), { algorithm: 'md5', hash: 'abc', size: 3 });
  assert.deepEqual(s.outs.get('d'), { algorithm: 'md5-dos2unix', hash: 'def.dir', size: 9, nfiles: 2 });
  assert.deepEqual(s.params.get('params.yaml'), { lr: 0.1 });
  // As `dvc status` answers it: "validation failed: 2 errors" (an extra key, no schema).
  assert.deepEqual(
    parseLockfile('/r/dvc.lock', 'md5: x\n').diagnostics.map((d) => d.message),
    ["'dvc.lock' validation failed: extra keys not allowed, in md5", "'dvc.lock' validation failed: required key not provided, in schema"],
  );
});

test('.dvc/config: cache dir relative to .dvc, the local file winning', () => {
  const sections = parseConfigText("[core]\n    remote = s3\n['remote \"s3\"']\n    url = s3://b\n[cache]\n    dir = ../../cache\n");
  parseConfigText('[cache]\ndir = /abs/cache\n', sections);
  assert.equal(configFromSections('/r/.dvc', sections).cacheDir, '/abs/cache');
  assert.equal(configFromSections('/r/.dvc', parseConfigText('[cache]\ndir = ../c\n')).cacheDir, '/r/c');
  assert.equal(configFromSections('/r/.dvc', new Map()).cacheDir, '/r/.dvc/cache');
});

test('.dvcignore: unanchored names match at any depth, anchored ones from their folder, negation re-includes', () => {
  const rules = new IgnoreRules({ files: [{ dir: '', lines: ['*.log', '!keep.log', '/build/', 'docs/*.md', '# comment'] }, { dir: 'sub', lines: ['local.txt', '/only_here'] }] });
  const cases: [string, boolean, boolean][] = [
    ['a.log', false, true], ['x/y/b.log', false, true], ['x/keep.log', false, false], ['build', true, true], ['build', false, false],
    ['x/build', true, false], ['docs/a.md', false, true], ['docs/x/a.md', false, false], ['sub/local.txt', false, true],
    ['local.txt', false, false], ['sub/deeper/local.txt', false, true], ['sub/only_here', false, true], ['sub/x/only_here', false, false],
    ['.git', true, true], ['.dvc', true, true], ['build/inner.txt', false, true],
  ];
  for (const [path, isDir, expected] of cases) assert.equal(rules.isIgnored(path, isDir), expected, path);
});
