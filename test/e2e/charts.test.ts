/**
 * The Metrics and Compare Runs panels in a real VS Code (code-server + Chromium), on a file store
 * logged by real MLflow (fixtures/make_chart_store.py), every plotted value checked against
 * MLflow's own `get_metric_history`:
 * - a metric row of the Runs view opens its chart; the palette's "Open Metrics Charts" opens the
 *   charts of runs picked there; the plotted points are MLflow's points (downsampled: each one of
 *   them, first and last kept; small histories: all of them), NaN/±Infinity marked as gaps;
 * - log scale, smoothing and the relative-time axis change what is drawn; a drag zooms and the
 *   host answers with that window at full detail, equal to MLflow's points in it;
 * - Export CSV at full resolution writes MLflow's rows;
 * - a run named `<img src=x onerror=…>` and a metric key with `</script>` show as text, nothing runs;
 * - after a reload the panel comes back (serializer); Compare Runs lists the runs, and a click on
 *   a run there selects it in the Runs view;
 * - screenshots in the dark and light themes.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { env, pythonEnv, REPO_ROOT } from '../support/python';
import { mlflowClient } from './support/interactions';
import { sleep } from './support/processes';
import { expandPath, poll, quickInput } from './support/runsTree';
import { ensureVsix } from './support/vsix';
import { panelCall, panelFrame, panelPoll } from './support/webviews';
import { withWorkbench, type Workbench } from './support/workbench';

const CONTAINER = 'ML Workbench';
const RUNS = 'Runs';
const EXPERIMENT = 'charts';
const HOSTILE_NAME = '<img src=x onerror="window.pwned=1">';
const HOSTILE_KEY = '</script><b>bold</b>';

interface Point {
  step: number;
  timestamp: number;
  value: number | string;
}
interface Shown {
  window: [number, number] | null;
  series: { runId: string; x: number[]; y: (number | null)[]; flags: number[]; full: boolean; total: number; sample: boolean }[];
}

let vsix: string;
let workspace: string;
let uri: string;
let ids: Record<string, string>;
const histories = new Map<string, Point[]>();

before(async () => {
  vsix = ensureVsix();
  const python = await pythonEnv();
  workspace = mkdtempSync(join(tmpdir(), 'mlw-charts-'));
  const out = execFileSync(python.python, [join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'make_chart_store.py'), workspace], { env: env(python), encoding: 'utf8' });
  ids = JSON.parse(out.trim().split('\n').pop()!) as Record<string, string>;
  uri = `file://${join(workspace, 'mlruns')}`;
  const answer = await mlflowClient<Record<string, Point[]>>(
    uri,
    `
import math
result = {}
for run_id in args:
    for key in ("loss", "accuracy"):
        points = client.get_metric_history(run_id, key)
        result[run_id + "/" + key] = [{"step": m.step, "timestamp": m.timestamp, "value": m.value if math.isfinite(m.value) else repr(m.value)} for m in points]
out(result)
`,
    ...Object.values(ids),
  );
  for (const [key, points] of Object.entries(answer)) histories.set(key, points);
});

after(() => rmSync(workspace, { recursive: true, force: true }));

const history = (run: string, key: string): Point[] => histories.get(`${ids[run]}/${key}`)!;

/** Every drawn point is one of MLflow's (same step, same value; NaN/±Infinity flagged). */
function assertPointsAreMlflows(series: Shown['series'][number], points: readonly Point[], label: string): void {
  const byStep = new Map(points.map((p) => [p.step, p.value]));
  series.x.forEach((x, i) => {
    assert.ok(byStep.has(x), `${label}: step ${x} is not in MLflow's history`);
    const expected = byStep.get(x)!;
    if (typeof expected === 'string') assert.notEqual(series.flags[i], 0, `${label}: step ${x} is ${expected} in MLflow, drawn as ${series.y[i]}`);
    else assert.equal(series.y[i], expected, `${label}: value at step ${x}`);
  });
}

