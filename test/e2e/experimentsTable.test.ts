/**
 * The Experiments table in a real VS Code (code-server + Chromium) on a copy of the demo project
 * (git + DVC pipeline + SQLite store with three MLflow runs), one workbench for every step:
 * - the palette's "Open Experiments Table" shows the demo's MLflow runs (values equal to MLflow's
 *   own client) and its DVC workspace and baseline (metrics equal to metrics.json);
 * - sort by a metric (click a header), filter in MLflow syntax (and a wrong filter shows MLflow's
 *   error at its position, the rows stay; cleared, no error is left on screen), group by a param
 *   with aggregates (a mean for metrics, distinct values for params);
 * - Columns → a metric's min and value at a step: each run's cell equals what MLflow's client reads
 *   of its history; the column sorts;
 * - a column resized by dragging its edge (header and cells, no sort), moved by dragging its header,
 *   hidden and shown again from Columns;
 * - screenshots dark, light and high contrast at 1600×1000 and 1280×800;
 * - Queue experiment… with train.epochs changed (the runner's params picker), Start queue worker:
 *   the row goes queued → running → done with its metrics;
 * - Logs of the experiment: the task terminal shows what `dvc queue logs` prints; Push… to a git
 *   remote: the remote has the experiment's ref;
 * - Apply the experiment: params.yaml has its value; Remove it (confirmed): git has no ref left;
 *   Pull from remote… (the remote picked from git's, every commit): its row and ref come back;
 * - star and note rows (MLflow tags; nothing written in the repo for DVC), Starred only, Compare and
 *   Metrics from a selection.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { pythonEnv } from '../support/python';
import { demoProject, dvc, git } from './support/dvcProject';
import { mlflowClient } from './support/interactions';
import { removeTree, sleep } from './support/processes';
import { poll, quickInput, webviewContaining } from './support/runsTree';
import { screenshotVariants } from './support/themes';
import { ensureVsix } from './support/vsix';
import { panelCall, panelFrame, panelPoll } from './support/webviews';
import { startWorkbench, type Workbench } from './support/workbench';

interface TableRowView {
  kind: 'row' | 'group';
  id: string;
  label: string;
  source: 'mlflow' | 'dvc';
  rowKind: string;
  depth: number;
  status: string | null;
  problems: string[];
  starred?: boolean;
  count?: number;
  cells: Record<string, string>;
}
interface TableStatus {
  matched: number;
  total: number;
  count: number;
  error?: { message: string; position?: number };
}

const TEST_TIMEOUT = 900_000;
/** A queued experiment: DVC's worker starts, trains (scikit-learn + MLflow logging) and commits: minutes on 2 busy cores. */
const EXPERIMENT_MS = 600_000;

let workbench: Workbench;
let project: string;
let frame: Frame;

before(async () => {
  const vsix = ensureVsix();
  const python = await pythonEnv();
  project = await demoProject();
  // The DOM renderer keeps a terminal's text in the page (the Logs step reads it).
  workbench = await startWorkbench({ workspace: project, vsix, settings: { 'mlWorkbench.python': python.python, 'terminal.integrated.gpuAcceleration': 'off' } });
  await workbench.openContainer('ML Workbench');
});

after(async () => {
  if (project) await dvc(project, 'queue', 'stop', '--kill').catch(() => undefined);
  const problems = workbench?.extensionHostLog().split('\n').filter((line) => /\[(warning|error)\]/.test(line) && !/github|open-vsx|vsda|copilot/i.test(line));
  console.log(`[e2e experiments table] extension log warnings/errors: ${problems?.length ? `\n${problems.join('\n')}` : 'none'}`);
  await workbench?.stop();
  if (project) await removeTree(dirname(project));
});

const tableRows = (): Promise<TableRowView[]> => panelCall<TableRowView[]>(frame, 'rows');
const number = (text: string | undefined): number => Number(text);

async function applyFilter(text: string): Promise<void> {
  const input = frame.locator('.filter');
  await input.fill(text);
  await input.press('Enter');
  await panelPoll<{ query: { filter: string } }>(frame, 'status', [], (s) => s.query.filter === text, 30_000);
}

