/**
 * A newcomer's first hour in a real VS Code (code-server + Chromium) with NO Python extension:
 * (a) the demo project (scripts/demo/make_demo_project.sh, whose workspace settings name the rig's
 *     venv) serves a model at once: Serve → Send Test Request → HTTP 200;
 * (b) with a planted `.venv` lacking MLflow set in mlWorkbench.python: Serve says which interpreter
 *     lacks what and offers Select Interpreter… and Install MLflow…; the install asks first (a modal
 *     naming the interpreter and the packages), then runs ensurepip and pip as tasks (pip is kept
 *     offline here, so it fails and says so); our own pick lists the interpreters found (the
 *     workspace .venv, a pyenv virtualenv that is the rig's venv, PATH), choosing the one with MLflow
 *     writes the setting and the Serve goes through (HTTP 200);
 * (c) the Getting Started walkthrough shows each step done or not from the real state;
 * (d) New ML Project… on an empty folder, then Run Pipeline: every stage fresh for `dvc status`,
 *     the run in the Runs view, the registered model with @candidate in the Models view; then the
 *     walkthrough's Add DVC Remote… (a shared folder) turns its last step done;
 * Screenshots of the message, the quick pick and the walkthrough in dark and light at 1600×1000, and
 * (f) at 1280×800 (dark, light, light high contrast) and in dark high contrast.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { pythonEnv, type PythonEnv } from '../support/python';
import { EXTENSION_ID } from './support/codeServer';
import { dvcStatus, writableDemoProject, type WritableDemo } from './support/dvcProject';
import { removeTree } from './support/processes';
import { contextMenu, notification, setPaneExpanded } from './support/interactions';
import { dialogText } from './support/pipelineViews';
import { failureReport as step, reportLoggedProblems } from './support/reporting';
import { editorLines, expandPath, findPath, parkMouse, poll, quickInput, quickInputTitle, rowLocator, rows, tryCommand, waitForPath } from './support/runsTree';
import { ensureVsix } from './support/vsix';
import { DARK, HC_DARK, HC_LIGHT, LIGHT, setTheme, showAt1600 } from './support/themes';
import { startWorkbench, type Workbench } from './support/workbench';

const CONTAINER = 'ML Workbench';
const MODELS = 'Models';
const SERVING = 'Serving';
const RUNS = 'Runs';
/** Each screen is also judged at a laptop's size and in the high contrast themes. */
const VARIANTS = [
  { name: 'dark-1280', theme: DARK, width: 1280, height: 800 },
  { name: 'light-1280', theme: LIGHT, width: 1280, height: 800 },
  { name: 'hc-dark', theme: HC_DARK, width: 1600, height: 1000 },
  { name: 'hc-light-1280', theme: HC_LIGHT, width: 1280, height: 800 },
] as const;
const TEST_TIMEOUT = 900_000;
/** Serving imports MLflow and loads the model; a pipeline trains and logs a model: minutes on 2 busy cores. */
const SLOW_MS = 360_000;

let vsix: string;
let python: PythonEnv;
const scratch = mkdtempSync(join(tmpdir(), 'mlwb-onboarding-'));
after(() => removeTree(scratch));

before(async () => {
  vsix = ensureVsix();
  python = await pythonEnv();
});

/** Writes workspace settings and waits until the extension has re-read its store for them (the views refresh). */
async function writeWorkspaceSettings(workbench: Workbench, workspace: string, settings: Record<string, unknown>): Promise<void> {
  const reloads = (): number => workbench.extensionHostLog().split('\n').filter((line) => line.includes('tracking store of demo:')).length;
  const before = reloads();
  const file = join(workspace, '.vscode', 'settings.json');
  const current = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...current, ...settings }, null, 2));
  await poll(async () => reloads(), (n) => n > before, 15_000);
  await workbench.page.waitForTimeout(1_000);
}