/** Runs `command`, ticks each of `runs` in its multi-select quick pick, and accepts. */
async function pickRunsFromPalette(workbench: Workbench, command: string, runs: readonly string[]): Promise<void> {
  const page = workbench.page;
  await workbench.runCommand(command);
  const input = quickInput(page);
  await input.waitFor({ state: 'visible' });
  // The widget is shared: wait until the command palette ('>…') has handed over to the pick. A
  // click a loaded machine lost leaves the palette open on the command: Enter runs it.
  const handedOver = async (): Promise<boolean> => page.waitForFunction(() => !String(((globalThis as any).document.querySelector('.quick-input-widget .quick-input-box input') as { value?: string } | null)?.value ?? '>').startsWith('>'), undefined, { timeout: 10_000 }).then(() => true, () => false);
  if (!(await handedOver())) {
    await page.keyboard.press('Enter');
    assert.ok(await handedOver(), `${command} opened its pick`);
  }
  // The runs load behind a busy bar; the box takes typing once they are listed.
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  for (const [i, run] of runs.entries()) {
    await input.fill(run);
    const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: run }) }).first();
    await row.waitFor({ state: 'visible' });
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('.quick-input-list .monaco-list-row').length === n, 1);
    await row.locator('.quick-input-list-checkbox, input[type=checkbox], .monaco-checkbox').first().click();
    await page.locator('.quick-input-count', { hasText: `${i + 1} Selected` }).waitFor({ state: 'visible' });
  }
  // Enter would toggle the focused checkbox again: accept with the OK button.
  await page.locator('.quick-input-action a, .quick-input-action .monaco-button', { hasText: 'OK' }).first().click();
  await input.waitFor({ state: 'hidden' });
}