/** The modal dialog's text, then a click on its button (the message of a long warning is not in .dialog-message-text). */
async function confirm(button: string): Promise<string> {
  const dialog = workbench.page.locator('.monaco-dialog-box').first();
  await dialog.waitFor({ state: 'visible', timeout: 60_000 });
  const text = (await dialog.innerText()).trim();
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: button }).first().click();
  await dialog.waitFor({ state: 'hidden' });
  return text;
}

/** Clicks the row by its name: the short id a name gets while another row shares it (a queue entry and its run) can go. */
async function clickRow(label: string): Promise<void> {
  const name = label.replace(/ \([0-9a-f]{7,}\)$/, '');
  await frame.locator('.row .label', { hasText: name }).first().click();
  await frame.locator('.scroller').evaluate((element) => (element.scrollLeft = 0));
}

test('the table shows MLflow runs and DVC experiments; sort, filter, group; screenshots', { timeout: TEST_TIMEOUT }, async () => {
  await workbench.runCommand('ML Workbench: Open Experiments Table');
  const input = quickInput(workbench.page);
  await input.waitFor({ state: 'visible' });
  await workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'demo-iris' }).first().waitFor();
  await workbench.page.keyboard.press('Enter');
  frame = await panelFrame(workbench.page, 'demo-iris', 120_000);
  const loaded = await panelPoll<TableStatus & { sources: { loading: boolean }[] }>(frame, 'status', [], (s) => s.sources.length === 2 && s.sources.every((x) => !x.loading), 120_000);
  console.log(`[e2e experiments table] sources: ${JSON.stringify(loaded.sources)}`);
  const rows = await panelPoll<TableRowView[]>(frame, 'rows', [], (r) => r.filter((x) => x.source === 'mlflow').length >= 3 && r.some((x) => x.rowKind === 'baseline'), 120_000).catch(async (error: Error) => {
    await workbench.screenshot('experiments-table-failed');
    console.log(JSON.stringify((await tableRows()).map((r) => [r.source, r.rowKind, r.label, r.problems])));
    throw error;
  });

  // MLflow's own answer for the runs.
  const uri = `sqlite:///${join(project, 'mlflow.db')}`;
  const runs = await mlflowClient<{ id: string; accuracy: number | null; alpha: string | null }[]>(
    uri,
    `exp = client.get_experiment_by_name("demo-iris")
runs = client.search_runs([exp.experiment_id])
out([{"id": r.info.run_id, "accuracy": r.data.metrics.get("test_accuracy"), "alpha": r.data.params.get("train.alpha")} for r in runs])`,
  );
  const mlflowRows = rows.filter((r) => r.source === 'mlflow');
  assert.equal(mlflowRows.length, runs.length);
  for (const run of runs) {
    const row = mlflowRows.find((r) => r.cells['attributes.run_id'] === run.id);
    assert.ok(row, `run ${run.id} is in the table`);
    if (run.accuracy !== null) assert.ok(Math.abs(number(row.cells['metrics.test_accuracy']) - run.accuracy) < 1e-5);
    assert.equal(row.cells['params.train.alpha'] ?? '', run.alpha ?? '');
  }
  // DVC's workspace and baseline, with metrics.json's values.
  const metrics = JSON.parse(readFileSync(join(project, 'metrics.json'), 'utf8')) as { accuracy: number };
  const workspaceRow = rows.find((r) => r.rowKind === 'workspace');
  assert.ok(workspaceRow);
  assert.ok(Math.abs(number(workspaceRow.cells['metrics.accuracy']) - metrics.accuracy) < 1e-5);

  // Sort by test_accuracy (descending after two clicks): MLflow rows in MLflow's order of that metric.
  const header = frame.locator('.column-row .head', { hasText: 'test_accuracy' }).first();
  await header.click();
  await frame.locator('.column-row .head[aria-sort="ascending"]', { hasText: 'test_accuracy' }).waitFor({ timeout: 30_000 });
  await header.click();
  await frame.locator('.column-row .head[aria-sort="descending"]', { hasText: 'test_accuracy' }).waitFor({ timeout: 30_000 });
  const sorted = await tableRows();
  const accuracies = sorted.filter((r) => r.source === 'mlflow' && r.cells['metrics.test_accuracy']).map((r) => number(r.cells['metrics.test_accuracy']));
  assert.deepEqual(accuracies, [...accuracies].sort((a, b) => b - a));

  // Filter: MLflow syntax on both sources.
  const best = Math.max(...runs.map((r) => r.accuracy ?? 0));
  await applyFilter(`metrics.test_accuracy >= ${best}`);
  const filtered = await panelPoll<TableStatus>(frame, 'status', [], (s) => s.matched === runs.filter((r) => (r.accuracy ?? -1) >= best).length, 30_000);
  assert.equal(filtered.error, undefined);

  // A wrong filter: MLflow's message with the position; the rows stay.
  await applyFilter('params.train.alpha = 3');
  const wrong = await panelPoll<TableStatus>(frame, 'status', [], (s) => s.error !== undefined, 30_000);
  assert.match(wrong.error!.message, /quoted string value/);
  assert.equal(wrong.error!.position, 'params.train.alpha = '.length);
  assert.ok(await frame.locator('.filter-error .error-at').isVisible());
  assert.ok(wrong.count > 0);

  // Group by train.alpha: a header per value with count and means.
  await applyFilter('');
  await panelPoll<TableStatus>(frame, 'status', [], (s) => s.error === undefined && s.matched === s.total, 30_000);
  await frame.locator('.group-by').selectOption('params.train.alpha');
  const grouped = await panelPoll<TableRowView[]>(frame, 'rows', [], (r) => r.some((x) => x.kind === 'group'), 30_000);
  // The cleared filter's error is gone: from the view and from the screen (not only hidden in the state).
  const groupedStatus = await panelCall<TableStatus & { query: { filter: string; groupBy?: string } }>(frame, 'status');
  assert.equal(groupedStatus.error, undefined);
  assert.equal(groupedStatus.query.filter, '');
  assert.equal(groupedStatus.query.groupBy, 'params.train.alpha');
  assert.equal(await frame.locator('.filter-error').isVisible(), false, 'no filter error under the empty filter box');
  assert.equal(await frame.locator('.filter-error .error-at').first().isVisible(), false);
  const groups = grouped.filter((r) => r.kind === 'group');
  const alphas = new Set(runs.map((r) => r.alpha));
  for (const alpha of alphas) assert.ok(groups.some((g) => g.label === `train.alpha = ${alpha}`), `a group for alpha ${alpha}`);
  // Aggregates: a mean for metrics, never for params (train.seed is a number in params.yaml).
  for (const group of groups) {
    for (const [column, text] of Object.entries(group.cells)) if (column.startsWith('params.')) assert.doesNotMatch(text ?? '', /x̄/, `${group.label}: ${column} shows ${text}`);
  }
  assert.ok(groups.some((g) => Object.entries(g.cells).some(([column, text]) => column.startsWith('metrics.') && /^x̄ /.test(text ?? ''))), 'a metric mean in a group header');
  await screenshotVariants(workbench, 'experiments-table-grouped', { settle: () => sleep(500) });
  await frame.locator('.group-by').selectOption('');
  await panelPoll<TableRowView[]>(frame, 'rows', [], (r) => !r.some((x) => x.kind === 'group'), 30_000);

  // Metric columns on demand (Columns → train_loss: min, and the value at step 1): from each run's
  // whole history, equal to what MLflow's client reads of it; sortable like any column.
  const histories = await mlflowClient<Record<string, { min: number; atStep1: number | null }>>(
    uri,
    `import math
exp = client.get_experiment_by_name("demo-iris")
result = {}
for r in client.search_runs([exp.experiment_id]):
    history = client.get_metric_history(r.info.run_id, "train_loss")
    if not history:
        continue
    at = sorted([m for m in history if m.step == 1], key=lambda m: (m.timestamp, m.value))
    result[r.info.run_id] = {"min": min(m.value for m in history if not math.isnan(m.value)), "atStep1": at[-1].value if at else None}
out(result)`,
  );
  assert.ok(Object.keys(histories).length > 0, 'the demo runs log train_loss per epoch');
  await frame.locator('.tool', { hasText: 'Columns' }).click();
  const lossLine = frame.locator('.chooser-line', { has: frame.locator('label', { hasText: /^train_loss$/ }) });
  await lossLine.locator('.view-button', { hasText: 'min' }).click();
  // The host's next view redraws the chooser: type the step into the redrawn one.
  await lossLine.locator('.view-button.on', { hasText: 'min' }).waitFor({ timeout: 30_000 });
  await lossLine.locator('.view-step').fill('1');
  await lossLine.locator('.view-step').press('Enter');
  const withViews = await panelPoll<TableRowView[]>(frame, 'rows', [], (r) => r.filter((x) => x.source === 'mlflow' && x.cells['metrics.train_loss@min'] && x.cells['metrics.train_loss@step=1'] !== undefined).length === Object.keys(histories).length, 120_000).catch(async (error: Error) => {
    console.log(`[e2e experiments table] metric views: status ${JSON.stringify(await panelCall(frame, 'status'))}; MLflow ${JSON.stringify(histories)}`);
    console.log(`[e2e experiments table] shot: ${await workbench.screenshot('experiments-table-metric-views-failed')}`);
    throw error;
  });
  const viewStatus = await panelPoll<TableStatus & { histories?: { done: number; total: number; failed: number } }>(frame, 'status', [], (st) => st.histories !== undefined && st.histories.done === st.histories.total, 60_000);
  assert.equal(viewStatus.histories!.failed, 0);
  // The min column stays filled while the histories are read again for the new step: wait for the
  // step's cells of the runs that logged step 1 (a cell is empty while its read is pending).
  const settled = await panelPoll<TableRowView[]>(frame, 'rows', [], (r) => Object.entries(histories).every(([runId, expected]) => {
    const row = r.find((x) => x.cells['attributes.run_id'] === runId);
    return row !== undefined && Boolean(row.cells['metrics.train_loss@min']) && (expected.atStep1 === null || (row.cells['metrics.train_loss@step=1'] ?? '') !== '');
  }), 60_000);
  assert.equal(withViews.length > 0, true);
  for (const [runId, expected] of Object.entries(histories)) {
    const row = settled.find((r) => r.cells['attributes.run_id'] === runId)!;
    assert.ok(Math.abs(number(row.cells['metrics.train_loss@min']) - expected.min) <= 1e-4 * Math.max(1, Math.abs(expected.min)), `${row.label}: min ${row.cells['metrics.train_loss@min']} vs MLflow ${expected.min}`);
    if (expected.atStep1 === null) assert.equal(row.cells['metrics.train_loss@step=1'], '');
    else assert.ok(Math.abs(number(row.cells['metrics.train_loss@step=1']) - expected.atStep1) <= 1e-4 * Math.max(1, Math.abs(expected.atStep1)), `${row.label}: at step 1`);
  }
  assert.ok(await frame.locator('.column-row .head', { hasText: 'train_loss (min)' }).isVisible());
  assert.ok(await frame.locator('.column-row .head', { hasText: 'train_loss @ step 1' }).isVisible());
  await workbench.screenshot('experiments-table-metric-views');
  await frame.locator('.tool', { hasText: 'Columns' }).click();
  const minHeader = frame.locator('.column-row .head', { hasText: 'train_loss (min)' }).first();
  await minHeader.click();
  await frame.locator('.column-row .head[aria-sort="ascending"]', { hasText: 'train_loss (min)' }).waitFor({ timeout: 30_000 });
  const byMin = (await tableRows()).filter((r) => r.source === 'mlflow' && r.cells['metrics.train_loss@min']).map((r) => number(r.cells['metrics.train_loss@min']));
  assert.deepEqual(byMin, [...byMin].sort((a, b) => a - b));
  await clickRow(mlflowRows[0]!.label);
  await screenshotVariants(workbench, 'experiments-table', { settle: () => sleep(500) });

  // Resize: drag Duration's right edge 100 px to the right (in steps, as a hand does): the header
  // and the rows' cells widen by 100 px, nothing gets sorted, and the width is kept in the layout.
  type Layout = { widths: Record<string, number>; order: string[]; hidden: string[] };
  const head = (label: string) => frame.locator('.column-row .head', { has: frame.locator('.head-label', { hasText: new RegExp(`^${label}$`) }) }).first();
  const widthBefore = (await head('Duration').boundingBox())!.width;
  const edge = (await head('Duration').locator('.resize').boundingBox())!;
  const mouse = workbench.page.mouse;
  await mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
  await mouse.down();
  await mouse.move(edge.x + edge.width / 2 + 100, edge.y + edge.height / 2, { steps: 10 });
  await mouse.up();
  const widthAfter = (await head('Duration').boundingBox())!.width;
  assert.ok(Math.abs(widthAfter - widthBefore - 100) <= 2, `Duration ${widthBefore} → ${widthAfter} px after a 100 px drag`);
  const durationCells = await frame.locator('.row').first().locator('.cell').evaluateAll((cells) => cells.map((c) => (c as any).getBoundingClientRect().width as number));
  assert.ok(durationCells.some((w) => Math.abs(w - widthAfter) <= 1), `a row cell is as wide as its header (${widthAfter}): ${durationCells.join(', ')}`);
  assert.equal(await head('Duration').getAttribute('aria-sort'), 'none', 'ending a resize does not sort');
  assert.ok(Math.abs((await panelCall<Layout>(frame, 'layout')).widths['attributes.duration']! - widthAfter) <= 1);

  // Reorder: drag the Status header onto Duration: Status moves before it.
  await head('Status').dragTo(head('Duration'));
  const order = await panelPoll<{ columns: string[] }>(frame, 'status', [], (st) => st.columns.indexOf('attributes.status') === st.columns.indexOf('attributes.duration') - 1, 15_000);
  assert.deepEqual(order.columns.slice(0, 3), ['attributes.start_time', 'attributes.status', 'attributes.duration']);
  const heads = await frame.locator('.column-row .head .head-label').allInnerTexts();
  assert.deepEqual(heads.slice(1, 4), ['Created', 'Status', 'Duration'], 'the headers are drawn in the new order');

  // Hide: Columns → untick Duration; it leaves the header and the layout says so. Tick it again.
  await frame.locator('.tool', { hasText: 'Columns' }).click();
  const durationBox = frame.locator('.chooser-line', { has: frame.locator('label', { hasText: /^Duration$/ }) }).locator('input[type="checkbox"]');
  await durationBox.uncheck();
  await panelPoll<{ columns: string[] }>(frame, 'status', [], (st) => !st.columns.includes('attributes.duration'), 15_000);
  assert.equal(await head('Duration').count(), 0);
  assert.deepEqual((await panelCall<Layout>(frame, 'layout')).hidden, ['attributes.duration']);
  await workbench.screenshot('experiments-table-layout');
  await durationBox.check();
  await panelPoll<{ columns: string[] }>(frame, 'status', [], (st) => st.columns.includes('attributes.duration'), 15_000);
  await frame.locator('.tool', { hasText: 'Columns' }).click();
});