const workspaceSetting = (workspace: string, key: string): unknown => (JSON.parse(readFileSync(join(workspace, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>)[key];

/** Models view → iris-classifier → Version 3 → Serve (from its context menu). */
async function serveVersion3(workbench: Workbench): Promise<void> {
  await expandPath(workbench, MODELS, ['iris-classifier']);
  const version = await waitForPath(workbench, MODELS, ['iris-classifier', 'Version 3']);
  await contextMenu(workbench.page, rowLocator(workbench, MODELS, version), 'Serve');
  await workbench.page.waitForTimeout(500);
  assert.equal(await workbench.page.locator('.quick-input-widget').isVisible(), false, `Serve asked which model instead of serving Version 3: ${await quickInputTitle(workbench.page).catch(() => '')}`);
}

/** Waits until the Serving view shows the server healthy, sends the test request, checks HTTP 200, stops it. */
async function expectServingWorks(workbench: Workbench, shot: string): Promise<void> {
  const label = 'iris-classifier/3';
  const row = await poll(async () => findPath(await rows(workbench, SERVING).catch(() => []), [label]), (r) => /· healthy ·/.test(r?.description ?? ''), SLOW_MS, 1_000);
  assert.match(row?.description ?? '', /^:(\d+) · healthy/, `the server row: ${JSON.stringify(row)}`);
  const port = /^:(\d+)/.exec(row!.description)![1];
  await contextMenu(workbench.page, rowLocator(workbench, SERVING, await waitForPath(workbench, SERVING, [label])), 'Send Test Request');
  const lines = await poll(() => editorLines(workbench.page).catch(() => [] as string[]), (l) => l.some((line) => line.includes(`:${port}/invocations`)), 60_000, 500);
  await parkMouse(workbench.page);
  await workbench.screenshot(shot);
  assert.match(lines[0] ?? '', new RegExp(`^# POST http://127\\.0\\.0\\.1:${port}/invocations → HTTP 200 in [\\d.]+ ms$`), lines.join('\n'));
  await contextMenu(workbench.page, rowLocator(workbench, SERVING, await waitForPath(workbench, SERVING, [label])), 'Stop Server');
  await poll(async () => (await rows(workbench, SERVING).catch(() => [])).length, (n) => n === 0, 30_000);
}

/** The toast whose message matches, and the labels of its buttons. */
async function toastWithButtons(workbench: Workbench, text: RegExp, timeoutMs = 60_000): Promise<{ toast: Locator; message: string; buttons: string[] }> {
  const toast = await notification(workbench.page, text, timeoutMs);
  const message = ((await toast.locator('.notification-list-item-message').textContent()) ?? '').trim();
  const buttons = (await toast.locator('.notification-list-item-buttons-container .monaco-button').allTextContents()).map((t) => t.trim());
  return { toast, message, buttons };
}

async function clickToastButton(toast: Locator, label: string): Promise<void> {
  await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: label }).first().click();
}

/** Waits for the open quick pick to finish loading; returns the label and detail of its items. */
async function quickPickItems(workbench: Workbench): Promise<{ label: string; description: string; detail: string }[]> {
  const page = workbench.page;
  await poll(() => page.locator('.quick-input-widget .quick-input-progress.done, .quick-input-widget .monaco-progress-container.done').count(), (n) => n > 0, 60_000).catch(() => 0);
  await poll(() => page.locator('.quick-input-widget .quick-input-list .monaco-list-row').count(), (n) => n > 2, 60_000);
  return page.locator('.quick-input-widget .quick-input-list .monaco-list-row').evaluateAll((elements) =>
    elements.map((row) => ({
      label: row.querySelector('.label-name')?.textContent?.trim() ?? '',
      description: row.querySelector('.label-description')?.textContent?.trim() ?? '',
      detail: row.querySelector('.quick-input-list-label-meta .label-name, .quick-input-list-detail .label-name')?.textContent?.trim() ?? '',
    })),
  );
}

async function chooseQuickItem(workbench: Workbench, label: RegExp): Promise<void> {
  const page = workbench.page;
  const item = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) }).first();
  await item.waitFor({ state: 'visible', timeout: 60_000 });
  await item.click();
}

/** The walkthrough of a project that has everything but a DVC remote: done variants, checked; the remote's step to do. */
const ALL_BUT_REMOTE = [
  { title: 'Python has MLflow and DVC', done: true },
  { title: 'The folder has a pipeline', done: true },
  { title: 'The folder is a git repository', done: true },
  { title: 'The folder is a DVC project', done: true },
  { title: 'The tracking store can be read', done: true },
  { title: 'Add a DVC remote', done: false },
  { title: 'The pipeline has run', done: true },
  { title: 'The first run is in the Runs view', done: true },
];