test('metric charts: points equal MLflow’s, log/smoothing/axis, zoom to full detail, CSV export, hostile names as text, restore, compare, both themes', { timeout: 600_000 }, async () => {
  await withWorkbench('charts', { workspace, vsix }, async (workbench) => {
    const page = workbench.page;
    await workbench.openContainer(CONTAINER);

    // 1. A metric row opens its chart: one run, one metric, all 300 points (NaN/±Inf flagged).
    for (const path of [[EXPERIMENT], [EXPERIMENT, 'baseline'], [EXPERIMENT, 'baseline', 'Metrics']]) await expandPath(workbench, RUNS, path);
    await workbench.treeRow('loss', RUNS).click();
    let frame = await panelFrame(page, 'Smoothing');
    const baseline = await panelPoll<Shown>(frame, 'shown', ['loss'], (s) => s?.series.length === 1);
    assert.equal(baseline.series[0]!.total, 300);
    assert.equal(baseline.series[0]!.x.length, 300, 'a 300-point history is drawn whole');
    assert.ok(baseline.series[0]!.full);
    assertPointsAreMlflows(baseline.series[0]!, history('baseline', 'loss'), 'baseline loss');
    assert.deepEqual([50, 100, 150].map((step) => baseline.series[0]!.flags[baseline.series[0]!.x.indexOf(step)]), [1, 2, 4], 'NaN, +Inf, -Inf flagged');
    assert.match(await frame.locator('.chart-note').first().innerText(), /1 NaN, 1 \+∞, 1 −∞ shown as gaps/);
    await workbench.screenshot('charts-one-metric');

    // 2. From the palette: three runs (one named with markup), every metric, one line per run.
    await pickRunsFromPalette(workbench, 'ML Workbench: Open Metrics Charts', ['baseline', 'long-run', 'onerror']);
    frame = await panelFrame(page, 'long-run');
    const keys = await panelPoll<string[]>(frame, 'keys', [], (k) => k.length === 3);
    assert.deepEqual(keys, [HOSTILE_KEY, 'accuracy', 'loss'].sort((a, b) => a.localeCompare(b)));
    // long-run's 20,000-point file is long enough to be drawn from a sample first when the panel
    // is ready before the whole file is read: wait for every point.
    const loss = await panelPoll<Shown>(frame, 'shown', ['loss'], (s) => s?.series.length === 3 && s.series.every((r) => !r.sample));
    const drawnFrom = await panelCall<{ snapshots: number; samples: number; refined: number }>(frame, 'updates');
    console.log(`[e2e charts] three runs: ${drawnFrom.samples} sample snapshot(s), ${drawnFrom.refined} applied in place, ${drawnFrom.snapshots} in all`);
    assert.equal(drawnFrom.refined, drawnFrom.samples, 'every sample was replaced in place by every point');
    const longRun = loss.series.find((s) => s.runId === ids['long-run'])!;
    assert.equal(longRun.total, 20_000);
    assert.ok(!longRun.full && longRun.x.length < 4_000 && longRun.x.length > 200, `long-run is downsampled (${longRun.x.length} points)`);
    assert.equal(longRun.x[0], 0, 'first point kept');
    assert.equal(longRun.x.at(-1), 19_999, 'last point kept');
    assertPointsAreMlflows(longRun, history('long-run', 'loss'), 'long-run loss (downsampled)');
    assertPointsAreMlflows(loss.series.find((s) => s.runId === ids[HOSTILE_NAME])!, history(HOSTILE_NAME, 'loss'), 'hostile-name loss');

    // 3. Hostile names are text: the legend shows them, no <img>/<b> exists, nothing ran.
    const body = await frame.locator('body').innerText();
    assert.ok(body.includes(HOSTILE_NAME), 'the markup run name shows as text');
    assert.ok(body.includes(HOSTILE_KEY), 'the </script> metric key shows as text');
    assert.equal(await frame.locator('img, b').count(), 0, 'no element was made from run data');
    assert.equal(await frame.evaluate('window.pwned'), undefined, 'no handler ran');
    // The page's CSP: nothing but our nonce'd bundle runs; an injected inline script is refused.
    const csp = await frame.evaluate<string>('document.querySelector(\'meta[http-equiv="Content-Security-Policy"]\').content');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]{20,}'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/);
    await frame.evaluate("(() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.body.append(s); })()");
    assert.equal(await frame.evaluate('window.injected'), undefined, 'an inline script without the nonce does not run');
    await workbench.screenshot('charts-three-runs-dark');

    // 4. Log scale and smoothing change the view state the charts draw with.
    await frame.locator('#log-scale').click();
    await panelPoll<{ yScale: string }>(frame, 'view', [], (v) => v.yScale === 'log');
    await frame.locator('#smoothing').evaluate((input: any) => {
      input.value = '0.8';
      input.dispatchEvent(new Event('input'));
    });
    await panelPoll<{ smoothing: number }>(frame, 'view', [], (v) => v.smoothing === 0.8);
    await workbench.screenshot('charts-log-smoothed');

    // 5. Relative time: the host re-sends x as seconds since each run's start.
    await frame.locator('#x-axis').evaluate((select: any) => {
      select.value = 'relative';
      select.dispatchEvent(new Event('change'));
    });
    const relative = await panelPoll<Shown>(frame, 'shown', ['accuracy'], (s) => s?.series.some((r) => r.runId === ids['baseline'] && r.x[1] === 1.5));
    const baselineAccuracy = relative.series.find((s) => s.runId === ids['baseline'])!;
    const points = history('baseline', 'accuracy');
    assert.deepEqual(baselineAccuracy.x.slice(0, 5), points.slice(0, 5).map((p) => (p.timestamp - points[0]!.timestamp) / 1000));
    await frame.locator('#x-axis').evaluate((select: any) => {
      select.value = 'step';
      select.dispatchEvent(new Event('change'));
    });
    await panelPoll<Shown>(frame, 'shown', ['accuracy'], (s) => s?.series.some((r) => r.runId === ids['baseline'] && r.x[1] === 1 && r.x[299] === 299));
    await frame.locator('#log-scale').click();
    await panelPoll<{ yScale: string }>(frame, 'view', [], (v) => v.yScale === 'linear');

    // 6. Drag across part of the loss chart: that window comes back at full detail, MLflow's points.
    const plot = frame.locator('section.chart[data-metric="loss"] .u-over');
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.43, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const zoomed = await panelPoll<Shown>(frame, 'shown', ['loss'], (s) => s?.window !== null && s.series.some((r) => r.runId === ids['long-run'] && r.full), 30_000);
    const [from, to] = zoomed.window!;
    const inside = history('long-run', 'loss').filter((p) => p.step >= from && p.step <= to);
    const detail = zoomed.series.find((s) => s.runId === ids['long-run'])!;
    assert.ok(inside.length > 100, `the window holds ${inside.length} points`);
    const drawnInside = detail.x.filter((x) => x >= from && x <= to);
    assert.deepEqual(drawnInside, inside.map((p) => p.step), 'every point of the window, at full detail');
    assertPointsAreMlflows(detail, history('long-run', 'loss'), 'long-run loss (zoomed)');
    await workbench.screenshot('charts-zoomed');

    // 7. Export CSV at full resolution: the save dialog proposes <key>.csv in the workspace.
    await frame.locator('section.chart[data-metric="accuracy"] button[aria-label="Export CSV at full resolution"]').click();
    const input = quickInput(page);
    await input.waitFor({ state: 'visible' });
    // The simple file dialog fills its path in steps: wait for the proposed file name.
    await poll(() => input.inputValue(), (value) => value.endsWith('accuracy.csv'), 15_000);
    await page.keyboard.press('Enter');
    const csvPath = join(workspace, 'accuracy.csv');
    const csv = await poll(async () => (existsSync(csvPath) ? readFileSync(csvPath, 'utf8').split('\r\n') : []), (lines) => lines.length > 1, 30_000);
    const expectedRows = ['baseline', 'long-run', HOSTILE_NAME].flatMap((run) => history(run, 'accuracy').map((p) => [ids[run], run, 'accuracy', p.step, p.timestamp, p.value]));
    assert.equal(csv[0], 'run_id,run_name,key,step,timestamp,value');
    const rows = csv.slice(1).filter(Boolean).map((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, '').replace(/^"(.*)"$/s, '$1').replace(/""/g, '"')));
    assert.equal(rows.length, expectedRows.length, 'one row per point of every run');
    const byRun = new Map(expectedRows.map((r) => [`${r[0]}/${r[3]}`, r]));
    for (const row of rows) {
      const expected = byRun.get(`${row[0]}/${row[3]}`);
      assert.ok(expected, `unexpected row ${row.join(',')}`);
      assert.deepEqual([row[1], row[2], Number(row[4]), Number(row[5])], [expected[1], expected[2], expected[4], expected[5]]);
    }

    // 7b. Export PNG: a real PNG lands where the dialog says.
    await frame.locator('section.chart[data-metric="accuracy"] button[aria-label="Export PNG"]').click();
    await input.waitFor({ state: 'visible' });
    await poll(() => input.inputValue(), (value) => value.endsWith('accuracy.png'), 15_000);
    await page.keyboard.press('Enter');
    const pngPath = join(workspace, 'accuracy.png');
    const png = await poll(async () => (existsSync(pngPath) ? readFileSync(pngPath) : Buffer.alloc(0)), (bytes) => bytes.length > 1000, 30_000);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');

    // 8. Reload: VS Code restores the panel through our serializer, with its charts.
    // Through VS Code's own Reload Window: it shuts the window down (its storage, with the panel's
    // state, is flushed) as a user's reload does. A bare page reload can cut that flush short, and
    // the panel then has nothing to come back from.
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await workbench.runCommand('Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    frame = await panelFrame(page, 'long-run', 90_000).catch(async (error: Error) => {
      const tabs = await page.locator('.tabs-container .tab').allInnerTexts().catch(() => []);
      throw new Error(`${error.message}; editor tabs after the reload: ${JSON.stringify(tabs)}`);
    });
    await panelPoll<string[]>(frame, 'keys', [], (k) => k.length === 3, 60_000);

    // 9. Compare Runs from the palette; a click on a run selects it in the Runs view.
    await pickRunsFromPalette(workbench, 'ML Workbench: Compare Runs', ['baseline', 'long-run', 'onerror']);
    const compare = await panelFrame(page, 'Parameters → metric');
    const compared = await panelPoll<{ name: string }[]>(compare, 'rows', [], (r) => r.length === 3);
    assert.deepEqual(compared.map((r) => r.name).sort(), ['baseline', 'long-run', HOSTILE_NAME].sort());
    const columns = await panelCall<{ id: string; differs: boolean }[]>(compare, 'columns');
    assert.ok(columns.find((c) => c.id === 'params.lr')?.differs, 'params.lr differs');
    assert.equal(columns.find((c) => c.id === 'params.solver')?.differs, true);
    await compare.locator('button.run-name', { hasText: 'long-run' }).click();
    await poll(() => workbench.treeRow('long-run', RUNS).getAttribute('aria-selected'), (v) => v === 'true', 30_000);
    // …and the reverse: selecting a run in the Runs view highlights it in the panel.
    await workbench.treeRow('baseline', RUNS).click();
    await panelPoll<string | null>(compare, 'selected', [], (id) => id === ids['baseline']);
    // (A click on a run also opens its Run panel: back to the comparison.)
    await page.locator('.tab', { hasText: 'Compare 3 runs' }).first().click();
    await sleep(500);
    await workbench.screenshot('compare-dark');

    // 10. Light theme: the panels re-theme (the body class changes, charts redraw).
    await workbench.runCommand('Preferences: Color Theme');
    await quickInput(page).fill('Light Modern');
    await page.keyboard.press('Enter');
    await poll(() => compare.evaluate<string>('document.body.className'), (c) => c.includes('vscode-light'), 30_000);
    await workbench.screenshot('compare-light');
    await page.locator('.tab', { hasText: 'Metrics: 3 runs' }).first().click();
    await sleep(1000);
    await workbench.screenshot('charts-three-runs-light');
  });
});