test('queue an experiment with a changed param: queued → running → done; apply it; remove it', { timeout: TEST_TIMEOUT }, async () => {
  try {
    await queueApplyRemove();
  } catch (error) {
    await workbench.screenshot('experiments-table-failed');
    throw error;
  }
});

async function queueApplyRemove(): Promise<void> {
  const before = await tableRows();
  await frame.locator('.tool', { hasText: 'Queue experiment…' }).click();
  // The runner's params picker: change train.epochs, then Run.
  const input = quickInput(workbench.page);
  await input.waitFor({ state: 'visible', timeout: 60_000 });
  await input.fill('train.epochs');
  await workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'train.epochs' }).first().click();
  await input.fill('5');
  await workbench.page.keyboard.press('Enter');
  await workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'train.epochs=5' }).first().waitFor({ timeout: 30_000 });
  await workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'train.epochs=5' }).first().click();

  const seen = new Set<string>();
  const isNew = (r: TableRowView): boolean => r.rowKind === 'experiment' && !before.some((b) => b.id === r.id);
  const queued = await poll(tableRows, (r) => r.some((x) => isNew(x) && x.status === 'queued'), EXPERIMENT_MS, 300);
  seen.add('queued');
  assert.ok(queued.some((x) => isNew(x) && x.cells['params.train.epochs'] === '5'), 'the queued row shows the changed param');

  await frame.locator('.tool', { hasText: 'Start queue worker' }).click();
  const done = await poll(
    async () => {
      const r = await tableRows();
      for (const x of r) if (isNew(x) && x.status) seen.add(x.status);
      return r;
    },
    (r) => r.some((x) => isNew(x) && x.status === 'success' && x.cells['metrics.accuracy'] !== ''),
    EXPERIMENT_MS,
    300,
  );
  assert.deepEqual([...seen].filter((s) => ['queued', 'running', 'success'].includes(s)), ['queued', 'running', 'success']);
  const experiment = done.find((x) => isNew(x) && x.status === 'success')!;
  assert.equal(experiment.cells['params.train.epochs'], '5');
  assert.ok(number(experiment.cells['metrics.accuracy']) > 0);

  // Logs: DVC's own `dvc queue logs` of the experiment, in a task terminal.
  const experimentName = experiment.label.replace(/ \([0-9a-f]{7,}\)$/, '');
  const logLine = (await dvc(project, 'queue', 'logs', experimentName)).split('\n').map((l) => l.trim()).find((l) => l.length >= 12);
  assert.ok(logLine, 'dvc queue logs prints the run');
  await clickRow(experiment.label);
  await frame.locator('.tool:not([disabled])', { hasText: 'Logs' }).click();
  const terminalText = (): Promise<string> => workbench.page.locator('.terminal-wrapper .xterm-rows').allInnerTexts().then((t) => t.join('\n').replace(/\u00a0/g, ' '));
  await poll(terminalText, (t) => t.includes(logLine.slice(0, 24)), 120_000, 500).catch(async (error: Error) => {
    console.log(`[e2e experiments table] terminal: ${(await terminalText()).slice(-2000)}\nexpected a line of: ${logLine}`);
    throw error;
  });
  await workbench.screenshot('experiments-table-logs');

  // Push… to a git remote (a bare repository): DVC's `exp push` puts the experiment's ref there.
  const remote = join(dirname(project), 'exps-remote.git');
  git(dirname(project), 'init', '-q', '--bare', remote);
  git(project, 'remote', 'add', 'e2e-remote', remote);
  await clickRow(experiment.label);
  await frame.locator('.tool:not([disabled])', { hasText: 'Push…' }).click();
  const remoteInput = quickInput(workbench.page);
  await remoteInput.waitFor({ state: 'visible' });
  await remoteInput.fill('e2e-remote');
  await remoteInput.press('Enter');
  await poll(async () => git(project, 'ls-remote', remote), (out) => out.split('\n').some((line) => line.startsWith('refs/exps/', line.indexOf('\t') + 1) && line.endsWith(`/${experimentName}`)), 180_000, 1000);

  // Apply: the workspace gets the experiment's params.
  await clickRow(experiment.label);
  await frame.locator('.tool:not([disabled])', { hasText: 'Apply' }).click();
  assert.match(await confirm('Apply'), /Apply experiment/);
  await poll(async () => readFileSync(join(project, 'params.yaml'), 'utf8'), (text) => /^ {2}epochs: 5$/m.test(text), 180_000, 500);

  // Remove (confirmed): the row and the ref go.
  await clickRow(experiment.label);
  await frame.locator('.tool:not([disabled])', { hasText: 'Remove…' }).click();
  assert.match(await confirm('Remove'), /Remove experiment/);
  await poll(tableRows, (r) => !r.some((x) => x.id === experiment.id), 180_000, 500);
  assert.equal(git(project, 'for-each-ref', 'refs/exps').split('\n').filter((l) => l.includes(experiment.label.split(' ')[0]!)).length, 0);

  // Pull from remote… (the table's DVC tools): the experiment removed here but pushed before comes back
  // from the remote, as the Remove confirmation promised (`dvc exp pull --all-commits e2e-remote`).
  await frame.locator('.tool:not([disabled])', { hasText: 'Pull from remote…' }).click();
  const pullRemote = quickInput(workbench.page);
  await pullRemote.waitFor({ state: 'visible' });
  await poll(() => workbench.page.locator('.quick-input-list .monaco-list-row').allInnerTexts(), (items) => items.some((t) => t.includes('e2e-remote') && t.includes('exps-remote.git')), 15_000);
  await workbench.screenshot('experiments-table-pull-remote');
  await pullRemote.fill('e2e-remote');
  await pullRemote.press('Enter');
  await workbench.pickQuickItem('Experiments of every commit');
  await poll(tableRows, (r) => r.some((x) => x.label.replace(/ \([0-9a-f]{7,}\)$/, '') === experimentName), 180_000, 500);
  assert.equal(git(project, 'for-each-ref', '--format=%(refname)', 'refs/exps').split('\n').filter((l) => l.endsWith(`/${experimentName}`)).length, 1, 'the experiment\'s ref is back');
}

