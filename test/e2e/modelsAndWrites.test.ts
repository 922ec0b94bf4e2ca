/**
 * Writes and the Models view in a real VS Code (code-server + Chromium), each step checked by
 * MLflow's own Python client reading the store afterwards:
 * - a SQLite store made by real MLflow for this test process (the workspace; writes go through
 *   MLflow's Python client in the interpreter of the `mlWorkbench.python` setting): rename,
 *   delete (modal) + Show Deleted Runs + Restore Run, the Models view's versions and aliases,
 *   Set Alias… / Delete Alias, a version's MLmodel (flavors, input example), Reveal Source Run;
 * - a real `mlflow server` (writes through its REST API), in the light theme: rename and alias.
 * Opening an artifact file is covered by runsFeatures.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loggedThroughServer, trackingFixture, type TrackingFixture } from '../support/fixtures';
import { startMlflowServer, type MlflowServer } from '../support/mlflowServer';
import { pythonEnv } from '../support/python';
import { answerDialog, contextMenu, contextMenuTitles, mlflowClient, notification, setPaneExpanded, submitInput } from './support/interactions';
import { childrenOf, collapseAll, expandPath, findPath, mlflowAnswers, nest, poll, quickInputTitle, rowLocator, rows, waitForPath, type Row } from './support/runsTree';
import { failureReport, reportLoggedProblems } from './support/reporting';
import { ensureVsix } from './support/vsix';
import { startWorkbench, type Workbench } from './support/workbench';

const CONTAINER = 'ML Workbench';
const RUNS = 'Runs';
const MODELS = 'Models';
const EXPERIMENT = 'iris-classifier';
const MODEL = 'iris-prod';
const SK_MODEL = 'sk-iris';
const NEW_ALIAS = 'staging';
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
// MLflow's answers.

interface RunState {
  readonly name: string;
  readonly lifecycle: string;
}

function runState(uri: string, runId: string): Promise<RunState> {
  return mlflowClient<RunState>(uri, 'r = client.get_run(args[0])\nout({"name": r.info.run_name, "lifecycle": r.info.lifecycle_stage})', runId);
}

interface RegistryState {
  /** Alias → version, as get_registered_model(...).aliases. */
  readonly aliases: Record<string, string>;
  readonly versions: readonly { readonly version: string; readonly run_id: string | null; readonly source: string }[];
}

function registryState(uri: string, model: string): Promise<RegistryState> {
  return mlflowClient<RegistryState>(
    uri,
    [
      'm = client.get_registered_model(args[0])',
      'vs = client.search_model_versions("name = \'%s\'" % args[0])',
      'out({"aliases": {k: str(v) for k, v in m.aliases.items()}, "versions": [{"version": str(v.version), "run_id": v.run_id, "source": v.source} for v in vs]})',
    ].join('\n'),
    model,
  );
}

/** get_model_version_by_alias(...).version, or MLflow's error. */
function versionByAlias(uri: string, model: string, alias: string): Promise<{ version?: string; error?: string }> {
  return mlflowClient(
    uri,
    ['try:', '    out({"version": str(client.get_model_version_by_alias(args[0], args[1]).version)})', 'except Exception as e:', '    out({"error": str(e)})'].join('\n'),
    model,
    alias,
  );
}

interface MlModelState {
  readonly flavors: readonly string[];
  readonly inputExample: { readonly artifact_path: string; readonly type: string } | null;
  readonly hasSignature: boolean;
}

/** The version's MLmodel as MLflow loads it (Model.load of models:/name/version). */
function mlModelState(uri: string, model: string, version: string): Promise<MlModelState> {
  return mlflowClient<MlModelState>(
    uri,
    [
      'import mlflow',
      'from mlflow.models import Model',
      'mlflow.set_tracking_uri(sys.argv[1]); mlflow.set_registry_uri(sys.argv[1])',
      'm = Model.load("models:/%s/%s" % (args[0], args[1]))',
      'info = m.saved_input_example_info',
      'out({"flavors": list(m.flavors.keys()), "inputExample": {"artifact_path": info["artifact_path"], "type": info.get("type")} if info else None, "hasSignature": m.signature is not None})',
    ].join('\n'),
    model,
    version,
  );
}

// ---------------------------------------------------------------------------------------------
// Reading the views.

function aliasesIn(description: string): string[] {
  return [...description.matchAll(/@([\w.-]+)/g)].map((m) => m[1]!).sort();
}

async function rowAt(workbench: Workbench, view: string, path: readonly string[]): Promise<Row | undefined> {
  return findPath(await rows(workbench, view), path);
}

