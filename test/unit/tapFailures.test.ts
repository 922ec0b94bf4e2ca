// scripts/tap-failures.mjs: what scripts/test.sh repeats at the end of a failing lane's log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const script = join(__dirname, '..', '..', 'scripts', 'tap-failures.mjs');
const run = (input: string): string =>
  spawnSync(process.execPath, [script], { input, encoding: 'utf8' }).stdout;

test('prints each failing test with its diagnostics, nested or not, and nothing that passed', () => {
  const tap = [
    'ok 1 - passes',
    'not ok 2 - top-level failure',
    '  ---',
    '  error: boom',
    '  ...',
    '# Subtest: suite',
    '    ok 1 - inner pass',
    '    not ok 2 - inner failure',
    '      ---',
    "      error: 'expected 3'",
    '      ...',
    '    1..2',
    'not ok 3 - suite',
    '1..3',
  ].join('\n');
  assert.equal(
    run(tap),
    [
      'not ok 2 - top-level failure',
      '  ---',
      '  error: boom',
      '  ...',
      '    not ok 2 - inner failure',
      '      ---',
      "      error: 'expected 3'",
      '      ...',
      'not ok 3 - suite',
      '',
    ].join('\n'),
  );
});

test('caps a huge diagnostic block and says how much it left out', () => {
  const lines = ['not ok 1 - floods', ...Array.from({ length: 200 }, (_, i) => `  stack line ${i}`)];
  const out = run(lines.join('\n')).trimEnd().split('\n');
  assert.equal(out.length, 61);
  assert.equal(out[60], '  … 141 more lines');
});

test('a lane that failed outside any test says so', () => {
  assert.match(run('ok 1 - fine\n1..1\n'), /failed outside a test/);
});
