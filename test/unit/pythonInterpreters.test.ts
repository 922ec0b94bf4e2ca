/**
 * The Python decisions of core/python: what a probe finds in real interpreters (the rig's venv,
 * a bare venv, the system Python), which interpreter an action gets or what it lacks, the message
 * naming both, the install argv (refused where pip would refuse), where interpreters are found on
 * disk, and how the pick lists them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { displayPath, interpreterOptions } from '../../src/core/python/choices.js';
import { discoverInterpreters, type DiscoveredInterpreter } from '../../src/core/python/discovery.js';
import { probeInterpreter, type ProbedInterpreter, type ProbeResult } from '../../src/core/python/interpreter.js';
import { actionOfTask, packageList, packagesFor } from '../../src/core/python/packages.js';
import { decideInterpreter, installPlan, shortfallMessage, venvPlan, type ProbedCandidate } from '../../src/core/python/requirements.js';
import { env, pythonEnv, REPO_ROOT, type PythonEnv } from '../support/python';

/** The version scripts/python/requirements.txt pins for a distribution (the rig's venv is built from it). */
function pinned(distribution: string): string {
  const text = readFileSync(join(REPO_ROOT, 'scripts', 'python', 'requirements.txt'), 'utf8');
  const pin = new RegExp(`^${distribution}(?:\\[[^\\]]*\\])?==([^\\s;#]+)`, 'im').exec(text);
  if (!pin) throw new Error(`requirements.txt pins no ${distribution}`);
  return pin[1]!;
}

const dir = mkdtempSync(join(tmpdir(), 'mlw-python-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function probed(overrides: Partial<ProbedInterpreter> = {}): ProbedInterpreter {
  return {
    ok: true,
    command: '/w/.venv/bin/python',
    executable: '/w/.venv/bin/python',
    realExecutable: '/usr/bin/python3.11',
    prefix: '/w/.venv',
    version: '3.11.2',
    isVenv: true,
    externallyManaged: false,
    hasPip: true,
    packages: {},
    hasMlflow: false,
    ...overrides,
  };
}

describe('probe (real interpreters)', () => {
  let rig: PythonEnv;
  let bare: string;
  before(async () => {
    rig = await pythonEnv();
    // A venv with nothing in it, not even pip: made by the rig's Python.
    execFileSync(rig.python, ['-m', 'venv', '--without-pip', join(dir, 'bare')]);
    bare = join(dir, 'bare', 'bin', 'python');
  });

  test("the rig's venv has MLflow 3.17.2, DVC 3.67.1, scikit-learn, pandas, PyYAML and pip; it is a venv", async () => {
    const probe = await probeInterpreter(rig.python, { env: env(rig) });
    assert.ok(probe.ok, JSON.stringify(probe));
    assert.equal(probe.packages.mlflow, '3.17.2');
    assert.equal(probe.packages.dvc, '3.67.1');
    assert.equal(probe.packages.sklearn, pinned('scikit-learn'));
    assert.equal(probe.packages.pandas, pinned('pandas'));
    assert.match(probe.packages.yaml ?? '', /^\d+\.\d+/);
    assert.equal(probe.hasMlflow, true);
    assert.equal(probe.mlflowVersion, '3.17.2');
    assert.equal(probe.hasPip, true);
    assert.equal(probe.isVenv, true);
    assert.equal(probe.externallyManaged, false);
    assert.equal(probe.prefix, rig.venv);
    assert.equal(probe.executable, rig.python);
  });

  test('a bare venv: no package, no pip, a venv; never externally managed (PEP 668 exempts venvs)', async () => {
    const probe = await probeInterpreter(bare);
    assert.ok(probe.ok, JSON.stringify(probe));
    assert.deepEqual(probe.packages, {});
    assert.equal(probe.hasPip, false);
    assert.equal(probe.isVenv, true);
    assert.equal(probe.externallyManaged, false);
    assert.equal(probe.prefix, join(dir, 'bare'));
  });

  test("Debian's system Python is externally managed (its EXTERNALLY-MANAGED marker), not a venv", { skip: !existsSync('/usr/lib/python3.11/EXTERNALLY-MANAGED') && 'no Debian python3.11 here' }, async () => {
    const probe = await probeInterpreter('/usr/bin/python3.11');
    assert.ok(probe.ok, JSON.stringify(probe));
    assert.equal(probe.isVenv, false);
    assert.equal(probe.externallyManaged, true);
  });

  test("a mlflow.py in the working directory is not what the probe finds (the cwd stays off sys.path)", async () => {
    const cwd = join(dir, 'shadow');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'mlflow.py'), 'raise SystemExit("imported the workspace file")\n');
    const probe = await probeInterpreter(bare, { cwd });
    assert.ok(probe.ok, JSON.stringify(probe));
    assert.equal(probe.packages.mlflow, undefined);
  });
});