/** Polls until the row at `path` satisfies `accept` (undefined: the row is not shown). */
async function waitForRow(workbench: Workbench, view: string, path: readonly string[], accept: (row: Row | undefined) => boolean, what: string, timeoutMs = WRITE_MS): Promise<Row | undefined> {
  const row = await poll(() => rowAt(workbench, view, path).catch(() => undefined), accept, timeoutMs, 500);
  assert.ok(accept(row), `${what}: row ${path.join(' › ')} is ${JSON.stringify(row)}; rows: ${JSON.stringify((await rows(workbench, view)).map((r) => `${'  '.repeat(r.level - 1)}${r.label} [${r.description}]`))}`);
  return row;
}

async function runNamesUnder(workbench: Workbench): Promise<string[]> {
  return childrenOf(await rows(workbench, RUNS), [EXPERIMENT]).map((row) => row.label);
}

async function onRow(workbench: Workbench, view: string, path: readonly string[], title: string): Promise<void> {
  const row = await waitForPath(workbench, view, path);
  await contextMenu(workbench.page, rowLocator(workbench, view, row), title);
}

/** The Models view with the side bar's room (the Runs pane collapsed), every row collapsed. */
async function showModelsOnly(workbench: Workbench): Promise<void> {
  await setPaneExpanded(workbench, RUNS, false);
  await setPaneExpanded(workbench, MODELS, true);
  await waitForPath(workbench, MODELS, [MODEL], 60_000);
  await collapseAll(workbench, MODELS);
}

// ---------------------------------------------------------------------------------------------
// Steps shared by both stores.

async function renameRun(workbench: Workbench, uri: string, fixture: TrackingFixture, run: string, newName: string, shot: string): Promise<void> {
  const runId = fixture.summary.runs[run];
  assert.ok(runId, `fixture has no run ${run}`);
  await setPaneExpanded(workbench, RUNS, true);
  await expandPath(workbench, RUNS, [EXPERIMENT]);
  await onRow(workbench, RUNS, [EXPERIMENT, run], 'Rename Run…');
  assert.equal(await poll(() => quickInputTitle(workbench.page), (t) => t.startsWith('Rename run'), 15_000), `Rename run ${run}`);
  await submitInput(workbench.page, newName);
  await waitForRow(workbench, RUNS, [EXPERIMENT, newName], (row) => row !== undefined, 'the renamed run');
  assert.equal(await rowAt(workbench, RUNS, [EXPERIMENT, run]), undefined, `a row still shows the old name ${run}`);
  const state = await runState(uri, runId);
  assert.equal(state.name, newName, 'MlflowClient().get_run(id).info.run_name after Rename Run…');
  const expected = await mlflowAnswers(uri, [{ kind: 'runs', experiment: EXPERIMENT }]);
  assert.deepEqual(await runNamesUnder(workbench), nest(expected[0]!.runs!).topLevel, 'runs under the experiment after the rename (MLflow order)');
  await workbench.screenshot(`${shot}-renamed`);
}

/** Expands iris-prod and checks its versions and their aliases against MLflow. */
async function expectModelVersions(workbench: Workbench, uri: string, shot: string): Promise<RegistryState> {
  await showModelsOnly(workbench);
  await waitForPath(workbench, MODELS, [MODEL], 60_000);
  await expandPath(workbench, MODELS, [MODEL]);
  const registry = await registryState(uri, MODEL);
  const versions = [...registry.versions].sort((a, b) => Number(b.version) - Number(a.version));
  const shown = childrenOf(await rows(workbench, MODELS), [MODEL]).filter((row) => /^Version \d+$/.test(row.label));
  assert.deepEqual(shown.map((row) => row.label), versions.map((v) => `Version ${v.version}`), 'versions of iris-prod, newest first, as search_model_versions lists them');
  for (const row of shown) {
    const version = row.label.replace('Version ', '');
    const expected = Object.entries(registry.aliases).filter(([, v]) => v === version).map(([alias]) => alias).sort();
    assert.deepEqual(aliasesIn(row.description), expected, `aliases in the description of ${row.label} ("${row.description}") vs get_registered_model().aliases ${JSON.stringify(registry.aliases)}`);
  }
  const modelRow = findPath(await rows(workbench, MODELS), [MODEL]);
  assert.deepEqual(aliasesIn(modelRow?.description ?? ''), Object.keys(registry.aliases).sort(), `aliases in the description of ${MODEL} ("${modelRow?.description}")`);
  await workbench.screenshot(`${shot}-models-expanded`);
  return registry;
}