test('a RUNNING run’s chart extends as MLflow logs new points: appended, never rebuilt', { timeout: 300_000 }, async () => {
  const python = await pythonEnv();
  const go = join(workspace, 'go');
  const logger = spawn(python.python, [join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'live_chart_run.py'), uri, go], { env: env(python), stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let out = '';
    logger.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const runId = (await poll(async () => out.trim(), (text) => /^[0-9a-f]{32}$/.test(text), 60_000)).trim();
    await withWorkbench('charts-live', { workspace, vsix, settings: { 'mlWorkbench.charts.liveIntervalSeconds': 1 } }, async (workbench) => {
      await workbench.openContainer(CONTAINER);
      await pickRunsFromPalette(workbench, 'ML Workbench: Open Metrics Charts', ['live-run']);
      const frame = await panelFrame(workbench.page, 'live-run');
      const first = await panelPoll<Shown>(frame, 'shown', ['loss'], (s) => s?.series[0]?.total === 5);
      assert.deepEqual(first.series[0]!.x, [0, 1, 2, 3, 4]);
      writeFileSync(go, '');
      const grown = await panelPoll<Shown>(frame, 'shown', ['loss'], (s) => s?.series[0]?.total === 25, 90_000);
      assert.deepEqual(grown.series[0]!.x, Array.from({ length: 25 }, (_, i) => i), 'every logged step, in order');
      const expected = await mlflowClient<number[]>(uri, 'out([m.value for m in client.get_metric_history(args[0], "loss")])', runId);
      assert.deepEqual(grown.series[0]!.y, expected, "the values MLflow's client reads");
      const updates = await panelCall<{ snapshots: number; appends: number }>(frame, 'updates');
      assert.equal(updates.snapshots, 1, 'the panel was never rebuilt');
      assert.ok(updates.appends >= 2, `points arrived in ${updates.appends} appends`);
      await workbench.screenshot('charts-live');
    });
  } finally {
    logger.kill();
  }
});
