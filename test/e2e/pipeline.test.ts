/**
 * The Pipeline and Data views in a real VS Code (code-server + Chromium) on a copy of the demo
 * project (git + DVC + MLflow, three commits), every status checked against real `dvc status --json`:
 * - the stages in DAG order, fresh; a click opens dvc.yaml at the stage; CodeLens over each stage;
 * - an edited param and an edited dependency turn their stage (and the ones downstream) stale with
 *   the right reason (the time from the write to the row's change: npm run bench:pipeline);
 * - `dvc repro` from the test: the view waits while DVC works, then shows every stage fresh;
 * - a broken nested dvc.yaml is a Problems entry at its line, gone when the file is fixed;
 * - the Data view: versions of data/raw.csv and models/model.pkl as git history records them, with
 *   the MLflow runs logged at each commit (as MLflow's client finds them); Diff Two Versions of
 *   a directory opens the Data Diff panel with the files `dvc diff` reports and the sizes of the
 *   cache objects it names; Check Out This Version refuses over unsaved data, then restores
 *   the old version as tasks;
 * - screenshots of both views in the dark and light themes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { pythonEnv } from '../support/python';
import { demoProject, dvc, dvcStatus, git, recordedVersions } from './support/dvcProject';
import { answerDialog, contextMenu, setPaneExpanded } from './support/interactions';
import { assertMatchesDvc, dialogText, dvcFileMd5, lockOutMd5, rowShows, runsTagged } from './support/pipelineViews';
import { removeTree, sleep } from './support/processes';
import { childrenOf, clickPath, editorLines, expandPath, fileTab, findPath, pane, parkMouse, poll, quickInput, rowLocator, rows, waitForPath, webviewContaining, type Row } from './support/runsTree';
import type { Locator } from 'playwright-core';
import { ensureVsix } from './support/vsix';
import { panelFrame, panelPoll } from './support/webviews';
import { startWorkbench, type Workbench } from './support/workbench';

const CONTAINER = 'ML Workbench';
const PIPELINE = 'Pipeline';
const DATA = 'Data';
const STAGES = ['data/raw.csv.dvc', 'prepare', 'train', 'evaluate'];

let workbench: Workbench;
let project: string;

before(async () => {
  const python = (await pythonEnv()).python;
  const vsix = ensureVsix();
  project = await demoProject();
  workbench = await startWorkbench({ workspace: project, vsix, settings: { 'mlWorkbench.python': python, 'workbench.view.alwaysShowHeaderActions': true, 'editor.codeLens': true } });
  await workbench.openContainer(CONTAINER);
  await setPaneExpanded(workbench, 'Runs', false);
  await setPaneExpanded(workbench, PIPELINE, true);
});

after(async () => {
  const problems = workbench?.extensionHostLog().split('\n').filter((line) => /\[(warning|error)\]/.test(line) && !/github|open-vsx|vsda|copilot/i.test(line));
  console.log(`[e2e pipeline] extension log warnings/errors: ${problems?.length ? `\n${problems.join('\n')}` : 'none'}`);
  await workbench?.stop();
  if (project) await removeTree(dirname(project));
});

async function step(name: string, body: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await body();
    console.log(`[e2e pipeline] ${name}: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    const shot = await workbench.screenshot(`pipeline-${name}-failure`).catch((e: unknown) => `(no screenshot: ${String(e)})`);
    console.error(`[e2e pipeline] ${name} failed; screenshot ${shot}\n${workbench.diagnostics()}`);
    throw error;
  }
}

const describeRows = (all: readonly Row[]): string => JSON.stringify(all.map((r) => `${'  '.repeat(r.level - 1)}${r.label} [${r.description}]`));

async function topRows(view: string): Promise<Row[]> {
  return (await rows(workbench, view)).filter((r) => r.level === 1);
}

async function waitForRows(view: string, accept: (all: Row[]) => boolean, what: string, timeoutMs = 60_000): Promise<Row[]> {
  const all = await poll(() => rows(workbench, view).catch(() => []), accept, timeoutMs, 100);
  assert.ok(accept(all), `${what}; rows: ${describeRows(all)}`);
  return all;
}

/** The stage rows as shown: label → description. */
async function stageDescriptions(): Promise<Map<string, string>> {
  return new Map((await topRows(PIPELINE)).map((r) => [r.label, r.description]));
}