describe('which interpreter an action gets', () => {
  const rigProbe = probed({ command: '/rig/bin/python', executable: '/rig/bin/python', prefix: '/rig', packages: { mlflow: '3.17.2', dvc: '3.67.1' }, hasMlflow: true, mlflowVersion: '3.17.2' });
  const bareProbe = probed({ command: '/w/bare/bin/python', executable: '/w/bare/bin/python', prefix: '/w/bare', hasPip: false });
  const dvcOnly = probed({ command: '/d/bin/python', executable: '/d/bin/python', prefix: '/d', packages: { dvc: '3.67.1' } });

  test('needs per action: serving and writes need MLflow, dvc repro DVC, a script nothing, a new project the template\'s imports', () => {
    assert.deepEqual(packagesFor('serve'), ['mlflow']);
    assert.deepEqual(packagesFor('write'), ['mlflow']);
    assert.deepEqual(packagesFor('dvc-repro'), ['dvc']);
    assert.deepEqual(packagesFor('python-script'), []);
    assert.deepEqual(packagesFor('new-project'), ['mlflow', 'dvc', 'sklearn', 'pandas', 'yaml']);
    assert.deepEqual(['dvcRepro', 'dvcExpRun', 'mlflowRun', 'modelsPredict', 'modelsBuildDocker', 'pythonScript'].map(actionOfTask), ['dvc-repro', 'dvc-repro', 'mlflow-run', 'predict', 'build-image', 'python-script']);
    assert.equal(packageList(['mlflow', 'dvc', 'sklearn']), 'MLflow, DVC and scikit-learn');
  });

  test('the first candidate with everything wins; else the first that runs is blamed with what it lacks', () => {
    const candidates: ProbedCandidate[] = [
      { command: '/d/bin/python', source: 'python-extension', probe: dvcOnly },
      { command: '/rig/bin/python', source: 'setting', probe: rigProbe },
    ];
    const dvc = decideInterpreter(candidates, ['dvc']);
    assert.equal(dvc.ok && dvc.probe.executable, '/d/bin/python');
    const mlflow = decideInterpreter(candidates, ['mlflow']);
    assert.equal(mlflow.ok && mlflow.candidate.source, 'setting');

    const short = decideInterpreter([{ command: '/w/bare/bin/python', source: 'setting', probe: bareProbe }], ['mlflow', 'dvc']);
    assert.equal(short.ok, false);
    assert.ok(!short.ok);
    assert.deepEqual(short.shortfall.missing, ['mlflow', 'dvc']);
    assert.equal(short.shortfall.command, '/w/bare/bin/python');
    assert.equal(
      shortfallMessage(short.shortfall, 'Serving a model'),
      'Serving a model needs MLflow and DVC, which /w/bare/bin/python (Python 3.11.2, the mlWorkbench.python setting) does not have. Select an interpreter that has MLflow and DVC, or install them there.',
    );
    const partial = decideInterpreter([{ command: '/d/bin/python', source: 'python-extension', probe: dvcOnly }], ['mlflow', 'dvc']);
    assert.ok(!partial.ok);
    assert.equal(
      shortfallMessage(partial.shortfall, 'Creating a project'),
      'Creating a project needs MLflow, which /d/bin/python (Python 3.11.2, selected in the Python extension) does not have. It has DVC 3.67.1. Select an interpreter that has MLflow, or install it there.',
    );
  });

  test('an interpreter that does not start is named with why, and others tried are listed', () => {
    const missing: ProbeResult = { ok: false, command: '/gone/python', problem: 'not-found', detail: 'ENOENT' };
    const decision = decideInterpreter([{ command: '/gone/python', source: 'setting', probe: missing }], ['mlflow']);
    assert.ok(!decision.ok);
    assert.deepEqual(decision.shortfall.missing, []);
    assert.equal(shortfallMessage(decision.shortfall, 'Serving a model'), 'Serving a model needs a Python interpreter with MLflow, but /gone/python (the mlWorkbench.python setting) could not be started: it was not found. Select another interpreter.');
    const both = decideInterpreter(
      [
        { command: '/gone/python', source: 'python-extension', probe: missing },
        { command: '/w/bare/bin/python', source: 'setting', probe: bareProbe },
      ],
      ['mlflow'],
    );
    assert.ok(!both.ok);
    assert.equal(both.shortfall.command, '/w/bare/bin/python', 'the one that runs is blamed');
    assert.deepEqual(both.shortfall.alsoTried, ['/gone/python (not found)']);
    const none = decideInterpreter([], ['dvc']);
    assert.ok(!none.ok && none.shortfall.problem?.kind === 'not-found');
  });

  test('a script runs in the first interpreter that starts, whatever it has', () => {
    const decision = decideInterpreter([{ command: '/w/bare/bin/python', source: 'setting', probe: bareProbe }], []);
    assert.ok(decision.ok);
  });
});

