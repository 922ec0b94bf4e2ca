/**
 * Workspace-level features in a real VS Code (code-server + Chromium), each step checked against
 * what MLflow's own Python client reports:
 * - Register Model… on a run that logged an MLflow 3 model (SQLite store, MLflow's client writes):
 *   search_model_versions lists one version whose source is models:/<model_id>; the Models view
 *   shows the new registered model;
 * - Show Run's Git Commit: the workspace is a git repository, a run's mlflow.source.git.commit tag
 *   names its commit, and the editor that opens shows the commit's id and message;
 * - a multi-root workspace (.code-workspace, two folders, two SQLite stores made by MLflow): one
 *   row per folder, each listing its own store's experiments; the status bar follows the active
 *   editor's folder;
 * - live polling of a real `mlflow server`: a RUNNING run a script is logging appears without a
 *   refresh, its key metric changes while it runs, and it ends FINISHED.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { trackingFixture, type TrackingFixture } from '../support/fixtures';
import { startMlflowServer, type MlflowServer } from '../support/mlflowServer';
import { env, pythonEnv } from '../support/python';
import { contextMenu, contextMenuTitles, mlflowClient, notification, setPaneExpanded, submitInput } from './support/interactions';
import { sleep } from './support/processes';
import { childrenOf, editorLines, expandPath, exact, findPath, parkMouse, poll, quickInput, quickInputMessage, quickInputTitle, rowLocator, rows, waitForPath, type Row } from './support/runsTree';
import { failureReport, reportLoggedProblems } from './support/reporting';
import { ensureVsix } from './support/vsix';
import { startWorkbench, type Workbench } from './support/workbench';

const CONTAINER = 'ML Workbench';
const RUNS = 'Runs';
const MODELS = 'Models';
const TEST_TIMEOUT = 600_000;
/** A write runs MLflow's Python client (imports take seconds on 2 busy cores): generous. */
const WRITE_MS = 90_000;

let vsix: string;
let python: string;

before(async () => {
  vsix = ensureVsix();
  python = (await pythonEnv()).python;
});

// ---------------------------------------------------------------------------------------------
// Reporting (as modelsAndWrites.test.ts does).

function describeRows(all: readonly Row[]): string {
  return JSON.stringify(all.map((r) => `${'  '.repeat(r.level - 1)}${r.label}${r.description ? ` [${r.description}]` : ''}`));
}

/** Polls until the row at `path` satisfies `accept` (undefined: the row is not shown). */
async function waitForRow(workbench: Workbench, view: string, path: readonly string[], accept: (row: Row | undefined) => boolean, what: string, timeoutMs = WRITE_MS): Promise<Row | undefined> {
  const row = await poll(async () => findPath(await rows(workbench, view).catch(() => []), path), accept, timeoutMs, 500);
  assert.ok(accept(row), `${what}: row ${path.join(' › ')} is ${JSON.stringify(row)}; rows: ${describeRows(await rows(workbench, view))}`);
  return row;
}

async function onRow(workbench: Workbench, view: string, path: readonly string[], title: string): Promise<void> {
  const row = await waitForPath(workbench, view, path);
  await contextMenu(workbench.page, rowLocator(workbench, view, row), title);
}

// ---------------------------------------------------------------------------------------------
// 1 + 4: Register Model… and Show Run's Git Commit, on the fixture's SQLite store made a git repo.

const EXPERIMENT = 'iris-classifier';
const FOREST_RUN = 'tuned-forest';
const NEW_MODEL = 'forest-from-e2e';
const GIT_EXPERIMENT = 'git-tracked';
const GIT_RUN = 'trained-at-commit';
const COMMIT_SUBJECT = 'Train the iris forest with 100 trees';
const COMMIT_BODY = 'The e2e commit the run records in mlflow.source.git.commit.';

interface ModelVersionState {
  readonly version: string;
  readonly source: string;
  readonly run_id: string | null;
  readonly model_id: string | null;
  readonly status: string;
}

function modelVersions(uri: string, name: string): Promise<ModelVersionState[]> {
  return mlflowClient<ModelVersionState[]>(
    uri,
    [
      'vs = client.search_model_versions("name=\'%s\'" % args[0])',
      'out([{"version": str(v.version), "source": v.source, "run_id": v.run_id, "model_id": getattr(v, "model_id", None), "status": v.status} for v in vs])',
    ].join('\n'),
    name,
  );
}