/** Opens the Getting Started walkthrough and returns its steps (title, done) as shown. */
async function walkthroughSteps(workbench: Workbench): Promise<{ title: string; done: boolean }[]> {
  const page = workbench.page;
  // The whole walkthrough in the screenshots: no terminal panel below it. Commands only when needed:
  // an opening walkthrough takes the focus, which closes a palette opened meanwhile.
  if (await page.locator('.part.panel').isVisible()) {
    // The panel's own Hide Panel button: a palette opened meanwhile would lose the focus to the walkthrough.
    const hide = page.locator('.part.panel [aria-label^="Hide Panel"]').first();
    if (await hide.isVisible()) await hide.click();
    else await tryCommand(page, 'View: Hide Panel', 2_000).catch(() => page.keyboard.press('Escape'));
    await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }
  if (!(await page.locator('.gettingStartedContainer').isVisible())) await workbench.runCommand('ML Workbench: Get Started');
  const steps = page.locator('.gettingStartedContainer .getting-started-step');
  await steps.first().waitFor({ state: 'visible', timeout: 30_000 });
  // The selected step's media (markdown, in a webview) renders a moment later.
  await page.locator('.gettingStartedContainer .getting-started-media').first().waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
  await page.waitForTimeout(2_500);
  return steps.evaluateAll((elements) =>
    elements
      .filter((element) => (element as unknown as { offsetParent: unknown }).offsetParent !== null)
      .map((element) => ({
        title: element.querySelector('.step-title')?.textContent?.trim() ?? '',
        done: element.classList.contains('complete') || element.querySelector('.codicon-pass-filled, .codicon-getting-started-step-checked') !== null,
      })),
  );
}

