/**
 * `ml-workbench plots-diff` against `dvc plots diff --json --split` on repos real DVC wrote
 * (test/fixtures/make_plots_repo.py): for every plot and revision, the same datapoints (DVC's
 * `<DVC_METRIC_DATA>` anchor), the same revisions, title and axis labels, the same image bytes.
 * Revisions: the workspace, three commits and two `dvc exp run` experiments; files come from git,
 * the workspace and the DVC cache. Bad input: each problem is reported on its plot and revision,
 * and everything else still equals DVC's answer.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main';
import { DvcPlots } from '../../src/core/dvc/plots/collect';
import type { ImagePlot, ImageRevision, PlotsResult, VegaPlot } from '../../src/core/dvc/plots/model';
import type { BarPlot, ConfusionPlot, ImageGroupPlot, XYPlot } from '../../src/core/plots/model';
import { PlotsSession } from '../../src/core/plots/session';
import { confusionMatrix, labelOf, numberOf } from '../../src/core/plots/shape';
import { env, pythonEnv, REPO_ROOT } from '../support/python';

const run = promisify(execFile);
const temporary: string[] = [];

interface Made {
  readonly dir: string;
  readonly commits: string[];
  readonly experiments: string[];
}

interface DvcItem {
  readonly type: 'vega' | 'image';
  readonly revisions: string[];
  readonly url?: string;
  readonly content?: unknown;
  readonly anchor_definitions?: Record<string, unknown>;
}

interface DvcPlotsJson {
  readonly data: Record<string, DvcItem[]>;
  readonly errors?: { name?: string; rev: string; source?: string; type: string; msg: string }[];
}

async function makeRepo(...flags: string[]): Promise<Made> {
  const python = await pythonEnv();
  const dir = mkdtempSync(join(tmpdir(), 'mlw-plots-'));
  temporary.push(dir);
  const script = join(REPO_ROOT, 'test', 'fixtures', 'make_plots_repo.py');
  const { stdout } = await run(python.python, [script, '--out', dir, ...flags], { env: env(python), maxBuffer: 1 << 20, timeout: 900_000 });
  return JSON.parse(stdout) as Made;
}

async function dvcPlotsDiff(dir: string, revs: readonly string[]): Promise<DvcPlotsJson> {
  const { stdout } = await run('dvc', ['plots', 'diff', '--json', '--split', ...revs], { cwd: dir, env: env(), maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as DvcPlotsJson;
}

async function ours(dir: string, revs: readonly string[]): Promise<PlotsResult> {
  let out = '';
  let err = '';
  const code = await main(['plots-diff', '--repo', dir, ...revs, '--json', '--no-stat-cache'], { out: (s) => (out += s), err: (s) => (err += s) });
  assert.equal(err, '');
  assert.equal(code, 0);
  return JSON.parse(out) as PlotsResult;
}

/** Every plot and revision DVC answers: the same datapoints, labels and image bytes. */
async function assertSameAsDvc(dir: string, dvc: DvcPlotsJson, result: PlotsResult, notImages: readonly string[] = []): Promise<number> {
  const reader = new DvcPlots(dir);
  let compared = 0;
  try {
    for (const [id, items] of Object.entries(dvc.data)) {
      const plot = result.plots.find((p) => p.id === id);
      assert.ok(plot, `plot ${id} is missing`);
      for (const item of items) {
        if (item.type === 'image') {
          assert.equal(plot.kind, 'image', id);
          const [rev] = item.revisions;
          // DVC passes any bytes on as an image; ours says which are not one.
          if (notImages.includes(`${id}@${rev}`)) {
            assert.deepEqual(plot.errors.filter((e) => e.rev === rev).map((e) => e.reason), ['not-an-image']);
            continue;
          }
          const image: ImageRevision | undefined = (plot as ImagePlot).revisions.find((r) => r.rev === rev);
          assert.ok(image, `${id} @ ${rev}: no image`);
          assert.deepEqual(await reader.readFile(image.ref), readFileSync(item.url!), `${id} @ ${rev}: image bytes`);
          compared++;
          continue;
        }
        assert.equal(plot.kind, 'vega', id);
        const vega = plot as VegaPlot;
        const anchors = item.anchor_definitions!;
        const data = anchors['<DVC_METRIC_DATA>'] as { rev: string }[];
        assert.deepEqual(vega.revisions, item.revisions, `${id}: revisions`);
        for (const rev of item.revisions) {
          assert.deepEqual(vega.datapoints[rev], data.filter((d) => d.rev === rev), `${id} @ ${rev}: datapoints`);
          compared++;
        }
        assert.equal(vega.title, anchors['<DVC_METRIC_TITLE>'], `${id}: title`);
        assert.equal(vega.xLabel, anchors['<DVC_METRIC_X_LABEL>'], `${id}: x label`);
        assert.equal(vega.yLabel, anchors['<DVC_METRIC_Y_LABEL>'], `${id}: y label`);
      }
    }
  } finally {
    reader.dispose();
  }
  return compared;
}

