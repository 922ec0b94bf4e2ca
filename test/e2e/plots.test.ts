/**
 * The Plots panel in a real VS Code (code-server + Chromium), on a repo real DVC wrote
 * (test/fixtures/make_plots_repo.py: three commits, three `dvc exp run` experiments) with two
 * MLflow runs that logged images by step with `mlflow.log_image` (test/fixtures/log_images.py):
 * - the palette's "Show Plots…" offers the workspace, commits, the experiments and the runs;
 * - the programmatic argument `{ dvcRoot, revisions, mlflowRunIds }` (what the Experiments table
 *   sends) opens the workspace, 3 experiments and 2 runs: one colour each, every template drawn,
 *   the datapoints the panel got equal to `dvc plots diff --json --split` for each revision;
 * - a plot file broken in the workspace (a ragged CSV row, a PNG that is text) is said on its plot
 *   and revision while the others draw;
 * - the image grid: DVC's step images and MLflow's log_image steps side by side; moving the step
 *   slider shows that step's images (and says which run has none there);
 * - screenshots of the charts and of the image grid in every theme and size.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { env, pythonEnv, REPO_ROOT } from '../support/python';
import { toolEnv } from './support/dvcProject';
import { removeTree } from './support/processes';
import { poll } from './support/runsTree';
import { screenshotVariants } from './support/themes';
import { ensureVsix } from './support/vsix';
import { panelCall, panelFrame, panelPoll } from './support/webviews';
import { startWorkbench, type Workbench } from './support/workbench';

const EXPERIMENTS = ['exp-four', 'exp-five', 'exp-six'];

interface Fixture {
  readonly dir: string;
  readonly runs: { a: { id: string }; b: { id: string } };
}

interface Shown {
  title: string;
  legend: string[];
  problems: string[];
  plots: { id: string; kind: string; problems: string[]; step: string | null; cells: { rev: string; state: string; text: string; naturalWidth: number }[]; canvas: { width: number } | null; matrices: number; bars: number }[];
}

let workbench: Workbench;
let fixture: Fixture;

/** The repo with its runs, built once per version of the fixture scripts (about 2 minutes) and copied per test run (the runs' artifacts are read from the build). */
async function makeFixture(): Promise<Fixture> {
  const python = await pythonEnv();
  const scripts = ['make_plots_repo.py', 'log_images.py'].map((name) => join(REPO_ROOT, 'test', 'fixtures', name));
  const hash = createHash('sha256');
  // 'in-place': builds before this one made their runs' artifacts elsewhere and must not be reused.
  hash.update('in-place');
  for (const script of scripts) hash.update(readFileSync(script));
  const cache = join(process.env.ML_WORKBENCH_CACHE ?? join(homedir(), '.cache', 'ml-workbench'), 'e2e');
  const built = join(cache, `plots-${hash.digest('hex').slice(0, 12)}`);
  if (!existsSync(join(built, 'runs.json')) || !existsSync(join(built, 'repo', 'mlruns'))) {
    // Built where it stays: MLflow's store records each run's artifact folder as an absolute path
    // (resolved from the working directory when the experiment is made), so a build that is renamed
    // or made in another folder lists no artifacts. runs.json, written last, marks it complete.
    rmSync(built, { recursive: true, force: true });
    mkdirSync(built, { recursive: true });
    const repo = join(built, 'repo');
    execFileSync(python.python, [scripts[0]!, '--out', repo, '--third-experiment'], { env: toolEnv(), stdio: ['ignore', 'ignore', 'pipe'], timeout: 15 * 60_000 });
    const runs = execFileSync(python.python, [scripts[1]!, '--out', repo], { cwd: repo, env: env(python), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5 * 60_000 });
    writeFileSync(join(built, 'runs.json'), runs);
  }
  const copy = join(mkdtempSync(join(tmpdir(), 'mlw-plots-e2e-')), 'repo');
  cpSync(join(built, 'repo'), copy, { recursive: true, verbatimSymlinks: true });
  return { dir: copy, runs: JSON.parse(readFileSync(join(built, 'runs.json'), 'utf8')) as Fixture['runs'] };
}

