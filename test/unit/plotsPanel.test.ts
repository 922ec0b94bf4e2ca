/**
 * The Plots panel's model (core/plots): DVC plots shaped by template, MLflow's log_image names,
 * colours per revision, bad input said per plot and revision while the rest draws, and the panel
 * protocol validated both ways. DVC plots are read from a small git repo made here (no DVC needed:
 * the reader is native); the comparison with real `dvc plots diff` and real `mlflow.log_image` is
 * test/contract/plotsPanel.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VegaPlot } from '../../src/core/dvc/plots/model.js';
import { revisionColors } from '../../src/core/plots/colors.js';
import { imagesOf, listLoggedImages, parseSteppedImagePath } from '../../src/core/plots/mlflowImages.js';
import type { BarPlot, ConfusionPlot, ImageGroupPlot, PlotsModel, XYPlot } from '../../src/core/plots/model.js';
import { PlotsSession } from '../../src/core/plots/session.js';
import { confusionMatrix, shapeVegaPlot } from '../../src/core/plots/shape.js';
import type { Run } from '../../src/core/tracking/entities.js';
import type { TrackingStore } from '../../src/core/tracking/store.js';
import { parseFromWebview, parsePlotsState, parseToWebview } from '../../src/protocol/plotsPanel.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

function vega(partial: Partial<VegaPlot>): VegaPlot {
  return { kind: 'vega', id: 'p', template: 'linear', known: true, title: 'p', x: 'step', y: 'loss', xLabel: 'step', yLabel: 'loss', revisions: [], datapoints: {}, errors: [], ...partial };
}

describe('plots shaped by template', () => {
  it('linear: a series per revision and source, CSV strings read as numbers, non-numbers left out and said', () => {
    const plot = vega({
      series: 'field',
      y: 'dvc_inferred_y_value',
      revisions: ['a', 'b'],
      datapoints: {
        a: [
          { step: '0', dvc_inferred_y_value: '1.5', field: 'loss', rev: 'a' },
          { step: '1', dvc_inferred_y_value: 'oops', field: 'loss', rev: 'a' },
          { step: 0, dvc_inferred_y_value: 0.5, field: 'acc', rev: 'a' },
        ],
        b: [{ step: 2, dvc_inferred_y_value: 3, field: 'loss', rev: 'b' }],
      },
    });
    const shaped = shapeVegaPlot(plot, [], 'o') as XYPlot;
    assert.equal(shaped.kind, 'xy');
    assert.equal(shaped.mark, 'line');
    assert.deepEqual(
      shaped.series.map((s) => [s.rev, s.name, s.dash, s.x, s.y]),
      [
        ['a', 'loss', 0, [0], [1.5]],
        ['a', 'acc', 1, [0], [0.5]],
        ['b', 'loss', 0, [2], [3]],
      ],
    );
    assert.deepEqual(shaped.problems.map((p) => [p.rev, p.reason]), [['a', 'not-a-number']]);
    assert.match(shaped.problems[0]!.message, /1 point of a left out/);
  });

  it('scatter draws points; smooth lines with a smoothing slider', () => {
    assert.equal((shapeVegaPlot(vega({ template: 'scatter' }), [], 'o') as XYPlot).mark, 'point');
    const smooth = shapeVegaPlot(vega({ template: 'smooth' }), [], 'o') as XYPlot;
    assert.deepEqual([smooth.mark, smooth.smooth], ['line', true]);
  });

  it('confusion: counts of (predicted, actual) pairs, classes in natural order; normalized divides by the predicted row as DVC does', () => {
    const points = [
      ['cat', 'cat'],
      ['cat', 'dog'],
      ['dog', 'dog'],
      ['class10', 'class2'],
    ].map(([actual, predicted]) => ({ actual: actual!, predicted: predicted!, rev: 'r' }));
    const m = confusionMatrix('r', points, 'actual', 'predicted', false);
    assert.deepEqual(m.columns, ['cat', 'class10', 'dog']);
    assert.deepEqual(m.rows, ['cat', 'class2', 'dog']);
    assert.deepEqual(m.counts, [
      [1, 0, 0],
      [0, 1, 0],
      [1, 0, 1],
    ]);
    const normalized = confusionMatrix('r', points, 'actual', 'predicted', true);
    assert.deepEqual(normalized.values[2], [0.5, 0, 0.5]);
    const plot = shapeVegaPlot(vega({ template: 'confusion_normalized', x: 'actual', y: 'predicted', revisions: ['r'], datapoints: { r: points } }), [], 'o') as ConfusionPlot;
    assert.deepEqual([plot.kind, plot.normalized, plot.matrices.length], ['confusion', true, 1]);
  });

  it('bar_horizontal_sorted: y names the bar, x is its length, longest first', () => {
    const points = [
      { name: 'f0', importance: '0.1' },
      { name: 'f1', importance: '0.4' },
      { name: 'f2', importance: 'n/a' },
    ];
    const plot = shapeVegaPlot(vega({ template: 'bar_horizontal_sorted', x: 'importance', y: 'name', revisions: ['r'], datapoints: { r: points } }), [], 'o') as BarPlot;
    assert.deepEqual(plot.groups[0]!.bars, [
      { label: 'f1', value: 0.4 },
      { label: 'f0', value: 0.1 },
    ]);
    assert.deepEqual(plot.problems.map((p) => p.reason), ['not-a-number']);
  });

  it('an unknown template is listed with its problem, not drawn', () => {
    const problem = { rev: 'r', reason: 'unknown-template', message: "template 'mine' is not one ML Workbench draws" };
    const plot = shapeVegaPlot(vega({ template: 'mine', known: false }), [problem], 'o');
    assert.deepEqual([plot.kind, plot.problems], ['unsupported', [problem]]);
  });

  it('colours: one slot per revision, in panel order, never shared; green and red only from the fourth and sixth', () => {
    assert.deepEqual([...revisionColors(['workspace', 'exp-a', 'mlflow:1', 'exp-a'])], [
      ['workspace', 0],
      ['exp-a', 1],
      ['mlflow:1', 4],
    ]);
    const slots = [...revisionColors(Array.from({ length: 30 }, (_, i) => `r${i}`)).values()];
    assert.equal(new Set(slots).size, 30);
    assert.deepEqual(slots.slice(0, 6), [0, 1, 4, 2, 5, 3]);
  });
});

describe("MLflow's log_image names", () => {
  // Names as mlflow 3.x's MlflowClient.log_image wrote them (key "my/key": "/" becomes "~").
  const files = [
    'images/sample+step+0+timestamp+1796591613812+3c420f11-65ba-45b7-b4a6-3456aa39d316.png',
    'images/sample+step+0+timestamp+1796591613812+3c420f11-65ba-45b7-b4a6-3456aa39d316+compressed.webp',
    'images/sample+step+2+timestamp+1796591613860+6c65c16c-d425-4928-87be-78cf7a1e4162.png',
    'images/sample+step+2+timestamp+1796591619999+77777777-d425-4928-87be-78cf7a1e4162.png',
    'images/my~key+step+2+timestamp+1796591613874+cba422b0-18fa-4a31-a951-ed4f04de9285.png',
    'images/old%step%5%timestamp%1700000000000%abc.png',
    'plain.png',
    'model/MLmodel',
  ].map((path) => ({ path, is_dir: false, file_size: 10 }));

  it('key, step and timestamp from the file name; thumbnails are not images of their own', () => {
    assert.deepEqual(parseSteppedImagePath(files[4]!.path), { key: 'my/key', step: 2, timestamp: 1796591613874 });
    assert.deepEqual(parseSteppedImagePath(files[5]!.path), { key: 'old', step: 5, timestamp: 1700000000000 });
    assert.equal(parseSteppedImagePath(files[1]!.path), undefined);
  });

  it('one image per key and step (the last logged), then plain image files', () => {
    assert.deepEqual(
      imagesOf(files).map((i) => [i.key, i.step, i.path]),
      [
        ['my/key', 2, files[4]!.path],
        ['old', 5, files[5]!.path],
        ['sample', 0, files[0]!.path],
        ['sample', 2, files[3]!.path],
        ['plain.png', undefined, 'plain.png'],
      ],
    );
  });
});

/** A store with the runs and artifact files given (bytes per path); a run id not in it is not found. */
function fakeStore(runs: Record<string, Record<string, Buffer>>): TrackingStore {
  const run = (id: string): Run => ({ info: { run_id: id, run_uuid: id, run_name: `run-${id}`, experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active' }, data: { metrics: [], params: [], tags: [] } }) as unknown as Run;
  const missing = (id: string): Error => Object.assign(new Error(`Run '${id}' not found`), { reason: 'not-found' });
  return {
    getRun: async (id: string) => {
      if (!runs[id]) throw missing(id);
      return run(id);
    },
    listArtifacts: async (id: string, path?: string) => {
      const prefix = path ? `${path}/` : '';
      const children = new Map<string, boolean>();
      for (const file of Object.keys(runs[id] ?? {})) {
        if (!file.startsWith(prefix)) continue;
        const rest = file.slice(prefix.length);
        const slash = rest.indexOf('/');
        children.set(prefix + (slash < 0 ? rest : rest.slice(0, slash)), slash >= 0);
      }
      return { root_uri: '', files: [...children].map(([p, dir]) => ({ path: p, is_dir: dir, ...(dir ? {} : { file_size: runs[id]![p]!.length }) })) };
    },
    readArtifact: async (id: string, path: string) => {
      const bytes = runs[id]?.[path];
      if (!bytes) throw Object.assign(new Error(`No artifact ${path}`), { reason: 'not-found' });
      return new Uint8Array(bytes);
    },
  } as unknown as TrackingStore;
}

const stepName = (key: string, step: number): string => `images/${key}+step+${step}+timestamp+${1000 + step}+u${step}.png`;

describe('MLflow runs in the panel', () => {
  it("images of several runs in one group per key with the steps any run has; a run that cannot be read is the panel's problem", async () => {
    const store = fakeStore({
      a: { [stepName('digits', 0)]: PNG, [stepName('digits', 1)]: PNG, 'plots/roc.png': PNG },
      b: { [stepName('digits', 1)]: PNG, [stepName('digits', 2)]: Buffer.from('<html>not an image</html>') },
    });
    const session = new PlotsSession({ runs: [{ runId: 'a', store }, { runId: 'b', store }, { runId: 'gone', store }] });
    const model = await session.load();
    assert.deepEqual(model.revisions.map((r) => [r.id, r.label, r.kind, r.color]), [
      ['mlflow:a', 'run-a', 'mlflow-run', 0],
      ['mlflow:b', 'run-b', 'mlflow-run', 1],
    ]);
    assert.deepEqual(model.problems.map((p) => [p.rev, p.reason]), [['mlflow:gone', 'not-found']]);
    const digits = model.plots.find((p) => p.id === 'mlflow:key:digits') as ImageGroupPlot;
    assert.deepEqual(digits.steps, [0, 1, 2]);
    assert.deepEqual(digits.columns, ['mlflow:a', 'mlflow:b']);
    assert.deepEqual(digits.cells.map((c) => [c.rev, c.step]), [['mlflow:a', 0], ['mlflow:a', 1], ['mlflow:b', 1], ['mlflow:b', 2]]);
    const roc = model.plots.find((p) => p.id === 'mlflow:file:plots/roc.png') as ImageGroupPlot;
    assert.deepEqual([roc.steps, roc.cells.length], [[], 1]);
    const good = await session.readImage(digits.cells[0]!.key);
    assert.deepEqual([good.mime, good.bytes.length], ['image/png', PNG.length]);
    // Bytes that are not an image are refused by their magic bytes, whatever the name says.
    await assert.rejects(session.readImage(digits.cells[3]!.key), (e: Error & { reason?: string }) => e.reason === 'not-an-image' && /starts with "<html>not an ima"/.test(e.message));
    await assert.rejects(session.readImage('img999'), (e: Error & { reason?: string }) => e.reason === 'missing');
    session.dispose();
  });

  it('a listing stays within its bounds: at most maxFolders folders are listed', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 30; i++) files[`d${i}/x.png`] = PNG;
    const store = fakeStore({ a: files });
    assert.equal((await listLoggedImages(store, 'a', { maxFolders: 6 })).length, 5);
  });
});

describe('DVC revisions in the panel: bad input said per plot and revision, the rest drawn', () => {
  let dir: string;
  let model: PlotsModel;
  let session: PlotsSession;
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  const write = (path: string, content: string | Buffer): void => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlw-plots-panel-'));
    git('init', '-q', '-b', 'main');
    mkdirSync(join(dir, '.dvc'));
    write('.dvc/config', '');
    write(
      'dvc.yaml',
      [
        'plots:',
        '  - loss.csv: {x: step, y: loss}',
        '  - m.json: {x: step, y: f}',
        '  - cm.csv: {template: confusion, x: actual, y: predicted}',
        '  - gone.csv',
        '  - odd.csv: {template: my_own}',
        '  - i.png',
        '  - steps/0/s.png',
        '  - steps/1/s.png',
        '',
      ].join('\n'),
    );
    write('loss.csv', 'step,loss\n0,1.0\n1,0.5\n');
    write('m.json', JSON.stringify({ train: [{ step: 0, f: 1 }] }));
    write('cm.csv', 'actual,predicted\na,a\na,b\n');
    write('gone.csv', 'step,v\n0,1\n');
    write('odd.csv', 'x,y\n1,2\n');
    write('i.png', PNG);
    write('steps/0/s.png', PNG);
    write('steps/1/s.png', PNG);
    git('add', '-A');
    git('commit', '-qm', 'good');
    // The workspace breaks some files: a ragged CSV row, JSON cut short, a file gone, a PNG that is text.
    write('loss.csv', 'step,loss\n0,1.0\n1,0.5,9\n');
    write('m.json', '{"train": [{"step": 0,');
    rmSync(join(dir, 'gone.csv'));
    write('i.png', 'GIF? no, plain text');
    session = new PlotsSession({ dvcRoot: dir, revisions: ['main', 'workspace', 'no-such-rev'] });
    model = await session.load();
  });

  after(() => {
    session?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const plot = (id: string) => model.plots.find((p) => p.id === id)!;
  const reasons = (id: string): string[] => plot(id).problems.map((p) => `${p.rev} ${p.reason}`);

  it('revisions: the workspace first (as DVC orders them), then the commit; a name that names nothing is a problem of its own', () => {
    assert.deepEqual(model.revisions.map((r) => [r.id, r.kind, r.color]), [['workspace', 'workspace', 0], ['main', 'commit', 1]]);
    assert.deepEqual(model.problems.map((p) => [p.rev, p.reason]), [['no-such-rev', 'bad-revision']]);
  });

  it('a malformed CSV: its problem on the workspace, the commit still drawn', () => {
    assert.deepEqual(reasons('loss.csv'), ['workspace malformed']);
    assert.match(plot('loss.csv').problems[0]!.message, /line 3: 3 fields, but the header has 2/);
    assert.deepEqual((plot('loss.csv') as XYPlot).series.map((s) => [s.rev, s.x, s.y]), [['main', [0, 1], [1, 0.5]]]);
  });

  it('malformed JSON and a missing file: on their revision only', () => {
    assert.deepEqual(reasons('m.json'), ['workspace malformed']);
    assert.deepEqual((plot('m.json') as XYPlot).series.map((s) => s.rev), ['main']);
    assert.deepEqual(reasons('gone.csv'), ['workspace missing']);
  });

  it('an image that is not one (by its bytes) is a problem of its cell; the commit shows its image', () => {
    const image = plot('i.png') as ImageGroupPlot;
    assert.deepEqual(reasons('i.png'), ['workspace not-an-image']);
    assert.deepEqual(image.cells.map((c) => c.rev), ['main']);
    assert.deepEqual(image.columns, ['workspace', 'main']);
  });

  it('images whose paths differ by a step form one group with a slider', () => {
    const steps = plot('steps/{step}/s.png') as ImageGroupPlot;
    assert.deepEqual(steps.steps, [0, 1]);
    assert.deepEqual(steps.cells.map((c) => [c.rev, c.step]), [['workspace', 0], ['main', 0], ['workspace', 1], ['main', 1]]);
  });

  it('an unknown template is said on its plot; the confusion matrix next to it draws', () => {
    assert.equal(plot('odd.csv').kind, 'unsupported');
    assert.deepEqual([...new Set(reasons('odd.csv'))], ['workspace unknown-template', 'main unknown-template']);
    const cm = plot('cm.csv') as ConfusionPlot;
    assert.deepEqual(cm.matrices.map((m) => [m.rev, m.columns, m.rows, m.counts]), [
      ['workspace', ['a'], ['a', 'b'], [[1], [1]]],
      ['main', ['a'], ['a', 'b'], [[1], [1]]],
    ]);
  });

  it('the model passes the protocol check the webview applies', () => {
    const message = { type: 'snapshot', request: { dvcRoot: dir, revisions: ['main', 'workspace'] }, model };
    assert.deepEqual(parseToWebview(JSON.parse(JSON.stringify(message))), message);
  });
});

describe('plots panel protocol', () => {
  const model: PlotsModel = {
    title: 'Plots',
    revisions: [{ id: 'a', label: 'a', kind: 'commit', detail: 'a', color: 0 }],
    plots: [{ kind: 'xy', id: 'p', title: 'p', template: 'linear', origin: 'o', mark: 'line', smooth: false, xLabel: 'x', yLabel: 'y', series: [{ rev: 'a', dash: 0, x: [1], y: [2] }], problems: [] }],
    problems: [],
  };

  it('accepts what the webview may send, refuses anything else', () => {
    assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromWebview({ type: 'loadImage', key: 'img3', extra: 1 }), { type: 'loadImage', key: 'img3' });
    for (const bad of [null, 'ready', { type: 'loadImage', key: '../etc/passwd' }, { type: 'loadImage' }, { type: 'openFile', path: '/' }]) assert.equal(parseFromWebview(bad), undefined, JSON.stringify(bad));
  });

  it('the webview refuses a snapshot that does not hold together, and image data that is not an image data URI', () => {
    assert.ok(parseToWebview({ type: 'snapshot', request: {}, model }));
    const broken = structuredClone(model) as unknown as { plots: { series: { x: number[] }[] }[] };
    broken.plots[0]!.series[0]!.x = [1, 2];
    assert.equal(parseToWebview({ type: 'snapshot', request: {}, model: broken }), undefined);
    assert.equal(parseToWebview({ type: 'snapshot', request: {}, model: { ...model, plots: [{ ...model.plots[0], kind: 'vega' }] } }), undefined);
    assert.equal(parseToWebview({ type: 'snapshot', request: { revisions: 'main' }, model }), undefined);
    assert.ok(parseToWebview({ type: 'image', key: 'img1', dataUri: 'data:image/png;base64,iVBORw0KGgo=' }));
    assert.equal(parseToWebview({ type: 'image', key: 'img1', dataUri: 'javascript:alert(1)' }), undefined);
    assert.equal(parseToWebview({ type: 'image', key: 'img1', dataUri: 'data:text/html;base64,PHNjcmlwdD4=' }), undefined);
  });

  it('restores a saved state, dropping what does not fit', () => {
    assert.deepEqual(parsePlotsState({ request: { mlflowRunIds: ['r1'] }, view: { steps: { g: 3, h: 'x' }, hidden: ['a', 7] } }), { request: { mlflowRunIds: ['r1'] }, view: { steps: { g: 3 }, smoothing: {}, hidden: ['a'] } });
    assert.equal(parsePlotsState({ request: { revisions: [1] } }), undefined);
  });
});
