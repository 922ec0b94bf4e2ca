/**
 * What the CLI prints when it cannot do what it was asked: one line and a pointer to --help for a
 * usage error (exit 2), a report request and no stack trace for a bug (exit 1), and JSON that
 * prints whatever the depth of the value.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { unexpectedError } from '../../src/cli/failure.js';
import { stringifyWithoutRecursion, toJsonText } from '../../src/cli/json.js';
import { main } from '../../src/cli/main.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const HELP_LINE = "Run 'ml-workbench --help' for the commands and their options.\n";

test('a usage error prints one line and where the usage is, exit 2', async () => {
  const cases: [string[], string][] = [
    [['bogus'], "unknown command 'bogus'"],
    [[], 'a command is needed (experiments, runs, run, metric-history, models, status, …)'],
    [['runs', '--max-results', 'lots'], '--max-results must be a positive integer'],
    [['runs', '--view-type', 'SOME'], '--view-type must be one of ACTIVE_ONLY, DELETED_ONLY, ALL'],
    [['run', '--run-id'], '--run-id needs a value'],
    [['experiments', '--json=yes'], '--json takes no value'],
    [['run'], '--run-id is required'],
  ];
  for (const [argv, message] of cases) {
    const { code, out, err } = await cli(...argv, '--tracking-uri', 'sqlite:////nonexistent/mlflow.db');
    assert.equal(code, 2, argv.join(' '));
    assert.equal(out, '');
    assert.equal(err, `ml-workbench: ${message}\n${HELP_LINE}`);
  }
});

test('--help prints the whole usage, with the exit codes, on stdout', async () => {
  const { code, out, err } = await cli('--help');
  assert.equal(code, 0);
  assert.equal(err, '');
  assert.match(out, /^ml-workbench — /);
  assert.match(out, /Exit codes: 0 done; 1 .*\n2 bad usage, including a filter, order_by or max_results MLflow would refuse/);
});

test('an unexpected error asks for a report with what to put in it, and shows no stack unless ML_WORKBENCH_DEBUG is set', () => {
  const error = new RangeError('Maximum call stack size exceeded\nsecond line');
  const text = unexpectedError(error, {});
  assert.match(text, /^ml-workbench: unexpected error: RangeError: Maximum call stack size exceeded\n/);
  assert.match(text, /This is a bug in ml-workbench\. Please report it with:/);
  assert.match(text, new RegExp(`ml-workbench \\d+\\.\\d+\\.\\d+, Node ${process.version.replaceAll('.', '\\.')} on ${process.platform} ${process.arch}, SQLite through (node:sqlite|sql\\.js)`));
  assert.match(text, /ML_WORKBENCH_DEBUG=1/);
  assert.doesNotMatch(text, /second line|\n\s+at /);
  assert.match(unexpectedError(error, { ML_WORKBENCH_DEBUG: '1' }), /\n\s+at /);
  assert.match(unexpectedError('a thrown string', {}), /^ml-workbench: unexpected error: a thrown string\n/);
});

test('JSON nested 200,000 deep prints (no RangeError), as the same text JSON.stringify gives to shallow values', () => {
  const depth = 200_000;
  const deep = JSON.parse(`${'['.repeat(depth)}{"a":[1,null,"x"]}${']'.repeat(depth)}`) as unknown;
  assert.throws(() => JSON.stringify(deep), RangeError);
  assert.equal(toJsonText(deep), `${'['.repeat(depth)}{"a":[1,null,"x"]}${']'.repeat(depth)}`);
  fc.assert(
    fc.property(fc.jsonValue(), (value) => stringifyWithoutRecursion(value) === JSON.stringify(value)),
    { numRuns: 500 },
  );
  const odd = { a: undefined, b: [undefined, 1, () => 1, Symbol('s')], c: { d: Number.NaN, e: -0, f: 'x"\u2028\n' }, g: new Date(0) };
  assert.equal(stringifyWithoutRecursion(odd), JSON.stringify(odd));
});
