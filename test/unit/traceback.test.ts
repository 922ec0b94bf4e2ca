import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { PYTHON_PROBLEM_MATCHER_REFERENCES, PYTHON_PROBLEM_MATCHERS } from '../../src/core/tasks/problemMatcher.js';
import { lastErrorLine, parseTracebacks, tracebackDiagnostics } from '../../src/core/tasks/traceback.js';
import { collectMarkers } from '../support/problemMatcherCollector.js';
import { pythonEnv, REPO_ROOT } from '../support/python.js';

/** Real tracebacks: each script is run by the venv's CPython, its stdout+stderr kept as a task terminal shows them. */
const SCRIPTS: Record<string, string> = {
  'raise_in_function.py': 'print("epoch 1 loss=0.5")\ndef train(lr):\n    raise ValueError(f"bad learning rate {lr}")\ntrain(-1)\n',
  'caret_expression.py': 'def ratio(a, b):\n    return a.total / b\nclass A:\n    total = 3\nprint(ratio(A(), 0) + 1)\n',
  'syntax_error.py': 'def f(:\n    pass\n',
  'chained.py': 'import json\ndef load(text):\n    try:\n        return json.loads(text)\n    except ValueError as error:\n        raise RuntimeError("config is not JSON") from error\nload("{bad")\n',
  'library_error.py': 'import json\nconfig = json.loads("{bad")\n',
  'bare_assert.py': 'def check(x):\n    assert x > 0\ncheck(-1)\n',
  'custom_error.py': 'class Boom(Exception):\n    pass\nraise Boom("the model exploded")\n',
  'imported.py': 'import helpers.steps\nhelpers.steps.run()\n',
};

interface Run {
  readonly dir: string;
  readonly output: string;
}

let runs: Promise<Record<string, Run>> | undefined;
function realTracebacks(): Promise<Record<string, Run>> {
  runs ??= (async () => {
    const { python } = await pythonEnv();
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-tb-'));
    mkdirSync(join(dir, 'helpers'));
    writeFileSync(join(dir, 'helpers', '__init__.py'), '');
    writeFileSync(join(dir, 'helpers', 'steps.py'), 'def run():\n    data = {"a": 1}\n    return data["missing"]\n');
    const result: Record<string, Run> = {};
    for (const [name, source] of Object.entries(SCRIPTS)) {
      writeFileSync(join(dir, name), source);
      const run = spawnSync(python, [name], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
      assert.notEqual(run.status, 0, name);
      result[name] = { dir, output: run.stdout + run.stderr };
    }
    return result;
  })();
  return runs;
}

test('parser: frames, exception and message of real tracebacks', async () => {
  const { 'raise_in_function.py': run } = await realTracebacks();
  const [traceback] = parseTracebacks(run!.output);
  assert.deepEqual(traceback, {
    frames: [
      { file: join(run!.dir, 'raise_in_function.py'), line: 4, function: '<module>', code: 'train(-1)' },
      { file: join(run!.dir, 'raise_in_function.py'), line: 3, function: 'train', code: 'raise ValueError(f"bad learning rate {lr}")' },
    ],
    exception: 'ValueError',
    message: 'bad learning rate -1',
    errorLine: 'ValueError: bad learning rate -1',
  });
});

test('parser: chained tracebacks, syntax errors without a header, messages-less exceptions, ANSI colours', async () => {
  const all = await realTracebacks();
  const chained = parseTracebacks(all['chained.py']!.output);
  assert.deepEqual(chained.map((t) => t.errorLine), ['json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)', 'RuntimeError: config is not JSON']);
  assert.deepEqual(parseTracebacks(all['syntax_error.py']!.output).map((t) => [t.frames.at(-1)!.line, t.errorLine]), [[1, 'SyntaxError: invalid syntax']]);
  assert.deepEqual(parseTracebacks(all['bare_assert.py']!.output).map((t) => [t.exception, t.message]), [['AssertionError', '']]);
  assert.equal(lastErrorLine(all['custom_error.py']!.output), 'Boom: the model exploded');
  const coloured = all['raise_in_function.py']!.output.replace('ValueError', '\u001b[1;35mValueError\u001b[0m');
  assert.equal(lastErrorLine(coloured), 'ValueError: bad learning rate -1');
  assert.equal(lastErrorLine('epoch 1\nall good\n'), undefined);
});

test('diagnostics: the innermost frame, or the innermost one in the workspace', async () => {
  const { 'library_error.py': run } = await realTracebacks();
  const message = 'json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)';
  const [innermost] = tracebackDiagnostics(run!.output);
  assert.match(innermost!.file, /json[\\/]decoder\.py$/);
  assert.equal(innermost!.message, message);
  assert.deepEqual(tracebackDiagnostics(run!.output, { preferUnder: run!.dir }), [{ file: join(run!.dir, 'library_error.py'), line: 2, message }]);
});

test('problem matchers, run the way VS Code runs them, mark the innermost frame of each real traceback', async () => {
  const all = await realTracebacks();
  const dir = all['raise_in_function.py']!.dir;
  const markers = (name: string) => collectMarkers(PYTHON_PROBLEM_MATCHERS, all[name]!.output).map((m) => [m.matcher, m.file.replace(dir, '<dir>'), m.line, m.message]);
  assert.deepEqual(markers('raise_in_function.py'), [['mlWorkbench-python', '<dir>/raise_in_function.py', 3, 'ValueError: bad learning rate -1']]);
  assert.deepEqual(markers('caret_expression.py'), [['mlWorkbench-python-carets', '<dir>/caret_expression.py', 2, 'ZeroDivisionError: division by zero']]);
  assert.deepEqual(markers('syntax_error.py'), [['mlWorkbench-python-carets', '<dir>/syntax_error.py', 1, 'SyntaxError: invalid syntax']]);
  assert.deepEqual(markers('bare_assert.py'), [['mlWorkbench-python-carets', '<dir>/bare_assert.py', 2, 'AssertionError']]);
  assert.deepEqual(markers('custom_error.py'), [['mlWorkbench-python', '<dir>/custom_error.py', 3, 'Boom: the model exploded']]);
  assert.deepEqual(markers('imported.py'), [['mlWorkbench-python-carets', '<dir>/helpers/steps.py', 3, "KeyError: 'missing'"]]);
  const chained = markers('chained.py');
  assert.equal(chained.length, 2);
  assert.deepEqual(chained[1], ['mlWorkbench-python', '<dir>/chained.py', 6, 'RuntimeError: config is not JSON']);
  assert.match(String(chained[0]![1]), /json[\\/]decoder\.py$/);
});

test('problem matchers stay quiet on ordinary output and on frames of pseudo-files', () => {
  const output = ['Epoch 1/3', '  File "<stdin>", line 1, in <module>', '    x', 'NameError: x', 'Done', 'File "not indented.py", line 2', 'accuracy: 0.93'].join('\n');
  assert.deepEqual(collectMarkers(PYTHON_PROBLEM_MATCHERS, output), []);
});

test('package.json contributes exactly the core matchers, and tasks refer to them by $name', () => {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  assert.deepEqual(manifest.contributes.problemMatchers, PYTHON_PROBLEM_MATCHERS);
  assert.deepEqual(PYTHON_PROBLEM_MATCHER_REFERENCES, ['$mlWorkbench-python', '$mlWorkbench-python-carets', '$mlWorkbench-python-nosource']);
});
