/**
 * Deployment patterns in a real VS Code (code-server + Chromium), on the deployment contract
 * tests' project (test/fixtures/make_deploy_project.py: git + DVC with tracked Iris tables, a SQLite
 * store with "iris-deploy" versions 1 and 2, alias champion → 1), with real DVC and MLflow from the
 * test venv; one workbench for every step:
 * - Models view → @champion → Deploy… → Batch → Add Batch Prediction Stage…: the input picked from
 *   what DVC tracks, the diffs shown, Apply; `dvc stage list` (DVC itself) lists the stage, params.yaml
 *   records version 1;
 * - a Python file naming models:/ URIs: the CodeLens and the hover say which version @champion is,
 *   a missing alias gets an error diagnostic; Use Model in Code… inserts the pyfunc snippet at the
 *   cursor and (after its diff) adds the model's pinned requirements to requirements.txt;
 * - Build Docker Image: with no daemon answering (what dockerStatus() says here), the reason and a
 *   Generate Dockerfile button, which runs MLflow's generate-dockerfile as a task; then Generate
 *   Kubernetes Manifests from its notification;
 * - Add Queue Worker… writes the worker and the client (they compile); Start Redis (local) from its
 *   notification runs Debian's redis-server as a task, which answers PING through the venv's redis
 *   client; Terminate Task closes its port. A full Redis round trip is the contract test's
 *   (test/contract/deployQueue.test.ts);
 * - @champion moved to version 2 with MLflow's client: the dvc.yaml lens says the stage records 1,
 *   Record version 2 writes params.yaml after its diff.
 * A second, untrusted workbench (an empty folder): Add Batch Prediction Stage… and Start Redis
 * (local) say why they cannot run, and nothing is written.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { dockerStatus } from '../../src/core/deploy/docker';
import { isPortInUse } from '../../src/core/tasks/machine';
import { deployProject, mlflowAnswers, type DeployProject } from '../support/deployProject';
import { env, pythonEnv, type PythonEnv } from '../support/python';
import { answerDialog, contextMenu, notification, setPaneExpanded } from './support/interactions';
import { expandPath, fileTab, parkMouse, poll, quickInput, quickInputTitle, rowLocator, waitForPath } from './support/runsTree';
import { stopPid } from './support/processes';
import { failureReport as step, reportLoggedProblems } from './support/reporting';
import { screenshotVariants } from './support/themes';
import { ensureVsix } from './support/vsix';
import { startWorkbench, type Workbench } from './support/workbench';

const execFileAsync = promisify(execFile);
const CONTAINER = 'ML Workbench';
const MODELS = 'Models';
const MODEL = 'iris-deploy';
const TEST_TIMEOUT = 600_000;
/** Where Start Redis (local) runs Debian's redis-server (Redis's default port). */
const REDIS_PORT = 6379;
/** MLflow's CLI imports and copies the model: tens of seconds on 2 busy cores. */
const MLFLOW_MS = 240_000;
const APP = [
  'import mlflow',
  '',
  'champion = mlflow.pyfunc.load_model("models:/iris-deploy@champion")',
  'missing = mlflow.pyfunc.load_model("models:/iris-deploy@nope")',
  '',
  '',
].join('\n');

let vsix: string;
/** The task's redis-server while a step has it running: stopped by the hook if the step fails. */
let redisPid: number | undefined;
let python: PythonEnv;
let project: DeployProject;

before(async () => {
  vsix = ensureVsix();
  python = await pythonEnv();
  project = await deployProject();
  writeFileSync(join(project.project, 'app.py'), APP);
});

/** `PONG <host> <port> <pid>` from a PING and INFO through the venv's redis client, or a rejection. */
async function redisPing(): Promise<string> {
  const script = 'import redis, sys\nc = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]), socket_timeout=5)\nassert c.ping()\ni = c.info("server")\nprint("PONG", "127.0.0.1", i["tcp_port"], i["process_id"])';
  const { stdout } = await execFileAsync(python.python, ['-c', script, String(REDIS_PORT)], { env: env(python), timeout: 60_000 });
  return stdout.trim();
}

