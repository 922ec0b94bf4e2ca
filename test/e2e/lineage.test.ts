/**
 * Lineage and the Go/No-Go gate in a real VS Code (code-server + Chromium), on a copy of the demo
 * project (git + DVC pipeline + SQLite store made by real DVC and MLflow), one workbench for all:
 * - Show Lineage on the version @champion names: the run MLflow names as its source, the commit
 *   its run was tagged with, the data hash `git show COMMIT:dvc.lock` records, the currency; a run
 *   node opens the run's panel;
 * - a version trained at HEAD (a run logged by MLflow's client at the clean HEAD, registered from
 *   it) has no badge; after new raw data, `dvc repro prepare` and a commit, its row says
 *   "trained on stale data" and the Data view's version lists what was trained on it;
 * - Promote… with a failing criterion: No-Go shown, @champion unchanged for MLflow's client;
 *   with a passing one: Go, @champion moved, the decision tags recorded (criteria sha256 of the file).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Frame } from 'playwright-core';
import { pythonEnv } from '../support/python';
import { demoProject, git, toolEnv } from './support/dvcProject';
import { removeTree } from './support/processes';
import { contextMenu, mlflowClient, notification, setPaneExpanded } from './support/interactions';
import { childrenOf, collapseAll, expandPath, findPath, poll, quickInput, rowLocator, rows, waitForPath, type Row } from './support/runsTree';
import { failureReport, reportLoggedProblems } from './support/reporting';
import { screenshotVariants } from './support/themes';
import { panelCall, panelFrame, panelPoll } from './support/webviews';
import { ensureVsix } from './support/vsix';
import { startWorkbench, type Workbench } from './support/workbench';

const execFileAsync = promisify(execFile);
const CONTAINER = 'ML Workbench';
const RUNS = 'Runs';
const MODELS = 'Models';
const DATA = 'Data';
const MODEL = 'iris-classifier';
const TEST_TIMEOUT = 900_000;
const WRITE_MS = 120_000;
/** A Go writes five tags and the alias, each through its own MLflow Python process on a local store: minutes on 2 busy cores. */
const PROMOTE_MS = 420_000;

let workspace: string;
let uri: string;
let workbench: Workbench;

interface GraphNode {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly detail: string;
  readonly state: string;
  readonly tooltip: string;
}

interface Registry {
  readonly aliases: Record<string, string>;
  readonly versions: { readonly version: string; readonly run_id: string; readonly tags: Record<string, string> }[];
}

function registry(): Promise<Registry> {
  return mlflowClient<Registry>(
    uri,
    [
      'm = client.get_registered_model(args[0])',
      'vs = client.search_model_versions("name = \'%s\'" % args[0])',
      'out({"aliases": {k: str(v) for k, v in m.aliases.items()}, "versions": [{"version": str(v.version), "run_id": v.run_id, "tags": dict(v.tags)} for v in vs]})',
    ].join('\n'),
    MODEL,
  );
}

function runTags(runId: string): Promise<Record<string, string>> {
  return mlflowClient<Record<string, string>>(uri, 'out(client.get_run(args[0]).data.tags)', runId);
}

/** A run logged by MLflow's client at the clean HEAD (as `python src/train.py` would tag it), registered as a new version. */
function logRunAtHead(head: string, fromVersion: string): Promise<string> {
  return mlflowClient<string>(
    uri,
    [
      // MLflow resolves a models:/ source through the default tracking URI: this store's.
      'import mlflow',
      'mlflow.set_tracking_uri(sys.argv[1])',
      'e = client.get_experiment_by_name("demo-iris")',
      'src = client.get_model_version(args[0], args[2])',
      'old = client.get_run(src.run_id)',
      'r = client.create_run(e.experiment_id, run_name="retrain-at-head", tags={"mlflow.source.git.commit": args[1], "mlflow.source.git.dirty": "false", "mlflow.source.name": "src/train.py", "mlflow.source.type": "LOCAL"})',
      'for k, v in old.data.metrics.items(): client.log_metric(r.info.run_id, k, v)',
      'for k, v in old.data.params.items(): client.log_param(r.info.run_id, k, v)',
      'client.set_terminated(r.info.run_id)',
      'mv = client.create_model_version(args[0], src.source, run_id=r.info.run_id)',
      'out(str(mv.version))',
    ].join('\n'),
    MODEL,
    head,
    fromVersion,
  );
}

