import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import fc from 'fast-check';
import { loadMlProject, parseMlProject, resolveEntryPoint } from '../../src/core/tasks/mlproject.js';
import { checkParameterValue, formatEntryPointCommand, formatTemplate, parameterProblems } from '../../src/core/tasks/mlprojectParams.js';
import { isPythonFloat, isPythonInt, pythonFloatRepr, pythonUrlSplit, pyYamlPlainScalarToStr, shlexQuote } from '../../src/core/tasks/pythonValues.js';
import { TaskError } from '../../src/core/tasks/spec.js';

const reason = (expected: string) => (error: unknown) => error instanceof TaskError && error.reason === expected;

const MLPROJECT = `name: tutorial
python_env: python_env.yaml
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.5}
      l1_ratio: {type: float, default: 1.0e-5}
      epochs: {type: int, default: 10}
      tiny: {type: float, default: 0.00001}
      flag: {type: string, default: yes}
      raw: {type: string, default: 1e-5}
      quoted: {type: string, default: "0.10"}
      data: path
      out: {type: uri, default: "s3://bucket/out"}
    command: "python train.py {alpha} {l1_ratio} --data {data}"
  validate:
    command: python validate.py
`;

test('MLproject: name, environment, entry points and typed parameters in declaration order', () => {
  const project = parseMlProject(MLPROJECT);
  assert.equal(project.name, 'tutorial');
  assert.deepEqual(project.environment, { kind: 'python_env', file: 'python_env.yaml' });
  assert.deepEqual(project.entryPoints.map((e) => e.name), ['main', 'validate']);
  assert.deepEqual(project.entryPoints[0]!.parameters, [
    { name: 'alpha', type: 'float', default: '0.5' },
    { name: 'l1_ratio', type: 'float', default: '1e-05' },
    { name: 'epochs', type: 'int', default: '10' },
    { name: 'tiny', type: 'float', default: '1e-05' },
    { name: 'flag', type: 'string', default: 'True' },
    { name: 'raw', type: 'string', default: '1e-5' },
    { name: 'quoted', type: 'string', default: '0.10' },
    { name: 'data', type: 'path' },
    { name: 'out', type: 'uri', default: 's3://bucket/out' },
  ]);
  assert.deepEqual(project.entryPoints[1], { name: 'validate', command: 'python validate.py', parameters: [] });
});

test('MLproject: what MLflow refuses is refused', () => {
  assert.throws(() => parseMlProject('python_env: a.yaml\nconda_env: b.yaml\n'), reason('invalid-mlproject'));
  assert.throws(() => parseMlProject('docker_env: {volumes: [a]}\n'), reason('invalid-mlproject'));
  assert.throws(() => parseMlProject('entry_points:\n  main:\n    parameters: {a: 0.5}\n    command: x\n'), reason('invalid-mlproject'));
  assert.throws(() => parseMlProject('entry_points:\n  main:\n    parameters: {a: float}\n'), reason('invalid-mlproject'));
  assert.throws(() => parseMlProject('entry_points: [main]\n'), reason('invalid-mlproject'));
  assert.throws(() => parseMlProject(''), reason('invalid-mlproject'));
  assert.throws(() => parseMlProject('name: [unclosed'), reason('invalid-mlproject'));
  assert.deepEqual(parseMlProject('docker_env:\n  image: python:3.11\n  volumes: ["/a:/a"]\n').environment, { kind: 'docker_env', image: 'python:3.11', volumes: ['/a:/a'] });
});

test('an entry point that is a .py or .sh file runs as a script, like MLflow', () => {
  const project = parseMlProject(MLPROJECT);
  assert.deepEqual(resolveEntryPoint(project, 'tools/run me.py'), { name: 'tools/run me.py', command: "python 'tools/run me.py'", parameters: [] });
  assert.equal(resolveEntryPoint(project, 'go.sh', { SHELL: '/bin/zsh' }).command, '/bin/zsh go.sh');
  assert.throws(() => resolveEntryPoint(project, 'train'), reason('unknown-entry-point'));
});

test('loadMlProject finds the file case-insensitively and checks the environment file exists', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-proj-'));
  writeFileSync(join(dir, 'mlProject'), MLPROJECT);
  await assert.rejects(loadMlProject(dir), (e: unknown) => reason('invalid-mlproject')(e) && /python_env\.yaml/.test((e as Error).message));
  writeFileSync(join(dir, 'python_env.yaml'), 'python: "3.11"\n');
  assert.equal((await loadMlProject(dir)).entryPoints.length, 2);
  const empty = mkdtempSync(join(tmpdir(), 'mlwb-proj-'));
  assert.deepEqual(await loadMlProject(empty), { environment: { kind: 'none' }, entryPoints: [] });
});