function registeredModelNames(uri: string): Promise<string[]> {
  return mlflowClient<string[]>(uri, 'out(sorted(m.name for m in client.search_registered_models(max_results=1000)))');
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=ML Workbench E2E', '-c', 'user.email=e2e@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
  }).trim();
}

/** Makes `dir` a git repository with one commit (the store itself ignored); returns the commit id. */
function commitWorkspace(dir: string): string {
  writeFileSync(join(dir, '.gitignore'), 'mlflow.db*\nmlruns/\nmlartifacts/\n*.csv\n');
  writeFileSync(join(dir, 'train.py'), 'import mlflow\n\nwith mlflow.start_run():\n    mlflow.log_param("n_estimators", 100)\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '.gitignore', 'train.py');
  git(dir, 'commit', '-q', '-m', COMMIT_SUBJECT, '-m', COMMIT_BODY);
  return git(dir, 'rev-parse', 'HEAD');
}

/** Logs a finished run in a new experiment and tags it with `commit` (MlflowClient.set_tag); returns what get_run reads back. */
function logRunAtCommit(uri: string, dir: string, commit: string): Promise<{ runId: string; commit: string }> {
  return mlflowClient(
    uri,
    [
      'experiment_id = client.create_experiment(args[0], artifact_location="file://" + args[3] + "/mlruns-git")',
      'run = client.create_run(experiment_id, run_name=args[1])',
      'client.set_tag(run.info.run_id, "mlflow.source.git.commit", args[2])',
      'client.set_tag(run.info.run_id, "mlflow.source.name", "train.py")',
      'client.log_metric(run.info.run_id, "accuracy", 0.95)',
      'client.set_terminated(run.info.run_id, "FINISHED")',
      'r = client.get_run(run.info.run_id)',
      'out({"runId": r.info.run_id, "commit": r.data.tags.get("mlflow.source.git.commit")})',
    ].join('\n'),
    GIT_EXPERIMENT,
    GIT_RUN,
    commit,
    dir,
  );
}

describe('Register Model… and Show Run\'s Git Commit (SQLite store in a git repository, MLflow\'s Python client writes)', () => {
  let workbench: Workbench;
  let fixture: TrackingFixture;
  let commit: string;
  let gitRun: { runId: string; commit: string };

  before(async () => {
    fixture = await trackingFixture('sqlite');
    commit = commitWorkspace(fixture.dir);
    gitRun = await logRunAtCommit(fixture.uri, fixture.dir, commit);
    assert.equal(gitRun.commit, commit, 'get_run(...).data.tags["mlflow.source.git.commit"]');
    workbench = await startWorkbench({
      workspace: fixture.dir,
      vsix,
      // code-server's PATH has no python3 with MLflow: the setting names the rig's venv.
      settings: { 'mlWorkbench.python': python, 'workbench.view.alwaysShowHeaderActions': true },
    });
    await workbench.openContainer(CONTAINER);
    await waitForPath(workbench, RUNS, [EXPERIMENT], 60_000);
  });

  after(async () => {
    reportLoggedProblems(workbench, 'register-git');
    await workbench?.stop();
  });

  test('Register Model… on tuned-forest (MLflow 3 logged model) → New registered model…: one version with source models:/<model_id>, shown in the Models view', { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'register-model', async () => {
      const modelId = fixture.summary.logged_models['forest'];
      const runId = fixture.summary.runs[FOREST_RUN];
      assert.ok(modelId && runId, `fixture: forest model ${modelId}, run ${runId}`);
      assert.deepEqual(await modelVersions(fixture.uri, NEW_MODEL), [], `${NEW_MODEL} has versions before the test`);

      await setPaneExpanded(workbench, RUNS, true);
      await expandPath(workbench, RUNS, [EXPERIMENT]);
      // The logged model is listed under the run, as MLflow's run outputs report it.
      await expandPath(workbench, RUNS, [EXPERIMENT, FOREST_RUN]);
      await expandPath(workbench, RUNS, [EXPERIMENT, FOREST_RUN, 'Logged models']);
      const logged = childrenOf(await rows(workbench, RUNS), [EXPERIMENT, FOREST_RUN, 'Logged models']).map((row) => row.label);
      assert.deepEqual(logged, [modelId], 'Logged models of tuned-forest = its MLflow 3 model output');
      await parkMouse(workbench.page);
      await workbench.screenshot('register-model-logged-model');

      await onRow(workbench, RUNS, [EXPERIMENT, FOREST_RUN], 'Register Model…');
      assert.equal(await poll(() => quickInputTitle(workbench.page), (t) => t.startsWith('Register'), 30_000), `Register ${modelId}`, 'quick pick title');
      const input = quickInput(workbench.page);
      await input.fill('New registered model');
      const item = workbench.page
        .locator('.quick-input-widget .quick-input-list .monaco-list-row')
        .filter({ has: workbench.page.locator('.label-name', { hasText: exact('New registered model…') }) })
        .first();
      await item.waitFor({ state: 'visible' });
      await workbench.screenshot('register-model-pick');
      await item.click();
      assert.equal(await poll(() => quickInputTitle(workbench.page), (t) => t === 'Registered model name', 15_000), 'Registered model name', 'input box title');
      await submitInput(workbench.page, NEW_MODEL);
      await notification(workbench.page, `Registered ${NEW_MODEL} version 1 (models:/${NEW_MODEL}/1).`, WRITE_MS);
      await parkMouse(workbench.page);
      await workbench.screenshot('register-model-registered');

      const versions = await modelVersions(fixture.uri, NEW_MODEL);
      assert.equal(versions.length, 1, `search_model_versions("name='${NEW_MODEL}'"): ${JSON.stringify(versions)}`);
      assert.equal(versions[0]!.source, `models:/${modelId}`, 'the version\'s source');
      assert.equal(versions[0]!.run_id, runId, 'the version\'s run_id');
      if (versions[0]!.model_id !== null) assert.equal(versions[0]!.model_id, modelId, 'the version\'s model_id');
      console.log(`[register] MLflow: ${JSON.stringify(versions)}`);

      await setPaneExpanded(workbench, RUNS, false);
      await setPaneExpanded(workbench, MODELS, true);
      await waitForRow(workbench, MODELS, [NEW_MODEL], (row) => row !== undefined, 'the new registered model');
      const names = await registeredModelNames(fixture.uri);
      const shown = (await rows(workbench, MODELS)).filter((row) => row.level === 1).map((row) => row.label);
      assert.deepEqual([...shown].sort(), names, 'registered models in the Models view = search_registered_models');
      await expandPath(workbench, MODELS, [NEW_MODEL]);
      const versionRows = childrenOf(await rows(workbench, MODELS), [NEW_MODEL]).filter((row) => /^Version \d+$/.test(row.label));
      assert.deepEqual(versionRows.map((row) => row.label), ['Version 1'], `versions of ${NEW_MODEL} in the Models view`);
      await parkMouse(workbench.page);
      await workbench.screenshot('register-model-models-view');
    });
  });

  test('Show Run\'s Git Commit: the editor shows the commit id and message of the run\'s mlflow.source.git.commit', { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'git-commit', async () => {
      await setPaneExpanded(workbench, MODELS, false);
      await setPaneExpanded(workbench, RUNS, true);
      await waitForPath(workbench, RUNS, [GIT_EXPERIMENT], 60_000);
      await expandPath(workbench, RUNS, [GIT_EXPERIMENT]);
      const row = await waitForPath(workbench, RUNS, [GIT_EXPERIMENT, GIT_RUN]);
      const menu = await contextMenuTitles(workbench.page, rowLocator(workbench, RUNS, row));
      assert.ok(menu.includes("Show Run's Git Commit"), `run context menu: ${JSON.stringify(menu)}`);
      await onRow(workbench, RUNS, [GIT_EXPERIMENT, GIT_RUN], "Show Run's Git Commit");
      const lines = await poll(() => editorLines(workbench.page).catch(() => [] as string[]), (value) => value.some((line) => line.includes(commit)), 60_000, 500);
      await parkMouse(workbench.page);
      await workbench.screenshot('git-commit-editor');
      const text = lines.join('\n');
      assert.ok(lines.some((line) => line.includes(commit)), `the editor shows the commit id ${commit}:\n${text}`);
      assert.ok(text.includes(COMMIT_SUBJECT), `the editor shows the commit message "${COMMIT_SUBJECT}":\n${text}`);
      assert.ok(text.includes(COMMIT_BODY), `the editor shows the commit body:\n${text}`);
      // What git itself prints for the commit (the id and the first lines), for comparison.
      const expected = git(fixture.dir, 'show', '--stat', '--format=fuller', commit).split('\n');
      assert.equal(lines[0]?.trim(), expected[0]?.trim(), 'first line = git show\'s first line');
      console.log(`[git] editor lines:\n${lines.slice(0, 12).join('\n')}`);
    });
  });

  test(
    'the commit document is read-only output: not dirty, and closing it asks nothing',
    { timeout: TEST_TIMEOUT },
    async () => {
      await failureReport(workbench, 'git-commit-close', async () => {
        const tab = workbench.page.locator('.tabs-container .tab.active').first();
        await tab.waitFor({ state: 'visible' });
        const title = ((await tab.getAttribute('aria-label')) ?? (await tab.textContent()) ?? '').trim();
        assert.match(title, new RegExp(`commit ${commit.slice(0, 12)}`), `the active tab is the commit document (${title})`);
        const dirty = ((await tab.getAttribute('class')) ?? '').split(/\s+/).includes('dirty');
        await workbench.runCommand('View: Close Editor');
        const dialog = workbench.page.locator('.monaco-dialog-box').first();
        const asked = await dialog.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
        let message = '';
        if (asked) {
          message = ((await dialog.locator('.dialog-message-text').textContent()) ?? '').trim();
          await workbench.screenshot('git-commit-close-asks-to-save');
          await dialog.locator('.dialog-buttons .monaco-button', { hasText: /^\s*Don't Save\s*$/ }).first().click();
          await dialog.waitFor({ state: 'hidden' });
        }
        console.log(`[git] commit tab "${title}": dirty ${dirty}; closing asked: ${asked ? `"${message}"` : 'nothing'}`);
        assert.ok(!dirty, `the commit document's tab is marked dirty (unsaved): "${title}"`);
        assert.ok(!asked, `closing the commit document asked: "${message}"`);
      });
    },
  );
});

// ---------------------------------------------------------------------------------------------
// 2: a multi-root workspace with a store in each folder.

const ALPHA = 'alpha-store';
const BETA = 'beta-store';
const ALPHA_ONLY = 'alpha-only experiment';
const BETA_ONLY = 'beta-only experiment';

function experimentNames(uri: string): Promise<string[]> {
  return mlflowClient<string[]>(uri, 'out([e.name for e in client.search_experiments()])');
}

/** The text of the extension's tracking-store item in the status bar ('' when not shown). */
async function statusBarStore(page: Page): Promise<string> {
  const byId = page.locator('.part.statusbar .statusbar-item[id$="mlWorkbench.trackingStore"]');
  const item = (await byId.count()) > 0 ? byId.first() : page.locator('.part.statusbar .statusbar-item').filter({ hasText: /\b(sqlite|file|server): / }).first();
  if ((await item.count()) === 0) return '';
  return ((await item.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** The hover the tracking-store status bar item shows (its tooltip). */
async function statusBarTooltip(page: Page): Promise<string> {
  const byId = page.locator('.part.statusbar .statusbar-item[id$="mlWorkbench.trackingStore"]');
  const item = (await byId.count()) > 0 ? byId.first() : page.locator('.part.statusbar .statusbar-item').filter({ hasText: /\b(sqlite|file|server): / }).first();
  await item.hover();
  const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: /MLflow tracking store/ }).first();
  await hover.waitFor({ state: 'visible', timeout: 15_000 });
  return ((await hover.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Opens a workspace file by name through Quick Open (Ctrl+P). */
async function quickOpen(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = quickInput(page);
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  const item = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: name }) }).first();
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab[data-resource-name="${name}"]`).first().waitFor({ state: 'visible' });
}

describe('multi-root workspace: one row per folder, each with its own store; the status bar follows the active editor', () => {
  let workbench: Workbench;
  let root: string;
  const uris: Record<string, string> = {};

  before(async () => {
    const fixture = await trackingFixture('sqlite');
    root = mkdtempSync(join(tmpdir(), 'mlw-e2e-multiroot-'));
    const alpha = join(root, ALPHA);
    const beta = join(root, BETA);
    mkdirSync(alpha);
    mkdirSync(join(beta, '.vscode'), { recursive: true });
    // Copies of a store made by real MLflow (artifact paths inside still point at the fixture).
    copyFileSync(join(fixture.dir, 'mlflow.db'), join(alpha, 'mlflow.db'));
    copyFileSync(join(fixture.dir, 'mlflow.db'), join(beta, 'tracking.db'));
    // alpha: MLflow's default ./mlflow.db; beta: a folder setting, relative to the folder.
    writeFileSync(join(beta, '.vscode', 'settings.json'), JSON.stringify({ 'mlWorkbench.trackingUri': 'sqlite:///tracking.db' }, null, 2));
    writeFileSync(join(alpha, 'alpha-notes.md'), '# alpha\n');
    writeFileSync(join(beta, 'beta-notes.md'), '# beta\n');
    uris[ALPHA] = `sqlite:///${join(alpha, 'mlflow.db')}`;
    uris[BETA] = `sqlite:///${join(beta, 'tracking.db')}`;
    // One experiment of its own in each store, so the two listings differ.
    const create = 'client.create_experiment(args[0], artifact_location="file://" + args[1])\nout(True)';
    await mlflowClient(uris[ALPHA], create, ALPHA_ONLY, join(alpha, 'mlruns-extra'));
    await mlflowClient(uris[BETA], create, BETA_ONLY, join(beta, 'mlruns-extra'));
    const workspaceFile = join(root, 'two-stores.code-workspace');
    writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: ALPHA }, { path: BETA }], settings: {} }, null, 2));
    workbench = await startWorkbench({ workspace: workspaceFile, vsix, settings: { 'workbench.view.alwaysShowHeaderActions': true } });
    await workbench.openContainer(CONTAINER);
    await waitForPath(workbench, RUNS, [ALPHA], 60_000);
  });

  after(async () => {
    reportLoggedProblems(workbench, 'multi-root');
    await workbench?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('Runs view: a row per folder (its store in the description) listing search_experiments() of that folder\'s store; status bar = the active editor\'s folder\'s store', { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'multi-root', async () => {
      await setPaneExpanded(workbench, MODELS, false);
      await setPaneExpanded(workbench, RUNS, true);
      const expected: Record<string, string[]> = { [ALPHA]: await experimentNames(uris[ALPHA]!), [BETA]: await experimentNames(uris[BETA]!) };
      assert.ok(expected[ALPHA]!.includes(ALPHA_ONLY) && !expected[ALPHA]!.includes(BETA_ONLY), `alpha's experiments: ${JSON.stringify(expected[ALPHA])}`);
      assert.ok(expected[BETA]!.includes(BETA_ONLY) && !expected[BETA]!.includes(ALPHA_ONLY), `beta's experiments: ${JSON.stringify(expected[BETA])}`);

      const all = await poll(
        () => rows(workbench, RUNS),
        (value) => [ALPHA, BETA].every((folder) => findPath(value, [folder]) !== undefined && childrenOf(value, [folder]).length === expected[folder]!.length),
        60_000,
        500,
      );
      const top = all.filter((row) => row.level === 1);
      assert.deepEqual(top.map((row) => row.label), [ALPHA, BETA], `top-level rows: ${describeRows(all)}`);
      assert.equal(top[0]!.description, 'sqlite: mlflow.db', `description of ${ALPHA}`);
      assert.equal(top[1]!.description, 'sqlite: tracking.db', `description of ${BETA}`);
      for (const folder of [ALPHA, BETA]) {
        assert.deepEqual(childrenOf(all, [folder]).map((row) => row.label), expected[folder], `experiments under ${folder} = MLflow's search_experiments() of its store`);
      }
      await parkMouse(workbench.page);
      await workbench.screenshot('multi-root-runs-view');

      // Runs of an experiment under the second folder come from that folder's store.
      await expandPath(workbench, RUNS, [BETA, EXPERIMENT]);
      const betaRuns = childrenOf(await rows(workbench, RUNS), [BETA, EXPERIMENT]).map((row) => row.label);
      const mlflowRuns = await mlflowClient<string[]>(uris[BETA]!, 'e = client.get_experiment_by_name(args[0])\nruns = client.search_runs([e.experiment_id], max_results=1000)\nids = {r.info.run_id for r in runs}\nout([r.info.run_name for r in runs if r.data.tags.get("mlflow.parentRunId") not in ids])', EXPERIMENT);
      assert.deepEqual(betaRuns, mlflowRuns, `runs of ${EXPERIMENT} under ${BETA} = search_runs of its store`);
      await parkMouse(workbench.page);
      await workbench.screenshot('multi-root-beta-runs');

      // The status bar names the store of the active editor's folder (the first folder's when none).
      const initial = await poll(() => statusBarStore(workbench.page), (text) => text !== '', 30_000);
      assert.match(initial, /sqlite: mlflow\.db/, 'status bar with no editor open (first folder with a store)');
      await parkMouse(workbench.page);
      await quickOpen(workbench.page, 'beta-notes.md');
      const beta = await poll(() => statusBarStore(workbench.page), (text) => /tracking\.db/.test(text), 30_000);
      await workbench.screenshot('multi-root-status-beta');
      assert.match(beta, /sqlite: tracking\.db/, `status bar with ${BETA}/beta-notes.md active`);
      const tooltip = await statusBarTooltip(workbench.page);
      assert.match(tooltip, new RegExp(`MLflow tracking store of ${BETA}: sqlite: tracking\\.db`), 'the status bar item\'s tooltip names the folder and its store');
      await parkMouse(workbench.page);
      await quickOpen(workbench.page, 'alpha-notes.md');
      const alpha = await poll(() => statusBarStore(workbench.page), (text) => /mlflow\.db/.test(text), 30_000);
      await workbench.screenshot('multi-root-status-alpha');
      assert.match(alpha, /sqlite: mlflow\.db/, `status bar with ${ALPHA}/alpha-notes.md active`);
      console.log(`[multi-root] status bar: none "${initial}", beta "${beta}", alpha "${alpha}"`);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// 3: live polling of a real mlflow server.

const LIVE_EXPERIMENT = 'live-server';
const LIVE_RUN = 'live-training';
const WARMUP_RUN = 'warmup';
const KEY = 'live_loss';

const LIVE_SCRIPT = `
import sys, time, warnings
warnings.simplefilter("ignore")
from mlflow.tracking import MlflowClient
client = MlflowClient(tracking_uri=sys.argv[1])
experiment = client.get_experiment_by_name(sys.argv[2])
run = client.create_run(experiment.experiment_id, run_name=sys.argv[3])
print(run.info.run_id, flush=True)
for step in range(24):
    client.log_metric(run.info.run_id, sys.argv[4], 1.0 / (step + 1), step=step)
    time.sleep(0.5)
client.set_terminated(run.info.run_id, "FINISHED")
print("done", flush=True)
`;

describe('live polling of a real mlflow server', () => {
  let server: MlflowServer | undefined;
  let workbench: Workbench;
  let workspace: string;

  before(async () => {
    server = await startMlflowServer();
    // The experiment exists with a finished run before the view opens: the poller re-reads the
    // pages of expanded experiments, so a new run must land in one.
    await mlflowClient(
      server.url,
      ['e = client.create_experiment(args[0])', 'r = client.create_run(e, run_name=args[1])', 'client.log_metric(r.info.run_id, args[2], 1.5)', 'client.set_terminated(r.info.run_id, "FINISHED")', 'out(e)'].join('\n'),
      LIVE_EXPERIMENT,
      WARMUP_RUN,
      KEY,
    );
    workspace = mkdtempSync(join(tmpdir(), 'mlw-e2e-live-ws-'));
    workbench = await startWorkbench({
      workspace,
      vsix,
      settings: {
        'mlWorkbench.trackingUri': server.url,
        'mlWorkbench.runs.pollIntervalSeconds': 1,
        'mlWorkbench.runs.keyMetric': KEY,
        'workbench.view.alwaysShowHeaderActions': true,
      },
    });
    await workbench.openContainer(CONTAINER);
    await waitForPath(workbench, RUNS, [LIVE_EXPERIMENT], 60_000);
  });

  after(async () => {
    reportLoggedProblems(workbench, 'live-server');
    await workbench?.stop();
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  test('a RUNNING run a script logs to the server appears without a refresh, its key metric changes at least twice, then it shows FINISHED (get_run agrees)', { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'live-server', async () => {
      const url = server!.url;
      await expandPath(workbench, RUNS, [LIVE_EXPERIMENT]);
      await waitForPath(workbench, RUNS, [LIVE_EXPERIMENT, WARMUP_RUN]);
      assert.equal(findPath(await rows(workbench, RUNS), [LIVE_EXPERIMENT, LIVE_RUN]), undefined, 'the live run is not there yet');
      await parkMouse(workbench.page);

      const pythonEnvironment = await pythonEnv();
      const output: string[] = [];
      let child: ChildProcess | undefined;
      try {
        const started = Date.now();
        child = spawn(pythonEnvironment.python, ['-c', LIVE_SCRIPT, url, LIVE_EXPERIMENT, LIVE_RUN, KEY], { env: env(pythonEnvironment), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
        child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
        const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
        let running = true;
        void exited.then(() => (running = false));

        const values: string[] = [];
        let spinning = false;
        let appearedAfterMs: number | undefined;
        let shot = false;
        const deadline = Date.now() + 120_000;
        while (running && Date.now() < deadline) {
          const row = findPath(await rows(workbench, RUNS).catch(() => []), [LIVE_EXPERIMENT, LIVE_RUN]);
          if (row) {
            appearedAfterMs ??= Date.now() - started;
            const value = new RegExp(`\\b${KEY} (\\S+)`).exec(row.description)?.[1];
            if (value !== undefined && values.at(-1) !== value) values.push(value);
            if (/codicon-sync/.test(row.icon) && /spin/.test(row.icon)) spinning = true;
            if (spinning && values.length >= 2 && !shot) {
              shot = true;
              await workbench.screenshot('live-server-running');
            }
          }
          await sleep(200);
        }
        const code = await Promise.race([exited, sleep(60_000).then(() => 'timeout' as const)]);
        assert.equal(code, 0, `the logging script failed (${String(code)}):\n${output.join('')}`);
        const runId = output.join('').trim().split('\n')[0]!.trim();
        console.log(`[live-server] run ${runId} appeared ${appearedAfterMs === undefined ? 'never' : `${(appearedAfterMs / 1000).toFixed(1)} s after the script started`}; key metric values seen while it ran: ${JSON.stringify(values)}`);
        assert.ok(appearedAfterMs !== undefined, 'the new run appeared while the script ran, without Refresh Runs');
        assert.ok(spinning, 'the running run had the spinning sync icon');
        assert.ok(values.length >= 3, `the key metric in the row changed at least twice: ${JSON.stringify(values)}`);

        const finished = await poll(
          async () => findPath(await rows(workbench, RUNS).catch(() => []), [LIVE_EXPERIMENT, LIVE_RUN]),
          (row) => !!row && /codicon-pass/.test(row.icon) && /finished/.test(row.ariaLabel),
          30_000,
        );
        await workbench.screenshot('live-server-finished');
        assert.ok(finished, 'the run row is still shown');
        assert.match(finished.ariaLabel, /finished/, `the run shows FINISHED (${finished.ariaLabel}, icon ${finished.icon})`);
        assert.match(finished.icon, /codicon-pass/);
        const mlflow = await mlflowClient<{ status: string; value: number; end: number | null }>(
          url,
          'r = client.get_run(args[0])\nout({"status": r.info.status, "value": r.data.metrics[args[1]], "end": r.info.end_time})',
          runId,
          KEY,
        );
        assert.equal(mlflow.status, 'FINISHED', 'get_run(...).info.status');
        const shown = Number(new RegExp(`\\b${KEY} (\\S+)`).exec(finished.description)?.[1]);
        assert.ok(Math.abs(shown - mlflow.value) <= 1e-5 * Math.abs(mlflow.value), `the row's ${KEY} (${finished.description}) = MLflow's latest value ${mlflow.value}`);
        // Every value seen was one the script logged (1/(step+1)), and they only went down.
        const logged = values.map(Number);
        assert.ok(logged.every((v, i) => i === 0 || v < logged[i - 1]!), `values seen decrease: ${JSON.stringify(values)}`);
      } finally {
        if (child?.pid && child.exitCode === null && child.signalCode === null) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }
    });
  });
});

describe('a tracking server with basic auth: the 401 asks for a user name and password', () => {
  const EXPERIMENT = 'signed-in-e2e';
  let server: MlflowServer | undefined;
  let workbench: Workbench;
  let workspace: string;

  before(async () => {
    server = await startMlflowServer({ basicAuth: true });
    // The admin logs one experiment through MLflow's own client (its credentials from the environment).
    await mlflowClient(
      server.url,
      ['import os', 'os.environ["MLFLOW_TRACKING_USERNAME"] = args[1]', 'os.environ["MLFLOW_TRACKING_PASSWORD"] = args[2]', 'e = client.create_experiment(args[0])', 'r = client.create_run(e, run_name="behind-auth")', 'client.set_terminated(r.info.run_id, "FINISHED")', 'out(e)'].join('\n'),
      EXPERIMENT,
      server.adminUser!,
      server.adminPassword!,
    );
    workspace = mkdtempSync(join(tmpdir(), 'mlw-e2e-auth-ws-'));
    // No credentials anywhere but what the user types: none in the environment (the sandbox's HOME has no ~/.mlflow/credentials).
    workbench = await startWorkbench({
      workspace,
      vsix,
      env: { MLFLOW_TRACKING_USERNAME: undefined, MLFLOW_TRACKING_PASSWORD: undefined, MLFLOW_TRACKING_TOKEN: undefined },
      settings: { 'mlWorkbench.trackingUri': server.url },
    });
  });

  after(async () => {
    reportLoggedProblems(workbench, 'auth-server');
    await workbench?.stop();
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  test('cancelled, then Sign In… from the view, a wrong password refused and asked again at once, the right one lists the runs', { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'auth-server', async () => {
      const host = new URL(server!.url).host;
      const page = workbench.page;
      const input = quickInput(page);
      const shown = async (): Promise<string> => ((await input.isVisible()) ? `${await quickInputTitle(page)} | ${await quickInputMessage(page)}` : '');
      /** Waits for the input box titled `title`, types `value` and presses Enter. */
      const answer = async (title: RegExp, value: string): Promise<void> => {
        await poll(shown, (t) => title.test(t.split(' | ')[0]!), 90_000, 200);
        await input.fill(value);
        await page.keyboard.press('Enter');
      };
      const signIn = new RegExp(`^Sign in to the MLflow server ${host.replace(/\./g, '\\.')}$`);
      const password = new RegExp(`^Password for ${server!.adminUser!} at http://${host.replace(/\./g, '\\.')}`);
      await workbench.openContainer(CONTAINER);
      // The first read answers 401: asked for a user name (then a password, not shown as typed).
      const first = await poll(shown, (t) => signIn.test(t.split(' | ')[0]!), 90_000, 200);
      assert.match(first, /asks for a user name and password.*secret storage/);
      await workbench.screenshot('auth-server-prompt');
      // Cancelled: the view says why it is empty, and its row signs in (no toast, no dead end).
      await page.keyboard.press('Escape');
      const row = await poll(async () => (await rows(workbench, RUNS).catch(() => []))[0], (r) => r !== undefined && r.label === 'Sign In…' && /answered 401 .*needs a user name and password/.test(r.description), 60_000);
      assert.match(row!.icon, /codicon-account/);
      assert.deepEqual(await page.locator('.notification-toast').allInnerTexts(), [], 'the failure is the view’s row, not a toast');
      await parkMouse(page);
      await workbench.screenshot('auth-server-cancelled');
      // The Models view, on the same server, offers the same sign-in (not a Retry that asks nothing).
      await setPaneExpanded(workbench, 'Models', true);
      const modelsRow = await poll(async () => (await rows(workbench, 'Models').catch(() => []))[0], (r) => r !== undefined && r.label === 'Sign In…', 60_000);
      assert.match(modelsRow?.description ?? '', /answered 401 .*needs a user name and password/, JSON.stringify(modelsRow));
      await setPaneExpanded(workbench, 'Models', false);
      await rowLocator(workbench, RUNS, row!).click();
      await answer(signIn, server!.adminUser!);
      await poll(shown, (t) => password.test(t.split(' | ')[0]!), 30_000, 200);
      assert.equal(await input.getAttribute('type'), 'password', 'the password is not shown');
      await answer(password, 'not-the-password');
      // The server refuses it: asked again at once, saying so.
      await poll(shown, (m) => signIn.test(m.split(' | ')[0]!) && /refused the user name and password/.test(m), 60_000, 250);
      await workbench.screenshot('auth-server-refused');
      await answer(signIn, server!.adminUser!);
      await answer(password, server!.adminPassword!);
      await waitForPath(workbench, RUNS, [EXPERIMENT], 90_000);
      await expandPath(workbench, RUNS, [EXPERIMENT]);
      await waitForPath(workbench, RUNS, [EXPERIMENT, 'behind-auth'], 60_000);
      // Nothing of the password reached the extension's log.
      assert.doesNotMatch(workbench.diagnostics(), new RegExp(server!.adminPassword!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      await parkMouse(page);
      await workbench.screenshot('auth-server-signed-in');
    });
  });
});