async function tool(command: string, ...args: string[]): Promise<string> {
  const python = await pythonEnv();
  const argv = command === 'python' ? [python.python, args] : command === 'dvc' ? [python.python, ['-m', 'dvc', ...args]] : [command, args];
  const { stdout } = await execFileAsync(argv[0] as string, argv[1] as string[], { cwd: workspace, env: toolEnv(), timeout: 5 * 60_000 });
  return stdout;
}

async function versionRow(version: string): Promise<Row | undefined> {
  return findPath(await rows(workbench, MODELS), [MODEL, `Version ${version}`]);
}

async function showVersions(): Promise<void> {
  await setPaneExpanded(workbench, RUNS, false);
  await setPaneExpanded(workbench, MODELS, true);
  await waitForPath(workbench, MODELS, [MODEL], 90_000);
  await collapseAll(workbench, MODELS);
  await expandPath(workbench, MODELS, [MODEL]);
}

async function lineageFrame(title: string): Promise<Frame> {
  const frame = await panelFrame(workbench.page, title, 120_000);
  await panelPoll<{ nodes: GraphNode[] } | null>(frame, 'graph', [], (g) => !!g && g.nodes.length > 0, 120_000);
  return frame;
}

async function gateFrame(text: string): Promise<Frame> {
  return panelFrame(workbench.page, text, WRITE_MS);
}

/**
 * The demo cache's logged models keep the absolute artifact path of the folder the cache was built
 * in (test/e2e/support/dvcProject.ts renames it), so a copy cannot read their MLmodel: the criteria
 * here are metric ones only (signature criteria are covered by test/contract/gate.test.ts).
 */
function writeCriteria(min: number): string {
  const text = `version: 1\nmodels:\n  ${MODEL}:\n    alias: champion\n    criteria:\n      - metric: test_accuracy\n        min: ${min}\n      - metric: test_accuracy\n        not_worse_than_champion_by: 0.05\n`;
  mkdirSync(join(workspace, '.ml-workbench'), { recursive: true });
  writeFileSync(join(workspace, '.ml-workbench', 'acceptance.yaml'), text);
  return createHash('sha256').update(text).digest('hex');
}

async function promoteFromRow(version: string): Promise<void> {
  await showVersions();
  const row = await poll(() => versionRow(version), (r) => r !== undefined, 60_000);
  await contextMenu(workbench.page, rowLocator(workbench, MODELS, row!), 'Promote…');
  const input = quickInput(workbench.page);
  await input.waitFor({ state: 'visible', timeout: 60_000 });
  await workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: '@champion' }).first().waitFor({ timeout: 60_000 });
  await input.fill('@champion');
  await workbench.page.keyboard.press('Enter');
}

before(async () => {
  const vsix = ensureVsix();
  const python = await pythonEnv();
  workspace = await demoProject();
  uri = `sqlite:///${join(workspace, 'mlflow.db')}`;
  workbench = await startWorkbench({ workspace, vsix, settings: { 'mlWorkbench.python': python.python, 'workbench.view.alwaysShowHeaderActions': true } });
  await workbench.openContainer(CONTAINER);
});

after(async () => {
  reportLoggedProblems(workbench, 'lineage');
  await workbench?.stop();
  if (workspace) await removeTree(join(workspace, '..'));
});