describe('install plan', () => {
  test('pip install of the distributions, argv; ensurepip first when pip is missing; --upgrade on request', () => {
    const plan = installPlan(probed({ hasPip: false }), ['mlflow', 'sklearn', 'yaml']);
    assert.equal(plan.kind, 'pip');
    assert.ok(plan.kind === 'pip');
    assert.deepEqual(plan.packages, ['mlflow', 'scikit-learn', 'PyYAML']);
    assert.deepEqual(
      plan.steps.map((s) => [s.command, ...s.args]),
      [
        ['/w/.venv/bin/python', '-m', 'ensurepip', '--upgrade'],
        ['/w/.venv/bin/python', '-m', 'pip', 'install', '--disable-pip-version-check', 'mlflow', 'scikit-learn', 'PyYAML'],
      ],
    );
    const upgrade = installPlan(probed(), ['mlflow'], { upgrade: true });
    assert.ok(upgrade.kind === 'pip');
    assert.deepEqual(upgrade.steps.map((s) => s.args), [['-m', 'pip', 'install', '--disable-pip-version-check', '--upgrade', 'mlflow']]);
  });

  test('refused for a system Python (PEP 668) and for a Python too old for pip, with the reason', () => {
    const managed = installPlan(probed({ executable: '/usr/bin/python3', isVenv: false, externallyManaged: true }), ['mlflow']);
    assert.ok(managed.kind === 'refused');
    assert.match(managed.reason, /^\/usr\/bin\/python3 is the Python of the operating system \(PEP 668 "externally managed"\): pip refuses/);
    const old = installPlan(probed({ version: '2.7.18' }), ['mlflow']);
    assert.ok(old.kind === 'refused');
    assert.match(old.reason, /Python 2\.7\.18, too old/);
  });

  test('the way out of a system Python: a .venv in the folder made by it, then pip install there', () => {
    const plan = venvPlan(probed({ executable: '/usr/bin/python3' }), '/home/me/proj/', ['mlflow', 'dvc'], 'linux');
    assert.equal(plan.setting, '${workspaceFolder}/.venv/bin/python');
    assert.deepEqual(
      plan.steps.map((s) => [s.command, ...s.args]),
      [
        ['/usr/bin/python3', '-m', 'venv', '/home/me/proj/.venv'],
        ['/home/me/proj/.venv/bin/python', '-m', 'pip', 'install', '--disable-pip-version-check', 'mlflow', 'dvc'],
      ],
    );
    const windows = venvPlan(probed({ executable: 'C:\\Python311\\python.exe' }), 'C:\\proj', ['mlflow'], 'win32');
    assert.equal(windows.python, 'C:\\proj\\.venv\\Scripts\\python.exe');
    assert.equal(windows.setting, '${workspaceFolder}/.venv/Scripts/python.exe');
  });
});

