/**
 * Pictures instead of text, in a real VS Code (code-server + Chromium) on one copy of the demo
 * project (git + DVC pipeline + three MLflow runs in SQLite), one workbench for every step:
 * - Metrics: `test_accuracy`, logged once per run, is drawn as bars whose values are MLflow's own;
 *   histories stay lines; two runs with the same name get short ids in the legend;
 * - Show Pipeline DAG draws the four stages upstream above downstream, coloured by status as the
 *   Pipeline view says; an edited param turns train changed (the hover says why) and evaluate
 *   upstream changed; a click on a stage opens dvc.yaml at it;
 * - Diff with Workspace on data/raw.csv shows the rows added and changed and the ragged line it
 *   left out, by line;
 * - screenshots of each in six looks (dark, light, high contrast; 1600×1000 and 1280×800).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { pythonEnv } from '../support/python';
import { demoProject } from './support/dvcProject';
import { removeTree } from './support/processes';
import { contextMenu, mlflowClient, setPaneExpanded } from './support/interactions';
import { failureReport, reportLoggedProblems } from './support/reporting';
import { fileTab, findPath, parkMouse, poll, quickInput, rowLocator, rows, waitForPath } from './support/runsTree';
import { screenshotVariants, showAt1600 } from './support/themes';
import { ensureVsix } from './support/vsix';
import { panelCall, panelFrame, panelPoll } from './support/webviews';
import { startWorkbench, type Workbench } from './support/workbench';

const CONTAINER = 'ML Workbench';
const STAGES = ['data/raw.csv.dvc', 'prepare', 'train', 'evaluate'];

let workbench: Workbench;
let project: string;

before(async () => {
  const python = (await pythonEnv()).python;
  const vsix = ensureVsix();
  project = await demoProject();
  workbench = await startWorkbench({ workspace: project, vsix, settings: { 'mlWorkbench.python': python, 'workbench.view.alwaysShowHeaderActions': true } });
  await showAt1600(workbench);
  await workbench.openContainer(CONTAINER);
});

after(async () => {
  reportLoggedProblems(workbench, 'chartsAndDiffs');
  await workbench?.stop();
  if (project) await removeTree(dirname(project));
});

const step = (name: string, body: () => Promise<void>): Promise<void> => failureReport(workbench, `chartsAndDiffs-${name}`, body);

/** Opens the Metrics panel of every run whose name holds `filter` (ticks each in the quick pick). */
async function openMetricsOf(filter: string, count: number): Promise<void> {
  const page = workbench.page;
  await workbench.runCommand('ML Workbench: Open Metrics Charts');
  const input = quickInput(page);
  await input.waitFor({ state: 'visible' });
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  await input.fill(filter);
  await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('.quick-input-list .monaco-list-row').length === n, count);
  const checkboxes = page.locator('.quick-input-list .monaco-list-row').locator('.quick-input-list-checkbox, input[type=checkbox], .monaco-checkbox');
  for (let i = 0; i < count; i++) {
    await checkboxes.nth(i).click();
    await page.locator('.quick-input-count', { hasText: `${i + 1} Selected` }).waitFor({ state: 'visible' });
  }
  await page.locator('.quick-input-action a, .quick-input-action .monaco-button', { hasText: 'OK' }).first().click();
  await input.waitFor({ state: 'hidden' });
}