test('parameter values: float and int as Python reads them, uri needs a scheme, a local path must exist', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-params-'));
  mkdirSync(join(dir, 'data'));
  const context = { projectDir: dir };
  const float = { name: 'alpha', type: 'float' };
  for (const ok of ['0.5', '1e-3', ' 2 ', '-inf', 'NaN', '1_000.5', '.5', '5.']) assert.equal(checkParameterValue(float, ok, context), undefined, ok);
  for (const bad of ['', 'abc', '1,5', '0x10', '1__0', '1e', '_1']) assert.match(checkParameterValue(float, bad, context) ?? '', /alpha must be a float/, bad);
  const int = { name: 'epochs', type: 'int' };
  for (const ok of ['10', '-3', '1_000', ' 7\n', '007']) assert.equal(checkParameterValue(int, ok, context), undefined, ok);
  for (const bad of ['1.0', '1e3', 'ten', '']) assert.match(checkParameterValue(int, bad, context) ?? '', /epochs must be an int/, bad);
  const uri = { name: 'out', type: 'uri' };
  assert.equal(checkParameterValue(uri, 's3://b/k', context), undefined);
  assert.match(checkParameterValue(uri, 'relative/dir', context) ?? '', /must be a URI/);
  const path = { name: 'data', type: 'path' };
  assert.equal(checkParameterValue(path, 'data', context), undefined);
  assert.equal(checkParameterValue(path, `file://${dir}/data`, context), undefined);
  assert.equal(checkParameterValue(path, 's3://bucket/anything', context), undefined);
  assert.match(checkParameterValue(path, 'missing.csv', context) ?? '', /data: no such file or directory/);
});

test('problems name each parameter: missing required, wrong type, a name -P cannot carry', () => {
  const entry = parseMlProject(MLPROJECT).entryPoints[0]!;
  const problems = parameterProblems(entry, { alpha: 'x', epochs: '3', 'a=b': '1' }, { projectDir: '/nowhere' });
  assert.deepEqual(problems.map((p) => [p.name, p.reason]), [['alpha', 'invalid-parameter'], ['data', 'missing-parameter'], ['a=b', 'invalid-argument']]);
});

test('the command MLflow would run: values shell-quoted into the template, path made absolute, extras appended', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-cmd-'));
  writeFileSync(join(dir, 'in.csv'), '');
  const entry = parseMlProject(MLPROJECT).entryPoints[0]!;
  assert.equal(
    formatEntryPointCommand(entry, { alpha: '0.25', data: 'in.csv', 'my key': "it's" }, { projectDir: dir }),
    `python train.py 0.25 1e-05 --data ${dir}/in.csv --'my key' 'it'"'"'s'`,
  );
  assert.equal(formatTemplate('echo {{literal}} {a}', new Map([['a', 'x']])), 'echo {literal} x');
  assert.throws(() => formatTemplate('echo {a!r}', new Map([['a', 'x']])), reason('invalid-template'));
  assert.throws(() => formatTemplate('echo {0}', new Map()), reason('invalid-template'));
  assert.throws(() => formatTemplate('echo {b}', new Map([['a', 'x']])), reason('invalid-template'));
  assert.throws(() => formatTemplate('echo }', new Map()), reason('invalid-template'));
});

test('PyYAML plain scalars print as Python str() of what safe_load gives', () => {
  const cases: [string, string | undefined][] = [
    ['1e-5', '1e-5'], ['1.0e-5', '1e-05'], ['0.10', '0.1'], ['10', '10'], ['1_000', '1000'], ['0x1A', '26'], ['010', '8'], ['0b101', '5'],
    ['190:20:30', '685230'], ['yes', 'True'], ['y', 'y'], ['Off', 'False'], ['~', undefined], ['', undefined], ['.inf', 'inf'], ['-.Inf', '-inf'],
    ['.nan', 'nan'], ['1.', '1.0'], ['.5', '0.5'], ['+1', '1'], ['1e5', '1e5'], ['1.5e+20', '1.5e+20'], ['123456789012345678901', '123456789012345678901'],
    ['0.0001', '0.0001'], ['1:20', '80'], ['1.0e+16', '1e+16'], ['12345678.9', '12345678.9'], ['-0.0', '-0.0'],
  ];
  for (const [source, expected] of cases) assert.equal(pyYamlPlainScalarToStr(source), expected, source);
});

test('property: Python float repr round-trips and uses exponent notation exactly outside [1e-4, 1e16)', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
      const text = pythonFloatRepr(value);
      assert.equal(Number(text), value);
      const magnitude = Math.abs(value);
      if (magnitude !== 0) assert.equal(/e/.test(text), magnitude < 1e-4 || magnitude >= 1e16, text);
      assert.ok(isPythonFloat(text), text);
    }),
  );
  assert.ok(isPythonInt('12') && !isPythonInt('1.2'));
});

test('urlsplit scheme rules and shlex.quote', () => {
  assert.deepEqual(pythonUrlSplit('file:///tmp/x'), { scheme: 'file', netloc: '', path: '/tmp/x' });
  assert.equal(pythonUrlSplit('C:\\data').scheme, 'c');
  assert.equal(pythonUrlSplit('data/x:1').scheme, '');
  assert.equal(pythonUrlSplit('1abc:x').scheme, '');
  assert.equal(shlexQuote(''), "''");
  assert.equal(shlexQuote('safe-word_1.0/x@y%z+=:,'), 'safe-word_1.0/x@y%z+=:,');
  assert.equal(shlexQuote("a'b c"), `'a'"'"'b c'`);
});
