/**
 * Monitoring in a real VS Code (code-server + Chromium) on a copy of the demo project: the champion
 * (iris-classifier v3) served from the Models view behind the capture proxy; 200 requests, half of
 * them with petal widths shifted; the Serving view counts 200 captured rows; Drift Report… on the
 * server compares the capture with v3's training data (data/prepared/train.csv through lineage)
 * and shows petal_width drifted, as the native core (contract-tested against Evidently) computes;
 * Log to MLflow creates the run, read back with MLflow's client; Open Full Evidently Report runs
 * Evidently in the selected interpreter and shows its own HTML report in a sandboxed frame.
 * Screenshots of the Drift panel and of Evidently's report.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { sendTestRequest } from '../../src/core/tasks/servingClient';
import { pythonEnv, type PythonEnv } from '../support/python';
import { answerDialog, contextMenu, mlflowClient, notification, setPaneExpanded } from './support/interactions';
import { expandPath, findPath, parkMouse, poll, quickInput, quickInputTitle, rowLocator, rows, waitForPath, webviewContaining } from './support/runsTree';
import { writableDemoProject, type WritableDemo } from './support/dvcProject';
import { failureReport as step, reportLoggedProblems } from './support/reporting';
import { screenshotVariants } from './support/themes';
import { ensureVsix } from './support/vsix';
import { startWorkbench, type Workbench } from './support/workbench';

const MODELS = 'Models';
const SERVING = 'Serving';
const MONITORING = 'Monitoring';
const SERVER_LABEL = 'iris-classifier/3';
const TIMEOUT = 900_000;

let python: PythonEnv;
let workspace: string;
let workbench: Workbench;
let demo: WritableDemo | undefined;

/** The sandboxed frame inside the Evidently Report panel, once Evidently's page has drawn its columns. */
async function evidentlyFrame(workbench: Workbench, timeoutMs: number): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const count = await workbench.page.locator('iframe.webview.ready').count();
    for (let i = count - 1; i >= 0; i--) {
      const inner = workbench.page.frameLocator(`iframe.webview.ready >> nth=${i}`).frameLocator('iframe#active-frame').frameLocator('iframe[sandbox="allow-scripts"]');
      const body = await inner.locator('body').innerText({ timeout: 2_000 }).catch(() => '');
      if (/petal_width/.test(body)) return inner;
    }
    await workbench.page.waitForTimeout(1_000);
  }
  throw new Error(`no Evidently report drawn within ${timeoutMs} ms`);
}

/** The Evidently Report panel's own page (the webview document that holds the frame). */
async function evidentlyPanel(workbench: Workbench): Promise<FrameLocator> {
  const count = await workbench.page.locator('iframe.webview.ready').count();
  for (let i = count - 1; i >= 0; i--) {
    const page = workbench.page.frameLocator(`iframe.webview.ready >> nth=${i}`).frameLocator('iframe#active-frame');
    if ((await page.locator('iframe[sandbox="allow-scripts"]').count()) > 0) return page;
  }
  throw new Error('no Evidently Report panel');
}