describe('the demo project without the Python extension', () => {
  let workbench: Workbench;
  let workspace: string;
  let demo: WritableDemo | undefined;
  let pyenvRoot: string;

  before(async () => {
    // Serving writes beside its store: the demo at its own path (see writableDemoProject).
    demo = await writableDemoProject('onboarding');
    workspace = demo.dir;
    // The rig's venv, where pyenv-virtualenv puts a virtualenv: one of the interpreters our pick finds.
    pyenvRoot = join(scratch, 'pyenv');
    mkdirSync(join(pyenvRoot, 'versions'), { recursive: true });
    symlinkSync(python.venv, join(pyenvRoot, 'versions', 'ml-rig'));
    // A project .venv with nothing in it (not even pip).
    execFileSync(python.python, ['-m', 'venv', '--without-pip', join(workspace, '.venv')]);
    workbench = await startWorkbench({
      workspace,
      vsix,
      theme: DARK,
      // pip stays offline: the install runs for real and fails fast, whatever the network.
      env: { PYENV_ROOT: pyenvRoot, PIP_NO_INDEX: '1', PIP_FIND_LINKS: undefined, CONDA_PREFIX: undefined, CONDA_EXE: undefined },
      settings: { 'workbench.view.alwaysShowHeaderActions': true },
    });
    await showAt1600(workbench);
    await workbench.openContainer(CONTAINER);
    await waitForPath(workbench, RUNS, ['demo-iris'], 60_000);
  });

  after(async () => {
    reportLoggedProblems(workbench, 'onboarding-demo');
    await workbench?.stop();
    await demo?.release();
  });

  test('(a) no Python extension; the workspace settings name the venv: Serve → Send Test Request → HTTP 200', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'onboarding-demo-serve', async () => {
      assert.deepEqual(readdirSync(workbench.sandbox.extensions).filter((name) => !name.startsWith('.') && name !== 'extensions.json').map((name) => name.replace(/-\d+\.\d+\.\d+.*$/, '')), [EXTENSION_ID], 'only ML Workbench is installed');
      assert.equal(workspaceSetting(workspace, 'mlWorkbench.python'), python.python, 'make_demo_project.sh wrote the setting');
      await setPaneExpanded(workbench, RUNS, false);
      await setPaneExpanded(workbench, MODELS, true);
      await setPaneExpanded(workbench, SERVING, true);
      await serveVersion3(workbench);
      await expectServingWorks(workbench, 'onboarding-demo-serve-response');
      assert.match(workbench.extensionHostLog(), new RegExp(`python for demo \\(MLflow\\): ${python.python.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(mlflow 3\\.17\\.2, dvc 3\\.67\\.1, from setting\\)`));
      assert.doesNotMatch(workbench.extensionHostLog(), /command 'python\.setInterpreter' not found/);
    });
  });

  test('(b) a .venv without MLflow: the message names it and offers the pick and the install; the install asks, runs as tasks and reports; our pick finds the venv with MLflow, writes the setting, and Serve works', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'onboarding-python-pick', async () => {
      const bare = join(workspace, '.venv', 'bin', 'python');
      await writeWorkspaceSettings(workbench, workspace, { 'mlWorkbench.python': '${workspaceFolder}/.venv/bin/python' });
      await serveVersion3(workbench);
      const message = new RegExp(`^Serving a model needs MLflow, which ${bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(Python 3\\.\\d+\\.\\d+, the mlWorkbench\\.python setting\\) does not have\\. Select an interpreter that has MLflow, or install it there\\.$`);
      const shown = await toastWithButtons(workbench, /Serving a model needs MLflow/);
      assert.match(shown.message, message);
      assert.deepEqual(shown.buttons, ['Select Interpreter…', 'Install MLflow…']);
      await parkMouse(workbench.page);
      await workbench.screenshot('onboarding-python-message-dark');

      // The install: a modal naming the interpreter and the packages, with the exact commands.
      await clickToastButton(shown.toast, 'Install MLflow…');
      const dialog = await dialogText(workbench.page);
      assert.match(dialog.message, new RegExp(`^Install MLflow into ${bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(Python 3\\.\\d+\\.\\d+\\)\\?$`));
      assert.match(dialog.detail, new RegExp(`${bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -m ensurepip --upgrade\\s*${bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -m pip install --disable-pip-version-check mlflow`));
      await workbench.screenshot('onboarding-python-install-dark');
      await workbench.page.locator('.monaco-dialog-box .dialog-buttons .monaco-button', { hasText: /^\s*Install\s*$/ }).click();
      await notification(workbench.page, /^pip install mlflow failed \(exit code 1\): its terminal says why\.$/, SLOW_MS);
      assert.ok(existsSync(join(workspace, '.venv', 'bin', 'pip3')), 'ensurepip ran in the .venv (a task) before pip');
      await parkMouse(workbench.page);
      await workbench.screenshot('onboarding-python-install-failed-dark');

      // The pick: ours (no Python extension), the interpreters found, the ready one first.
      await serveVersion3(workbench);
      const again = await toastWithButtons(workbench, /Serving a model needs MLflow/);
      await clickToastButton(again.toast, 'Select Interpreter…');
      assert.equal(await poll(() => quickInputTitle(workbench.page), (t) => t.startsWith('Python Interpreter'), 30_000), 'Python Interpreter for demo');
      const items = await poll(() => quickPickItems(workbench), (list) => list.some((i) => /ml-rig/.test(i.label)) && list.some((i) => /\.venv/.test(i.label)), 60_000);
      const rig = items.find((i) => /ml-rig/.test(i.label))!;
      const venv = items.find((i) => /\.venv/.test(i.label))!;
      assert.match(rig.label, /^Python 3\.\d+\.\d+ · ml-rig$/);
      assert.equal(rig.description, join(pyenvRoot, 'versions', 'ml-rig', 'bin', 'python'));
      assert.match(rig.detail, /^mlflow 3\.17\.2 · dvc 3\.67\.1 · pyenv venv$/);
      assert.match(venv.detail, /^no mlflow · no dvc · workspace venv$/);
      assert.equal(venv.description, './.venv/bin/python · in use');
      assert.ok(items.indexOf(rig) < items.indexOf(venv), `the ready interpreter comes first: ${JSON.stringify(items)}`);
      await workbench.screenshot('onboarding-python-pick-dark');
      await chooseQuickItem(workbench, /ml-rig/);
      assert.equal(await poll(async () => workspaceSetting(workspace, 'mlWorkbench.python'), (v) => v === join(pyenvRoot, 'versions', 'ml-rig', 'bin', 'python'), 10_000), join(pyenvRoot, 'versions', 'ml-rig', 'bin', 'python'));
      // The Serve asked for before the pick goes on by itself.
      await expectServingWorks(workbench, 'onboarding-python-picked-serve-response');
    });
  });

  test('(b, light) the message and the pick in the light theme', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'onboarding-python-light', async () => {
      await setTheme(workbench, LIGHT);
      await writeWorkspaceSettings(workbench, workspace, { 'mlWorkbench.python': '${workspaceFolder}/.venv/bin/python' });
      await serveVersion3(workbench);
      const shown = await toastWithButtons(workbench, /Serving a model needs MLflow/);
      await parkMouse(workbench.page);
      await workbench.screenshot('onboarding-python-message-light');
      await clickToastButton(shown.toast, 'Select Interpreter…');
      await poll(() => quickPickItems(workbench), (list) => list.some((i) => /ml-rig/.test(i.label)), 60_000);
      await workbench.screenshot('onboarding-python-pick-light');
      await workbench.page.keyboard.press('Escape');
      await setTheme(workbench, DARK);
    });
  });

  test('(c) Get Started on the demo: each step done or not as the project is', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'onboarding-walkthrough-demo', async () => {
      await writeWorkspaceSettings(workbench, workspace, { 'mlWorkbench.python': python.python });
      const expected = ALL_BUT_REMOTE;
      const steps = await poll(() => walkthroughSteps(workbench), (s) => JSON.stringify(s) === JSON.stringify(expected), 90_000, 2_000);
      assert.deepEqual(steps, expected);
      await workbench.screenshot('onboarding-walkthrough-demo-dark');
      await setTheme(workbench, LIGHT);
      await workbench.screenshot('onboarding-walkthrough-demo-light');
      await setTheme(workbench, DARK);
    });
  });

  test('(f) the message, the pick and the walkthrough at 1280×800 and in high contrast', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'onboarding-variants', async () => {
      for (const variant of VARIANTS) {
        await setTheme(workbench, variant.theme);
        await workbench.page.setViewportSize({ width: variant.width, height: variant.height });
        await writeWorkspaceSettings(workbench, workspace, { 'mlWorkbench.python': '${workspaceFolder}/.venv/bin/python' });
        await serveVersion3(workbench);
        const shown = await toastWithButtons(workbench, /Serving a model needs MLflow/);
        assert.deepEqual(shown.buttons, ['Select Interpreter…', 'Install MLflow…']);
        await parkMouse(workbench.page);
        await workbench.screenshot(`onboarding-python-message-${variant.name}`);
        await clickToastButton(shown.toast, 'Select Interpreter…');
        await poll(() => quickPickItems(workbench), (list) => list.some((i) => /ml-rig/.test(i.label)), 60_000);
        await workbench.screenshot(`onboarding-python-pick-${variant.name}`);
        await workbench.page.keyboard.press('Escape');
        await writeWorkspaceSettings(workbench, workspace, { 'mlWorkbench.python': python.python });
        const steps = await poll(() => walkthroughSteps(workbench), (s) => JSON.stringify(s) === JSON.stringify(ALL_BUT_REMOTE), 90_000, 2_000);
        assert.deepEqual(steps, ALL_BUT_REMOTE);
        await workbench.screenshot(`onboarding-walkthrough-demo-${variant.name}`);
      }
      await setTheme(workbench, DARK);
      await showAt1600(workbench);
    });
  });
});

