/**
 * DVC tasks against the venv's dvc 3.67.1, run as `python -m dvc` with our argv: a stage runs and
 * DVC records it; `dvc exp run --set-param` changes the parameter the stage sees; `dvc checkout`
 * restores deleted data. And "Debug Stage": the launch configuration we build from the stage's
 * `cmd` starts the script with the same argv, working directory and variables as DVC does.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { isDebuggable, stageDebugConfig } from '../../src/core/tasks/debugLaunch.js';
import { dvcCheckout, dvcExpRun, dvcRepro } from '../../src/core/tasks/dvc.js';
import type { TaskSpec } from '../../src/core/tasks/spec.js';
import { env, pythonEnv } from '../support/python';

const execFileAsync = promisify(execFile);

const DUMP_PY = `import json, os, sys
out = sys.argv[1]
with open(os.path.join(os.environ["DUMP_DIR"], out), "w") as f:
    json.dump({"argv": sys.argv[1:], "cwd": os.getcwd(), "foo": os.environ.get("FOO"), "unbuffered": os.environ.get("PYTHONUNBUFFERED") or sys.flags.unbuffered}, f)
`;
const TRAIN_PY = `import json, yaml
params = yaml.safe_load(open("params.yaml"))
json.dump({"lr": params["train"]["lr"]}, open("metrics.json", "w"))
open("model.bin", "w").write("lr=%s" % params["train"]["lr"])
`;
const DVC_YAML = `stages:
  dump:
    cmd: FOO=bar python -u ../dump.py dvc.json --name "two words" 'x;y'
    wdir: sub
  train:
    cmd: python train.py
    deps: [train.py]
    params: [train.lr]
    outs: [model.bin]
    metrics: [{metrics.json: {cache: false}}]
`;

async function run(spec: TaskSpec, extra: NodeJS.ProcessEnv = {}): Promise<string> {
  const venv = await pythonEnv();
  const { stdout } = await execFileAsync(spec.command, [...spec.args], { cwd: spec.cwd, env: env(venv, { ...spec.env, ...extra }), timeout: 120_000 });
  return stdout;
}

async function git(cwd: string, ...args: string[]): Promise<void> {
  await execFileAsync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd });
}

describe('dvc tasks with our argv', () => {
  test('repro a stage, exp run with --set-param, checkout restores data; Debug Stage runs what DVC runs', async () => {
    const venv = await pythonEnv();
    const repo = mkdtempSync(join(tmpdir(), 'mlwb-dvc-'));
    const dumps = mkdtempSync(join(tmpdir(), 'mlwb-dumps-'));
    mkdirSync(join(repo, 'sub'));
    writeFileSync(join(repo, 'dump.py'), DUMP_PY);
    writeFileSync(join(repo, 'train.py'), TRAIN_PY);
    writeFileSync(join(repo, 'params.yaml'), 'train:\n  lr: 0.1\n');
    writeFileSync(join(repo, 'dvc.yaml'), DVC_YAML);
    writeFileSync(join(repo, '.gitignore'), '');
    await git(repo, 'init', '-q');
    await run({ command: venv.python, args: ['-m', 'dvc', 'init', '-q'], cwd: repo, env: {}, label: 'dvc init' });

    const base = { python: venv.python, cwd: repo };
    await run(dvcRepro({ ...base, targets: ['train'] }));
    assert.deepEqual(JSON.parse(readFileSync(join(repo, 'metrics.json'), 'utf8')), { lr: 0.1 });
    assert.match(readFileSync(join(repo, 'dvc.lock'), 'utf8'), /train:/);

    await run(dvcRepro({ ...base, targets: ['dump'] }), { DUMP_DIR: dumps });
    const byDvc = JSON.parse(readFileSync(join(dumps, 'dvc.json'), 'utf8'));
    const config = stageDebugConfig({ stage: 'dump', cmd: 'FOO=bar python -u ../dump.py debug.json --name "two words" \'x;y\'', dvcYamlDir: repo, wdir: 'sub' });
    assert.ok(isDebuggable(config));
    await execFileAsync(venv.python, [...(config.pythonArgs ?? []), config.program!, ...config.args], { cwd: config.cwd, env: { ...env(venv, { DUMP_DIR: dumps }), ...config.env } });
    const byDebug = JSON.parse(readFileSync(join(dumps, 'debug.json'), 'utf8'));
    assert.deepEqual({ ...byDebug, argv: byDebug.argv.slice(1) }, { ...byDvc, argv: byDvc.argv.slice(1) });
    assert.deepEqual(byDvc.argv, ['dvc.json', '--name', 'two words', 'x;y']);
    assert.equal(byDvc.foo, 'bar');

    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-qm', 'baseline');
    await run(dvcExpRun({ ...base, targets: ['train'], setParams: { 'train.lr': '0.02' }, name: 'lr-small' }));
    assert.deepEqual(JSON.parse(readFileSync(join(repo, 'metrics.json'), 'utf8')), { lr: 0.02 });
    assert.match(readFileSync(join(repo, 'params.yaml'), 'utf8'), /lr: 0.02/);

    rmSync(join(repo, 'model.bin'));
    await run(dvcCheckout({ ...base, targets: ['train'], force: true }));
    assert.equal(readFileSync(join(repo, 'model.bin'), 'utf8'), 'lr=0.02');
  });
});
