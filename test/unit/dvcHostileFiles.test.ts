/**
 * Hostile or broken DVC files are errors at their own file and line, bounded in time and
 * memory, and never a result printed beside them (test/contract/dvcFaults.test.ts holds the
 * cases compared with real `dvc status`). Repositories here are a `.dvc` folder and the files of
 * each case: what is checked is the reading of the files, not DVC's output.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { loadYaml, MAX_YAML_DEPTH } from '../../src/core/dvc/files/yamlFile.js';
import { parseLockfile } from '../../src/core/dvc/files/lockfile.js';
import { openDvcRepo } from '../../src/core/dvc/repo.js';

const scratch = mkdtempSync(join(tmpdir(), 'mlw-dvc-hostile-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(scratch, 'p-'));
  mkdirSync(join(root, '.dvc'));
  for (const [rel, text] of Object.entries(files)) writeFileSync(join(root, rel), text);
  return root;
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

test(`YAML nested more than ${MAX_YAML_DEPTH} levels is refused at the line it goes too deep; ${MAX_YAML_DEPTH} levels are read`, () => {
  const nested = (depth: number): string => `alpha: 1\nbeta: ${'['.repeat(depth - 1)}1${']'.repeat(depth - 1)}\n`;
  const read = loadYaml('/r/params.yaml', nested(MAX_YAML_DEPTH));
  assert.deepEqual(read.diagnostics, []);
  const refused = loadYaml('/r/params.yaml', nested(MAX_YAML_DEPTH + 1));
  assert.equal(refused.value, undefined);
  assert.deepEqual(refused.diagnostics, [
    { file: '/r/params.yaml', line: 2, column: 6 + MAX_YAML_DEPTH, message: `YAML: nested more than ${MAX_YAML_DEPTH} levels deep; not read`, severity: 'error' },
  ]);
  const block = `root:\n${Array.from({ length: MAX_YAML_DEPTH + 5 }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n')} 1\n`;
  assert.match(loadYaml('/r/params.yaml', block).diagnostics[0]!.message, /nested more than 256 levels deep/);
});

test('aliases that expand without bound are an error at the first alias, not an exception', () => {
  const laughs = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 8; i++) laughs.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
  const loaded = loadYaml('/r/dvc.yaml', laughs.join('\n'));
  assert.equal(loaded.value, undefined);
  assert.deepEqual(
    loaded.diagnostics.map((d) => [d.line, d.column, d.message]),
    [[2, 10, 'YAML: its aliases expand to more than 10,000 nodes (a "billion laughs" file?); not read']],
  );
  // A few aliases, as people write them, are fine.
  assert.deepEqual(loadYaml('/r/dvc.yaml', 'base: &b {lr: 0.1}\ntrain: *b\n').value?.value, { base: { lr: 0.1 }, train: { lr: 0.1 } });
});

test('a params file a stage tracks that cannot be read is an error at that file, and the CLI prints no status beside it', async () => {
  const root = project({
    'dvc.yaml': 'stages:\n  train:\n    cmd: python train.py\n    params:\n    - config.yaml:\n      - lr\n',
    'config.yaml': 'lr: 0.1\nopt: {beta: [1, 2}\n',
  });
  const repo = openDvcRepo(root, { inProcess: true });
  try {
    const status = await repo.status();
    assert.ok(status.diagnostics.length > 0);
    for (const d of status.diagnostics) assert.deepEqual([d.file, d.line, d.severity], [join(root, 'config.yaml'), 2, 'error']);
  } finally {
    await repo.dispose();
  }
  const { code, out, err } = await cli('status', '--repo', root, '--json', '--no-stat-cache', '--wait', '0');
  assert.equal(code, 1);
  assert.equal(out, '');
  assert.match(err, new RegExp(`^${join(root, 'config.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: error: unable to read: .*, YAML file structure is corrupted: `));
});

test('an invalid params.yaml read for templating is reported in params.yaml, not as dvc.yaml:1:1', async () => {
  const root = project({ 'dvc.yaml': 'stages:\n  train:\n    cmd: echo ${alpha}\n', 'params.yaml': 'alpha: [1, 2\n' });
  const repo = openDvcRepo(root, { inProcess: true });
  try {
    const { diagnostics } = await repo.load();
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.file, join(root, 'params.yaml'));
    assert.doesNotMatch(diagnostics[0]!.message, /failed to parse 'vars'/);
  } finally {
    await repo.dispose();
  }
});

test('JSON, TOML and Python params files that cannot be read are errors at the line their parser names', async () => {
  const root = project({
    'dvc.yaml': 'stages:\n  train:\n    cmd: echo hi\n    params:\n    - params.json:\n      - a\n    - p.toml:\n      - a\n    - p.py:\n      - a\n',
    'params.json': `{\n  "b": 1,\n  "a": ${'['.repeat(100_000)}${']'.repeat(100_000)}\n}\n`,
    'p.toml': 'b = 1\n\na = [1,\n',
    'p.py': 'b = 1\na = (\n',
  });
  const repo = openDvcRepo(root, { inProcess: true });
  try {
    const status = await repo.status();
    const at = (file: string): number[] => status.diagnostics.filter((d) => d.file === join(root, file)).map((d) => d.line);
    assert.deepEqual(at('params.json'), [3]);
    assert.deepEqual(at('p.toml').length, 1);
    assert.ok(at('p.toml')[0]! >= 3, `p.toml at line ${at('p.toml')[0]}`);
    assert.equal(at('p.py').length, 1);
    assert.ok(at('p.py')[0]! >= 2, `p.py at line ${at('p.py')[0]}`);
    assert.ok(status.diagnostics.every((d) => d.severity === 'error' && !d.file.endsWith('dvc.yaml')));
  } finally {
    await repo.dispose();
  }
});

test("dvc.lock checked against DVC's LOCKFILE_SCHEMA: empty, {}, an extra key beside valid stages and a stage without cmd are invalid, not missing", () => {
  const messages = (text: string): string[] => parseLockfile('/r/dvc.lock', text).diagnostics.map((d) => d.message);
  const required = "'dvc.lock' validation failed: required key not provided, in schema";
  assert.deepEqual(messages(''), [required]);
  assert.deepEqual(messages('{}\n'), [required]);
  const valid = "schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n";
  assert.deepEqual(messages(valid), []);
  assert.deepEqual(messages(`${valid}extra: 1\n`), ["'dvc.lock' validation failed: extra keys not allowed, in extra"]);
  assert.deepEqual(messages("schema: '2.0'\nstages:\n  train:\n    deps: []\n"), ["'dvc.lock' validation failed: required key not provided, in stages -> train -> cmd"]);
  assert.equal(parseLockfile('/r/dvc.lock', `${valid}extra: 1\n`).lock, undefined);
});
