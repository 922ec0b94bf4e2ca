/**
 * Training and deployment tasks in a real VS Code (code-server + Chromium), on a copy of the demo
 * project (scripts/demo/make_demo_project.sh: git + DVC pipeline + SQLite store with three runs and
 * the registered model iris-classifier), with real DVC and MLflow from the test venv. Each step is
 * checked by MLflow's own client, DVC's own status, or the machine (ports, processes):
 * (a) Terminal → Run Task → "dvc repro train" after a params change: the stage is up to date for
 *     `dvc status`, MLflow has a new run with the new value, and the Runs view lists it;
 * (b) "Run MLproject Entry Point…" with alpha changed: the run's params hold the changed value
 *     (MLflow's `alpha`, the script's `train.alpha`); (e) with it a description of `'; rm -rf ~ #`
 *     arrives as one literal argument (the run's note equals it) and the home folder is intact;
 * (c) Models view → Version → Serve: the Serving view shows the server healthy; Send Test Request
 *     gets HTTP 200 from /invocations with the model's input example; Stop frees the port and ends
 *     the process group;
 * - Debug Stage without the Python Debugger extension says it is needed and offers to install it;
 * (d) an untrusted workspace: no task is provided (VS Code guards Run Task; our provider returns
 *     none), our commands refuse saying why, the Serving view explains Restricted Mode.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { isPortInUse } from '../../src/core/tasks/machine';
import { shlexQuote } from '../../src/core/tasks/pythonValues';
import { env, pythonEnv, type PythonEnv } from '../support/python';
import { answerDialog, contextMenu, mlflowClient, notification, setPaneExpanded } from './support/interactions';
import { writableDemoProject, type WritableDemo } from './support/dvcProject';
import { editorLines, expandPath, findPath, parkMouse, poll, quickInput, quickInputMessage, quickInputTitle, rowLocator, rows, waitForPath } from './support/runsTree';
import { failureReport as step, reportLoggedProblems } from './support/reporting';
import { ensureVsix } from './support/vsix';
import { startWorkbench, type Workbench } from './support/workbench';

const execFileAsync = promisify(execFile);
const CONTAINER = 'ML Workbench';
const RUNS = 'Runs';
const MODELS = 'Models';
const SERVING = 'Serving';
const EXPERIMENT = 'demo-iris';
const MODEL = 'iris-classifier';
const HOSTILE = "'; rm -rf ~ #";
const TEST_TIMEOUT = 600_000;
/** A training imports MLflow and scikit-learn and logs a model: tens of seconds on 2 busy cores. */
const TRAINING_MS = 240_000;

let vsix: string;
let python: PythonEnv;
let workspace: string;
let uri: string;
let demo: WritableDemo | undefined;

before(async () => {
  vsix = ensureVsix();
  python = await pythonEnv();
  const started = Date.now();
  // The trainings log new runs and models into its store: the demo at its own path (see writableDemoProject).
  demo = await writableDemoProject('tasks');
  workspace = demo.dir;
  console.log(`[e2e tasks] demo project in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  uri = `sqlite:///${join(workspace, 'mlflow.db')}`;
});

after(() => demo?.release());

interface RunState {
  readonly name: string;
  readonly params: Record<string, string>;
  readonly tags: Record<string, string>;
}

/** Runs of the demo experiment as MLflow orders them (newest first). */
function demoRuns(): Promise<RunState[]> {
  return mlflowClient<RunState[]>(
    uri,
    'e = client.get_experiment_by_name(args[0])\nout([{"name": r.info.run_name, "params": r.data.params, "tags": r.data.tags} for r in client.search_runs([e.experiment_id])])',
    EXPERIMENT,
  );
}

async function dvc(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(python.python, ['-m', 'dvc', ...args], { cwd: workspace, env: env(python, { DVC_NO_ANALYTICS: '1' }) });
  return stdout;
}

/** Chooses the quick pick item whose label is `label` (typing `filter` first). */
async function pickItem(workbench: Workbench, label: string | RegExp, filter: string, screenshot?: string): Promise<void> {
  const page = workbench.page;
  const input = quickInput(page);
  await input.waitFor({ state: 'visible' });
  // The widget is shared: wait until the command palette ('>…') has handed over to the pick.
  await page.waitForFunction((element) => !String((element as unknown as { value?: string } | null)?.value ?? '>').startsWith('>'), await input.elementHandle());
  await input.fill(filter);
  const item = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) }).first();
  await item.waitFor({ state: 'visible', timeout: 60_000 });
  if (screenshot) await workbench.screenshot(screenshot);
  await item.click();
}