describe('New ML Project on an empty folder, then Run Pipeline', () => {
  let workbench: Workbench;
  let workspace: string;

  before(async () => {
    workspace = join(scratch, 'churn-model');
    mkdirSync(workspace);
    workbench = await startWorkbench({
      workspace,
      vsix,
      theme: DARK,
      settings: { 'mlWorkbench.python': python.python, 'task.problemMatchers.neverPrompt': true, 'workbench.view.alwaysShowHeaderActions': true },
      env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', DVC_NO_ANALYTICS: '1' },
    });
    await showAt1600(workbench);
    // The palette lists what is registered when it opens: wait until the extension's container is there.
    await workbench.openContainer(CONTAINER);
  });

  after(async () => {
    reportLoggedProblems(workbench, 'onboarding-new-project');
    await workbench?.stop();
  });

  test('(d) the walkthrough before; New ML Project… (classification, the Iris sample); Run Pipeline: dvc status fresh, the run, @candidate; the walkthrough after', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'onboarding-new-project', async () => {
      const before = await poll(() => walkthroughSteps(workbench), (s) => s[0]?.done === true, 120_000, 2_000);
      assert.deepEqual(before.map((s) => s.done), [true, false, false, false, false, false, false, false], JSON.stringify(before));
      await workbench.screenshot('onboarding-walkthrough-empty-dark');
      await setTheme(workbench, LIGHT);
      await workbench.screenshot('onboarding-walkthrough-empty-light');
      await setTheme(workbench, HC_DARK);
      await workbench.page.setViewportSize({ width: 1280, height: 800 });
      await workbench.screenshot('onboarding-walkthrough-empty-hc-dark-1280');
      await showAt1600(workbench);
      await setTheme(workbench, DARK);

      await workbench.runCommand('ML Workbench: New ML Project…');
      await chooseQuickItem(workbench, /^\s*Tabular classification\s*$/);
      await poll(() => quickInputTitle(workbench.page), (t) => t.startsWith('New ML Project: data'), 10_000);
      await workbench.screenshot('onboarding-new-project-data');
      await chooseQuickItem(workbench, /Use the Sample: iris\.csv/);
      const dialog = await dialogText(workbench.page);
      assert.equal(dialog.message, `Create a tabular classification project in ${workspace}?`);
      assert.match(dialog.detail, /^Creates 14 files: \.gitignore, README\.md, data\/incoming\/iris\.csv, dvc\.yaml, params\.yaml, requirements\.txt, schema\.yaml, src\/evaluate\.py/);
      assert.match(dialog.detail, /Then runs, as tasks: git init, dvc init, dvc add data\/incoming\/iris\.csv\./);
      assert.match(dialog.detail, /Experiment "churn-model", registered model "churn-model-classifier"\./);
      await workbench.screenshot('onboarding-new-project-plan');
      await workbench.page.locator('.monaco-dialog-box .dialog-buttons .monaco-button', { hasText: /^\s*Create Project\s*$/ }).click();
      await notification(workbench.page, /^Project created: 14 files, data in data\/incoming\/iris\.csv\./, SLOW_MS);
      assert.ok(existsSync(join(workspace, '.git')) && existsSync(join(workspace, '.dvc')) && existsSync(join(workspace, 'data', 'incoming', 'iris.csv.dvc')), 'git init, dvc init and dvc add ran');

      await workbench.runCommand('ML Workbench: Run Pipeline (dvc repro)');
      await notification(workbench.page, /^dvc repro \(whole pipeline\) finished in .*: new run "forest-200-depth-8"/, SLOW_MS);
      assert.deepEqual(await dvcStatus(workspace), {}, 'every stage is fresh for dvc status');

      await workbench.openContainer(CONTAINER);
      await setPaneExpanded(workbench, RUNS, true);
      await expandPath(workbench, RUNS, ['churn-model']);
      await waitForPath(workbench, RUNS, ['churn-model', 'forest-200-depth-8'], 30_000);
      await setPaneExpanded(workbench, MODELS, true);
      const model = await waitForPath(workbench, MODELS, ['churn-model-classifier'], 30_000);
      assert.equal(model.description, 'v1 · @candidate');
      await expandPath(workbench, MODELS, ['churn-model-classifier']);
      const version = await waitForPath(workbench, MODELS, ['churn-model-classifier', 'Version 1']);
      assert.match(version.description, /@candidate/);
      await parkMouse(workbench.page);
      await workbench.screenshot('onboarding-new-project-views');
      await workbench.page.setViewportSize({ width: 1280, height: 800 });
      await workbench.page.waitForTimeout(500);
      await workbench.screenshot('onboarding-new-project-views-1280');
      await showAt1600(workbench);

      const after = await poll(() => walkthroughSteps(workbench), (s) => s.filter((x) => x.done).length === 7, 90_000, 2_000);
      assert.deepEqual(after, ALL_BUT_REMOTE);
      await workbench.screenshot('onboarding-walkthrough-after-dark');

      // The last step from its own button: Add DVC Remote… (a shared folder), asked, run as a task; the step turns done.
      const page = workbench.page;
      const remoteStep = page.locator('.gettingStartedContainer .getting-started-step', { has: page.locator('.step-title', { hasText: /^\s*Add a DVC remote\s*$/ }) }).first();
      await remoteStep.locator('.step-title').click();
      await remoteStep.getByRole('button', { name: 'Add DVC Remote…' }).click();
      assert.equal(await poll(() => quickInputTitle(page), (t) => t.startsWith('DVC remote'), 10_000), 'DVC remote: where data and models are pushed');
      const storage = join(scratch, 'dvc-storage');
      await quickInput(page).fill(storage);
      await page.keyboard.press('Enter');
      await poll(() => quickInputTitle(page), (t) => t === 'Name of the remote', 10_000);
      assert.equal(await quickInput(page).inputValue(), 'storage');
      await page.keyboard.press('Enter');
      const remoteDialog = await dialogText(page);
      assert.equal(remoteDialog.message, `Add ${storage} as the default DVC remote "storage"?`);
      await page.locator('.monaco-dialog-box .dialog-buttons .monaco-button', { hasText: /^\s*Add Remote\s*$/ }).click();
      await poll(async () => (existsSync(join(workspace, '.dvc', 'config')) ? readFileSync(join(workspace, '.dvc', 'config'), 'utf8') : ''), (c) => c.includes(storage), 60_000);
      assert.match(readFileSync(join(workspace, '.dvc', 'config'), 'utf8'), /remote = storage/);
      const complete = await poll(() => walkthroughSteps(workbench), (s) => s.every((x) => x.done), 90_000, 2_000);
      assert.deepEqual(complete, ALL_BUT_REMOTE.map((s) => (s.done ? s : { title: 'The project has a default DVC remote', done: true })));
      await workbench.screenshot('onboarding-walkthrough-complete-dark');
    });
  });
});

