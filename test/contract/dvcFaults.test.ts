/**
 * The CLI's `status` where real `dvc status` refuses to answer: an invalid params file, an empty
 * or schema-less dvc.lock, and a `dvc repro` holding the repository. Like DVC, ours prints no
 * answer (nothing on stdout), exits 1 and names the file and line — the file being the params
 * file or the lock itself, never dvc.yaml:1:1 — and waits for a running dvc command instead of
 * answering its half-done state. Hostile files DVC itself cannot survive (it crashes on params
 * nested 100,000 deep and never returns from a billion-laughs dvc.yaml) get bounded errors.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main';
import { dvcActivity } from '../../src/core/dvc/activity';
import { env, pythonEnv } from '../support/python';

const run = promisify(execFile);
let template = '';
const dirs: string[] = [];

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** What `dvc status --json` does in `dir`: its exit code, stdout and stderr. */
async function dvcStatus(dir: string): Promise<{ code: number; out: string; err: string }> {
  return run('dvc', ['status', '--json'], { cwd: dir, env: env() }).then(
    ({ stdout, stderr }) => ({ code: 0, out: stdout, err: stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, out: error.stdout, err: error.stderr }),
  );
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A fresh copy of a small repo real DVC ran: params.yaml → train (a param) → out.txt. */
function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlw-dvc-faults-'));
  cpSync(template, dir, { recursive: true });
  dirs.push(dir);
  return dir;
}

before(async () => {
  await pythonEnv();
  template = mkdtempSync(join(tmpdir(), 'mlw-dvc-faults-template-'));
  dirs.push(template);
  const sh = (file: string, ...args: string[]) => run(file, args, { cwd: template, env: env() });
  await sh('git', 'init', '-q');
  await sh('dvc', 'init', '-q');
  writeFileSync(join(template, 'params.yaml'), 'alpha: 1\nbeta:\n  gamma: 2\n');
  // The stage runs until a file `go` appears: a test decides when a `dvc repro` ends.
  writeFileSync(join(template, 'train.py'), "import os, time\nwhile not os.path.exists('go'):\n    time.sleep(0.05)\nopen('out.txt', 'w').write('done')\n");
  writeFileSync(join(template, 'dvc.yaml'), 'stages:\n  train:\n    cmd: python train.py\n    params: [alpha, beta.gamma]\n    outs: [out.txt]\n');
  writeFileSync(join(template, 'go'), '');
  await sh('dvc', 'repro', '-q');
  rmSync(join(template, 'go'));
  assert.deepEqual(JSON.parse((await dvcStatus(template)).out), {});
});

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('an invalid params.yaml: no answer, the error at params.yaml\'s own line (as dvc status names params.yaml)', async () => {
  const dir = repo();
  writeFileSync(join(dir, 'params.yaml'), 'alpha: 1\nbeta: [1, 2\n');
  const theirs = await dvcStatus(dir);
  assert.notEqual(theirs.code, 0);
  assert.equal(theirs.out, '');
  assert.match(theirs.err, /unable to read: 'params\.yaml', YAML file structure is corrupted/);
  const ours = await cli('status', '--repo', dir, '--json', '--no-stat-cache');
  assert.equal(ours.code, 1);
  assert.equal(ours.out, '');
  // In DVC's words (the params reader is the one exp-show uses), at params.yaml's own line.
  assert.match(ours.err, new RegExp(`^${escape(join(dir, 'params.yaml'))}:[23]:\\d+: error: unable to read: '${escape(join(dir, 'params.yaml'))}', YAML file structure is corrupted: `));
  assert.doesNotMatch(ours.err, /dvc\.yaml:1:1|failed to parse 'vars'/);
});

