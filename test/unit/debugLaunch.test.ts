import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { debugConfigForCommand, entryPointDebugConfig, isDebuggable, stageDebugConfig, type DebugLaunchResult } from '../../src/core/tasks/debugLaunch.js';
import { parseMlProject } from '../../src/core/tasks/mlproject.js';
import { splitShellWords } from '../../src/core/tasks/shellWords.js';
import { TaskError } from '../../src/core/tasks/spec.js';

const words = (text: string) => {
  const split = splitShellWords(text, { home: '/home/u' });
  return split.ok ? split.words.map((w) => w.value) : split.feature;
};

test('POSIX word splitting: quotes, escapes, line continuations, comments', () => {
  assert.deepEqual(words(`python train.py --name 'a b' "c \\"d\\" \\$e \\x" f\\ g`), ['python', 'train.py', '--name', 'a b', 'c "d" $e \\x', 'f g']);
  assert.deepEqual(words(`python x.py \\\n  --lr 0.1   # tuned\n`), ['python', 'x.py', '--lr', '0.1']);
  assert.deepEqual(words(`python x.py '' "" a''b`), ['python', 'x.py', '', '', 'ab']);
  assert.deepEqual(words('python x.py a#b ~/data ~'), ['python', 'x.py', 'a#b', '/home/u/data', '/home/u']);
  assert.deepEqual(words('python x.py "$" 100$ [1,2]'), ['python', 'x.py', '$', '100$', '[1,2]']);
});

test('shell features are reported, never guessed at', () => {
  assert.equal(words('python a.py && python b.py'), 'the "&&" operator');
  assert.equal(words('python a.py||true'), 'the "||" operator');
  assert.equal(words('python a.py | tee log'), 'a pipeline (|)');
  assert.equal(words('python a.py > out.txt'), 'a redirection');
  assert.equal(words('python a.py; echo done'), 'the ";" operator');
  assert.equal(words('python a.py --out $OUT'), 'parameter expansion ($…)');
  assert.equal(words('python a.py "${X}"'), 'parameter expansion ($…)');
  assert.equal(words('python a.py $(date)'), 'command substitution $(…)');
  assert.equal(words('python a.py `date`'), 'command substitution (`…`)');
  assert.equal(words('python a.py data/*.csv'), 'the pathname pattern "*"');
  assert.equal(words("python a.py 'unterminated"), 'an unterminated single quote');
  assert.equal(words('python a.py\npython b.py'), 'several commands on separate lines');
  assert.equal(splitShellWords('python a.py ~/x').ok, false);
});

const at = (result: DebugLaunchResult) => {
  assert.ok(isDebuggable(result), JSON.stringify(result));
  return result;
};
const base = { type: 'debugpy', request: 'launch', justMyCode: true, console: 'integratedTerminal' } as const;

test('stage shapes: script, python3, -u, -m module, env assignments, wdir', () => {
  assert.deepEqual(stageDebugConfig({ stage: 'train', cmd: 'python src/train.py --epochs 3', dvcYamlDir: '/repo' }), {
    ...base, name: 'Debug stage train', program: '/repo/src/train.py', args: ['--epochs', '3'], cwd: '/repo', env: {},
  });
  assert.deepEqual(stageDebugConfig({ stage: 'eval', cmd: 'python3 evaluate.py model.pkl', dvcYamlDir: '/repo', wdir: 'src' }), {
    ...base, name: 'Debug stage eval', program: '/repo/src/evaluate.py', args: ['model.pkl'], cwd: '/repo/src', env: {},
  });
  assert.deepEqual(at(stageDebugConfig({ stage: 's', cmd: 'python -u x.py', dvcYamlDir: '/r' })).pythonArgs, ['-u']);
  assert.deepEqual(stageDebugConfig({ stage: 'prep', cmd: ['python -m pkg.prepare --in "raw data" --out prepared'], dvcYamlDir: '/r' }), {
    ...base, name: 'Debug stage prep', module: 'pkg.prepare', args: ['--in', 'raw data', '--out', 'prepared'], cwd: '/r', env: {},
  });
  const withEnv = at(stageDebugConfig({ stage: 's', cmd: 'FOO=1 BAR="two words" python train.py', dvcYamlDir: '/r', env: { MLFLOW_TRACKING_URI: 'sqlite:////r/mlflow.db', FOO: '0' } }));
  assert.deepEqual(withEnv.env, { MLFLOW_TRACKING_URI: 'sqlite:////r/mlflow.db', FOO: '1', BAR: 'two words' });
  assert.deepEqual(at(stageDebugConfig({ stage: 's', cmd: 'env CUDA_VISIBLE_DEVICES= python t.py', dvcYamlDir: '/r' })).env, { CUDA_VISIBLE_DEVICES: '' });
});

