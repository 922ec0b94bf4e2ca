/**
 * New ML Project's decisions, in core: the CSV head, the inferred schema (and that PyYAML-style
 * YAML reads it back), the templates and their placeholders, the file plan against what a folder
 * holds (nothing existing overwritten, symbolic links never written through), the project state the
 * walkthrough shows, and the setup commands' argv.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { createLocalStore, dvcAdd, dvcInit, dvcRemoteAddDefault, gitInit, remoteNameProblem, remoteUrlProblem } from '../../src/core/onboarding/commands.js';
import { CsvError, parseCsvHead, readCsvHead } from '../../src/core/onboarding/csv.js';
import { pipelineHasRun, projectState, remoteNames } from '../../src/core/onboarding/projectState.js';
import { decidePlan, describePlan, inspectEntries, projectEntries, projectNames, writePlan, type PlannedEntry } from '../../src/core/onboarding/scaffold.js';
import { inferSchema, schemaYaml, suggestTarget, targetProblem, yamlNumber, yamlScalar } from '../../src/core/onboarding/schema.js';
import { dataFileName, loadTemplateSet, projectSlug, renderTemplate, templateFiles } from '../../src/core/onboarding/templates.js';

const TEMPLATES = resolve(__dirname, '..', '..', 'templates', 'ml-project');
const dir = mkdtempSync(join(tmpdir(), 'mlw-newproject-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('CSV head', () => {
  test('quotes, doubled quotes, commas and newlines inside quotes, CRLF, a BOM, a last line without newline', () => {
    const head = parseCsvHead('\ufeffname,"note, long",n\r\n"a ""b""","x\ny",1\r\nc,,2', 10);
    assert.deepEqual(head.columns, ['name', 'note, long', 'n']);
    assert.deepEqual(head.rows, [['a "b"', 'x\ny', '1'], ['c', '', '2']]);
    assert.equal(head.complete, true);
  });

  test('stops after maxRows; a read cut in the middle drops the partial line and says it is incomplete', () => {
    const text = 'a,b\n1,2\n3,4\n5,6\n';
    assert.deepEqual(parseCsvHead(text, 2), { columns: ['a', 'b'], rows: [['1', '2'], ['3', '4']], complete: false });
    assert.equal(parseCsvHead(text, 3).complete, true);
    assert.deepEqual(parseCsvHead('a,b\n1,2\n3,', 10, true), { columns: ['a', 'b'], rows: [['1', '2']], complete: false });
  });

  test('a header missing, repeated or empty, and a ragged line are errors that say where', () => {
    assert.throws(() => parseCsvHead('', 5), CsvError);
    assert.throws(() => parseCsvHead('a,a\n1,2\n', 5), /"a" appears twice/);
    assert.throws(() => parseCsvHead('a,\n1,2\n', 5), /has no name/);
    assert.throws(() => parseCsvHead('a,b\n1,2\n3\n', 5), /Line 3 has 1 fields where the header has 2/);
  });

  test('a binary file is refused; only maxBytes are read', async () => {
    writeFileSync(join(dir, 'binary.csv'), Buffer.from([0x61, 0x0a, 0x00, 0x01]));
    await assert.rejects(readCsvHead(join(dir, 'binary.csv')), /not a text file/);
    writeFileSync(join(dir, 'big.csv'), `x,y\n${'1,2\n'.repeat(10_000)}`);
    const head = await readCsvHead(join(dir, 'big.csv'), { maxBytes: 1000 });
    assert.equal(head.complete, false);
    assert.ok(head.rows.length > 200 && head.rows.length < 250, String(head.rows.length));
  });
});

describe('schema', () => {
  const iris = parseCsvHead(readFileSync(join(TEMPLATES, 'samples', 'iris.csv'), 'utf8'), 20_000);

  test('the iris sample: four float measurements with their ranges, the species as classes', () => {
    const schema = inferSchema(iris, 'species', 'classification');
    assert.equal(schema.minRows, 75);
    assert.deepEqual(schema.columns[0], { name: 'sepal_length', type: 'float', nullable: false, min: 4.3, max: 7.9 });
    assert.deepEqual(schema.columns[4], { name: 'species', type: 'category', nullable: false, values: ['setosa', 'versicolor', 'virginica'] });
    const text = schemaYaml(schema, { file: 'iris.csv', rowsRead: 150, complete: true });
    assert.match(text, /^# The contract the raw data must meet/);
    assert.match(text, /from iris\.csv \(all 150 rows\)/);
    assert.deepEqual(parseYaml(text), {
      min_rows: 75,
      target: 'species',
      columns: {
        sepal_length: { type: 'float', min: 4.3, max: 7.9, nullable: false },
        sepal_width: { type: 'float', min: 2, max: 4.4, nullable: false },
        petal_length: { type: 'float', min: 1, max: 6.9, nullable: false },
        petal_width: { type: 'float', min: 0.1, max: 2.5, nullable: false },
        species: { type: 'category', nullable: false, values: ['setosa', 'versicolor', 'virginica'] },
      },
    });
  });

  test('ints, floats, missing values (pandas markers), categories, free text, numeric classes kept as strings', () => {
    const head = parseCsvHead('id,score,city,comment,label\n1,0.5,Paris,x1,0\n2,NA,Oslo,x2,1\n3,1e-7,,x3,1\n4,2,Paris,x4,0\n', 10);
    const schema = inferSchema(head, 'label', 'classification');
    assert.deepEqual(schema.columns, [
      { name: 'id', type: 'int', nullable: false, min: 1, max: 4 },
      { name: 'score', type: 'float', nullable: true, min: 1e-7, max: 2 },
      { name: 'city', type: 'category', nullable: true, values: ['Oslo', 'Paris'] },
      { name: 'comment', type: 'string', nullable: false },
      { name: 'label', type: 'category', nullable: false, values: ['0', '1'] },
    ]);
    const yaml = parseYaml(schemaYaml(schema, { file: 'd.csv', rowsRead: 4, complete: false }));
    assert.equal(yaml.columns.score.min, 1e-7);
    assert.deepEqual(yaml.columns.label.values, ['0', '1'], 'classes stay strings');
  });

  test('YAML scalars and numbers that YAML 1.1 (PyYAML) reads back as they were', () => {
    assert.equal(yamlScalar('sepal_length'), 'sepal_length');
    for (const word of ['yes', 'No', 'null', 'on', '1', 'a b', 'x:y', '-x', '.inf', '']) assert.equal(yamlScalar(word), JSON.stringify(word), word);
    assert.equal(yamlNumber(1e-7, 'float'), '1.0e-7');
    assert.equal(yamlNumber(1.5e21, 'float'), '1.5e+21');
    assert.equal(yamlNumber(2, 'float'), '2.0');
    assert.equal(yamlNumber(2, 'int'), '2');
    assert.equal(yamlNumber(-Infinity, 'float'), '-.inf');
  });

  test('the target suggested, and why a column does not suit the task', () => {
    assert.equal(suggestTarget(['a', 'Target', 'b']), 'Target');
    assert.equal(suggestTarget(['a', 'b']), 'b');
    assert.equal(targetProblem(iris, 'species', 'classification'), undefined);
    assert.match(targetProblem(iris, 'species', 'regression') ?? '', /"species" is not numeric \(for example "setosa"\)/);
    assert.match(targetProblem(iris, 'sepal_length', 'classification') ?? '', /"sepal_length" has 35 distinct values in 150 rows: that looks like a number/);
    const rare = parseCsvHead('x,y\n1,a\n2,a\n3,b\n4,a\n', 10);
    assert.match(targetProblem(rare, 'y', 'classification') ?? '', /classes with a single row \(b\)/);
    assert.match(targetProblem(parseCsvHead('x,y\n1,a\n2,a\n', 10), 'y', 'classification') ?? '', /single class/);
    assert.equal(targetProblem(iris, 'nope', 'classification'), 'The data has no column "nope".');
  });
});

describe('templates', () => {
  test('templates.json lists classification and regression, each with a bundled sample whose target exists', async () => {
    const set = await loadTemplateSet(TEMPLATES);
    assert.deepEqual(set.templates.map((t) => t.id), ['classification', 'regression']);
    for (const template of set.templates) {
      const head = parseCsvHead(readFileSync(join(TEMPLATES, 'samples', template.sample.file), 'utf8'), 20_000);
      assert.ok(head.columns.includes(template.sample.target), template.id);
      assert.equal(targetProblem(head, template.sample.target, template.id), undefined, template.id);
    }
  });

  test('each template: the common files plus its own, gitignore renamed, every placeholder known', async () => {
    const set = await loadTemplateSet(TEMPLATES);
    for (const template of set.templates) {
      const files = await templateFiles(set, template.id);
      assert.deepEqual(files.map((f) => f.path), ['.gitignore', 'README.md', 'dvc.yaml', 'params.yaml', 'requirements.txt', 'src/evaluate.py', 'src/ingest.py', 'src/prepare.py', 'src/project.py', 'src/register.py', 'src/train.py', 'src/validate.py']);
      const choice = { template, folderName: 'My Project!', dataSource: '/x/d.csv', dataFile: 'd.csv', target: 'the target', schemaYaml: 'min_rows: 1\n' };
      const entries = projectEntries(files, choice);
      const params = entries.find((e) => e.path === 'params.yaml');
      assert.ok(params?.kind === 'text');
      const parsed = parseYaml(params.text);
      assert.deepEqual(parsed.data, { file: 'd.csv', target: 'the target', task: template.id });
      assert.deepEqual(parsed.register, { model_name: `my-project-${template.modelSuffix}`, alias: 'candidate' });
      assert.equal(parsed.mlflow.experiment, 'my-project');
      const dvcYaml = entries.find((e) => e.path === 'dvc.yaml');
      assert.ok(dvcYaml?.kind === 'text');
      assert.deepEqual(Object.keys(parseYaml(dvcYaml.text).stages), ['ingest', 'validate', 'prepare', 'train', 'evaluate', 'register']);
      assert.ok(!entries.some((e) => e.kind === 'text' && /\{\{/.test(e.text)), 'no placeholder left');
      assert.deepEqual(entries.find((e) => e.kind === 'copy'), { path: 'data/incoming/d.csv', kind: 'copy', source: '/x/d.csv' });
    }
  });

  test('placeholders: as is, as YAML, unknown is an error; names for folders and data files', () => {
    assert.equal(renderTemplate('a {{x}} b {{ x|yaml }}', { x: 'yes' }), 'a yes b "yes"');
    assert.throws(() => renderTemplate('{{nope}}', {}, 'f.txt'), /f\.txt: unknown placeholder \{\{nope\}\}/);
    assert.equal(projectSlug('Café Sales 2024!'), 'cafe-sales-2024');
    assert.equal(projectSlug('---'), 'ml-project');
    assert.equal(dataFileName('/home/me/My Data (v2).CSV'), 'My_Data_v2_.csv');
    assert.equal(dataFileName('C:\\data\\..hidden.csv'), 'hidden.csv');
    assert.equal(dataFileName('results.tsv'), 'results.tsv.csv');
    assert.deepEqual(projectNames('Churn', { id: 'classification', modelSuffix: 'classifier' } as never), { project: 'churn', experiment: 'churn', model: 'churn-classifier' });
  });
});

describe('the file plan', () => {
  const entries = (data: string): PlannedEntry[] => [
    { path: 'README.md', kind: 'text', text: '# p\n' },
    { path: 'dvc.yaml', kind: 'text', text: 'stages: {}\n' },
    { path: 'src/train.py', kind: 'text', text: 'print(1)\n' },
    { path: 'data/incoming/d.csv', kind: 'copy', source: data },
  ];

  test('an empty folder: everything is created, exclusively; the data is copied byte for byte', async () => {
    const root = join(dir, 'empty');
    mkdirSync(root);
    writeFileSync(join(dir, 'd.csv'), 'a,b\n1,2\n');
    const planned = entries(join(dir, 'd.csv'));
    const plan = decidePlan(planned, await inspectEntries(root, planned));
    assert.deepEqual(plan.create.map((e) => e.path), ['README.md', 'dvc.yaml', 'src/train.py', 'data/incoming/d.csv']);
    assert.deepEqual(await writePlan(root, plan), ['README.md', 'dvc.yaml', 'src/train.py', 'data/incoming/d.csv']);
    assert.equal(readFileSync(join(root, 'data/incoming/d.csv'), 'utf8'), 'a,b\n1,2\n');
    // Planned again: all there, the same.
    const again = decidePlan(planned, await inspectEntries(root, planned));
    assert.deepEqual([again.create.length, again.same.length, again.conflicts.length], [0, 4, 0]);
    // A file that appeared after the plan was made is not overwritten.
    rmSync(join(root, 'dvc.yaml'));
    const stale = decidePlan(planned, await inspectEntries(root, planned));
    writeFileSync(join(root, 'dvc.yaml'), 'mine\n');
    await assert.rejects(writePlan(root, stale), { code: 'EEXIST' });
    assert.equal(readFileSync(join(root, 'dvc.yaml'), 'utf8'), 'mine\n');
  });

  test('an existing project: a differing README is kept, a differing dvc.yaml or data file refuses everything', async () => {
    const root = join(dir, 'existing');
    mkdirSync(join(root, 'data', 'incoming'), { recursive: true });
    writeFileSync(join(root, 'README.md'), '# mine\n');
    writeFileSync(join(root, 'dvc.yaml'), 'stages:\n  mine: {cmd: x}\n');
    writeFileSync(join(root, 'data', 'incoming', 'd.csv'), 'other\n');
    const planned = entries(join(dir, 'd.csv'));
    const plan = decidePlan(planned, await inspectEntries(root, planned));
    assert.deepEqual(plan.kept, ['README.md']);
    assert.deepEqual(plan.conflicts, [
      { path: 'dvc.yaml', reason: 'exists with other content' },
      { path: 'data/incoming/d.csv', reason: 'exists with other content' },
    ]);
    assert.deepEqual(plan.create.map((e) => e.path), ['src/train.py']);
    await assert.rejects(writePlan(root, plan), /Not written: dvc\.yaml exists with other content; data\/incoming\/d\.csv exists/);
    assert.equal(readFileSync(join(root, 'dvc.yaml'), 'utf8'), 'stages:\n  mine: {cmd: x}\n');
    assert.match(describePlan(plan), /Kept as they are \(yours differ from the template's\): README\.md\.\nIn the way: dvc\.yaml exists/);
  });

  test('a symbolic link on the path, a file where a folder goes, a folder where a file goes: conflicts', async () => {
    const root = join(dir, 'hostile');
    const outside = join(dir, 'outside');
    mkdirSync(join(root, 'dvc.yaml'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    symlinkSync(outside, join(root, 'src'));
    writeFileSync(join(root, 'data'), 'a file\n');
    const planned = entries(join(dir, 'd.csv'));
    const plan = decidePlan(planned, await inspectEntries(root, planned));
    assert.deepEqual(plan.conflicts, [
      { path: 'dvc.yaml', reason: 'is a folder' },
      { path: 'src/train.py', reason: 'src is a symbolic link (nothing is written through one)' },
      { path: 'data/incoming/d.csv', reason: 'data is a file, not a folder' },
    ]);
  });
});

describe('project state and setup commands', () => {
  test('nothing; then git; DVC with a pipeline, a dvc.lock and a default remote (config.local wins)', async () => {
    const root = join(dir, 'state');
    mkdirSync(root);
    assert.deepEqual(await projectState(root), { hasPipeline: false, reproducedStages: 0, pipelineStages: 0 });
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, '.dvc'));
    const state = await projectState(root);
    assert.deepEqual(state, { gitRoot: root, dvcRoot: root, hasPipeline: false, reproducedStages: 0, pipelineStages: 0 });
    writeFileSync(join(root, 'dvc.yaml'), 'stages:\n  a: {cmd: echo}\n  b: {cmd: echo}\n');
    writeFileSync(join(root, 'dvc.lock'), "schema: '2.0'\nstages:\n  a:\n    cmd: echo\n");
    assert.equal(pipelineHasRun(await projectState(root)), false, 'one stage of two recorded: not run through');
    writeFileSync(join(root, 'dvc.lock'), "schema: '2.0'\nstages:\n  a:\n    cmd: echo\n  b:\n    cmd: echo\n");
    assert.equal(pipelineHasRun(await projectState(root)), true);
    writeFileSync(join(root, '.dvc', 'config'), "[core]\n    remote = storage\n['remote \"storage\"']\n    url = s3://bucket/path\n['remote \"backup\"']\n    url = /mnt/backup\n");
    assert.deepEqual(await projectState(root), { gitRoot: root, dvcRoot: root, hasPipeline: true, reproducedStages: 2, pipelineStages: 2, defaultRemote: { name: 'storage', url: 's3://bucket/path' } });
    writeFileSync(join(root, '.dvc', 'config.local'), '[core]\n    remote = backup\n');
    assert.deepEqual((await projectState(root)).defaultRemote, { name: 'backup', url: '/mnt/backup' });
    assert.deepEqual(await remoteNames(root), ['storage', 'backup']);
    // A sub-folder of the project sees the project above it.
    mkdirSync(join(root, 'sub'));
    assert.equal((await projectState(join(root, 'sub'))).dvcRoot, root);
  });

  test('argv: git init, dvc init (--subdir below the git root), dvc add, dvc remote add -d, the MLflow store', () => {
    assert.deepEqual(gitInit('/p'), { command: 'git', args: ['init'], cwd: '/p', env: {}, label: 'git init' });
    assert.deepEqual(dvcInit('/py', '/p', undefined).args, ['-m', 'dvc', 'init']);
    assert.deepEqual(dvcInit('/py', '/p', '/p').args, ['-m', 'dvc', 'init']);
    assert.deepEqual(dvcInit('/py', '/repo/p', '/repo').args, ['-m', 'dvc', 'init', '--subdir']);
    assert.deepEqual(dvcAdd('/py', '/p', 'data/incoming/d.csv').args, ['-m', 'dvc', 'add', 'data/incoming/d.csv']);
    assert.deepEqual(dvcRemoteAddDefault('/py', '/p', 'storage', ' s3://b/p ').args, ['-m', 'dvc', 'remote', 'add', '--default', 'storage', 's3://b/p']);
    assert.deepEqual(dvcRemoteAddDefault('/py', '/p', 'storage', '/mnt/x', { replace: true }).args, ['-m', 'dvc', 'remote', 'add', '--default', '--force', 'storage', '/mnt/x']);
    assert.throws(() => dvcRemoteAddDefault('/py', '/p', '-x', 's3://b'), /Remote name "-x"/);
    assert.throws(() => dvcRemoteAddDefault('/py', '/p', 'ok', '--force'), /cannot start with "-"/);
    assert.equal(remoteNameProblem('my remote'), 'Letters, digits, and . _ - (not first)');
    assert.equal(remoteUrlProblem('a\nb'), 'One line only');
    const store = createLocalStore('/py', '/p', 'sqlite:////p/mlflow.db');
    assert.deepEqual(store.args.slice(0, 1), ['-c']);
    assert.equal(store.args[2], 'sqlite:////p/mlflow.db');
  });
});