describe('discovery (a planted machine)', () => {
  const root = join(dir, 'machine');
  const home = join(root, 'home');
  const workspace = join(root, 'ws');
  const executable = (path: string): void => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
  };
  before(() => {
    // Workspace: .venv, venv-3.12 (a venv by its pyvenv.cfg), .conda (a conda env), and folders that are not envs.
    for (const name of ['.venv', 'venv-3.12']) {
      executable(join(workspace, name, 'bin', 'python'));
      writeFileSync(join(workspace, name, 'pyvenv.cfg'), 'home = /usr/bin\n');
    }
    executable(join(workspace, '.conda', 'bin', 'python'));
    mkdirSync(join(workspace, '.conda', 'conda-meta'));
    executable(join(workspace, 'src', 'bin', 'python'));
    executable(join(workspace, 'node_modules', 'x', 'bin', 'python'));
    // conda: an installation with one env, and an env listed in environments.txt.
    for (const prefix of [join(home, 'miniconda3'), join(home, 'miniconda3', 'envs', 'ml'), join(root, 'elsewhere', 'proj-env')]) {
      executable(join(prefix, 'bin', 'python'));
      mkdirSync(join(prefix, 'conda-meta'), { recursive: true });
    }
    mkdirSync(join(home, '.conda'), { recursive: true });
    writeFileSync(join(home, '.conda', 'environments.txt'), `${join(root, 'elsewhere', 'proj-env')}\n${join(root, 'gone')}\n`);
    // pyenv: a version and a virtualenv linked into versions/ as pyenv-virtualenv does.
    executable(join(root, 'pyenv', 'versions', '3.12.1', 'bin', 'python'));
    executable(join(root, 'pyenv', 'versions', '3.12.1', 'envs', 'rig', 'bin', 'python'));
    symlinkSync(join(root, 'pyenv', 'versions', '3.12.1', 'envs', 'rig'), join(root, 'pyenv', 'versions', 'rig'));
    // PATH: python3, python3.11 and python in one folder, a python-config that is not an interpreter.
    for (const name of ['python', 'python3.11', 'python3', 'python3-config']) executable(join(root, 'bin', name));
  });

  test('workspace envs (.venv first), conda envs, pyenv versions and virtualenvs, then PATH; nothing else', async () => {
    const found = await discoverInterpreters({ workspaceFolders: [workspace], env: { PATH: `${join(root, 'bin')}:${join(root, 'missing')}`, PYENV_ROOT: join(root, 'pyenv') }, home, platform: 'linux' });
    const short = (i: DiscoveredInterpreter): string => `${i.kind}:${i.name}:${i.path.slice(root.length)}`;
    assert.deepEqual(found.map(short), [
      'workspace:.venv:/ws/.venv/bin/python',
      'workspace:.conda:/ws/.conda/bin/python',
      'workspace:venv-3.12:/ws/venv-3.12/bin/python',
      'conda:proj-env:/elsewhere/proj-env/bin/python',
      'conda:miniconda3:/home/miniconda3/bin/python',
      'conda:ml:/home/miniconda3/envs/ml/bin/python',
      'pyenv:3.12.1:/pyenv/versions/3.12.1/bin/python',
      'pyenv:rig:/pyenv/versions/rig/bin/python',
      `path:${join(root, 'bin')}:/bin/python3`,
      `path:${join(root, 'bin')}:/bin/python3.11`,
      `path:${join(root, 'bin')}:/bin/python`,
    ]);
  });

  test('an empty machine finds nothing and does not throw', async () => {
    assert.deepEqual(await discoverInterpreters({ workspaceFolders: [join(root, 'nope')], env: {}, home: join(root, 'nohome'), platform: 'linux' }), []);
  });
});