describe('lineage and the Go/No-Go gate on the demo project', () => {
  let championVersion: string;
  let headVersion: string;

  test('Show Lineage on @champion: its run, commit and data version as MLflow, git and dvc.lock say; a run node opens its panel', { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'lineage-champion', async () => {
      const before = await registry();
      championVersion = before.aliases['champion']!;
      assert.ok(championVersion, `the demo has @champion: ${JSON.stringify(before.aliases)}`);
      const runId = before.versions.find((v) => v.version === championVersion)!.run_id;
      const commit = (await runTags(runId))['mlflow.source.git.commit']!;
      const lock = git(workspace, 'show', `${commit}:dvc.lock`);
      const prepared = /path: data\/prepared\s+hash: md5\s+md5: ([0-9a-f]{32}\.dir)/.exec(lock)?.[1];
      assert.ok(prepared, `dvc.lock at ${commit} records data/prepared`);

      await showVersions();
      const row = await poll(() => versionRow(championVersion), (r) => r !== undefined, 60_000);
      await contextMenu(workbench.page, rowLocator(workbench, MODELS, row!), 'Show Lineage');
      const frame = await lineageFrame(`Lineage of ${MODEL} version ${championVersion}`);
      const graph = await panelCall<{ nodes: GraphNode[]; edges: [string, string][]; currency: { state: string; headline: string }; gaps: { code: string }[] }>(frame, 'graph');
      const run = graph.nodes.find((n) => n.kind === 'run')!;
      assert.equal(run.id, `run:${runId}`, 'the run node is the version\'s source run (get_model_version().run_id)');
      assert.match(run.detail, new RegExp(`^commit ${commit.slice(0, 7)}`), 'the run node names the mlflow.source.git.commit tag');
      const data = graph.nodes.find((n) => n.id === 'data:data/prepared/train.csv')!;
      assert.ok(data.tooltip.includes(`hash ${prepared}`), `the data node holds the hash dvc.lock at ${commit.slice(0, 7)} records (${prepared}): ${data.tooltip}`);
      assert.deepEqual(graph.nodes.filter((n) => n.kind === 'alias').map((n) => n.label), ['@champion']);
      const headLock = git(workspace, 'show', 'HEAD:dvc.lock');
      const headPrepared = /path: data\/prepared\s+hash: md5\s+md5: ([0-9a-f]{32}\.dir)/.exec(headLock)?.[1];
      assert.equal(graph.currency.state, headPrepared === prepared ? 'current' : 'stale', `currency vs HEAD's dvc.lock (${headPrepared} vs ${prepared}): ${graph.currency.headline}`);
      const shown = await panelCall<{ id: string; text: string }[]>(frame, 'shown');
      assert.ok(shown.length >= 5 && (await panelCall<number>(frame, 'edges')) === graph.edges.length, 'every node and edge is drawn');
      await screenshotVariants(workbench, 'lineage-panel', { settle: () => workbench.page.waitForTimeout(800) });

      await frame.locator(`[data-id="run:${runId}"]`).click();
      const runName = graph.nodes.find((n) => n.kind === 'run')!.label;
      await workbench.tab(`Run: ${runName}`).waitFor({ timeout: 60_000 });
    });
  });

  test('a version trained at HEAD has no badge; after new data is committed its row says "trained on stale data" and the Data view lists what was trained', { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'lineage-stale-badge', async () => {
      const head = git(workspace, 'rev-parse', 'HEAD').trim();
      headVersion = await logRunAtHead(head, championVersion);
      await showVersions();
      const fresh = await poll(() => versionRow(headVersion), (r) => r !== undefined, 90_000);
      // Its lineage says current (the panel), and its row has no badge.
      await contextMenu(workbench.page, rowLocator(workbench, MODELS, fresh!), 'Show Lineage');
      const frame = await lineageFrame(`Lineage of ${MODEL} version ${headVersion}`);
      const graph = await panelCall<{ currency: { state: string; headline: string } }>(frame, 'graph');
      assert.equal(graph.currency.state, 'current', `a run at the clean HEAD is current: ${graph.currency.headline}`);
      assert.ok(!(await versionRow(headVersion))!.description.includes('stale'), `version ${headVersion} (trained at HEAD) shows no stale badge: ${(await versionRow(headVersion))!.description}`);

      await tool('python', 'src/get_data.py', '--rows', '90');
      await tool('dvc', 'add', 'data/raw.csv');
      await tool('dvc', 'repro', 'prepare');
      git(workspace, 'add', '-A');
      git(workspace, 'commit', '-q', '-m', 'Iris data v3 (90 rows)');
      const stale = await poll(() => versionRow(headVersion), (r) => !!r && r.description.includes('trained on stale data'), WRITE_MS, 1_000);
      assert.ok(stale, 'the badge appears after the data change');
      const panel = await panelFrame(workbench.page, `Lineage of ${MODEL} version ${headVersion}`, 60_000);
      await panelPoll<{ currency: { state: string } } | null>(panel, 'graph', [], (g) => g?.currency.state === 'stale', 60_000);
      await rowLocator(workbench, MODELS, stale!).hover();
      await screenshotVariants(workbench, 'lineage-stale-badge');

      await setPaneExpanded(workbench, MODELS, false);
      await setPaneExpanded(workbench, DATA, true);
      await expandPath(workbench, DATA, ['data/prepared']);
      const versions = await poll(
        async () => childrenOf(await rows(workbench, DATA), ['data/prepared']),
        (children) => children.some((r) => r.description.includes('trained')),
        WRITE_MS,
        1_000,
      );
      assert.ok(versions.some((r) => r.description.includes(`${MODEL} v${headVersion}`)), `a data/prepared version lists ${MODEL} v${headVersion}: ${JSON.stringify(versions.map((r) => r.description))}`);
      const trained = versions.find((r) => r.description.includes(`${MODEL} v${headVersion}`))!;
      await rowLocator(workbench, DATA, trained).hover();
      await workbench.page.locator('.monaco-hover, .workbench-hover').first().waitFor({ timeout: 15_000 }).catch(() => undefined);
      await screenshotVariants(workbench, 'lineage-data-trained-on', { variants: [{ name: 'dark', theme: 'Default Dark Modern', width: 1600, height: 1000 }] });
      await setPaneExpanded(workbench, DATA, false);
    });
  });

  test('Promote… with a failing criterion: No-Go shown, @champion unchanged for MLflow; with passing criteria: Go, @champion moved and the decision recorded', { timeout: TEST_TIMEOUT }, async () => {
    await failureReport(workbench, 'lineage-gate', async () => {
      writeCriteria(0.999);
      await promoteFromRow(headVersion);
      const nogo = await gateFrame('NO-GO');
      const state = await panelCall<{ report: { decision: string; criteria: { pass: boolean; description: string }[] } }>(nogo, 'state');
      assert.equal(state.report.decision, 'no-go');
      assert.deepEqual(state.report.criteria.map((c) => c.pass), [false, true], JSON.stringify(state.report.criteria));
      const buttons = await panelCall<{ text: string }[]>(nogo, 'buttons');
      assert.ok(!buttons.some((b) => b.text.startsWith('Promote to')), `a No-Go offers no plain Promote: ${JSON.stringify(buttons)}`);
      assert.equal((await registry()).aliases['champion'], championVersion, '@champion unchanged for get_registered_model().aliases after a No-Go');
      await screenshotVariants(workbench, 'gate-nogo', { settle: () => workbench.page.waitForTimeout(600) });

      const sha = writeCriteria(0.5);
      await nogo.locator('button', { hasText: 'Re-evaluate' }).click();
      const go = await gateFrame('GO');
      await panelPoll<{ report: { decision: string } }>(go, 'state', [], (s) => s?.report.decision === 'go', 60_000);
      await go.locator('button', { hasText: 'Promote to @champion' }).click();
      await notification(workbench.page, `Go: @champion now names version ${headVersion}`, PROMOTE_MS);
      const after = await registry();
      assert.equal(after.aliases['champion'], headVersion, '@champion moved (get_registered_model().aliases)');
      const tags = after.versions.find((v) => v.version === headVersion)!.tags;
      assert.equal(tags['mlworkbench.gate.decision'], 'go');
      assert.equal(tags['mlworkbench.gate.alias'], 'champion');
      assert.equal(tags['mlworkbench.gate.criteria_sha256'], sha, 'the recorded hash is the sha256 of the criteria file');
      assert.equal((JSON.parse(tags['mlworkbench.gate.report']!) as { decision: string }).decision, 'go');
      await panelPoll<{ phase: string }>(go, 'state', [], (s) => s?.phase === 'promoted', 30_000);
      await screenshotVariants(workbench, 'gate-go', { variants: [{ name: 'dark', theme: 'Default Dark Modern', width: 1600, height: 1000 }, { name: 'light-1280', theme: 'Default Light Modern', width: 1280, height: 800 }] });
    });
  });
});