test('single values as bars, the pipeline as a graph, a CSV diff: in six looks', { timeout: 900_000 }, async () => {
  const page = workbench.page;
  const uri = `sqlite:///${join(project, 'mlflow.db')}`;

  await step('bars', async () => {
    const runs = await mlflowClient<{ id: string; name: string; acc: number | null }[]>(
      uri,
      `
exp = client.get_experiment_by_name("demo-iris")
out([{"id": r.info.run_id, "name": r.info.run_name, "acc": r.data.metrics.get("test_accuracy")} for r in client.search_runs([exp.experiment_id])])
`,
    );
    const scored = runs.filter((r) => r.acc !== null);
    assert.ok(scored.length >= 2, `runs with test_accuracy: ${JSON.stringify(runs)}`);
    await openMetricsOf('sgd', runs.length);
    const frame = await panelFrame(page, 'Smoothing');
    const kinds = await panelPoll<Record<string, string>>(frame, 'kinds', [], (k) => k?.test_accuracy !== undefined);
    assert.equal(kinds.test_accuracy, 'bars');
    assert.equal(kinds.test_f1_macro, 'bars');
    assert.equal(kinds.train_loss, 'line');
    // One bar per run that logged it, each labelled with MLflow's value.
    const bars = frame.locator('[data-metric="test_accuracy"] .bar-row');
    await poll(() => bars.count(), (n) => n === scored.length, 10_000);
    const drawn = await bars.evaluateAll((rows) => rows.map((r) => ({ id: (r as any).dataset.runId as string, value: Number((r as any).dataset.value), text: r.querySelector('.bar-value')?.textContent })));
    assert.deepEqual(new Map(drawn.map((d) => [d.id, d.value])), new Map(scored.map((r) => [r.id, r.acc])));
    for (const d of drawn) assert.equal(d.text, String(Number(d.value.toPrecision(4))));
    // Runs that share a name are told apart by a short id; the others keep their name.
    const legend = await panelCall<string[]>(frame, 'legend');
    assert.equal(new Set(legend).size, legend.length, `legend labels differ: ${JSON.stringify(legend)}`);
    for (const run of runs) {
      const shared = runs.filter((r) => r.name === run.name).length > 1;
      assert.ok(legend.includes(shared ? `${run.name} (${run.id.slice(0, 7)})` : run.name), `${run.name} in ${JSON.stringify(legend)}`);
    }
    await parkMouse(page);
    await screenshotVariants(workbench, 'charts-single-value-bars');
  });

  await step('dag', async () => {
    const params = join(project, 'params.yaml');
    writeFileSync(params, readFileSync(params, 'utf8').replace('alpha: 0.01', 'alpha: 0.05'));
    await workbench.runCommand('ML Workbench: Show Pipeline DAG');
    const frame = await panelFrame(page, 'Export as Mermaid');
    type Node = { stage: string; state: string; label: string; x: number; y: number; width: number; height: number };
    const nodes = await panelPoll<Node[]>(frame, 'nodes', [], (n) => n.length === 4 && n.find((x) => x.stage === 'evaluate')?.state === 'upstream-changed', 120_000);
    const at = new Map(nodes.map((n) => [n.stage, n]));
    assert.deepEqual([...at.keys()].sort(), [...STAGES].sort());
    assert.deepEqual(STAGES.map((s) => at.get(s)!.state), ['up-to-date', 'up-to-date', 'changed', 'upstream-changed']);
    // Upstream above downstream; no two boxes overlap.
    for (const [up, down] of [['data/raw.csv.dvc', 'prepare'], ['prepare', 'train'], ['train', 'evaluate']] as const) assert.ok(at.get(up)!.y < at.get(down)!.y, `${up} above ${down}`);
    for (const a of nodes) for (const b of nodes) if (a !== b) assert.ok(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y, `${a.stage} and ${b.stage} overlap`);
    // The hover says why train would run.
    await frame.locator('[data-stage="train"]').hover();
    await frame.locator('.tooltip', { hasText: 'param train.alpha 0.01→0.05' }).waitFor({ state: 'visible', timeout: 10_000 });
    await screenshotVariants(workbench, 'pipeline-graph', {
      settle: async () => {
        await frame.locator('[data-stage="train"]').hover();
      },
    });
    // A click opens dvc.yaml at the stage.
    const expectedLine = readFileSync(join(project, 'dvc.yaml'), 'utf8').split('\n').findIndex((l) => l === '  train:') + 1;
    await frame.locator('[data-stage="train"]').click();
    await fileTab(page, 'dvc.yaml').waitFor({ timeout: 30_000 });
    const position = page.locator('.statusbar-item[id="status.editor.selection"]');
    await poll(() => position.textContent(), (t) => t?.includes(`Ln ${expectedLine},`) ?? false, 15_000);
    assert.match((await position.textContent()) ?? '', new RegExp(`Ln ${expectedLine}, Col 3`));
  });

  await step('csv-diff', async () => {
    const raw = join(project, 'data', 'raw.csv');
    const lines = readFileSync(raw, 'utf8').trimEnd().split('\n');
    const header = lines[0]!.split(',');
    // Row 3 gets another first value; two rows are appended, and one ragged line between them.
    const third = lines[3]!.split(',');
    const was = third[0]!;
    third[0] = '9.9';
    lines[3] = third.join(',');
    const fresh = [lines[1]!, lines[2]!];
    writeFileSync(raw, `${[...lines, fresh[0], '5.0,3.0', fresh[1]].join('\n')}\n`);
    // The diff opens in the active editor group: one group, the whole width.
    await workbench.runCommand('View: Close All Editor Groups');
    await setPaneExpanded(workbench, 'Runs', false);
    await setPaneExpanded(workbench, 'Data', true);
    const row = await poll(async () => findPath(await rows(workbench, 'Data').catch(() => []), ['data/raw.csv']), (r) => r?.description.endsWith('modified') ?? false, 60_000);
    assert.ok(row, 'data/raw.csv shows as modified');
    await contextMenu(page, rowLocator(workbench, 'Data', await waitForPath(workbench, 'Data', ['data/raw.csv'])), 'Diff with Workspace');
    const frame = await panelFrame(page, 'Match rows by', 120_000);
    await panelPoll<string>(frame, 'state', [], (s) => s === 'result', 60_000);
    const cards = await frame.locator('.card').evaluateAll((els) => els.map((e) => `${e.querySelector('.card-label')?.textContent}: ${e.querySelector('.card-value')?.textContent}`));
    const before = lines.length - 1;
    assert.deepEqual(cards, [`rows before → after: ${before} → ${before + 2} (+2)`, 'added: +2', 'removed: −0', 'changed: ~1', `unchanged: ${before - 1}`]);
    const problems = await frame.locator('.problems li').allTextContents();
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, new RegExp(`^after, line ${lines.length + 2}: `));
    const changed = await frame.locator('table.changes tbody tr').first().locator('td').allTextContents();
    assert.deepEqual(changed, ['row 3', header[0], was, '9.9']);
    await parkMouse(page);
    await screenshotVariants(workbench, 'data-diff-csv');
  });
});