before(async () => {
  const vsix = ensureVsix();
  fixture = await makeFixture();
  // Broken in the workspace only: a ragged CSV row (replacing the DVC-cached file, never writing
  // through it into the cache) and a PNG that is text.
  for (const [path, text] of [
    ['plots/loss.csv', 'step,loss,acc\n0,1.0,0.5\n1,0.5,0.6,extra\n'],
    ['plots/sample.png', '<html>this is not a PNG</html>'],
  ] as const) {
    rmSync(join(fixture.dir, path), { force: true });
    writeFileSync(join(fixture.dir, path), text);
  }
  const request = { dvcRoot: fixture.dir, revisions: ['workspace', ...EXPERIMENTS], mlflowRunIds: [fixture.runs.a.id, fixture.runs.b.id] };
  workbench = await startWorkbench({
    workspace: fixture.dir,
    vsix,
    settings: { 'workbench.view.alwaysShowHeaderActions': true },
    keybindings: [{ key: 'ctrl+alt+shift+p', command: 'mlWorkbench.showPlots', args: request }],
  });
});

after(async () => {
  const problems = workbench?.extensionHostLog().split('\n').filter((line) => /\[(warning|error)\]/.test(line) && !/github|open-vsx|vsda|copilot/i.test(line));
  console.log(`[e2e plots] extension log warnings/errors: ${problems?.length ? `\n${problems.join('\n')}` : 'none'}`);
  await workbench?.stop();
  if (fixture) await removeTree(dirname(fixture.dir));
});