/** Tasks: Terminate Task; when several run, VS Code asks which: the one whose label matches. */
async function terminateTask(workbench: Workbench, label: RegExp): Promise<void> {
  await workbench.runCommand('Tasks: Terminate Task');
  const item = workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: workbench.page.locator('.label-name', { hasText: label }) }).first();
  if (await item.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) await item.click();
}

async function dvc(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(python.python, ['-m', 'dvc', ...args], { cwd: project.project, env: env(python, { DVC_NO_ANALYTICS: '1' }) });
  return stdout;
}

/** Picks the item labelled `label` in the open quick pick (after the palette handed over), typing `filter` first. */
async function pick(workbench: Workbench, label: string | RegExp, filter?: string): Promise<void> {
  const page = workbench.page;
  const input = quickInput(page);
  await input.waitFor({ state: 'visible' });
  await page.waitForFunction((element) => !String((element as unknown as { value?: string } | null)?.value ?? '>').startsWith('>'), await input.elementHandle());
  if (filter !== undefined) await input.fill(filter);
  const item = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) }).first();
  await item.waitFor({ state: 'visible', timeout: 60_000 });
  await item.click();
}

/** Waits for the quick input titled `title` (a pick or an input box). */
async function waitForTitle(workbench: Workbench, title: string | RegExp): Promise<void> {
  const matches = (text: string): boolean => (typeof title === 'string' ? text === title : title.test(text));
  const shown = await poll(() => quickInputTitle(workbench.page), matches, 60_000);
  assert.ok(matches(shown), `quick input title: ${shown}`);
}

/** Accepts the value an input box proposes (Enter) once the box titled `title` shows. */
async function acceptInput(workbench: Workbench, title: string | RegExp, expected?: string): Promise<void> {
  await waitForTitle(workbench, title);
  const input = quickInput(workbench.page);
  // Steps share a title: wait for this step's proposed value, not the last step's.
  if (expected !== undefined) assert.equal(await poll(() => input.inputValue(), (value) => value === expected, 30_000), expected);
  await workbench.page.keyboard.press('Enter');
}

/** Expands each row above `path` in turn, then waits for its row. */
async function showModelRow(workbench: Workbench, path: readonly string[]): Promise<void> {
  for (let depth = 1; depth < path.length; depth++) {
    await waitForPath(workbench, MODELS, path.slice(0, depth), 60_000);
    await expandPath(workbench, MODELS, path.slice(0, depth));
  }
  await waitForPath(workbench, MODELS, path, 60_000);
}

async function onModelRow(workbench: Workbench, path: readonly string[], title: string): Promise<void> {
  await showModelRow(workbench, path);
  await contextMenu(workbench.page, rowLocator(workbench, MODELS, await waitForPath(workbench, MODELS, path)), title);
}

/**
 * Accepts the proposed stage name once its box shows it; on a loaded machine an Enter can land
 * while the box is still being filled, so it is pressed again until the consent dialog shows.
 */
async function confirmStageName(workbench: Workbench): Promise<void> {
  const input = quickInput(workbench.page);
  await poll(() => input.inputValue(), (value) => value === 'predict_iris-deploy', 30_000);
  const dialog = workbench.page.locator('.monaco-dialog-box').first();
  for (let attempt = 0; attempt < 3 && !(await dialog.isVisible()); attempt++) {
    if (await input.isVisible()) await workbench.page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'visible', timeout: 20_000 }).catch(() => undefined);
  }
}

/** Opens Deploy… on @champion and waits for the usage pick. */
async function openDeployPick(workbench: Workbench): Promise<void> {
  await onModelRow(workbench, [MODEL, 'Version 1', '@champion'], 'Deploy…');
  await waitForTitle(workbench, 'Deploy: how does the application use the model?');
  await workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
}