async function setAndDeleteAlias(workbench: Workbench, uri: string, version: string, shot: string): Promise<void> {
  const path = [MODEL, `Version ${version}`];
  const before = await versionByAlias(uri, MODEL, NEW_ALIAS);
  assert.ok(before.error, `the alias ${NEW_ALIAS} exists before the test: ${JSON.stringify(before)}`);

  await onRow(workbench, MODELS, path, 'Set Alias…');
  assert.equal(await poll(() => quickInputTitle(workbench.page), (t) => t.startsWith('Set an alias'), 15_000), `Set an alias on ${MODEL} version ${version}`);
  await submitInput(workbench.page, NEW_ALIAS);
  const row = await waitForRow(workbench, MODELS, path, (r) => !!r && aliasesIn(r.description).includes(NEW_ALIAS), `@${NEW_ALIAS} in the description of version ${version}`);
  const after = await versionByAlias(uri, MODEL, NEW_ALIAS);
  assert.equal(after.version, version, `get_model_version_by_alias('${MODEL}', '${NEW_ALIAS}').version after Set Alias… (${JSON.stringify(after)})`);
  const registry = await registryState(uri, MODEL);
  assert.deepEqual(aliasesIn(row!.description), Object.entries(registry.aliases).filter(([, v]) => v === version).map(([a]) => a).sort(), 'aliases of the version after Set Alias…');

  await expandPath(workbench, MODELS, path);
  const aliasRow = await waitForRow(workbench, MODELS, [...path, `@${NEW_ALIAS}`], (r) => r !== undefined, 'the alias row');
  assert.equal(aliasRow!.description, `models:/${MODEL}@${NEW_ALIAS}`);
  await workbench.screenshot(`${shot}-alias-set`);

  await onRow(workbench, MODELS, [...path, `@${NEW_ALIAS}`], 'Delete Alias');
  const message = await answerDialog(workbench.page, 'Delete Alias');
  assert.match(message, new RegExp(`@${NEW_ALIAS}`), 'the confirmation names the alias');
  await waitForRow(workbench, MODELS, [...path, `@${NEW_ALIAS}`], (r) => r === undefined, 'the deleted alias row');
  await waitForRow(workbench, MODELS, path, (r) => !!r && !aliasesIn(r.description).includes(NEW_ALIAS), `no @${NEW_ALIAS} on version ${version}`);
  const gone = await versionByAlias(uri, MODEL, NEW_ALIAS);
  assert.ok(gone.error, `MLflow still resolves @${NEW_ALIAS} after Delete Alias: ${JSON.stringify(gone)}`);
  assert.ok(!(NEW_ALIAS in (await registryState(uri, MODEL)).aliases), 'get_registered_model().aliases after Delete Alias');
  await workbench.screenshot(`${shot}-alias-deleted`);
}

// ---------------------------------------------------------------------------------------------

