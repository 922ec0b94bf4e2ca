/**
 * Model-as-Dependency against the real tools: the load snippet we insert (pyfunc and the native
 * sklearn flavor), placed in a Python file with its imports, runs in the real venv and predicts
 * what MLflow's pyfunc predicts; the model's requirements we read are MLflow's own, merged with
 * conflicts as `packaging` (pip's PEP 440) decides them; `models:/` URIs in Python source resolve
 * to the version MLflow resolves them to, and get a diagnostic exactly where MLflow would refuse.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { checkModelUris, codeLensTitle, modelUriDiagnostics, sourceRunSummary } from '../../src/core/deploy/modelUriChecks.js';
import { satisfies } from '../../src/core/deploy/pep440.js';
import { importEdit } from '../../src/core/deploy/pythonImports.js';
import { findModelUris } from '../../src/core/deploy/pythonModelUris.js';
import { mergeRequirements, modelRequirements } from '../../src/core/deploy/requirements.js';
import { RegistryLookup, resolveModelUri } from '../../src/core/deploy/resolve.js';
import { flavorChoices, modelSnippet, signatureColumnTypes } from '../../src/core/deploy/snippets.js';
import { readMlModelDocument } from '../../src/core/models/mlmodel.js';
import { modelFileReader } from '../../src/core/models/files.js';
import { requestPayload } from '../../src/core/tasks/servingPayload.js';
import { openTrackingStore } from '../../src/core/tracking/open.js';
import type { ModelRegistry, TrackingStore } from '../../src/core/tracking/store.js';
import { type DeployProject, deployProject, mlflowAnswers } from '../support/deployProject';
import { env, type PythonEnv, pythonEnv } from '../support/python';

const run = promisify(execFile);
let project: DeployProject;
let python: PythonEnv;
let store: TrackingStore & ModelRegistry;

async function versionReader(name: string, version: string): Promise<(path: string) => Promise<string | undefined>> {
  const found = (await store.searchModelVersions({ filter: `name = '${name}'` })).items.find((item) => item.version === version);
  assert.ok(found, `${name} ${version} in the registry`);
  return modelFileReader(store, found);
}

before(async () => {
  python = await pythonEnv();
  project = await deployProject();
  store = openTrackingStore(project.trackingUri, { cwd: project.project });
});

describe('Use Model in Code: the snippet runs', () => {
  test('pyfunc and sklearn snippets, inserted into a file with its imports, predict what MLflow predicts', async () => {
    const read = await versionReader('iris-deploy', '1');
    const mlmodel = (await read('MLmodel'))!;
    const document = readMlModelDocument(mlmodel);
    const flavors = Object.keys((document.flavors ?? {}) as Record<string, unknown>);
    const choices = flavorChoices(flavors).map((choice) => choice.flavor);
    assert.deepEqual(choices, ['python_function', 'sklearn']);
    const payload = await requestPayload(mlmodel, read);
    const columnTypes = signatureColumnTypes((document.signature as { inputs?: unknown } | undefined)?.inputs);
    assert.equal(columnTypes['sepal_length'], 'double');

    // MLflow's answer for the first row (the example row the snippet writes).
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-snippet-'));
    const [header, first] = readFileSync(join(project.project, 'data', 'features.csv'), 'utf8').split('\n');
    writeFileSync(join(dir, 'row.csv'), `${header}\n${first}\n`);
    const [expected] = (await mlflowAnswers(project.trackingUri, [{ op: 'predict', model_uri: 'models:/iris-deploy/1', input: join(dir, 'row.csv') }])) as [number[]];

    for (const flavor of choices) {
      const snippet = modelSnippet({ modelUri: 'models:/iris-deploy@champion', flavor, resolvedVersion: '1', example: { body: payload.body, columnTypes }, trackingUri: project.trackingUri });
      // A user's file: a docstring, an import of its own, and code below.
      const userFile = ['"""The application."""', 'import json', '', '', 'def main():', '    pass', ''].join('\n');
      const edit = importEdit(userFile, snippet.imports);
      assert.equal(edit.line, 2, "after the file’s own imports");
      const lines = userFile.split('\n');
      lines.splice(edit.line, 0, ...edit.text.split('\n').slice(0, -1));
      const file = `${lines.join('\n')}\n${snippet.code}print(json.dumps([int(value) for value in predictions]))\n`;
      writeFileSync(join(dir, `app_${flavor}.py`), file);
      const { stdout } = await run(python.python, [join(dir, `app_${flavor}.py`)], { cwd: dir, env: env(python, { MLFLOW_TRACKING_URI: '' }), timeout: 5 * 60_000, maxBuffer: 1 << 22 });
      assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), expected, `${flavor}:\n${file}`);
    }
  });

  test('a model without a signature or example: the snippet says so and still loads the model', async () => {
    const read = await versionReader('iris-nosig', '1');
    const payload = await requestPayload((await read('MLmodel'))!, read);
    const snippet = modelSnippet({ modelUri: 'models:/iris-nosig/1', example: { body: payload.body } });
    assert.match(snippet.code, /frame = \.\.\. {2}# the model has no input example or signature/);
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-snippet-'));
    const code = snippet.code.replace(/^predictions = .*$/m, 'print(type(model).__name__)');
    writeFileSync(join(dir, 'app.py'), `${snippet.imports.join('\n')}\n${code}`);
    const { stdout } = await run(python.python, [join(dir, 'app.py')], { cwd: dir, env: env(python, { MLFLOW_TRACKING_URI: project.trackingUri }), timeout: 5 * 60_000 });
    assert.match(stdout, /PyFuncModel/);
  });
});

describe('Use Model in Code: the requirements merge', () => {
  test('reads MLflow’s requirements of the model and reports conflicts as packaging decides them', async () => {
    const read = await versionReader('iris-deploy', '1');
    const ours = await modelRequirements(read);
    const [theirs] = (await mlflowAnswers(project.trackingUri, [{ op: 'requirements', model_uri: 'models:/iris-deploy/1' }])) as [string[]];
    assert.ok(ours);
    assert.equal(ours.file, 'requirements.txt');
    assert.deepEqual(ours.lines.filter((line) => line.trim() !== ''), theirs);
    const pins = new Map(theirs.map((line) => /^([A-Za-z0-9_.-]+)==(\S+)$/.exec(line)).filter((match) => match !== null).map((match) => [match[1]!.toLowerCase(), match[2]!]));
    const sklearn = pins.get('scikit-learn');
    assert.ok(sklearn, theirs.join('\n'));

    const projectFile = ['# the app', 'Scikit_Learn<1.0  # old pin', 'pandas>=1', 'requests==2.31.0', ''].join('\n');
    const merge = mergeRequirements({ project: projectFile, model: ours.lines, source: 'models:/iris-deploy@champion (version 1)' });
    assert.ok(merge.after.startsWith(projectFile), 'the project’s lines are kept as written');
    assert.deepEqual(merge.conflicts.map((conflict) => conflict.name), ['scikit-learn']);
    assert.ok(!merge.added.some((line) => /^(scikit-learn|pandas)\b/i.test(line)));
    assert.ok(merge.added.some((line) => line.startsWith('mlflow')));

    // Each decision equals packaging's SpecifierSet.contains for the pinned versions.
    const cases: [string, string][] = [[sklearn, '<1.0'], ...(pins.has('pandas') ? [[pins.get('pandas')!, '>=1'] as [string, string]] : [])];
    const answers = (await mlflowAnswers(project.trackingUri, [{ op: 'contains', cases }]))[0] as boolean[];
    assert.deepEqual(cases.map(([version, specifier]) => satisfies(version, specifier)), answers);
  });

  test('PEP 440: our specifier checks equal packaging’s on a table of cases', async () => {
    const cases: [string, string][] = [
      ['1.4.2', '>=1.4,<2'], ['2.0', '>=1.4,<2'], ['2.0rc1', '<2'], ['2.0rc1', '<2rc2'], ['1.4.2', '~=1.4'], ['2.1', '~=1.4'],
      ['1.4.2', '~=1.4.1'], ['1.5.0', '~=1.4.1'], ['1.4', '==1.4.*'], ['1.4.0.post1', '==1.4.*'], ['1.40', '==1.4.*'], ['1.4.0', '==1.4'],
      ['1.4.0+cpu', '==1.4'], ['1.4.0+cpu', '==1.4+cpu'], ['1.4.0+cpu', '==1.4+gpu'], ['1.0.post1', '>1.0'], ['1.0.post1', '>1.0.post0'],
      ['1.1', '>1.0'], ['1.0+local', '>1.0'], ['1.0.dev1', '<1.0'], ['0.9', '<1.0.dev1'], ['1!1.0', '>2.0'], ['2.0', '!=2.0.0'],
      ['2.0.1', '!=2.0.*'], ['1.0a1', '>=1.0a0'], ['1.0alpha1', '==1.0a1'], ['1.0-1', '==1.0.post1'], ['v1.0', '==1.0'], ['1.0', '===1.0'],
      ['1.0.0', '===1.0'], ['2.3.post2.dev1', '>=2.3.post1'], ['3.17.2', '<=3.17.2'], ['1.26.4', '>=1.21,<3,!=1.26.*'], ['0.0', '>=0'],
    ];
    const answers = (await mlflowAnswers(project.trackingUri, [{ op: 'contains', cases }]))[0] as boolean[];
    const ours = cases.map(([version, specifier]) => satisfies(version, specifier));
    const differ = cases.flatMap(([version, specifier], index) => (ours[index] === answers[index] ? [] : [`${version} ${specifier}: ours ${ours[index]}, packaging ${answers[index]}`]));
    assert.deepEqual(differ, []);
  });
});

describe('models:/ URIs in Python files', () => {
  test('resolve to the version MLflow resolves them to; a diagnostic exactly where MLflow refuses', async () => {
    const uris = [
      'models:/iris-deploy/1', 'models:/iris-deploy/2', 'models:/iris-deploy/7', 'models:/iris-deploy@champion', 'models:/iris-deploy@nope',
      'models:/iris-deploy/latest', 'models:/iris-nosig/latest', 'models:/no-such-model/1', 'models:/no-such-model@champion', 'models:/iris-deploy/Production',
    ];
    const source = [
      'import mlflow',
      '# models:/in-a-comment/1 is prose',
      ...uris.map((uri, index) => `model_${index} = mlflow.pyfunc.load_model(${index % 2 ? `'${uri}'` : `"${uri}"`})`),
      'name = "iris-deploy"',
      'dynamic = mlflow.pyfunc.load_model(f"models:/{name}/1")',
      '',
    ].join('\n');
    const occurrences = findModelUris(source);
    assert.deepEqual(occurrences.map((occurrence) => occurrence.text), uris);
    for (const [index, occurrence] of occurrences.entries()) {
      assert.equal(occurrence.range.start.line, index + 2);
      assert.equal(source.split('\n')[occurrence.range.start.line]!.slice(occurrence.range.start.character, occurrence.range.end.character), uris[index]);
    }
    const lookup = new RegistryLookup(store);
    const checks = await checkModelUris(occurrences, lookup);
    const answers = (await mlflowAnswers(project.trackingUri, uris.map((uri) => ({ op: 'resolve' as const, model_uri: uri })))) as ({ version: string } | { error: string })[];
    for (const [index, check] of checks.entries()) {
      const theirs = answers[index]!;
      if ('version' in theirs) {
        assert.equal(check.state, 'resolved', `${uris[index]}: MLflow resolves it to ${theirs.version}`);
        assert.equal(check.state === 'resolved' && check.resolved.version.version, theirs.version, uris[index]);
      } else {
        assert.equal(check.state, 'problem', `${uris[index]}: MLflow refuses it (${JSON.stringify(theirs)})`);
      }
    }
    const diagnostics = modelUriDiagnostics(checks);
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    assert.deepEqual(errors.map((diagnostic) => diagnostic.range.start.line), answers.flatMap((answer, index) => ('error' in answer ? [index + 2] : [])));
    assert.match(errors.find((diagnostic) => diagnostic.code === 'alias-not-found')!.message, /iris-deploy has no alias "nope" \(aliases: champion → 1\)/);
    assert.match(errors.find((diagnostic) => diagnostic.code === 'version-not-found' && /no version 7/.test(diagnostic.message))!.message, /\(versions: 1, 2\)/);
    assert.match(errors.find((diagnostic) => diagnostic.code === 'model-not-found')!.message, /No registered model named "no-such-model"/);

    // The CodeLens line: the alias, the version it resolves to, the source run's key metric.
    const champion = checks[3]!;
    assert.equal(champion.state, 'resolved');
    const runSummary = champion.state === 'resolved' ? await sourceRunSummary(store, champion.resolved) : undefined;
    assert.ok(runSummary);
    assert.match(codeLensTitle(champion, runSummary), /^iris-deploy@champion → version 1 · accuracy 0\.\d+/);
  });

  test('the alias moves: a fresh lookup follows it, as MLflow does', async () => {
    await mlflowAnswers(project.trackingUri, [{ op: 'set_alias', name: 'iris-deploy', alias: 'champion', version: '2' }]);
    try {
      const [theirs] = (await mlflowAnswers(project.trackingUri, [{ op: 'resolve', model_uri: 'models:/iris-deploy@champion' }])) as [{ version: string }];
      const ours = await resolveModelUri(new RegistryLookup(store), 'models:/iris-deploy@champion');
      assert.equal(theirs.version, '2');
      assert.equal(ours.version.version, '2');
      assert.deepEqual(ours.aliases, ['champion']);
    } finally {
      await mlflowAnswers(project.trackingUri, [{ op: 'set_alias', name: 'iris-deploy', alias: 'champion', version: '1' }]);
    }
  });
});