async function step(name: string, body: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await body();
    console.log(`[e2e plots] ${name}: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    const shot = await workbench.screenshot(`plots-${name}-failure`).catch((e: unknown) => `(no screenshot: ${String(e)})`);
    console.error(`[e2e plots] ${name} failed; screenshot ${shot}\n${workbench.diagnostics()}`);
    throw error;
  }
}

const shown = (frame: Frame): Promise<Shown> => panelCall<Shown>(frame, 'shown');

async function dvcDiff(revisions: readonly string[]): Promise<Record<string, { type: string; revisions: string[]; anchor_definitions?: Record<string, unknown> }[]>> {
  const out = execFileSync('dvc', ['plots', 'diff', '--json', '--split', ...revisions], { cwd: fixture.dir, env: toolEnv(), maxBuffer: 64 << 20, encoding: 'utf8' });
  return (JSON.parse(out) as { data: Record<string, never> }).data;
}

test('Plots panel: 3 DVC experiments and 2 MLflow runs side by side, a broken plot said, the image grid by step', { timeout: 600_000 }, async () => {
  await step('palette-picker', async () => {
    // Contributed commands reach the palette once the extension is loaded: its view container shows then.
    await workbench.openContainer('ML Workbench');
    await workbench.runCommand('ML Workbench: Show Plots…');
    const labels = async (): Promise<string[]> => workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allTextContents();
    const offered = await poll(labels, (l) => l.length >= 9, 60_000);
    for (const expected of ['workspace', ...EXPERIMENTS, fixture.runs.a.id, fixture.runs.b.id]) assert.ok(offered.some((x) => x.includes(expected)), `${expected} in ${JSON.stringify(offered)}`);
    await workbench.screenshot('plots-picker-dark');
    await workbench.page.keyboard.press('Escape');
  });

  let frame!: Frame;
  await step('open', async () => {
    await workbench.page.locator('.monaco-workbench').click({ position: { x: 800, y: 400 } });
    await workbench.page.keyboard.press('Control+Alt+Shift+P');
    frame = await panelFrame(workbench.page, 'exp-six', 120_000);
    const view = await panelPoll<Shown>(frame, 'shown', [], (s) => s.legend.length === 6 && s.plots.length > 10, 120_000);
    assert.deepEqual(view.legend, ['workspace', ...EXPERIMENTS, 'a', 'b']);
    assert.deepEqual(view.problems, []);
  });

  await step('datapoints-equal-dvc', async () => {
    type Model = { revisions: { id: string; color: number }[]; plots: { id: string; kind: string; series?: { rev: string; x: number[] }[]; matrices?: { rev: string; counts: number[][] }[]; groups?: { rev: string; bars: unknown[] }[] }[] };
    const model = await panelCall<Model>(frame, 'model');
    assert.equal(new Set(model.revisions.map((r) => r.color)).size, 6, 'a colour per revision');
    const dvc = await dvcDiff(EXPERIMENTS);
    let compared = 0;
    for (const [id, items] of Object.entries(dvc)) {
      const item = items[0]!;
      if (item.type !== 'vega') continue;
      const plot = model.plots.find((p) => p.id === id)!;
      const data = item.anchor_definitions!['<DVC_METRIC_DATA>'] as { rev: string }[];
      for (const rev of EXPERIMENTS) {
        const count = data.filter((d) => d.rev === rev).length;
        const ours = plot.kind === 'xy' ? plot.series!.filter((s) => s.rev === rev).reduce((n, s) => n + s.x.length, 0) : plot.kind === 'confusion' ? plot.matrices!.find((m) => m.rev === rev)!.counts.flat().reduce((a, b) => a + b, 0) : plot.groups!.find((g) => g.rev === rev)!.bars.length;
        assert.equal(ours, count, `${id} @ ${rev}`);
        compared++;
      }
    }
    assert.ok(compared >= 30, `compared ${compared}`);
  });

  await step('charts-and-errors', async () => {
    const view = await shown(frame);
    const plot = (id: string) => view.plots.find((p) => p.id === id)!;
    assert.ok(plot('loss_vs_acc').canvas!.width > 200);
    assert.equal(plot('plots/cm.csv').matrices, 4);
    assert.ok(plot('plots/importance.json').bars >= 16);
    // The ragged row: said on the loss plots, for the workspace only; the experiments still draw.
    assert.equal(plot('plots/loss.csv').problems.length, 1, JSON.stringify(plot('plots/loss.csv')));
    assert.match(plot('plots/loss.csv').problems[0]!, /^workspace: .*line 3: 4 fields, but the header has 3/);
    assert.ok(plot('plots/loss.csv').canvas);
    const sample = plot('plots/sample.png');
    assert.deepEqual(sample.cells.map((c) => [c.rev, c.state]), [['workspace', 'problem'], ...EXPERIMENTS.map((e) => [e, 'image'])]);
    assert.match(sample.cells[0]!.text, /not a PNG, JPEG, GIF or SVG image/);
    await screenshotVariants(workbench, 'plots-charts', { settle: () => workbench.page.waitForTimeout(600) });
  });

  await step('image-grid-step-slider', async () => {
    await frame.evaluate(() => (globalThis as any).document.querySelector('.section-title')?.scrollIntoView());
    const digits = (s: Shown) => s.plots.find((p) => p.id === 'mlflow:key:digits')!;
    // The image plot may not be listed yet when the step starts (a loaded CI machine): wait for it too.
    let view = await panelPoll<Shown>(frame, 'shown', [], (s) => s.plots.some((p) => p.id === 'mlflow:key:digits') && digits(s).cells.every((c) => c.state !== 'loading'), 60_000);
    assert.equal(digits(view).step, 'Step 2');
    assert.deepEqual(digits(view).cells.map((c) => [c.rev, c.state, c.naturalWidth]), [[`mlflow:${fixture.runs.a.id}`, 'image', 8], [`mlflow:${fixture.runs.b.id}`, 'image', 8]]);
    await frame.locator('section[data-plot="mlflow:key:digits"] input.step-slider').fill('0');
    view = await panelPoll<Shown>(frame, 'shown', [], (s) => digits(s).step === 'Step 0' && digits(s).cells.every((c) => c.state !== 'loading'), 30_000);
    assert.deepEqual(digits(view).cells.map((c) => c.state), ['image', 'empty']);
    assert.match(digits(view).cells[1]!.text, /No image at step 0/);
    const dvcSteps = view.plots.find((p) => p.id === 'plots/images/step_{step}/x.png')!;
    assert.equal(dvcSteps.cells.length, 4);
    await frame.locator('section[data-plot="plots/images/step_{step}/x.png"] input.step-slider').fill('1');
    await panelPoll<Shown>(frame, 'shown', [], (s) => s.plots.find((p) => p.id === 'plots/images/step_{step}/x.png')!.step === 'Step 1' && s.plots.every((p) => p.cells.every((c) => c.state !== 'loading')), 30_000);
    // The stepped groups come first: DVC's step images, then MLflow's log_image steps.
    const showGrid = (): Promise<void> => frame.evaluate(() => (globalThis as any).document.querySelector('.section-title')?.scrollIntoView());
    await screenshotVariants(workbench, 'plots-images', {
      settle: async () => {
        await workbench.page.waitForTimeout(600);
        await showGrid();
      },
    });
  });
});