describe('writes and the Models view on a SQLite store (MLflow\'s Python client writes)', () => {
  let workbench: Workbench;
  let fixture: TrackingFixture;

  before(async () => {
    // Made by real MLflow in a fresh temp folder for this test process only: the writes change nobody else's store.
    fixture = await trackingFixture('sqlite');
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
    reportLoggedProblems(workbench, 'sqlite');
    await workbench?.stop();
  });

  test('Rename Run… from the context menu: get_run(id).info.run_name is the new name and the row shows it', { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'writes-rename', async () => {
      await expandPath(workbench, RUNS, [EXPERIMENT]);
      const menu = await contextMenuTitles(workbench.page, rowLocator(workbench, RUNS, await waitForPath(workbench, RUNS, [EXPERIMENT, 'long-params'])));
      for (const title of ['Rename Run…', 'Set Run Tag…', 'Delete Run…', 'Register Model…']) assert.ok(menu.includes(title), `run context menu lacks ${title}: ${JSON.stringify(menu)}`);
      await renameRun(workbench, fixture.uri, fixture, 'long-params', 'long-params (renamed)', 'sqlite');
    });
  });

  test('Delete Run… (modal) soft-deletes: lifecycle_stage deleted, row gone; Show Deleted Runs shows it; Restore Run makes it active', { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'writes-delete-restore', async () => {
      const RUN = 'with-dataset';
      const runId = fixture.summary.runs[RUN]!;
      await expandPath(workbench, RUNS, [EXPERIMENT]);
      await onRow(workbench, RUNS, [EXPERIMENT, RUN], 'Delete Run…');
      const message = await answerDialog(workbench.page, 'Delete Run');
      assert.equal(message, `Delete run "${RUN}" (${runId})?`, 'the confirmation names the run');
      await notification(workbench.page, `Deleted run "${RUN}".`, WRITE_MS);
      await waitForRow(workbench, RUNS, [EXPERIMENT, RUN], (row) => row === undefined, 'the deleted run');
      assert.equal((await runState(fixture.uri, runId)).lifecycle, 'deleted', 'lifecycle_stage after Delete Run…');
      const [active, all] = await mlflowAnswers(fixture.uri, [{ kind: 'runs', experiment: EXPERIMENT }, { kind: 'runs', experiment: EXPERIMENT, viewType: 'ALL' }]);
      assert.deepEqual(await runNamesUnder(workbench), nest(active!.runs!).topLevel, 'runs after the delete = search_runs(ACTIVE_ONLY)');
      await workbench.screenshot('sqlite-run-deleted');

      await workbench.runCommand('ML Workbench: Show Deleted Runs');
      const deleted = await waitForRow(workbench, RUNS, [EXPERIMENT, RUN], (row) => !!row && /\bdeleted\b/.test(row.description), 'the deleted run with Show Deleted Runs');
      assert.match(deleted!.icon, /codicon-trash/);
      assert.deepEqual(await runNamesUnder(workbench), nest(all!.runs!).topLevel, 'runs with Show Deleted Runs = search_runs(ALL)');
      await workbench.screenshot('sqlite-run-deleted-shown');

      const menu = await contextMenuTitles(workbench.page, rowLocator(workbench, RUNS, deleted!));
      assert.ok(menu.includes('Restore Run') && !menu.includes('Delete Run…') && !menu.includes('Rename Run…'), `deleted run's context menu: ${JSON.stringify(menu)}`);
      await onRow(workbench, RUNS, [EXPERIMENT, RUN], 'Restore Run');
      await waitForRow(workbench, RUNS, [EXPERIMENT, RUN], (row) => !!row && !/\bdeleted\b/.test(row.description), 'the restored run');
      assert.equal((await runState(fixture.uri, runId)).lifecycle, 'active', 'lifecycle_stage after Restore Run');
      await workbench.runCommand('ML Workbench: Hide Deleted Runs');
      await waitForRow(workbench, RUNS, [EXPERIMENT, RUN], (row) => row !== undefined, 'the restored run without deleted runs');
      await workbench.screenshot('sqlite-run-restored');

      // The notification's Undo restores what was just deleted.
      const UNDONE = 'diverged-run';
      const undoneId = fixture.summary.runs[UNDONE]!;
      await onRow(workbench, RUNS, [EXPERIMENT, UNDONE], 'Delete Run…');
      await answerDialog(workbench.page, 'Delete Run');
      const toast = await notification(workbench.page, `Deleted run "${UNDONE}".`, WRITE_MS);
      // The pointer on the toast keeps it from timing out while MLflow's client is asked (seconds on a busy machine).
      await toast.hover();
      await waitForRow(workbench, RUNS, [EXPERIMENT, UNDONE], (row) => row === undefined, 'the run deleted before Undo');
      assert.equal((await runState(fixture.uri, undoneId)).lifecycle, 'deleted', 'lifecycle_stage before Undo');
      // Gone from the corner anyway: the notification centre still holds it, with its Undo.
      if (!(await toast.isVisible())) await workbench.runCommand('Notifications: Show Notifications');
      await toast.hover();
      await toast.locator('.monaco-button', { hasText: /^\s*Undo\s*$/ }).first().click();
      await waitForRow(workbench, RUNS, [EXPERIMENT, UNDONE], (row) => !!row && !/\bdeleted\b/.test(row.description), 'the run back after Undo');
      assert.equal((await runState(fixture.uri, undoneId)).lifecycle, 'active', 'lifecycle_stage after Undo');
      const [afterUndo] = await mlflowAnswers(fixture.uri, [{ kind: 'runs', experiment: EXPERIMENT }]);
      assert.ok(afterUndo!.runs!.some((run) => run.name === UNDONE), 'search_runs lists the run after Undo');
      assert.deepEqual(await runNamesUnder(workbench), nest(afterUndo!.runs!).topLevel, 'runs after Undo = search_runs(ACTIVE_ONLY)');
    });
  });

  test('Models view: iris-prod versions with the aliases MLflow reports; Set Alias… staging and Delete Alias, each read back by MLflow', { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'models-alias', async () => {
      const registry = await expectModelVersions(workbench, fixture.uri, 'sqlite');
      assert.ok(registry.versions.some((v) => v.version === '1'), 'iris-prod has a version 1');
      await setAndDeleteAlias(workbench, fixture.uri, '1', 'sqlite');
    });
  });

  test("MLmodel of sk-iris version 1 (sklearn.log_model): the flavors and input example MLflow's Model.load reads", { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'models-mlmodel', async () => {
      await showModelsOnly(workbench);
      const expected = await mlModelState(fixture.uri, SK_MODEL, '1');
      assert.ok(expected.flavors.includes('sklearn'), `MLflow's flavors ${JSON.stringify(expected)}`);
      await expandPath(workbench, MODELS, [SK_MODEL]);
      await expandPath(workbench, MODELS, [SK_MODEL, 'Version 1']);
      await expandPath(workbench, MODELS, [SK_MODEL, 'Version 1', 'MLmodel']);
      const details = childrenOf(await rows(workbench, MODELS), [SK_MODEL, 'Version 1', 'MLmodel']);
      const byLabel = new Map(details.map((row) => [row.label, row]));
      const flavors = byLabel.get('Flavors');
      assert.ok(flavors, `no Flavors row: ${JSON.stringify(details.map((r) => r.label))}`);
      assert.deepEqual(flavors.description.split(', '), expected.flavors, 'Flavors = the MLmodel flavors MLflow loads');
      if (expected.hasSignature) assert.ok(byLabel.has('Inputs') && byLabel.has('Outputs'), `signature rows: ${JSON.stringify([...byLabel.keys()])}`);
      const example = byLabel.get('Input example');
      assert.ok(example, `no Input example row: ${JSON.stringify([...byLabel.keys()])}`);
      assert.ok(expected.inputExample, 'MLflow reports an input example');
      assert.ok(example.description.startsWith(expected.inputExample.artifact_path), `Input example "${example.description}" vs ${JSON.stringify(expected.inputExample)}`);
      await workbench.screenshot('sqlite-mlmodel-details');
    });
  });

  test('Reveal Source Run selects the version\'s run in the Runs view (label = MLflow\'s run name for its run_id)', { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'models-reveal', async () => {
      await setPaneExpanded(workbench, RUNS, true);
      await collapseAll(workbench, RUNS);
      await setPaneExpanded(workbench, MODELS, true);
      await collapseAll(workbench, MODELS);
      const registry = await registryState(fixture.uri, MODEL);
      const version = registry.versions.find((v) => v.version === '2') ?? registry.versions[0]!;
      assert.ok(version.run_id, 'the version has a run_id');
      const run = await runState(fixture.uri, version.run_id);
      await expandPath(workbench, MODELS, [MODEL]);
      await onRow(workbench, MODELS, [MODEL, `Version ${version.version}`], 'Reveal Source Run');
      const selected = await poll(async () => (await rows(workbench, RUNS)).filter((row) => row.selected), (value) => value.length === 1 && value[0]!.label === run.name, 60_000, 500);
      assert.deepEqual(selected.map((row) => row.label), [run.name], 'the selected row of the Runs view');
      const path = [EXPERIMENT, run.name];
      assert.ok(await rowAt(workbench, RUNS, path), `the selected row is not ${path.join(' › ')}`);
      await workbench.screenshot('sqlite-reveal-source-run');
    });
  });
});