describe('deployment patterns on a project with a registered model (trusted workspace)', () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await startWorkbench({
      workspace: project.project,
      vsix,
      settings: {
        // code-server's PATH has no Python with MLflow: the setting names the rig's venv.
        'mlWorkbench.python': python.python,
        'task.problemMatchers.neverPrompt': true,
        'editor.codeLens': true,
        'editor.hover.delay': 200,
      },
    });
    await workbench.openContainer(CONTAINER);
    await setPaneExpanded(workbench, 'Runs', false);
    await setPaneExpanded(workbench, MODELS, true);
    await waitForPath(workbench, MODELS, [MODEL], 90_000);
  });

  after(async () => {
    reportLoggedProblems(workbench, 'deploy');
    await workbench?.stop();
    if (redisPid !== undefined) await stopPid(redisPid);
  });

  test('Deploy… → Batch → Add Batch Prediction Stage…: the diffs, then dvc.yaml has the stage DVC lists and params.yaml the version', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'deploy-batch', async () => {
      await openDeployPick(workbench);
      const usages = await workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allTextContents();
      // Each row's detail is a label too: the usages are the rows' first lines.
      const labels = ['Batch', 'Request-response', 'Streaming', 'Embedded'];
      assert.deepEqual(usages.map((text) => text.trim()).filter((text) => labels.includes(text)), labels);
      // The theme picker replaces the pick: each look opens it again.
      await screenshotVariants(workbench, 'deploy-pick', {
        settle: async () => {
          await workbench.page.keyboard.press('Escape');
          await openDeployPick(workbench);
          await parkMouse(workbench.page);
        },
      });
      await workbench.page.keyboard.press('Escape');
      await openDeployPick(workbench);
      await pick(workbench, /^\s*Batch\s*$/);
      await waitForTitle(workbench, 'Deploy for batch use');
      const steps = await workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allTextContents();
      assert.deepEqual(steps.map((text) => text.trim()).filter((text) => text.startsWith('Add ')), ['Add Batch Prediction Stage…', 'Add Queue Worker…']);
      await pick(workbench, /^\s*Add Batch Prediction Stage…\s*$/);

      await waitForTitle(workbench, 'Add Batch Prediction Stage: models:/iris-deploy@champion');
      await pick(workbench, /^\s*data\/input\.csv\s*$/, 'input');
      await acceptInput(workbench, 'Add Batch Prediction Stage: models:/iris-deploy@champion', 'predictions/predict_iris-deploy.csv');
      await confirmStageName(workbench);

      // The diffs open, then the question: nothing is written before the answer.
      const dialog = workbench.page.locator('.monaco-dialog-box').first();
      await dialog.waitFor({ state: 'visible', timeout: 60_000 });
      await workbench.tab('dvc.yaml (new file)').waitFor({ state: 'visible' });
      assert.equal(existsSync(join(project.project, 'dvc.yaml')), false, 'nothing written before Apply');
      await workbench.screenshot('deploy-consent-dialog');
      const message = await answerDialog(workbench.page, 'Cancel');
      assert.match(message, /Add the stage "predict_iris-deploy" to dvc\.yaml: apply the changes shown\?/);
      assert.equal(existsSync(join(project.project, 'batch_predict.py')), false, 'Cancel writes nothing');
      await screenshotVariants(workbench, 'deploy-consent-diff');

      // Again, from the palette, and Apply.
      await workbench.runCommand('ML Workbench: Add Batch Prediction Stage…');
      await pick(workbench, /^\s*models:\/iris-deploy@champion\s*$/, 'iris-deploy@champion');
      await pick(workbench, /^\s*data\/input\.csv\s*$/, 'input');
      await acceptInput(workbench, 'Add Batch Prediction Stage: models:/iris-deploy@champion', 'predictions/predict_iris-deploy.csv');
      await confirmStageName(workbench);
      await answerDialog(workbench.page, 'Apply');
      await notification(workbench.page, /Added the stage "predict_iris-deploy"/);

      const stages = await dvc('stage', 'list');
      assert.match(stages, /^predict_iris-deploy\s+Outputs predictions\/predict_iris-deploy\.csv\s*$/m, stages);
      const params = parseYaml(readFileSync(join(project.project, 'params.yaml'), 'utf8')) as Record<string, { model_uri: string; model_version: number }>;
      assert.deepEqual(params['predict_iris-deploy'], { model_uri: 'models:/iris-deploy@champion', model_version: 1 });
      assert.ok(existsSync(join(project.project, 'batch_predict.py')));
    });
  });

  test('models:/ URIs in Python: CodeLens and hover name the version @champion is; a missing alias is an error', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'deploy-hover', async () => {
      const page = workbench.page;
      await workbench.runCommand('Go to File...');
      await pick(workbench, /^\s*app\.py\s*$/, 'app.py');
      await fileTab(workbench.page, 'app.py').waitFor({ state: 'visible' });
      const lens = page.locator('.monaco-editor .codelens-decoration', { hasText: 'iris-deploy@champion → version 1' }).first();
      await lens.waitFor({ state: 'visible', timeout: 90_000 });
      const missingLens = page.locator('.monaco-editor .codelens-decoration', { hasText: 'iris-deploy has no alias "nope"' }).first();
      await missingLens.waitFor({ state: 'visible', timeout: 30_000 });
      // The diagnostic: the Problems count in the status bar, and the message in the marker hover.
      await poll(async () => (await page.locator('.monaco-editor .squiggly-error').count()) > 0, (yes) => yes, 60_000);

      const hoverChampion = async (): Promise<void> => {
        await parkMouse(page);
        await page.locator('.monaco-editor .view-line span span', { hasText: 'iris-deploy@champion' }).first().hover();
        await page.locator('.monaco-hover', { hasText: 'iris-deploy@champion → version 1' }).first().waitFor({ state: 'visible', timeout: 30_000 });
      };
      await hoverChampion();
      const hover = ((await page.locator('.monaco-hover', { hasText: 'iris-deploy@champion → version 1' }).first().textContent()) ?? '').replace(/\s+/g, ' ');
      assert.match(hover, /Aliases: @champion/);
      assert.match(hover, /Source run/);
      await screenshotVariants(workbench, 'deploy-hover', { settle: hoverChampion });

      await parkMouse(page);
      await page.locator('.monaco-editor .view-line span span', { hasText: 'iris-deploy@nope' }).first().hover();
      const problem = page.locator('.monaco-hover', { hasText: 'has no alias "nope"' }).first();
      await problem.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match((await problem.textContent()) ?? '', /aliases: champion → 1/);
      await parkMouse(page);
    });
  });

  test('Use Model in Code…: the pyfunc snippet at the cursor, the model’s requirements merged after their diff', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'deploy-use-in-code', async () => {
      const page = workbench.page;
      await fileTab(workbench.page, 'app.py').click();
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+End');
      await workbench.runCommand('ML Workbench: Use Model in Code…');
      await pick(workbench, /^\s*models:\/iris-deploy\/2\s*$/, 'iris-deploy/2');
      await waitForTitle(workbench, 'Load models:/iris-deploy/2 as');
      await pick(workbench, /^\s*pyfunc \(recommended\)\s*$/);
      await answerDialog(workbench.page, 'Apply');
      await poll(() => Promise.resolve(existsSync(join(project.project, 'requirements.txt'))), (yes) => yes, 30_000);
      const requirements = readFileSync(join(project.project, 'requirements.txt'), 'utf8');
      assert.match(requirements, /^# Requirements of models:\/iris-deploy\/2 \(version 2\), added by ML Workbench$/m);
      assert.match(requirements, /^mlflow==/m);
      assert.match(requirements, /^scikit-learn==/m);
      await page.keyboard.press('Control+S');
      const app = await poll(async () => readFileSync(join(project.project, 'app.py'), 'utf8'), (text) => text.includes('predictions = model.predict(frame)'), 30_000);
      assert.ok(app.startsWith('import mlflow\nimport pandas as pd\n'), app);
      assert.match(app, /^model = mlflow\.pyfunc\.load_model\("models:\/iris-deploy\/2"\)$/m);
      assert.match(app, /^frame = pd\.DataFrame\(\[\[.*\]\], columns=\[.*"sepal_length".*\]\)/m);
    });
  });

  test('Build Docker Image (no daemon here: the reason and its Generate Dockerfile offer), Generate Dockerfile (MLflow, as a task), then Kubernetes manifests from its notification', { timeout: TEST_TIMEOUT }, async (t) => {
    await step(workbench, 'deploy-docker', async () => {
      // What the extension's own probe says on this machine decides what Build Docker Image must show.
      const docker = await dockerStatus();
      await onModelRow(workbench, [MODEL, 'Version 1'], 'Build Docker Image');
      if (docker.state === 'ready') {
        t.diagnostic(`a Docker daemon answers here (${docker.serverVersion}): the no-daemon message is not checked, and no image is built`);
        await waitForTitle(workbench, 'Image name for models:/iris-deploy/1');
        await workbench.page.keyboard.press('Escape');
        await onModelRow(workbench, [MODEL, 'Version 1'], 'Generate Dockerfile');
      } else {
        const warning = await notification(workbench.page, /^Building a Docker image of models:\/iris-deploy\/1: /);
        const text = ((await warning.locator('.notification-list-item-message').textContent()) ?? '').replace(/\s+/g, ' ');
        assert.ok(text.includes(docker.message.replace(/\s+/g, ' ')), `${text}\nexpected: ${docker.message}`);
        assert.match(text, docker.state === 'no-cli' ? /Docker is not installed/ : /no Docker daemon answers|did not answer/);
        await workbench.screenshot('deploy-docker-no-daemon');
        await warning.locator('.monaco-button', { hasText: 'Generate Dockerfile' }).click();
      }
      await acceptInput(workbench, 'Generate Dockerfile: models:/iris-deploy/1', 'docker/iris-deploy-1');
      const done = await notification(workbench.page, /Dockerfile for models:\/iris-deploy\/1 \(version 1\) in docker\/iris-deploy-1/, MLFLOW_MS);
      const dockerfile = readFileSync(join(project.project, 'docker', 'iris-deploy-1', 'Dockerfile'), 'utf8');
      assert.match(dockerfile, /^FROM /m);
      assert.ok(existsSync(join(project.project, 'docker', 'iris-deploy-1', 'model_dir', 'MLmodel')));
      await workbench.screenshot('deploy-dockerfile');
      await done.locator('.monaco-button', { hasText: 'Generate Kubernetes Manifests' }).click();
      await acceptInput(workbench, 'Generate Kubernetes Manifests: models:/iris-deploy/1', 'iris-deploy-1:1');
      await answerDialog(workbench.page, 'Apply');
      const path = join(project.project, 'k8s', 'iris-deploy-1.yaml');
      await poll(() => Promise.resolve(existsSync(path)), (yes) => yes, 30_000);
      const [deployment, service] = readFileSync(path, 'utf8').split(/^---$/m).map((text) => parseYaml(text) as Record<string, any>);
      assert.equal(deployment!.kind, 'Deployment');
      assert.equal(deployment!.spec.template.spec.containers[0].image, 'iris-deploy-1:1');
      assert.equal(deployment!.spec.template.spec.containers[0].readinessProbe.httpGet.path, '/ping');
      assert.equal(service!.kind, 'Service');
      await workbench.screenshot('deploy-kubernetes');
    });
  });

  test('Add Queue Worker…: the worker and the client, written after their diffs, compile; Start Redis (local) from its notification answers PING, Terminate Task closes the port', { timeout: TEST_TIMEOUT }, async (t) => {
    await step(workbench, 'deploy-queue', async () => {
      await onModelRow(workbench, [MODEL, 'Version 1', '@champion'], 'Add Queue Worker…');
      await acceptInput(workbench, 'Add Queue Worker: models:/iris-deploy@champion', 'queue');
      await acceptInput(workbench, 'Add Queue Worker: models:/iris-deploy@champion', 'iris-deploy');
      const message = await answerDialog(workbench.page, 'Apply');
      assert.match(message, /Add a queue worker for models:\/iris-deploy@champion/);
      const added = await notification(workbench.page, /Added queue\/queue_worker\.py and queue\/queue_client\.py/);
      // Redis's own port, as the scaffold's scripts expect: on a shared machine another Redis may hold it.
      const redisFree = !(await isPortInUse(REDIS_PORT));
      if (redisFree) await added.locator('.monaco-button', { hasText: 'Start Redis (local)' }).click();
      const worker = readFileSync(join(project.project, 'queue', 'queue_worker.py'), 'utf8');
      assert.match(worker, /^MODEL_URI = "models:\/iris-deploy@champion"$/m);
      assert.match(worker, /^QUEUE = "iris-deploy"$/m);
      await execFileAsync(python.python, ['-m', 'py_compile', 'queue/queue_worker.py', 'queue/queue_client.py'], { cwd: project.project, env: env(python) });
      if (!redisFree) {
        t.skip(`port ${REDIS_PORT} is taken by a Redis this test did not start: Start Redis (local) is not checked`);
        return;
      }

      // The task's redis-server answers a real client (the venv's redis package) on 127.0.0.1.
      const answer = await poll(() => redisPing().catch((error: Error) => `no answer: ${error.message}`), (text) => text.startsWith('PONG'), 120_000, 1_000);
      assert.match(answer, /^PONG 127\.0\.0\.1 6379 \d+$/, answer);
      redisPid = Number(answer.split(' ')[3]);
      await workbench.screenshot('deploy-redis-task');
      await terminateTask(workbench, /redis-server 127\.0\.0\.1:6379/);
      assert.equal(await poll(() => isPortInUse(REDIS_PORT), (inUse) => !inUse, 60_000, 500), false, `port ${REDIS_PORT} is closed after Terminate Task`);
      redisPid = undefined;
    });
  });

  test('Record Model Version: @champion moves (MLflow client), the dvc.yaml lens says so, Record writes params.yaml after its diff', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'deploy-record', async () => {
      const page = workbench.page;
      await mlflowAnswers(project.trackingUri, [{ op: 'set_alias', name: MODEL, alias: 'champion', version: '2' }]);
      await workbench.runCommand('Go to File...');
      await pick(workbench, /^\s*dvc\.yaml\s*$/, 'dvc.yaml');
      await fileTab(page, 'dvc.yaml').waitFor({ state: 'visible' });
      const moved = page.locator('.monaco-editor .codelens-decoration', { hasText: 'models:/iris-deploy@champion is version 2 now; the stage records 1' }).first();
      await moved.waitFor({ state: 'visible', timeout: 90_000 });
      await screenshotVariants(workbench, 'deploy-record-lens', {
        settle: async () => {
          await moved.waitFor({ state: 'visible', timeout: 60_000 });
          await parkMouse(page);
        },
      });
      await page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Record version 2' }).first().click();
      const question = await answerDialog(page, 'Apply');
      assert.match(question, /Record version 2 for "predict_iris-deploy"/);
      const params = await poll(
        async () => parseYaml(readFileSync(join(project.project, 'params.yaml'), 'utf8')) as Record<string, { model_uri: string; model_version: number | string }>,
        (value) => Number(value['predict_iris-deploy']?.model_version) === 2,
        30_000,
      );
      assert.deepEqual(params['predict_iris-deploy'], { model_uri: 'models:/iris-deploy@champion', model_version: 2 });
      await page.locator('.monaco-editor .codelens-decoration', { hasText: 'models:/iris-deploy@champion = version 2: predictions follow it' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    });
  });
});

