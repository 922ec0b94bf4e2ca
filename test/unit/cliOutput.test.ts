/**
 * What the CLI prints when it cannot do what it was asked: one line and a pointer to --help for a
 * usage error (exit 2), a report request and no stack trace for a bug (exit 1), and JSON that
 * prints whatever the depth of the value.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    [['drift', '--current', 'x.csv'], 'drift needs --reference FILE and --current FILE'],
    [['exp-show', '-n', 'x'], '-n/--num must be an integer'],
  ];
  for (const [argv, message] of cases) {
    const { code, out, err } = await cli(...argv, '--tracking-uri', 'sqlite:////nonexistent/mlflow.db');
    assert.equal(code, 2, argv.join(' '));
    assert.equal(out, '');
    assert.equal(err, `ml-workbench: ${message}\n${HELP_LINE}`);
  }
});

test('a filter, order_by or page token the store refuses is bad usage: exit 2, its message on one line, nothing on stdout', async () => {
  const root = mkdtempSync(join(tmpdir(), 'mlw-cli-usage-'));
  try {
    mkdirSync(join(root, '0'));
    writeFileSync(join(root, '0', 'meta.yaml'), `artifact_location: file://${root}/0\nexperiment_id: '0'\nlifecycle_stage: active\nname: Default\n`);
    const cases: [string[], RegExp][] = [
      [['runs', '--filter', 'metrics.acc == 1'], /^ml-workbench: Invalid comparator '==' not one of /],
      [['runs', '--order-by', '`metrics.acc`'], /^ml-workbench: Invalid entity type '`metrics'/],
      [['runs', '--page-token', 'not base64!'], /^ml-workbench: Invalid page token/],
    ];
    for (const [argv, pattern] of cases) {
      const { code, out, err } = await cli(...argv, '--tracking-uri', root, '--json');
      assert.equal(code, 2, `${argv.join(' ')}: ${err}`);
      assert.equal(out, '');
      assert.match(err, pattern);
      assert.equal(err.split('\n').length, 2, `one line:\n${err}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
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
