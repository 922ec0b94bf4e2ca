/**
 * DVC rows' min/max/at-step cells against real DVCLive and DVC (test/fixtures/make_dvclive_repo.py:
 * two stages log with DVCLive; one keeps its history in git, the other as a DVC-cached output;
 * a baseline and two `dvc exp run` experiments). For each revision (the workspace, the baseline,
 * each experiment) and each metric, our history equals the datapoints `dvc plots diff --json
 * --split` shows for DVCLive's file, and the table's cells — rows from our native `exp show`,
 * histories read through the table's reader — are the minimum, maximum and value at a step of
 * DVC's datapoints.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { DvcExperiments, DvcliveHistory, experimentRows, type HistoryPlace } from '../../src/core/dvc/experiments/index';
import { dvcHistoryReader, MetricViewCells, rowsFromExperiments, type MetricView, type TableRow } from '../../src/core/experimentsTable/index';
import { removeTree } from '../e2e/support/processes';
import { env, pythonEnv, REPO_ROOT } from '../support/python';

const run = promisify(execFile);

interface Made {
  readonly dir: string;
  readonly baseline: string;
  readonly experiments: Record<string, string>;
}

type Datapoint = Record<string, string>;

/** What `dvc plots diff --json --split` shows of each file: its datapoints by revision name. */
async function dvcDatapoints(dir: string, revs: readonly string[]): Promise<Map<string, Datapoint[]>> {
  const { stdout } = await run('dvc', ['plots', 'diff', '--json', '--split', ...revs], { cwd: dir, env: env(), maxBuffer: 64 << 20 });
  const json = JSON.parse(stdout) as { data: Record<string, { anchor_definitions?: Record<string, unknown> }[]> };
  const out = new Map<string, Datapoint[]>();
  for (const [id, items] of Object.entries(json.data)) {
    for (const item of items) out.set(id, [...(out.get(id) ?? []), ...((item.anchor_definitions?.['<DVC_METRIC_DATA>'] ?? []) as Datapoint[])]);
  }
  return out;
}

const pythonFloat = (text: string): number => ({ nan: NaN, inf: Infinity, '-inf': -Infinity })[text.toLowerCase()] ?? Number(text);

/** The metrics the fixture logs: the table's key, its metrics file, its history file and value column. */
const METRICS = [
  { key: 'train.loss', file: 'dvclive/metrics.json', plot: 'dvclive/plots/metrics/train/loss.tsv', column: 'loss' },
  { key: 'acc', file: 'dvclive/metrics.json', plot: 'dvclive/plots/metrics/acc.tsv', column: 'acc' },
  { key: 'acc.top1', file: 'dvclive/metrics.json', plot: 'dvclive/plots/metrics/acc.top1.tsv', column: 'acc.top1' },
  { key: 'f1', file: 'eval/metrics.json', plot: 'eval/plots/metrics/f1.tsv', column: 'f1' },
] as const;

let made: Made;
let revs: { name: string; place: HistoryPlace }[];
let theirs: Map<string, Datapoint[]>;

before(async () => {
  const python = await pythonEnv();
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-dvclive-'));
  const { stdout } = await run(python.python, [join(REPO_ROOT, 'test', 'fixtures', 'make_dvclive_repo.py'), '--out', dir], { env: env(python), maxBuffer: 1 << 20, timeout: 900_000 });
  made = JSON.parse(stdout) as Made;
  revs = [
    { name: 'workspace', place: { workspace: true } },
    { name: made.baseline, place: { commit: made.baseline } },
    ...Object.entries(made.experiments).map(([name, commit]) => ({ name, place: { commit } })),
  ];
  theirs = await dvcDatapoints(made.dir, revs.map((r) => r.name));
});

after(() => made && removeTree(made.dir));