describe('Restricted Mode (an untrusted empty folder)', () => {
  let workbench: Workbench;

  before(async () => {
    const workspace = join(scratch, 'untrusted');
    mkdirSync(workspace);
    workbench = await startWorkbench({ workspace, vsix, trust: false, theme: DARK, settings: { 'mlWorkbench.python': python.python } });
    await showAt1600(workbench);
    await workbench.openContainer(CONTAINER);
  });

  after(async () => {
    reportLoggedProblems(workbench, 'onboarding-untrusted');
    await workbench?.stop();
  });

  test('(e) the walkthrough steps that run things say why they cannot; New ML Project refuses; no interpreter is started', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'onboarding-untrusted', async () => {
      const steps = await walkthroughSteps(workbench);
      assert.deepEqual(steps.map((s) => s.title), ['Choose a Python with MLflow and DVC', 'Create a project from a template', 'Put the project under git', 'Initialize DVC', 'Choose where runs and models go', 'Add a DVC remote', 'Run the pipeline', 'See the first run']);
      assert.ok(steps.every((s) => !s.done), JSON.stringify(steps));
      const page = workbench.page;
      const dvcStep = page.locator('.gettingStartedContainer .getting-started-step', { has: page.locator('.step-title', { hasText: /^\s*Initialize DVC\s*$/ }) }).first();
      await dvcStep.locator('.step-title').click();
      await poll(async () => (await dvcStep.innerText()).replace(/\s+/g, ' '), (text) => text.includes('Restricted Mode'), 10_000);
      assert.match((await dvcStep.innerText()).replace(/\s+/g, ' '), /Restricted Mode: ML Workbench runs nothing from an untrusted workspace, so it cannot do this here\..*Manage Workspace Trust/);
      await page.waitForTimeout(1_500);
      await workbench.screenshot('onboarding-walkthrough-untrusted-dark');
      await workbench.page.setViewportSize({ width: 1280, height: 800 });
      await page.waitForTimeout(1_000);
      await workbench.screenshot('onboarding-walkthrough-untrusted-dark-1280');
      await showAt1600(workbench);

      await workbench.runCommand('ML Workbench: New ML Project…');
      const toast = await toastWithButtons(workbench, /Creating an ML project runs code from this workspace/);
      assert.deepEqual(toast.buttons, ['Manage Workspace Trust']);
      assert.deepEqual(readdirSync(join(scratch, 'untrusted')), [], 'nothing was written');
      assert.doesNotMatch(workbench.extensionHostLog(), /python for untrusted/, 'no interpreter was probed');
    });
  });
});