/** Types `value` into the open input box, presses Enter, and waits for the quick input titled `next`. */
async function typeValue(workbench: Workbench, value: string, next: string): Promise<void> {
  const input = quickInput(workbench.page);
  await input.waitFor({ state: 'visible' });
  await input.fill(value);
  await workbench.page.keyboard.press('Enter');
  assert.equal(await poll(() => quickInputTitle(workbench.page), (title) => title === next, 10_000), next);
}

const SERVER_LABEL = 'iris-classifier/3';

/** Models view → iris-classifier → Version 3 → Serve; waits until the Serving view shows it healthy. */
async function serveVersion3(workbench: Workbench): Promise<{ port: number; pid: number }> {
  await expandPath(workbench, MODELS, [MODEL]);
  const version = await waitForPath(workbench, MODELS, [MODEL, 'Version 3']);
  await contextMenu(workbench.page, rowLocator(workbench, MODELS, version), 'Serve');
  const row = await poll(async () => findPath(await rows(workbench, SERVING).catch(() => []), [SERVER_LABEL]), (r) => /· healthy ·/.test(r?.description ?? ''), TRAINING_MS, 1_000);
  assert.match(row?.description ?? '', /^:(\d+) · healthy · \d+s$/, `the server row: ${JSON.stringify(row)}`);
  const port = Number(/^:(\d+)/.exec(row!.description)![1]);
  assert.equal(await isPortInUse(port), true, `port ${port} is in use while serving`);
  await expandPath(workbench, SERVING, [SERVER_LABEL]);
  const pidRow = await waitForPath(workbench, SERVING, [SERVER_LABEL, 'PID']);
  const pid = Number(pidRow.description);
  assert.ok(pid > 0, `PID row: ${JSON.stringify(pidRow)}`);
  return { port, pid };
}