/**
 * Where DVC's rendered spec differs from a dvc-render template (undefined when it is that template):
 * the template's x and y anchors must be filled with `fixed`; any other anchor may hold anything
 * (DVC fills them from the data, or leaves them for the split anchor definitions).
 */
function specMismatch(template: unknown, spec: unknown, fixed: Record<string, string>, at: string): string | undefined {
  if (typeof template === 'string' && /^<DVC_METRIC_[A-Z_]+>$/.test(template)) {
    return template in fixed && spec !== fixed[template] ? `${at}: ${JSON.stringify(spec)}, not ${JSON.stringify(fixed[template])} (${template})` : undefined;
  }
  if (Array.isArray(template)) {
    if (!Array.isArray(spec) || spec.length !== template.length) return `${at}: ${JSON.stringify(spec)} is not a list of ${template.length}`;
    for (let i = 0; i < template.length; i++) {
      const problem = specMismatch(template[i], spec[i], fixed, `${at}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (template !== null && typeof template === 'object') {
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return `${at}: ${JSON.stringify(spec)} is not an object`;
    const keys = Object.keys(template).sort();
    if (JSON.stringify(keys) !== JSON.stringify(Object.keys(spec).sort())) return `${at}: keys ${Object.keys(spec).sort().join(',')}, not ${keys.join(',')}`;
    for (const key of keys) {
      const problem = specMismatch((template as Record<string, unknown>)[key], (spec as Record<string, unknown>)[key], fixed, `${at}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  }
  return template === spec ? undefined : `${at}: ${JSON.stringify(spec)}, not ${JSON.stringify(template)}`;
}

after(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('plots of 3 commits, 2 experiments and the workspace', () => {
  let made: Made;
  let revs: string[];
  let dvc: DvcPlotsJson;
  let result: PlotsResult;

  before(async () => {
    made = await makeRepo();
    revs = ['workspace', made.commits[0]!, made.commits[1]!.slice(0, 9), 'main', ...made.experiments];
    dvc = await dvcPlotsDiff(made.dir, revs);
    result = await ours(made.dir, revs);
  });

  test('every plot of every revision equals dvc plots diff --json --split', async () => {
    assert.equal(dvc.errors, undefined);
    assert.deepEqual(result.errors, []);
    const compared = await assertSameAsDvc(made.dir, dvc, result);
    // 10 vega plots + stage plots (3) × 6 revisions, 4 images × 6 revisions
    assert.equal(compared, 6 * (Object.values(dvc.data).filter((i) => i[0]?.type === 'vega').length + 4));
    assert.deepEqual(result.plots.map((p) => p.id).sort(), Object.keys(dvc.data).sort());
    for (const plot of result.plots) assert.deepEqual(plot.errors, [], plot.id);
  });

  test('revisions are resolved: workspace, commits (full, short, branch) and experiments by name', () => {
    assert.deepEqual(
      result.revisions.map((r) => [r.name, r.kind]),
      revs.map((name, i) => [name, i === 0 ? 'workspace' : i < 4 ? 'commit' : 'experiment']),
    );
    const experiment = result.revisions.find((r) => r.name === 'exp-four')!;
    assert.equal(experiment.baseline, made.commits[2]);
    assert.match(experiment.commit!, /^[0-9a-f]{40}$/);
  });

  test('templates, fields and series are what DVC inferred', () => {
    const vega = (id: string): VegaPlot => result.plots.find((p) => p.id === id) as VegaPlot;
    assert.deepEqual([vega('loss_vs_acc').template, vega('loss_vs_acc').x, vega('loss_vs_acc').y, vega('loss_vs_acc').series], ['simple', 'step', 'dvc_inferred_y_value', 'field']);
    assert.deepEqual([vega('two_files').x, vega('two_files').y, vega('two_files').series], ['dvc_inferred_x_value', 'dvc_inferred_y_value', 'filename::field']);
    assert.deepEqual([vega('plots/cm.csv').template, vega('plots/cm.csv').x, vega('plots/cm.csv').y], ['confusion', 'actual', 'predicted']);
    assert.equal(vega('confusion_norm').template, 'confusion_normalized');
    assert.equal(vega('plots/importance.json').template, 'bar_horizontal_sorted');
    assert.equal(vega('linear_default').template, 'linear');
    assert.equal(vega('plots/roc.yaml').template, 'smooth');
    assert.equal(vega('scatter').template, 'scatter');
    assert.ok(result.plots.every((p) => p.kind === 'image' || p.known));
  });

  test("each plot's template, x, y and series render the spec DVC rendered (dvc-render's template, its anchors filled)", async () => {
    const python = await pythonEnv();
    const script = join(REPO_ROOT, 'test', 'support', 'dvc_render_templates.py');
    const templates = JSON.parse((await run(python.python, [script], { env: env(python), maxBuffer: 1 << 20 })).stdout) as Record<string, unknown>;
    let matched = 0;
    const series: string[] = [];
    for (const [id, items] of Object.entries(dvc.data)) {
      const item = items[0]!;
      if (item.type !== 'vega') continue;
      const ours = result.plots.find((p) => p.id === id) as VegaPlot;
      const template = templates[ours.template];
      assert.ok(template, `${id}: dvc-render has no template '${ours.template}'`);
      const problem = specMismatch(template, item.content, { '<DVC_METRIC_X>': ours.x, '<DVC_METRIC_Y>': ours.y }, '$');
      assert.equal(problem, undefined, `${id}: DVC's spec is not template '${ours.template}' with x '${ours.x}' and y '${ours.y}': ${problem}`);
      // The key that tells a revision's series apart: the field DVC dashes or shapes them by (with
      // one y source DVC fills the anchor in place with {}, and there is none).
      const anchors = item.anchor_definitions ?? {};
      const seriesAnchors = ['<DVC_METRIC_STROKE_DASH>', '<DVC_METRIC_SHAPE>'].filter((anchor) => JSON.stringify(template).includes(anchor));
      if (seriesAnchors.length > 0) {
        const by = seriesAnchors.find((anchor) => anchor in anchors);
        const field = by === undefined ? undefined : (anchors[by] as { field?: string }).field;
        assert.equal(ours.series, field, `${id}: series`);
        series.push(field ?? '-');
      }
      matched++;
    }
    assert.ok(matched >= 10, `only ${matched} vega plots matched`);
    assert.ok(series.length >= 6 && series.filter((field) => field !== '-').length >= 2, `series compared: ${JSON.stringify(series)}`);
  });

  test('images by step share a group; each comes from where the revision keeps it', () => {
    const images = result.plots.filter((p): p is ImagePlot => p.kind === 'image');
    const stepped = images.filter((p) => p.step).map((p) => [p.id, p.step!.group, p.step!.value]);
    assert.deepEqual(stepped.sort(), [0, 1, 2].map((n) => [`plots/images/step_${n}/x.png`, 'plots/images/step_{step}/x.png', n]));
    const sample = images.find((p) => p.id === 'plots/sample.png')!;
    assert.deepEqual(sample.revisions.map((r) => r.ref.kind), ['workspace', 'git', 'git', 'git', 'git', 'git']);
    const step0 = images.find((p) => p.id === 'plots/images/step_0/x.png')!;
    // A cached directory out: its files come from the DVC cache through the .dir listing.
    assert.deepEqual(step0.revisions.map((r) => r.ref.kind), ['workspace', 'cache', 'cache', 'cache', 'cache', 'cache']);
    assert.ok(step0.revisions.every((r) => r.format === 'png' && r.mime === 'image/png'));
  });

  test("the Plots panel gets, per plot and revision, DVC's datapoints: the points drawn, the matrix counted, the bars, the image bytes", async () => {
    const session = new PlotsSession({ dvcRoot: made.dir, revisions: revs });
    try {
      const model = await session.load();
      assert.deepEqual(model.revisions.map((r) => r.id), revs);
      assert.deepEqual(new Set(model.revisions.map((r) => r.color)).size, revs.length);
      let compared = 0;
      for (const [id, items] of Object.entries(dvc.data)) {
        for (const item of items) {
          if (item.type === 'image') {
            const plot = model.plots.find((p): p is ImageGroupPlot => p.kind === 'images' && p.cells.some((c) => c.name === id && c.rev === item.revisions[0]))!;
            const cell = plot.cells.find((c) => c.name === id && c.rev === item.revisions[0])!;
            assert.deepEqual(Buffer.from((await session.readImage(cell.key)).bytes), readFileSync(item.url!), `${id} @ ${cell.rev}`);
            compared++;
            continue;
          }
          const anchors = item.anchor_definitions!;
          const data = anchors['<DVC_METRIC_DATA>'] as Record<string, never>[];
          const plot = model.plots.find((p) => p.id === id)!;
          const vega = result.plots.find((p) => p.id === id) as VegaPlot;
          for (const rev of item.revisions) {
            const theirs = data.filter((d) => d.rev === rev);
            if (plot.kind === 'xy') {
              const key = vega.series;
              const points = (plot as XYPlot).series.filter((s) => s.rev === rev).flatMap((s) => s.x.map((x, i) => [s.name ?? null, x, s.y[i]]));
              const expected = theirs.map((d) => [key ? labelOf(d[key]) : null, numberOf(d[vega.x]), numberOf(d[vega.y])]).filter(([, x, y]) => x !== undefined && y !== undefined);
              assert.deepEqual(points, expected, `${id} @ ${rev}: points`);
            } else if (plot.kind === 'confusion') {
              const matrix = (plot as ConfusionPlot).matrices.find((m) => m.rev === rev)!;
              assert.deepEqual(matrix, confusionMatrix(rev, theirs, vega.x, vega.y, (plot as ConfusionPlot).normalized), `${id} @ ${rev}: matrix`);
              assert.equal(matrix.counts.flat().reduce((a, b) => a + b, 0), theirs.length);
            } else {
              assert.equal(plot.kind, 'bars', id);
              const bars = (plot as BarPlot).groups.find((g) => g.rev === rev)!.bars;
              const expected = theirs.map((d) => ({ label: labelOf(d[vega.y]), value: numberOf(d[vega.x])! }));
              if (vega.template === 'bar_horizontal_sorted') expected.sort((a, b) => b.value - a.value);
              assert.deepEqual(bars, expected, `${id} @ ${rev}: bars`);
            }
            assert.ok(theirs.length > 0);
            compared++;
          }
        }
      }
      assert.equal(compared, await assertSameAsDvc(made.dir, dvc, result));
      for (const plot of model.plots) assert.deepEqual(plot.problems, [], plot.id);
    } finally {
      session.dispose();
    }
  });

  test('with no revisions named, the CLI asks what dvc plots diff does (the workspace, and HEAD when tracked files changed)', async () => {
    const dvcDefault = await dvcPlotsDiff(made.dir, []);
    const ourDefault = await ours(made.dir, []);
    assert.deepEqual(ourDefault.revisions.map((r) => r.name), ['workspace', 'HEAD']);
    await assertSameAsDvc(made.dir, dvcDefault, ourDefault);
  });
});

describe('bad input: a problem per plot and revision, the rest as DVC has it', () => {
  let made: Made;
  let result: PlotsResult;
  const revs = ['HEAD~2', 'HEAD~1'];

  before(async () => {
    made = await makeRepo('--bad');
    result = await ours(made.dir, [...revs, 'HEAD']);
  });

  const plot = (id: string): VegaPlot | ImagePlot => result.plots.find((p) => p.id === id)!;
  const reasons = (id: string): string[] => plot(id).errors.map((e) => `${e.rev} ${e.source ?? '-'} ${e.reason}`);

  test('where DVC has data, ours equals it', async () => {
    const dvc = await dvcPlotsDiff(made.dir, revs);
    const narrowed: PlotsResult = { ...result, plots: result.plots.map((p) => (p.kind === 'vega' ? { ...p, revisions: p.revisions.filter((r) => revs.includes(r)) } : p)) };
    assert.ok((await assertSameAsDvc(made.dir, dvc, narrowed, ['plots/i.png@HEAD~1'])) >= 6);
  });

  test('quoted CSV fields keep their newlines and doubled quotes', () => {
    const rows = (plot('plots/a.csv') as VegaPlot).datapoints['HEAD~2']!;
    assert.deepEqual(rows.map((r) => r['note']), ['two\nlines', 'a "quoted" word']);
  });

  test('a ragged CSV row, a cut-short JSON file, a missing file, a non-image: each on its own plot and revision', () => {
    assert.deepEqual(reasons('plots/a.csv'), ['HEAD~1 plots/a.csv malformed', 'HEAD plots/a.csv malformed']);
    assert.match(plot('plots/a.csv').errors[0]!.message, /line 3: 4 fields, but the header has 3/);
    assert.deepEqual(reasons('plots/b.json'), ['HEAD~1 plots/b.json malformed', 'HEAD plots/b.json malformed']);
    assert.deepEqual(reasons('plots/gone.csv'), ['HEAD~1 plots/gone.csv missing', 'HEAD plots/gone.csv missing']);
    assert.deepEqual(reasons('plots/i.png'), ['HEAD~1 plots/i.png not-an-image', 'HEAD plots/i.png not-an-image']);
    assert.deepEqual((plot('plots/i.png') as ImagePlot).revisions.map((r) => r.rev), ['HEAD~2']);
    assert.deepEqual((plot('plots/gone.csv') as VegaPlot).revisions, ['HEAD~2']);
    assert.deepEqual(reasons('wrong_field'), ['HEAD~2 - bad-definition', 'HEAD~1 plots/a.csv malformed', 'HEAD plots/a.csv malformed']);
    assert.match(plot('wrong_field').errors[0]!.message, /Could not find provided field \('nope'\)/);
  });

  test('an unknown template is a problem of that plot (DVC stops the whole command); its data and every other plot still come', () => {
    const custom = plot('custom') as VegaPlot;
    assert.equal(custom.known, false);
    assert.deepEqual(reasons('custom'), ['HEAD - unknown-template']);
    assert.deepEqual(custom.datapoints['HEAD'], [
      { x: '1', y: '2', step: 0, rev: 'HEAD' },
      { x: '3', y: '4', step: 1, rev: 'HEAD' },
    ]);
    assert.deepEqual((plot('plots/c.tsv') as VegaPlot).revisions, ['HEAD~2', 'HEAD~1', 'HEAD']);
  });

  test('a revision that names nothing is a problem of its own; the others are read', async () => {
    const withBad = await ours(made.dir, ['HEAD~2', 'no-such-rev']);
    assert.deepEqual(withBad.errors.map((e) => [e.rev, e.reason]), [['no-such-rev', 'bad-revision']]);
    assert.deepEqual(withBad.revisions.map((r) => r.name), ['HEAD~2']);
  });

  test('paths that leave the repository are refused: ../ ids and workspace symlinks', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'mlw-outside-'));
    temporary.push(outside);
    writeFileSync(join(outside, 'secret.csv'), 'step,v\n0,42\n');
    symlinkSync(join(outside, 'secret.csv'), join(made.dir, 'plots', 'link.csv'));
    appendFileSync(join(made.dir, 'dvc.yaml'), '  - plots/link.csv\n  - ../escape.csv\n');
    const workspace = await ours(made.dir, ['workspace']);
    const link = workspace.plots.find((p) => p.id === 'plots/link.csv')!;
    assert.deepEqual(link.errors.map((e) => e.reason), ['missing']);
    assert.match(link.errors[0]!.message, /symlink that leads out of the repository/);
    assert.equal(link.kind === 'vega' && link.revisions.length, 0);
    assert.ok(workspace.errors.some((e) => e.message.includes("'../escape.csv' is outside the repository")));
    assert.ok(!workspace.plots.some((p) => p.id.includes('escape')));
  });
});