describe('the pick', () => {
  const context = { needs: ['mlflow', 'dvc'] as const, workspaceFolder: '/w', home: '/home/me', current: ['/w/bare/bin/python'] };
  const found: DiscoveredInterpreter[] = [
    { path: '/w/bare/bin/python', kind: 'workspace', name: 'bare', workspaceFolder: '/w' },
    { path: '/usr/bin/python3', kind: 'path', name: '/usr/bin' },
    { path: '/usr/bin/python3.11', kind: 'path', name: '/usr/bin' },
    { path: '/home/me/.pyenv/versions/rig/bin/python', kind: 'pyenv', name: 'rig' },
    { path: '/opt/broken/bin/python', kind: 'path', name: '/opt/broken/bin' },
  ];
  const system = probed({ command: '/usr/bin/python3', executable: '/usr/bin/python3', realExecutable: '/usr/bin/python3.11', prefix: '/usr', isVenv: false, externallyManaged: true });
  const probes = new Map<string, ProbeResult>([
    ['/w/bare/bin/python', probed({ command: '/w/bare/bin/python', executable: '/w/bare/bin/python', prefix: '/w/bare', packages: { dvc: '3.67.1' } })],
    ['/usr/bin/python3', system],
    ['/usr/bin/python3.11', { ...system, command: '/usr/bin/python3.11', executable: '/usr/bin/python3.11' }],
    ['/home/me/.pyenv/versions/rig/bin/python', probed({ command: 'x', executable: '/home/me/.pyenv/versions/rig/bin/python', prefix: '/home/me/.pyenv/versions/3.11.7/envs/rig', packages: { mlflow: '3.17.2', dvc: '3.67.1' } })],
    ['/opt/broken/bin/python', { ok: false, command: '/opt/broken/bin/python', problem: 'failed', detail: 'Segmentation fault' }],
  ]);

  test('ready first, one row per interpreter (python3 and python3.11 are one), versions and what is missing in the detail, in use marked', () => {
    const options = interpreterOptions(found, probes, context);
    assert.deepEqual(
      options.map((o) => [o.label, o.description, o.detail, o.setting]),
      [
        ['$(pass-filled) Python 3.11.2 · rig', '~/.pyenv/versions/rig/bin/python', 'mlflow 3.17.2 · dvc 3.67.1 · pyenv venv', '/home/me/.pyenv/versions/rig/bin/python'],
        ['$(warning) Python 3.11.2 · bare', './bare/bin/python · in use', 'no mlflow · dvc 3.67.1 · workspace venv', '${workspaceFolder}/bare/bin/python'],
        ['$(warning) Python 3.11.2 · /usr/bin/python3', '/usr/bin/python3', 'no mlflow · no dvc · PATH · system Python (pip refuses to install here)', '/usr/bin/python3'],
        ['$(warning) Python (does not start) · /opt/broken/bin/python', '/opt/broken/bin/python', 'failed: Segmentation fault · PATH', '/opt/broken/bin/python'],
      ],
    );
    assert.deepEqual(options.map((o) => o.ready), [true, false, false, false]);
    assert.deepEqual(options[1]!.missing, ['mlflow']);
  });

  test('paths are shown relative to the workspace folder and the home folder', () => {
    assert.equal(displayPath('/w/.venv/bin/python', context), './.venv/bin/python');
    assert.equal(displayPath('/home/me/x/python', context), '~/x/python');
    assert.equal(displayPath('/home/meow/python', context), '/home/meow/python');
  });
});