/** Whether `pid` runs (a zombie waiting for a parent that is gone counts as ended). */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('tasks and serving on the demo project (trusted workspace)', () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await startWorkbench({
      workspace,
      vsix,
      settings: {
        // code-server's PATH has no Python with MLflow: the setting names the rig's venv.
        'mlWorkbench.python': python.python,
        'mlWorkbench.tasks.experimentName': EXPERIMENT,
        'task.quickOpen.showAll': true,
        'task.problemMatchers.neverPrompt': true,
        'workbench.view.alwaysShowHeaderActions': true,
      },
    });
    await workbench.openContainer(CONTAINER);
    await waitForPath(workbench, RUNS, [EXPERIMENT], 60_000);
  });

  after(async () => {
    reportLoggedProblems(workbench, 'tasks');
    await workbench?.stop();
  });

  test('(a) Run Task → "dvc repro train" after a params change: a new run in MLflow and in the Runs view, the stage up to date for dvc status', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'tasks-dvc-repro', async () => {
      const params = readFileSync(join(workspace, 'params.yaml'), 'utf8');
      writeFileSync(join(workspace, 'params.yaml'), params.replace(/^ {2}alpha: .*$/m, '  alpha: 0.02'));
      assert.match(await dvc('status', 'train'), /params\.yaml:\s+modified:\s+train/, 'train is stale before the task');
      const before = await demoRuns();

      await workbench.runCommand('Tasks: Run Task');
      // Run Task shows the source before the name.
      await pickItem(workbench, /^\s*ML Workbench: dvc repro train\s*$/, 'dvc repro', 'tasks-run-task-list');
      await parkMouse(workbench.page);
      const status = workbench.page.locator('.part.statusbar .statusbar-item[id$="mlWorkbench.tasks"]');
      const running = await poll(async () => ((await status.count()) > 0 ? ((await status.first().textContent()) ?? '').trim() : ''), (text) => text !== '', 30_000);
      assert.match(running, /^dvc repro train · \d+s$/, 'the status bar shows the running task and its time');
      await workbench.screenshot('tasks-dvc-repro-running');
      const done = await notification(workbench.page, /dvc repro train finished in .*: new run "sgd-alpha0\.02-ep30"/, TRAINING_MS);
      await parkMouse(workbench.page);
      await workbench.screenshot('tasks-dvc-repro-finished');
      assert.ok(await done.locator('.monaco-button', { hasText: 'Open Metrics' }).count(), 'the notification offers Open Metrics');
      // Clicked now: VS Code hides an information toast after a while, and the checks below take long on a loaded machine.
      await done.locator('.monaco-button', { hasText: 'Open Metrics' }).click();
      await workbench.tab('Metrics: sgd-alpha0.02-ep30').waitFor({ state: 'visible', timeout: 30_000 }).catch(() => undefined);

      const runs = await demoRuns();
      assert.equal(runs.length, before.length + 1, 'one new run in demo-iris');
      assert.equal(runs[0]!.name, 'sgd-alpha0.02-ep30');
      assert.equal(runs[0]!.params['train.alpha'], '0.02', 'the new run has the new alpha');
      assert.match(await dvc('status', 'train'), /Data and pipelines are up to date/, 'dvc status train after the task');

      await expandPath(workbench, RUNS, [EXPERIMENT]);
      await waitForPath(workbench, RUNS, [EXPERIMENT, 'sgd-alpha0.02-ep30'], 30_000);
      await parkMouse(workbench.page);
      await workbench.screenshot('tasks-dvc-repro-runs-view');
    });
  });

  test(`(b, e) Run MLproject Entry Point… with alpha=0.05 and a description of ${HOSTILE}: MLflow's params hold the changed value, the description arrives as one argument`, { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'tasks-mlflow-run', async () => {
      const homeBefore = readdirSync(workbench.sandbox.home).sort();
      await workbench.runCommand('ML Workbench: Run MLproject Entry Point…');
      assert.equal(await poll(() => quickInputTitle(workbench.page), (t) => t.startsWith('mlflow run'), 30_000), 'mlflow run -e train');
      await workbench.screenshot('tasks-mlflow-run-params');
      await pickItem(workbench, /^\s*alpha\s*$/, 'alpha');
      await typeValue(workbench, 'not a float', 'mlflow run -e train: alpha');
      const refusal = await poll(() => quickInputMessage(workbench.page), (m) => m.includes('must be'), 10_000);
      assert.equal(refusal, 'alpha must be a float (got "not a float").', 'the input box checks the declared type');
      await workbench.screenshot('tasks-mlflow-run-bad-float');
      await typeValue(workbench, '0.05', 'mlflow run -e train');
      await pickItem(workbench, /^\s*description\s*$/, 'description');
      await typeValue(workbench, HOSTILE, 'mlflow run -e train');
      await workbench.screenshot('tasks-mlflow-run-params-changed');
      await pickItem(workbench, /^\s*Run\s*$/, '');
      await notification(workbench.page, /mlflow run -e train finished in .*: new run "sgd-alpha0\.05-ep30"/, TRAINING_MS);
      await parkMouse(workbench.page);
      await workbench.screenshot('tasks-mlflow-run-finished');

      const [newest] = await demoRuns();
      assert.equal(newest!.name, 'sgd-alpha0.05-ep30');
      assert.equal(newest!.params['alpha'], '0.05', 'mlflow run logged the changed parameter');
      assert.equal(newest!.params['max_iter'], '30', 'and the default of the other');
      assert.equal(newest!.params['train.alpha'], '0.05', 'the script received it');
      // MLflow logs a string parameter as it substitutes it into the command: shell-quoted.
      assert.equal(newest!.params['description'], shlexQuote(HOSTILE), 'MLflow logged the value, quoted for its shell');
      assert.equal(newest!.tags['mlflow.note.content'], HOSTILE, 'the script received it as one literal argument');
      assert.deepEqual(readdirSync(workbench.sandbox.home).sort(), homeBefore, 'the home folder is untouched');
      assert.ok(existsSync(join(workspace, 'mlproject-out', 'models', 'model.pkl')), 'the entry point wrote to mlproject-out/');
    });
  });

  test('(c) Models view → Version 3 → Serve; Send Test Request: HTTP 200 from /invocations with the input example; Stop frees the port', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'tasks-serve', async () => {
      await setPaneExpanded(workbench, RUNS, false);
      await setPaneExpanded(workbench, MODELS, true);
      await setPaneExpanded(workbench, SERVING, true);
      const { port, pid } = await serveVersion3(workbench);
      await parkMouse(workbench.page);
      await workbench.screenshot('tasks-serving-view');

      await contextMenu(workbench.page, rowLocator(workbench, SERVING, await waitForPath(workbench, SERVING, [SERVER_LABEL])), 'Send Test Request');
      const lines = await poll(() => editorLines(workbench.page).catch(() => [] as string[]), (l) => l.some((line) => line.includes('/invocations')), 60_000, 500);
      await parkMouse(workbench.page);
      await workbench.screenshot('tasks-serving-response');
      assert.match(lines[0] ?? '', new RegExp(`^# POST http://127\\.0\\.0\\.1:${port}/invocations → HTTP 200 in [\\d.]+ ms$`), lines.join('\n'));
      const text = lines.join('\n');
      assert.match(text, /"predictions"/, `the response holds predictions:\n${text}`);
      assert.match(text, /serving input example|input example/, 'the body came from the model\'s input example');

      await contextMenu(workbench.page, rowLocator(workbench, SERVING, await waitForPath(workbench, SERVING, [SERVER_LABEL])), 'Stop Server');
      await poll(async () => (await rows(workbench, SERVING).catch(() => [])).length, (n) => n === 0, 30_000);
      assert.equal(await isPortInUse(port), false, `port ${port} is free after Stop`);
      assert.equal(alive(pid), false, `process ${pid} is gone`);
      await parkMouse(workbench.page);
      await workbench.screenshot('tasks-serving-stopped');
    });
  });

  test('Debug Stage without the Python Debugger extension: says it is needed and offers to install it', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'tasks-debug', async () => {
      await workbench.runCommand('ML Workbench: Debug Stage');
      await pickItem(workbench, /^\s*train\s*$/, 'train');
      const toast = await notification(workbench.page, /Debugging stage train needs the Python Debugger extension \(ms-python\.debugpy\)/, 60_000);
      assert.equal(await toast.locator('.monaco-button', { hasText: 'Install Python Debugger' }).count(), 1);
      await workbench.screenshot('tasks-debug-needs-debugpy');
    });
  });

  test('closing the window stops the servers it started (mlWorkbench.serving.keepServersOnClose is off)', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'tasks-serve-close', async () => {
      const { port, pid } = await serveVersion3(workbench);
      await workbench.page.close();
      // code-server ends the extension host once the reconnection grace time (5 s) has passed.
      const gone = await poll(async () => !alive(pid), (value) => value, 60_000, 500);
      assert.equal(gone, true, `the server process ${pid} ended with the window`);
      assert.equal(await poll(() => isPortInUse(port), (used) => !used, 10_000), false, `port ${port} is free`);
    });
  });
});