describe('DVCLive histories read natively, as DVC shows them', () => {
  test('the fixture has two experiments, and DVC shows every history file at every revision', () => {
    assert.deepEqual(Object.keys(made.experiments).length, 2);
    assert.ok(Object.keys(made.experiments).includes('exp-fast'));
    for (const metric of METRICS) {
      const points = theirs.get(metric.plot);
      assert.ok(points, `dvc plots diff shows ${metric.plot}: ${[...theirs.keys()].join(', ')}`);
      for (const rev of revs) assert.ok(points.some((p) => p['rev'] === rev.name), `${metric.plot} @ ${rev.name}`);
    }
  });

  test('every metric at every revision: the same steps, values and timestamps as dvc plots diff', async () => {
    const history = new DvcliveHistory(made.dir);
    try {
      for (const rev of revs) {
        for (const metric of METRICS) {
          const ours = await history.read(rev.place, metric.file, metric.key);
          const dvc = theirs.get(metric.plot)!.filter((p) => p['rev'] === rev.name);
          assert.deepEqual(
            ours.map((p) => ({ step: p.step, value: Number.isNaN(p.value) ? 'NaN' : p.value, timestamp: p.timestamp })),
            dvc.map((p) => ({ step: Number(p['step']), value: Number.isNaN(pythonFloat(p[metric.column]!)) ? 'NaN' : pythonFloat(p[metric.column]!), timestamp: p['timestamp'] === undefined ? 0 : Number(p['timestamp']) })),
            `${metric.key} @ ${rev.name}`,
          );
          assert.ok(ours.length >= 3, `${metric.key} @ ${rev.name} has a history`);
        }
      }
    } finally {
      history.dispose();
    }
  });

  test('the table: DVC rows from our exp show get min, max and at-step cells equal to what DVC’s datapoints say', async () => {
    const experiments = new DvcExperiments(made.dir);
    const history = new DvcliveHistory(made.dir);
    const views: MetricView[] = METRICS.flatMap((m) => [{ key: m.key, aggregate: 'min' }, { key: m.key, aggregate: 'max' }, { key: m.key, aggregate: 'step', step: 2 }] as MetricView[]);
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const cells: MetricViewCells = new MetricViewCells(() => dvcHistoryReader(history), () => cells.status.done === cells.status.total && settle());
    try {
      const rows: TableRow[] = rowsFromExperiments(made.dir, experimentRows(await experiments.show()));
      cells.apply(rows, views);
      await settled;
      assert.deepEqual(cells.status.errors, []);
      const filled = cells.apply(rows, views);
      let compared = 0;
      for (const rev of revs) {
        const row = filled.find((r) => (rev.name === 'workspace' ? r.kind === 'workspace' : r.ref === ('commit' in rev.place ? rev.place.commit : '')));
        assert.ok(row, `a row for ${rev.name}: ${filled.map((r) => `${r.kind}:${r.ref}`).join(', ')}`);
        for (const metric of METRICS) {
          const dvc = theirs.get(metric.plot)!.filter((p) => p['rev'] === rev.name);
          const values = dvc.map((p) => pythonFloat(p[metric.column]!)).filter((v) => !Number.isNaN(v));
          const atStep = dvc.find((p) => Number(p['step']) === 2);
          assert.equal(row.cells[`metrics.${metric.key}@min`], Math.min(...values), `${metric.key}@min @ ${rev.name}`);
          assert.equal(row.cells[`metrics.${metric.key}@max`], Math.max(...values), `${metric.key}@max @ ${rev.name}`);
          const step: unknown = row.cells[`metrics.${metric.key}@step=2`];
          if (atStep && Number.isNaN(pythonFloat(atStep[metric.column]!))) assert.ok(typeof step === 'number' && Number.isNaN(step));
          else assert.equal(step, atStep ? pythonFloat(atStep[metric.column]!) : null, `${metric.key}@step=2 @ ${rev.name}`);
          compared++;
        }
      }
      assert.equal(compared, revs.length * METRICS.length);
    } finally {
      cells.dispose();
      history.dispose();
      experiments.dispose();
    }
  });
});