/** The CSP of the Evidently Report panel's own page. */
async function evidentlyPanelCsp(workbench: Workbench): Promise<string> {
  const page = await evidentlyPanel(workbench);
  return (await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')) ?? '';
}

before(async () => {
  python = await pythonEnv();
  // Log to MLflow writes a run into its store: the demo at its own path (see writableDemoProject).
  demo = await writableDemoProject('monitoring');
  workspace = demo.dir;
  workbench = await startWorkbench({ workspace, vsix: ensureVsix(), settings: { 'mlWorkbench.python': python.python, 'workbench.view.alwaysShowHeaderActions': true } });
  await workbench.openContainer('ML Workbench');
});

after(async () => {
  reportLoggedProblems(workbench, 'monitoring');
  await workbench?.stop();
  // The workbench is killed, not closed: the model server the extension started there outlives it (release stops it).
  await demo?.release();
});

test('serve the champion, capture 200 requests, Drift Report… shows the shifted column, Log to MLflow creates the run', { timeout: TIMEOUT }, async () => {
  await step(workbench, 'monitoring', async () => {
    await setPaneExpanded(workbench, 'Runs', false);
    await setPaneExpanded(workbench, MODELS, true);
    await setPaneExpanded(workbench, SERVING, true);
    await expandPath(workbench, MODELS, ['iris-classifier']);
    await contextMenu(workbench.page, rowLocator(workbench, MODELS, await waitForPath(workbench, MODELS, ['iris-classifier', 'Version 3'], 60_000)), 'Serve');
    const row = await poll(async () => findPath(await rows(workbench, SERVING).catch(() => []), [SERVER_LABEL]), (r) => /· healthy ·/.test(r?.description ?? ''), 300_000, 1_000);
    const port = Number(/^:(\d+)/.exec(row!.description)![1]);

    // 200 requests of one row each: the training rows, every other one with petal_width + 2.5 cm.
    const lines = readFileSync(join(workspace, 'data', 'prepared', 'train.csv'), 'utf8').trim().split('\n');
    const columns = lines[0]!.split(',').filter((c) => c !== 'target');
    const data = lines.slice(1).map((l) => l.split(',').map(Number));
    for (let i = 0; i < 200; i++) {
      const values = columns.map((c, j) => data[i % data.length]![j]! + (c === 'petal_width' && i % 2 === 0 ? 2.5 : 0));
      const answer = await sendTestRequest({ port }, JSON.stringify({ dataframe_split: { columns, data: [values] } }));
      assert.ok(answer.ok && answer.status === 200, JSON.stringify(answer));
    }
    // The Serving pane gets the room: its server's detail rows must all be rendered.
    await setPaneExpanded(workbench, MODELS, false);
    await expandPath(workbench, SERVING, [SERVER_LABEL]);
    const capture = await poll(() => waitForPath(workbench, SERVING, [SERVER_LABEL, 'Capture']), (r) => /^200 rows/.test(r.description), 30_000, 500);
    assert.match(capture.description, /^200 rows · requests\.jsonl$/);
    await parkMouse(workbench.page);
    await workbench.screenshot('monitoring-serving-capture');

    await contextMenu(workbench.page, rowLocator(workbench, SERVING, await waitForPath(workbench, SERVING, [SERVER_LABEL])), 'Drift Report…');
    assert.match(await poll(() => quickInputTitle(workbench.page), (t) => t.startsWith('Which training data'), 60_000), /iris-classifier version 3/);
    await quickInput(workbench.page).fill('train.csv');
    await workbench.page.keyboard.press('Enter');
    const frame = await webviewContaining(workbench.page, 'Dataset drift', 180_000);
    const table = await frame.locator('table.columns tbody tr').allInnerTexts();
    const drifted = table.filter((t) => /drifted/.test(t)).map((t) => t.split('\t')[0]!.trim());
    assert.deepEqual(drifted, ['petal_width'], table.join('\n'));
    assert.match(await frame.locator('body').innerText(), /target: not compared/);
    await screenshotVariants(workbench, 'monitoring-drift-panel');

    await frame.getByRole('button', { name: 'Log to MLflow' }).click();
    await poll(() => frame.locator('.status').innerText().catch(() => ''), (t) => /Logged run|failed|could not/.test(t), 180_000, 1_000);
    const status = await frame.locator('.status').innerText();
    assert.match(status, /Logged run/);
    assert.equal(await frame.getByRole('button', { name: 'Log to MLflow' }).isDisabled(), true, 'logged once: a second click would only add a duplicate run');
    const runs = await mlflowClient<{ tags: Record<string, string>; drifted: number | null }[]>(
      `sqlite:///${join(workspace, 'mlflow.db')}`,
      'exp = client.get_experiment_by_name("ml-workbench-monitoring")\nruns = client.search_runs([exp.experiment_id])\nout([{"tags": {k: v for k, v in r.data.tags.items() if k.startswith("mlworkbench.")}, "drifted": r.data.metrics.get("drifted.petal_width")} for r in runs])',
    );
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.tags['mlworkbench.monitoring.model_name'], 'iris-classifier');
    assert.equal(runs[0]!.tags['mlworkbench.monitoring.model_version'], '3');
    assert.equal(runs[0]!.drifted, 1);
    await workbench.screenshot('monitoring-drift-logged');

    // Open Full Evidently Report: Evidently itself, in the selected interpreter, on the same data;
    // its HTML in a sandboxed frame of a panel of its own.
    await frame.getByRole('button', { name: 'Open Full Evidently Report' }).click();
    const evidentlyStatus = frame.locator('.status').filter({ hasNotText: /Logged run/ });
    await poll(() => evidentlyStatus.innerText().catch(() => ''), (t) => /report is open|failed|could not|lacks/.test(t), 300_000, 1_000);
    assert.match(await evidentlyStatus.innerText(), /Evidently's report is open/);
    const evidently = await evidentlyFrame(workbench, 120_000);
    const text = await evidently.locator('body').innerText();
    assert.match(text, /petal_width/, 'Evidently’s report names the columns');
    assert.match(text, /sepal_length/);
    // The report's scripts run in an opaque origin: no webview API there.
    assert.equal(await evidently.locator('body').evaluate(() => typeof (globalThis as { acquireVsCodeApi?: unknown }).acquireVsCodeApi), 'undefined');
    assert.equal(await evidently.locator('body').evaluate(() => (globalThis as unknown as { origin: string }).origin), 'null', 'the report’s document is in an opaque origin');
    // The panel's own page runs no script: its CSP has no script source at all.
    const reportPanel = await evidentlyPanelCsp(workbench);
    assert.match(reportPanel, /^default-src 'none'; frame-src [^;]+; style-src 'nonce-[^']+'$/);
    await parkMouse(workbench.page);
    await workbench.screenshot('monitoring-evidently-report');

    // Open in Browser: the link's address serves the same report, sandboxed by its own CSP header
    // wherever it is opened. Fetched here, not clicked: a browser tab opened and closed in the
    // middle of the suite left the workbench's page unable to keep a quick pick open (two CI runs).
    const link = (await evidentlyPanel(workbench)).getByRole('link', { name: 'Open in Browser' });
    const href = (await link.getAttribute('href')) ?? '';
    assert.match(href, /^http:\/\/127\.0\.0\.1:\d+\/.*[0-9a-f]{32}\/$/, href);
    const served = await fetch(href);
    assert.equal(served.status, 200);
    const documentCsp = served.headers.get('content-security-policy') ?? '';
    assert.match(documentCsp, /^sandbox allow-scripts; default-src 'none'; script-src 'sha256-/);
    // Evidently's scripts drew the report above under this policy: by hash, with no eval and no 'unsafe-inline' script.
    assert.doesNotMatch(documentCsp, /unsafe-eval|script-src[^;]*unsafe-inline/);
    assert.match(await served.text(), /petal_width/);

    // The Monitoring view: the version with its last check's verdict; Show Drift Over Time charts it.
    await setPaneExpanded(workbench, SERVING, false);
    await setPaneExpanded(workbench, MONITORING, true);
    const monitored = await poll(() => waitForPath(workbench, MONITORING, ['iris-classifier v3'], 30_000).catch(() => undefined), (r) => r !== undefined, 90_000, 2_000);
    assert.match(monitored!.description, /^ok \(25%\) · (just now|\d+ min ago)$/, JSON.stringify(monitored));
    await expandPath(workbench, MONITORING, ['iris-classifier v3']);
    await contextMenu(workbench.page, rowLocator(workbench, MONITORING, await waitForPath(workbench, MONITORING, ['iris-classifier v3'])), 'Show Drift Over Time');
    await webviewContaining(workbench.page, 'share_of_drifted_columns', 120_000);
    await parkMouse(workbench.page);
    await workbench.screenshot('monitoring-view');
  });
});

test('Add Drift Check Stage… (Pipeline view): the diffs, Apply, Run Stage: dvc repro runs Evidently and keeps its report as a metric', { timeout: TIMEOUT }, async () => {
  await step(workbench, 'monitoring-drift-stage', async () => {
    const page = workbench.page;
    await workbench.runCommand('ML Workbench: Add Drift Check Stage…');
    const choose = async (label: RegExp): Promise<void> => {
      const item = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) }).first();
      await item.waitFor({ state: 'visible', timeout: 60_000 });
      await item.click();
    };
    assert.equal(await poll(() => quickInputTitle(page), (t) => t === 'Add Drift Check Stage', 60_000), 'Add Drift Check Stage');
    // The demo tracks the folder data/prepared: its tables are offered.
    await choose(/^\s*data\/prepared\/train\.csv\s*$/);
    await choose(/^\s*data\/prepared\/test\.csv\s*$/);
    assert.equal(await poll(() => quickInput(page).inputValue(), (v) => v === 'check_drift', 30_000), 'check_drift');
    const dialog = page.locator('.monaco-dialog-box').first();
    for (let attempt = 0; attempt < 3 && !(await dialog.isVisible()); attempt++) {
      if (await quickInput(page).isVisible()) await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'visible', timeout: 20_000 }).catch(() => undefined);
    }
    assert.equal(existsSync(join(workspace, 'check_drift.py')), false, 'nothing written before Apply');
    await workbench.screenshot('monitoring-drift-stage-consent');
    assert.match(await answerDialog(page, 'Apply'), /Add the stage "check_drift" to dvc\.yaml: apply the changes shown\?/);
    const added = await notification(page, /Added the stage "check_drift"/, 60_000);
    await added.locator('.notification-list-item-buttons-container .monaco-button', { hasText: 'Run Stage' }).click();
    const reportPath = join(workspace, 'drift', 'check_drift.json');
    await poll(async () => existsSync(reportPath), (yes) => yes, 300_000, 2_000);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { dataset_drift: boolean; tested_columns: number; columns: Record<string, { drifted: boolean }> };
    // The demo's train/test split of one dataset: Evidently tests each feature and finds no dataset drift.
    assert.ok(report.tested_columns >= 4, JSON.stringify(report));
    assert.equal(report.dataset_drift, false);
    await parkMouse(page);
    await workbench.screenshot('monitoring-drift-stage-run');
  });
});