test('Pipeline view: DAG order, fresh as dvc status says; opening a stage; CodeLens', { timeout: 240_000 }, async () => {
  await step('fresh', async () => {
    const all = await waitForRows(PIPELINE, (r) => r.filter((x) => x.level === 1).map((x) => x.label).join() === STAGES.join() && r.every((x) => x.description === 'up to date'), 'four stages, up to date, in DAG order');
    assert.deepEqual(await dvcStatus(project), {}, 'dvc status --json of the demo copy');
    assert.ok(all.find((r) => r.label === 'train')!.icon.includes('codicon-pass-filled'), all.find((r) => r.label === 'train')!.icon);
    await expandPath(workbench, PIPELINE, ['train']);
    const parts = childrenOf(await rows(workbench, PIPELINE), ['train']);
    assert.deepEqual(
      parts.map((p) => `${p.label} | ${p.description}`),
      ['src/train.py | dep', 'data/prepared/train.csv | dep', 'data/prepared/test.csv | dep', 'train.alpha | param · 0.01', 'train.epochs | param · 30', 'train.learning_rate | param · optimal', 'train.seed | param · 7', 'models/model.pkl | out', 'models/mlflow_run.json | out · not cached', 'eval/train_history.csv | plot · not cached'],
    );
    await parkMouse(workbench.page);
    await workbench.screenshot('pipeline-fresh-dark');
  });

  await step('open-stage', async () => {
    const row = await waitForPath(workbench, PIPELINE, ['evaluate']);
    await rowLocator(workbench, PIPELINE, row).locator('.label-name').click();
    await fileTab(workbench.page, 'dvc.yaml').waitFor();
    const expectedLine = readFileSync(join(project, 'dvc.yaml'), 'utf8').split('\n').findIndex((l) => l === '  evaluate:') + 1;
    const position = workbench.page.locator('.statusbar-item[id="status.editor.selection"]');
    await poll(() => position.textContent(), (t) => t?.includes(`Ln ${expectedLine},`) ?? false, 10_000);
    assert.match((await position.textContent()) ?? '', new RegExp(`Ln ${expectedLine}, Col 3`));
    const lenses = workbench.page.locator('.editor-group-container.active .codelens-decoration');
    await poll(() => lenses.allTextContents(), (t) => t.filter((x) => x.includes('Run stage')).length === 3, 30_000);
    const texts = (await lenses.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.deepEqual(texts.filter((t) => t.includes('Run stage')).length, 3, JSON.stringify(texts));
    assert.equal(texts.filter((t) => t.includes('up to date')).length, 3, JSON.stringify(texts));
    await workbench.screenshot('pipeline-codelens-dark');
  });
});

test('an edit turns its stage and the ones downstream stale, with the reason; dvc repro makes them fresh', { timeout: 300_000 }, async () => {
  const params = join(project, 'params.yaml');
  const original = readFileSync(params, 'utf8');
  await step('param-edit', async () => {
    await pane(workbench, PIPELINE).locator('.monaco-list-row').first().waitFor();
    // Three edits in a row: each new value must reach the row.
    for (const value of ['0.07', '0.06', '0.05']) {
      writeFileSync(params, original.replace('alpha: 0.01', `alpha: ${value}`));
      await rowShows(workbench, PIPELINE, 'train', `param train.alpha 0.01→${value}`);
      await sleep(300);
    }
    const shown = await poll(stageDescriptions, (m) => m.get('evaluate')?.startsWith('upstream changed') ?? false, 10_000);
    assert.equal(shown.get('train'), 'param train.alpha 0.01→0.05');
    assert.equal(shown.get('evaluate'), 'upstream changed (train)');
    assert.equal(shown.get('prepare'), 'up to date');
    assertMatchesDvc(shown, await dvcStatus(project));
  });

  await step('dep-edit', async () => {
    const script = join(project, 'src', 'evaluate.py');
    writeFileSync(script, `${readFileSync(script, 'utf8')}\n# edited by the e2e test\n`);
    await rowShows(workbench, PIPELINE, 'evaluate', 'dep src/evaluate.py changed');
    const shown = await stageDescriptions();
    assert.equal(shown.get('evaluate'), 'dep src/evaluate.py changed, upstream changed (train)');
    assertMatchesDvc(shown, await dvcStatus(project));
    await expandPath(workbench, PIPELINE, ['train']);
    const alpha = findPath(await rows(workbench, PIPELINE), ['train', 'train.alpha']);
    assert.equal(alpha?.description, 'param · 0.01 → 0.05');
    await parkMouse(workbench.page);
    await workbench.screenshot('pipeline-stale-dark');
  });

  await step('repro', async () => {
    const repro = dvc(project, 'repro');
    // While dvc holds its lock the view says so instead of reading half-written outputs.
    const waiting = await poll(async () => (await pane(workbench, PIPELINE).locator('.pane-header span.description').textContent().catch(() => '')) ?? '', (t) => t.includes('waiting for DVC'), 60_000, 100);
    assert.ok(waiting.includes('waiting for DVC'), `view description while dvc repro runs: "${waiting}"`);
    await repro;
    await waitForRows(PIPELINE, (r) => r.filter((x) => x.level === 1).every((x) => x.description === 'up to date'), 'every stage up to date after dvc repro', 30_000);
    assert.deepEqual(await dvcStatus(project), {});
  });
});

test('a broken nested dvc.yaml is a Problems entry at its line; fixing it clears the entry', { timeout: 120_000 }, async () => {
  await step('diagnostics', async () => {
    const sub = join(project, 'sub', 'dvc.yaml');
    mkdirSync(dirname(sub), { recursive: true });
    writeFileSync(sub, 'stages:\n  hello:\n    cmd: echo hi\n  broken:\n    cmd: echo\n    deps: 5\n');
    await workbench.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const problems = workbench.page.locator('.markers-panel .monaco-list-row');
    const text = await poll(async () => (await problems.allTextContents()).join(' | '), (t) => t.includes("'deps' must be a list"), 30_000);
    assert.match(text, /stage 'broken': 'deps' must be a list/);
    assert.match(text, /\[Ln 6, Col 11\]/);
    await waitForRows(PIPELINE, (r) => r.some((x) => x.label === 'sub/dvc.yaml:hello'), 'the nested pipeline\'s stage is listed');
    // The view says it too, beside the stages it could read.
    await waitForRows(PIPELINE, (r) => r.some((x) => x.label === "sub/dvc.yaml:6: stage 'broken': 'deps' must be a list"), 'the broken stage is an error row in the view');
    await workbench.screenshot('pipeline-problems-dark');
    writeFileSync(sub, 'stages:\n  hello:\n    cmd: echo hi\n');
    await poll(async () => (await problems.allTextContents()).join(' | '), (t) => !t.includes('must be a list'), 30_000);
    assert.ok(!(await problems.allTextContents()).join(' ').includes('must be a list'));
    rmSync(dirname(sub), { recursive: true, force: true });
    await waitForRows(PIPELINE, (r) => !r.some((x) => x.label === 'sub/dvc.yaml:hello'), 'the nested stage is gone with its file');
    assert.ok(!(await rows(workbench, PIPELINE)).some((x) => x.label.includes('must be a list')), 'the error row is gone with the file');
  });
});

test('Data view: versions from git history with their MLflow runs; Diff Two Versions equals dvc diff; check out an old version', { timeout: 420_000 }, async () => {
  await setPaneExpanded(workbench, PIPELINE, false);
  await setPaneExpanded(workbench, DATA, true);

  await step('data-versions', async () => {
    await waitForRows(DATA, (r) => r.some((x) => x.label === 'data/raw.csv'), 'data/raw.csv listed');
    const top = await topRows(DATA);
    assert.deepEqual(top.map((r) => r.label), ['data/prepared', 'data/raw.csv', 'eval/predictions.csv', 'eval/train_history.csv', 'metrics.json', 'models/mlflow_run.json', 'models/model.pkl']);
    assert.match(top.find((r) => r.label === 'data/prepared')!.description, /^\d+(\.\d)? KB · 2 files · in sync$/);
    assert.match(top.find((r) => r.label === 'data/raw.csv')!.description, /^\d+(\.\d)? KB · in sync$/);

    for (const [path, file, read] of [
      ['data/raw.csv', 'data/raw.csv.dvc', dvcFileMd5],
      ['models/model.pkl', 'dvc.lock', lockOutMd5('train', 'models/model.pkl')],
    ] as const) {
      const expected = recordedVersions(project, file, read);
      await expandPath(workbench, DATA, [path]);
      const shownRows = childrenOf(await rows(workbench, DATA), [path]);
      // dvc repro above recorded a new model.pkl in dvc.lock without a commit: said first, apart from the versions.
      assert.deepEqual(shownRows.filter((r) => r.label === 'Uncommitted version').map((r) => r.description), path === 'models/model.pkl' ? ['current · not in git history yet'] : []);
      const versions = shownRows.filter((r) => r.label !== 'Uncommitted version');
      assert.deepEqual(versions.map((v) => `${v.label} · ${v.description.replace(/^current · /, '').split(' · ')[0]}`), expected.map((v) => `${v.subject} · ${v.commit.slice(0, 7)}`), `versions of ${path}`);
      // dvc repro above changed model.pkl without a commit: no version in history is the current one.
      const current = versions.filter((v) => v.description.startsWith('current · ')).map((v) => v.label);
      assert.deepEqual(current, path === 'data/raw.csv' ? [expected[0]!.subject] : [], `current version of ${path}`);
      const parents = new Map(expected.map((v) => [v.commit, git(project, 'rev-list', '--parents', '-n', '1', v.commit).split(' ')[1]]));
      const tagged = await runsTagged(project, [...expected.map((v) => v.commit), ...[...parents.values()].filter((p): p is string => p !== undefined)]);
      for (const version of expected) {
        const parent = parents.get(version.commit);
        const names = [...(tagged[version.commit] ?? []), ...(parent ? (tagged[parent] ?? []) : [])].sort();
        const subject = versions.find((v) => v.description.includes(version.commit.slice(0, 7)))!.label;
        if (names.length === 0) continue;
        await expandPath(workbench, DATA, [path, subject]);
        const shown = childrenOf(await rows(workbench, DATA), [path, subject]).map((r) => r.label).sort();
        assert.deepEqual(shown, names, `runs under ${path} @ ${version.commit.slice(0, 7)}`);
      }
      if (path === 'models/model.pkl') assert.equal(expected.length, 3, 'model.pkl changed in three commits');
    }
    // A run below a version opens as the Runs view opens it.
    const v1 = recordedVersions(project, 'data/raw.csv.dvc', dvcFileMd5).at(-1)!;
    const runName = (await runsTagged(project, [v1.commit]))[v1.commit]![0]!;
    await clickPath(workbench, DATA, ['data/raw.csv', v1.subject, runName]);
    await workbench.tab(`Run: ${runName}`).waitFor({ timeout: 30_000 });
    await webviewContaining(workbench.page, runName);
    await parkMouse(workbench.page);
    await workbench.screenshot('data-versions-dark');
  });

  await step('diff-two-versions', async () => {
    const expected = recordedVersions(project, 'dvc.lock', lockOutMd5('prepare', 'data/prepared'));
    assert.equal(expected.length, 2);
    const [newer, older] = expected as [(typeof expected)[0], (typeof expected)[0]];
    await expandPath(workbench, DATA, ['data/prepared']);
    const row = findPath(await rows(workbench, DATA), ['data/prepared', newer.subject])!;
    await contextMenu(workbench.page, rowLocator(workbench, DATA, row), 'Diff Two Versions…');
    await quickInput(workbench.page).waitFor({ state: 'visible' });
    await workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: older.commit.slice(0, 7) }).first().click();
    // A directory opens the Data Diff panel: its files as `dvc diff` names them, with their sizes.
    const frame = await panelFrame(workbench.page, ' unchanged · ', 120_000);
    const shown = await panelPoll<{ kind: string; files: { path: string; status: string; sizeBefore?: number; sizeAfter?: number }[] }>(frame, 'diff', [], (d) => d?.kind === 'directory', 60_000);
    const real = JSON.parse(await dvc(project, 'diff', '--show-hash', older.commit, newer.commit, '--json')) as Record<string, { path: string; hash?: string | { old: string; new: string } }[]>;
    const realModified = real['modified']!.filter((e) => e.path.startsWith('data/prepared/') && e.path !== 'data/prepared/');
    assert.deepEqual(shown.files.filter((f) => f.status === 'modified').map((f) => `data/prepared/${f.path}`).sort(), realModified.map((e) => e.path).sort(), `dvc diff: ${JSON.stringify(real)}`);
    assert.deepEqual(realModified.map((e) => e.path).sort(), ['data/prepared/test.csv', 'data/prepared/train.csv']);
    // Each size is the size of the cache object dvc names for that side.
    const cacheSize = (md5: string): number => statSync(join(project, '.dvc', 'cache', 'files', 'md5', md5.slice(0, 2), md5.slice(2))).size;
    for (const entry of realModified) {
      const file = shown.files.find((f) => `data/prepared/${f.path}` === entry.path)!;
      const hash = entry.hash as { old: string; new: string };
      assert.deepEqual([file.sizeBefore, file.sizeAfter], [cacheSize(hash.old), cacheSize(hash.new)], entry.path);
    }
    const cells = await frame.locator('table.files tbody tr').first().locator('td').allTextContents();
    assert.match(cells[0] ?? '', /modified/);
    await workbench.screenshot('data-diff-dark');
  });

  await step('checkout', async () => {
    const raw = join(project, 'data', 'raw.csv');
    const [, v1] = recordedVersions(project, 'data/raw.csv.dvc', dvcFileMd5) as [unknown, { commit: string; subject: string; md5: string }];
    const original = readFileSync(raw, 'utf8');
    writeFileSync(raw, `${original}5.0,3.0,1.0,0.2,0\n`);
    await waitForRows(DATA, (r) => r.find((x) => x.label === 'data/raw.csv')?.description.endsWith('modified') ?? false, 'data/raw.csv modified');
    const versionRow = async (): Promise<Row> => {
      await expandPath(workbench, DATA, ['data/raw.csv']);
      return findPath(await rows(workbench, DATA), ['data/raw.csv', v1.subject])!;
    };
    // The row by its index, once the tree has settled: after the file changes, rows above it come
    // and go (the uncommitted version) a moment after the path's own description changes.
    const versionTarget = async (): Promise<Locator> => {
      for (let attempt = 0; attempt < 40; attempt++) {
        const row = await versionRow();
        await workbench.page.waitForTimeout(500);
        const again = await versionRow();
        const locator = rowLocator(workbench, DATA, again);
        if (again.index === row.index && ((await locator.textContent()) ?? '').includes(v1.subject)) return locator;
      }
      throw new Error(`the row of ${v1.subject} under data/raw.csv did not settle`);
    };
    await contextMenu(workbench.page, await versionTarget(), 'Check Out This Version…');
    const refusal = await dialogText(workbench.page);
    assert.equal(refusal.message, 'Not checking out data/raw.csv');
    assert.match(refusal.detail, /^data\/raw\.csv has changes that data\/raw\.csv\.dvc does not record, and checking out another version would lose them/);
    await answerDialog(workbench.page, 'OK');
    assert.equal(readFileSync(raw, 'utf8'), `${original}5.0,3.0,1.0,0.2,0\n`, 'nothing touched');

    writeFileSync(raw, original);
    await waitForRows(DATA, (r) => r.find((x) => x.label === 'data/raw.csv')?.description.endsWith('in sync') ?? false, 'data/raw.csv in sync again');
    await contextMenu(workbench.page, await versionTarget(), 'Check Out This Version…');
    const question = await answerDialog(workbench.page, 'Check Out');
    assert.match(question, new RegExp(`Check out data/raw\\.csv as of ${v1.commit.slice(0, 7)}\\?`));
    // git checkout replaces the record file (unlink, then write): a read in between finds none.
    const recordedMd5 = async (): Promise<string | undefined> => {
      try {
        return await dvcFileMd5(readFileSync(join(project, 'data', 'raw.csv.dvc'), 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    };
    await poll(recordedMd5, (md5) => md5 === v1.md5, 90_000, 250);
    await poll(async () => (await dvcStatus(project))['data/raw.csv.dvc'], (entry) => entry === undefined, 90_000, 1000);
    const status = await dvcStatus(project);
    assert.ok(status['prepare'], `dvc status after the checkout lists prepare: ${JSON.stringify(status)}`);
    await setPaneExpanded(workbench, PIPELINE, true);
    await waitForRows(PIPELINE, (r) => r.find((x) => x.label === 'prepare')?.description === 'dep data/raw.csv changed', 'prepare stale after the checkout');
    assertMatchesDvc(await stageDescriptions(), status);
    await parkMouse(workbench.page);
    await workbench.screenshot('data-after-checkout-dark');
  });

  await step('run-stage', async () => {
    // The stage's context menu runs dvc repro as a task (prepare and train come first, as DVC decides).
    const row = await waitForPath(workbench, PIPELINE, ['evaluate']);
    await contextMenu(workbench.page, rowLocator(workbench, PIPELINE, row), 'Run Stage');
    await waitForRows(PIPELINE, (r) => r.filter((x) => x.level === 1).every((x) => x.description === 'up to date'), 'every stage up to date after Run Stage on evaluate', 180_000);
    assert.deepEqual(await dvcStatus(project), {});
  });

  await step('show-dag', async () => {
    // The command draws the graph (test/e2e/chartsAndDiffs.test.ts); its export is the Mermaid text.
    await workbench.runCommand('ML Workbench: Show Pipeline DAG');
    const graph = await panelFrame(workbench.page, 'Export as Mermaid');
    await graph.locator('vscode-button', { hasText: 'Export as Mermaid' }).click();
    await fileTab(workbench.page, 'Pipeline DAG.md').waitFor({ timeout: 30_000 });
    const lines = await poll(() => editorLines(workbench.page), (l) => l.includes('flowchart TD'), 10_000);
    const start = lines.indexOf('flowchart TD');
    // evaluate reads prepare's test.csv as well as train's model.
    assert.deepEqual(lines.slice(start, start + 10), ['flowchart TD', '  s1[("data/raw.csv")]:::fresh', '  s2["prepare"]:::fresh', '  s3["train"]:::fresh', '  s4["evaluate"]:::fresh', '  s1 --> s2', '  s2 --> s3', '  s2 --> s4', '  s3 --> s4', '  classDef fresh stroke:#2e7d32,stroke-width:2px']);
    await workbench.screenshot('pipeline-dag-dark');
  });

  await step('second-root', async () => {
    // A monorepo: a second DVC project in a subfolder (dvc init --subdir) gets its own row.
    const other = join(project, 'other');
    mkdirSync(other);
    await dvc(other, 'init', '--subdir');
    writeFileSync(join(other, 'dvc.yaml'), 'stages:\n  hello:\n    cmd: echo hi > hello.txt\n    outs:\n      - hello.txt\n');
    await waitForRows(PIPELINE, (r) => r.filter((x) => x.level === 1).map((x) => x.label).join() === 'demo,demo/other', 'one row per DVC root', 30_000);
    await expandPath(workbench, PIPELINE, ['demo/other']);
    await waitForRows(PIPELINE, (r) => findPath(r, ['demo/other', 'hello'])?.description === 'never run', 'the second root\'s stage, never run');
    assert.ok(Object.keys(await dvcStatus(other)).includes('hello'), 'dvc status in other/ lists hello');
    assert.deepEqual(await dvcStatus(project), {}, 'the outer project stays up to date');
    await parkMouse(workbench.page);
    await workbench.screenshot('pipeline-two-roots-dark');
  });

  await step('diff-with-workspace', async () => {
    const test = join(project, 'data', 'prepared', 'test.csv');
    writeFileSync(test, `${readFileSync(test, 'utf8')}5.0,3.0,1.0,0.2,0\n`);
    await waitForRows(DATA, (r) => findPath(r, ['demo', 'data/prepared'])?.description.endsWith('modified') ?? false, 'data/prepared modified');
    const row = findPath(await rows(workbench, DATA), ['demo', 'data/prepared'])!;
    await contextMenu(workbench.page, rowLocator(workbench, DATA, row), 'Diff with Workspace');
    // The Data Diff panel of HEAD's recorded version against the workspace.
    const frame = await panelFrame(workbench.page, '→ workspace', 120_000);
    const diff = await panelPoll<{ kind: string; files: { path: string; status: string; sizeBefore?: number; sizeAfter?: number }[] }>(frame, 'diff', [], (d) => d?.kind === 'directory', 60_000);
    const shown = diff.files.map((f) => `data/prepared/${f.path}`);
    assert.deepEqual(diff.files.map((f) => [f.status, f.sizeAfter]), [['modified', statSync(test).size]], 'the workspace side has the file as written');
    const real = JSON.parse(await dvc(project, 'data', 'status', '--granular', '--json')) as { uncommitted?: Record<string, string[]> };
    const expected = Object.values(real.uncommitted ?? {}).flat().filter((p) => p.startsWith('data/prepared/') && p !== 'data/prepared/');
    assert.deepEqual(shown, expected, `dvc data status --granular: ${JSON.stringify(real)}`);
    assert.deepEqual(expected, ['data/prepared/test.csv']);
    await workbench.screenshot('data-diff-workspace-dark');
  });

  await step('light-theme', async () => {
    await workbench.runCommand('Preferences: Color Theme');
    await quickInput(workbench.page).fill('Light Modern');
    await workbench.page.keyboard.press('Enter');
    await sleep(1500);
    await workbench.page.keyboard.press('Escape');
    await expandPath(workbench, PIPELINE, ['demo', 'train']);
    await parkMouse(workbench.page);
    await workbench.screenshot('pipeline-data-light');
  });
});