test('a 0-byte dvc.lock, a {} one and one without a schema are invalid, as dvc status says, not missing', async () => {
  for (const [text, problem] of [
    ['', 'required key not provided, in schema'],
    ['{}\n', 'required key not provided, in schema'],
    ["schema: '1.0'\n", 'invalid schema version, in schema'],
  ] as const) {
    const dir = repo();
    writeFileSync(join(dir, 'dvc.lock'), text);
    const theirs = await dvcStatus(dir);
    assert.notEqual(theirs.code, 0, JSON.stringify(text));
    assert.equal(theirs.out, '');
    assert.ok(theirs.err.includes(problem), `dvc says: ${theirs.err}`);
    const ours = await cli('status', '--repo', dir, '--json', '--no-stat-cache');
    assert.equal(ours.code, 1, JSON.stringify(text));
    assert.equal(ours.out, '');
    assert.match(ours.err, new RegExp(`^${escape(join(dir, 'dvc.lock'))}:1:\\d+: error: 'dvc.lock' validation failed: ${escape(problem)}\n$`));
  }
});

test('params nested 100,000 deep: a bounded error at params.yaml and its line (DVC itself crashes), no answer', async () => {
  const dir = repo();
  const depth = 100_000;
  writeFileSync(join(dir, 'params.yaml'), `alpha: 1\nbeta: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`);
  const ours = await cli('status', '--repo', dir, '--json', '--no-stat-cache');
  assert.equal(ours.code, 1);
  assert.equal(ours.out, '');
  assert.match(ours.err, new RegExp(`^${escape(join(dir, 'params.yaml'))}:2:\\d+: error: unable to read: '.*', YAML file structure is corrupted: (nested too deep to read|nested more than 256 levels deep; not read) \\(line 2, column \\d+\\)\\n$`));
});

test('a billion-laughs dvc.yaml: a bounded error naming dvc.yaml and the line of its first alias (DVC itself never returns)', async () => {
  const dir = repo();
  const laughs = ['lol0: &lol0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 10; i++) laughs.push(`lol${i}: &lol${i} [${Array.from({ length: 10 }, () => `*lol${i - 1}`).join(', ')}]`);
  writeFileSync(join(dir, 'dvc.yaml'), `${laughs.join('\n')}\nstages: {}\n`);
  const ours = await cli('status', '--repo', dir, '--json', '--no-stat-cache');
  assert.equal(ours.code, 1);
  assert.equal(ours.out, '');
  assert.equal(ours.err, `${join(dir, 'dvc.yaml')}:2:14: error: YAML: its aliases expand to more than 10,000 nodes (a "billion laughs" file?); not read\n`);
});

test('during dvc repro the CLI waits for DVC (bounded, "DVC is busy…"), then answers what dvc status answers after it', async () => {
  const dir = repo();
  writeFileSync(join(dir, 'params.yaml'), 'alpha: 2\nbeta:\n  gamma: 2\n');
  const repro: ChildProcess = spawn('dvc', ['repro', '-q'], { cwd: dir, env: env(), stdio: 'ignore' });
  const ended = new Promise<number | null>((resolve) => repro.once('exit', resolve));
  try {
    while (!(await dvcActivity(dir)).busy) await sleep(50);
    const impatient = await cli('status', '--repo', dir, '--json', '--no-stat-cache', '--wait', '0');
    assert.equal(impatient.code, 1);
    assert.equal(impatient.out, '', 'no half-done answer');
    assert.match(impatient.err, /^ml-workbench: DVC is busy: .*dvc.* repro .*\(PID \d+\) holds the repository \(--wait SECONDS waits for it\)\n$/);
    assert.notEqual((await dvcStatus(dir)).code, 0, 'dvc status refuses while repro holds the lock');

    const patient = cli('status', '--repo', dir, '--json', '--no-stat-cache', '--wait', '600');
    await sleep(300);
    writeFileSync(join(dir, 'go'), '');
    assert.equal(await ended, 0);
    const answer = await patient;
    assert.equal(answer.code, 0, answer.err);
    const theirs = await dvcStatus(dir);
    assert.equal(theirs.code, 0, theirs.err);
    assert.deepEqual(JSON.parse(answer.out), JSON.parse(theirs.out));
    assert.deepEqual(JSON.parse(answer.out), {});
  } finally {
    repro.kill('SIGKILL');
  }
});