describe('writes on a real mlflow server (REST), light theme', () => {
  let server: MlflowServer | undefined;
  let workbench: Workbench;
  let fixture: TrackingFixture;
  let workspace: string;

  before(async () => {
    server = await startMlflowServer();
    fixture = await loggedThroughServer(server.url);
    workspace = mkdtempSync(join(tmpdir(), 'mlw-e2e-server-ws-'));
    workbench = await startWorkbench({
      workspace,
      vsix,
      theme: 'Default Light Modern',
      settings: { 'mlWorkbench.trackingUri': server.url, 'workbench.view.alwaysShowHeaderActions': true },
    });
    await workbench.openContainer(CONTAINER);
    await waitForPath(workbench, RUNS, [EXPERIMENT], 60_000);
  });

  after(async () => {
    reportLoggedProblems(workbench, 'server');
    await workbench?.stop();
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  test('Rename Run… through the server: get_run(id).info.run_name over REST is the new name', { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'server-rename', async () => {
      await renameRun(workbench, server!.url, fixture, 'long-params', 'long-params (renamed on server)', 'server-light');
    });
  });

  test('Models view through the server: aliases as MLflow reports; Set Alias… staging and Delete Alias', { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'server-alias', async () => {
      const registry = await expectModelVersions(workbench, server!.url, 'server-light');
      assert.ok(registry.versions.some((v) => v.version === '1'), 'iris-prod has a version 1');
      await setAndDeleteAlias(workbench, server!.url, '1', 'server-light');
    });
  });
});