describe('an untrusted workspace (Restricted Mode)', () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await startWorkbench({ workspace, vsix, trust: false, settings: { 'mlWorkbench.python': python.python, 'task.quickOpen.showAll': true } });
    await workbench.openContainer(CONTAINER);
    await waitForPath(workbench, RUNS, [EXPERIMENT], 60_000);
  });

  after(async () => {
    reportLoggedProblems(workbench, 'tasks-untrusted');
    await workbench?.stop();
  });

  test('(d) no task is provided or run; commands and the Serving view say why; the views still browse', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'tasks-untrusted', async () => {
      await workbench.runCommand('ML Workbench: Run Stage');
      const toast = await notification(workbench.page, /Running a pipeline stage runs code from this workspace .* Restricted Mode does not allow/, 30_000);
      assert.equal(await toast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).count(), 1);
      await setPaneExpanded(workbench, RUNS, false);
      await setPaneExpanded(workbench, SERVING, true);
      const welcome = workbench.page.locator('.part.sidebar .pane', { has: workbench.page.locator('.pane-header h3.title', { hasText: /^\s*Serving\s*$/ }) }).locator('.welcome-view-content');
      await welcome.waitFor({ state: 'visible' });
      assert.match((await welcome.innerText()).replace(/\s+/g, ' '), /Restricted Mode does not allow/);
      await workbench.screenshot('tasks-untrusted');

      // VS Code asks for trust before it even lists tasks; declined, nothing is listed or run.
      await workbench.runCommand('Tasks: Run Task');
      await workbench.page.locator('.monaco-dialog-box').waitFor({ state: 'visible' });
      await workbench.screenshot('tasks-untrusted-run-task');
      assert.match(await answerDialog(workbench.page, 'Cancel'), /trust the authors/i);
      await workbench.page.waitForTimeout(1_000);
      const listed = await workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allTextContents().catch(() => [] as string[]);
      assert.ok(!listed.some((label) => /dvc repro|mlflow run/.test(label)), `Run Task lists none of ours: ${JSON.stringify(listed)}`);
      const log = workbench.extensionHostLog();
      assert.ok(!/tasks: [1-9]\d* provided|task .* ended/.test(log), `no task was provided or run:\n${log}`);
    });
  });
});