describe('deployment commands in Restricted Mode (an untrusted folder)', () => {
  let workbench: Workbench;
  let workspace: string;

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'mlwb-deploy-untrusted-'));
    workbench = await startWorkbench({ workspace, vsix, trust: false, settings: { 'mlWorkbench.python': python.python } });
    // The container's views show once the extension's contributions are in: its commands are in the palette then.
    await workbench.openContainer(CONTAINER);
  });

  after(async () => {
    reportLoggedProblems(workbench, 'deploy-untrusted');
    await workbench?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  test('Add Batch Prediction Stage… and Start Redis (local) say why they cannot run and write nothing', { timeout: TEST_TIMEOUT }, async () => {
    await step(workbench, 'deploy-untrusted', async () => {
      await workbench.runCommand('ML Workbench: Add Batch Prediction Stage…');
      const batch = await notification(workbench.page, /^Adding a batch prediction stage runs code from this workspace .*Restricted Mode does not allow/);
      assert.equal(await batch.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).count(), 1);
      await parkMouse(workbench.page);
      await workbench.screenshot('deploy-untrusted');
      await workbench.runCommand('ML Workbench: Start Redis (local)');
      await notification(workbench.page, /^Starting Redis runs code from this workspace .*Restricted Mode does not allow/);
      assert.deepEqual(readdirSync(workspace), [], 'nothing was written');
      assert.doesNotMatch(workbench.extensionHostLog(), /starting redis-server/, 'no Redis was started');
    });
  });
});