test('star and note a run and a DVC baseline, Starred only, Compare and Metrics from the selection', { timeout: TEST_TIMEOUT }, async () => {
  const uri = `sqlite:///${join(project, 'mlflow.db')}`;
  const before = await tableRows();
  const [runA, runB] = before.filter((r) => r.source === 'mlflow');
  const baseline = before.find((r) => r.rowKind === 'baseline');
  assert.ok(runA && runB && baseline, 'two runs and a baseline to act on');
  const action = (label: string) => frame.locator('.actions .tool', { hasText: label }).first();
  const rowById = (id: string) => frame.locator(`.row[data-row-id="${id.replace(/["\\]/g, '\\$&')}"] .label`);

  // Star a run: MLflow's tag, and the row's star.
  await rowById(runA.id).click();
  await action('Star').click();
  await panelPoll<TableRowView[]>(frame, 'rows', [], (r) => r.find((x) => x.id === runA.id)?.starred === true, 60_000);
  const runId = runA.cells['attributes.run_id']!;
  const tags = await mlflowClient<Record<string, string>>(uri, `out(client.get_run(${JSON.stringify(runId)}).data.tags)`);
  assert.equal(tags['mlWorkbench.starred'], 'true');

  // A note with markup in it: MLflow's note tag holds it as written, the cell shows it as text.
  const note = 'keep <b>this</b> one';
  await action('Note…').click();
  const input = quickInput(workbench.page);
  await input.waitFor({ state: 'visible' });
  await input.fill(note);
  await input.press('Enter');
  await panelPoll<TableRowView[]>(frame, 'rows', [], (r) => r.find((x) => x.id === runA.id)?.cells['attributes.note'] === note, 60_000);
  const noted = await mlflowClient<Record<string, string>>(uri, `out(client.get_run(${JSON.stringify(runId)}).data.tags)`);
  assert.equal(noted['mlflow.note.content'], note);
  assert.equal(await frame.locator('.row b').count(), 0, 'the note is text, not markup');

  // Star the DVC baseline: kept in the workspace's storage, nothing written into the repository.
  const statusBefore = git(project, 'status', '--porcelain');
  await rowById(baseline.id).click();
  await action('Star').click();
  await panelPoll<TableRowView[]>(frame, 'rows', [], (r) => r.find((x) => x.id === baseline.id)?.starred === true, 60_000);
  assert.equal(git(project, 'status', '--porcelain'), statusBefore, 'starring a DVC row changes nothing in the repository');

  // Starred only: exactly the two starred rows.
  await frame.locator('.tool', { hasText: 'Starred only' }).click();
  const starred = await panelPoll<TableStatus>(frame, 'status', [], (s) => s.matched === 2, 30_000);
  assert.equal(starred.matched, 2);
  await frame.locator('.tool', { hasText: 'Starred only' }).click();
  await panelPoll<TableStatus>(frame, 'status', [], (s) => s.matched === s.total, 30_000);

  // Compare two runs (Ctrl+Click adds to the selection): the Compare panel names both.
  await rowById(runA.id).click();
  await rowById(runB.id).click({ modifiers: ['Control'] });
  await action('Compare').click();
  const compare = await webviewContaining(workbench.page, 'Compare 2 runs', 60_000);
  const compareText = await compare.locator('body').innerText();
  for (const row of [runA, runB]) assert.ok(compareText.includes(row.label.replace(/ \([0-9a-f]{7,}\)$/, '')), `the Compare panel names ${row.label}`);

  // Metrics of the same selection: the Metrics panel opens with a chart.
  await workbench.page.locator('.tab', { hasText: /^Experiments/ }).first().click();
  await action('Metrics').click();
  await webviewContaining(workbench.page, 'Smoothing', 60_000);
});