test('interpreter options: bundled flags, -W/-X values, -m joined, an interpreter given by path', () => {
  const config = at(debugConfigForCommand('.venv/bin/python -uB -W ignore -Xdev -mtools.fit a', { name: 'n', cwd: '/p' }));
  assert.deepEqual([config.pythonArgs, config.module, config.args, config.python], [['-u', '-B', '-W', 'ignore', '-X', 'dev'], 'tools.fit', ['a'], '/p/.venv/bin/python']);
  assert.equal(at(debugConfigForCommand('/usr/bin/python3.11 /abs/x.py', { name: 'n', cwd: '/p' })).program, '/abs/x.py');
  // A quoted NAME=value is a command word, not an assignment (POSIX 2.9.1).
  assert.deepEqual(debugConfigForCommand("'FOO=1' python x.py", { name: 'n', cwd: '/p' }), { reason: 'not-python', message: 'The command runs FOO=1, not Python; only Python commands can be debugged.' });
});

test('commands that are not a single python command say why', () => {
  const reasonOf = (cmd: string | string[]) => {
    const result = stageDebugConfig({ stage: 's', cmd, dvcYamlDir: '/r' });
    assert.ok(!isDebuggable(result));
    assert.equal(result.reason, 'not-python');
    return result.message;
  };
  assert.match(reasonOf('Rscript train.R'), /runs Rscript, not Python/);
  assert.match(reasonOf('bash run.sh'), /runs bash, not Python/);
  assert.match(reasonOf('make'), /runs make/);
  assert.match(reasonOf('python prepare.py && python train.py'), /"&&" operator/);
  assert.match(reasonOf('python train.py | tee log.txt'), /pipeline/);
  assert.match(reasonOf(['python a.py', 'python b.py']), /runs 2 commands/);
  assert.match(reasonOf('python -c "print(1)"'), /python -c/);
  assert.match(reasonOf('python'), /no script to debug/);
  assert.match(reasonOf('   '), /empty/);
  assert.match(reasonOf('FOO=1'), /empty/);
});

const PROJECT = parseMlProject(`entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.5}
      note: {type: string, default: "a b"}
      data: path
    command: "python -u train.py --alpha {alpha} --note {note} --data {data}"
  tool:
    command: "python -m tools.report"
`);

test('entry point: parameters substituted as MLflow does, then the same launch configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-ep-'));
  writeFileSync(join(dir, 'in.csv'), '');
  const config = entryPointDebugConfig({ project: PROJECT, projectDir: dir, entryPoint: 'main', parameters: { data: 'in.csv', note: "'; rm -rf ~ #", extra: '$(x)' }, tracking: { trackingUri: 'sqlite:///mlflow.db', experimentName: 'e' } });
  assert.deepEqual(config, {
    ...base, name: 'Debug entry point main', program: join(dir, 'train.py'), args: ['--alpha', '0.5', '--note', "'; rm -rf ~ #", '--data', join(dir, 'in.csv'), '--extra', '$(x)'],
    cwd: dir, env: { MLFLOW_TRACKING_URI: 'sqlite:///mlflow.db', MLFLOW_EXPERIMENT_NAME: 'e' }, pythonArgs: ['-u'],
  });
  assert.equal(at(entryPointDebugConfig({ project: PROJECT, projectDir: dir, entryPoint: 'tool' })).module, 'tools.report');
  assert.equal(at(entryPointDebugConfig({ project: PROJECT, projectDir: dir, entryPoint: 'scripts/x.py' })).program, join(dir, 'scripts/x.py'));
  assert.throws(() => entryPointDebugConfig({ project: PROJECT, projectDir: dir, entryPoint: 'main', parameters: { alpha: 'x', data: 'in.csv' } }), (e: unknown) => e instanceof TaskError && e.reason === 'invalid-parameter' && e.subject === 'alpha');
});
