/**
 * DVC rows' min/max/at-step cells from the history DVCLive keeps (core/dvc/experiments/history.ts,
 * core/experimentsTable/dvcHistory.ts): where the file is, how it parses, where a row's files are
 * read (commit, workspace, a running experiment's work tree, nothing for queued and failed rows),
 * and hostile input (keys leading out of the folder, symlinks out of the repo, bad files). What
 * real DVCLive writes and `dvc plots diff` shows is compared in test/contract/dvcliveHistory.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DvcliveHistory, historyFiles, parseHistory, WORKSPACE_REUSE_MS } from '../../src/core/dvc/experiments/history.js';
import { RevisionLoader } from '../../src/core/dvc/revision/load.js';
import { dvcHistoryReader, historyPlace, MetricViewCells, rowsFromExperiments, type TableRow } from '../../src/core/experimentsTable/index.js';
import type { ExperimentRow } from '../../src/core/dvc/experiments/rows.js';

const TSV = 'timestamp\tstep\tloss\n1700000000000\t0\t0.9\n1700000001000\t1\t0.5\n1700000002000\t2\tnan\n1700000003000\t3\t0.7\n';

describe('DVCLive history files', () => {
  it('a dotted key is the nested path first, then the name kept whole; beside the metrics file', () => {
    assert.deepEqual(historyFiles('dvclive/metrics.json', 'train.loss'), ['dvclive/plots/metrics/train/loss.tsv', 'dvclive/plots/metrics/train.loss.tsv']);
    assert.deepEqual(historyFiles('metrics.json', 'acc'), ['plots/metrics/acc.tsv']);
    assert.deepEqual(historyFiles('sub\\live\\metrics.json', 'acc'), ['sub/live/plots/metrics/acc.tsv']);
  });

  it('a key cannot lead out of the history folder', () => {
    for (const key of ['../../../../etc/passwd', 'a/../../x', '..', '../metrics']) {
      for (const path of historyFiles('dvclive/metrics.json', key)) assert.ok(path.startsWith('dvclive/plots/metrics/') && !path.split('/').includes('..'), `${key}: ${path}`);
    }
    assert.deepEqual(historyFiles('../outside/metrics.json', 'acc'), []);
  });

  it('parses steps, millisecond timestamps and Python floats (nan, inf)', () => {
    const points = parseHistory('dvclive/plots/metrics/loss.tsv', `${TSV}1700000004000\t4\tinf\n1700000005000\t5\t-inf\n`);
    assert.deepEqual(points.map((p) => p.step), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(points.map((p) => p.value), [0.9, 0.5, NaN, 0.7, Infinity, -Infinity]);
    assert.equal(points[1]!.timestamp, 1700000001000);
    assert.deepEqual(parseHistory('x/loss.tsv', ''), []);
    assert.deepEqual(parseHistory('x/loss.tsv', 'step\tloss\n7\t1.5\n'), [{ step: 7, value: 1.5, timestamp: 0 }]);
  });

  it('a file without a step column, or with a step that is not a whole number, is an error naming the file', () => {
    assert.throws(() => parseHistory('dvclive/plots/metrics/loss.tsv', 'timestamp\tloss\n1\t2\n'), /dvclive\/plots\/metrics\/loss\.tsv is not a DVCLive metric history: its columns are timestamp, loss/);
    assert.throws(() => parseHistory('dvclive/plots/metrics/loss.tsv', 'timestamp\tstep\tloss\n1\t<b>x</b>\t2\n'), /step '<b>x<\/b>' is not a whole number/);
  });
});

const dvcRow = (over: Partial<ExperimentRow>): ExperimentRow => ({
  id: 'b/e1', kind: 'experiment', rev: 'e1'.padEnd(40, '0'), shortRev: 'e100000', name: 'exp-a', label: 'exp-a', baseline: 'b'.padEnd(40, '0'), status: 'success', executor: null, timestamp: null,
  params: {}, metrics: { 'dvclive/metrics.json': { loss: 0.7, 'train.acc': 0.9 } }, deps: {}, outs: {}, fileErrors: [], error: null, ...over,
});

describe('where a DVC row’s history is read', () => {
  it('a finished experiment at its commit, the workspace in the work tree, a running one in its executor’s clone; queued and failed rows have none', () => {
    const [finished] = rowsFromExperiments('/repo', [dvcRow({})]);
    assert.deepEqual(historyPlace(finished!), { commit: 'e1'.padEnd(40, '0') });
    assert.deepEqual(finished!.metricFiles, { loss: { file: 'dvclive/metrics.json', key: 'loss' }, 'train.acc': { file: 'dvclive/metrics.json', key: 'train.acc' } });
    const [workspace] = rowsFromExperiments('/repo', [dvcRow({ id: 'workspace', kind: 'workspace', rev: 'workspace', status: null })]);
    assert.deepEqual(historyPlace(workspace!), { workspace: true });
    const local = { root: '/repo/.dvc/tmp/exps/tmpabc', log: null, pid: 1, returncode: null, task_id: null };
    const [running] = rowsFromExperiments('/repo', [dvcRow({ status: 'running', rev: 's'.padEnd(40, '1'), executor: { state: 'running', name: 'dvc-task', local } })]);
    assert.deepEqual(historyPlace(running!), { workTree: '/repo/.dvc/tmp/exps/tmpabc' });
    // A run in the workspace itself is the workspace's files.
    const [inWorkspace] = rowsFromExperiments('/repo', [dvcRow({ status: 'running', rev: 'workspace', executor: { state: 'running', name: 'workspace', local: { ...local, root: '/repo' } } })]);
    assert.deepEqual(historyPlace(inWorkspace!), { workspace: true });
    for (const status of ['queued', 'failed'] as const) assert.equal(historyPlace(rowsFromExperiments('/repo', [dvcRow({ status })])[0]!), undefined);
  });

  it('two metrics files with one key: each column reads its own file', () => {
    const [row] = rowsFromExperiments('/repo', [dvcRow({ metrics: { 'a/metrics.json': { loss: 1 }, 'b/metrics.json': { loss: 2 } } })]);
    assert.deepEqual(row!.metricFiles, { 'a/metrics.json:loss': { file: 'a/metrics.json', key: 'loss' }, 'b/metrics.json:loss': { file: 'b/metrics.json', key: 'loss' } });
  });
});

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();

describe('reading histories from a repository', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-dvclive-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = join(dir, 'repo');
  mkdirSync(join(repo, 'dvclive', 'plots', 'metrics', 'train'), { recursive: true });
  mkdirSync(join(repo, '.dvc'));
  writeFileSync(join(repo, '.dvc', 'config'), '');
  git(dir, 'init', '-q', repo);
  writeFileSync(join(repo, 'dvclive', 'metrics.json'), '{"loss": 0.7, "train": {"acc": 0.8}}');
  writeFileSync(join(repo, 'dvclive', 'plots', 'metrics', 'loss.tsv'), TSV);
  writeFileSync(join(repo, 'dvclive', 'plots', 'metrics', 'train', 'acc.tsv'), 'timestamp\tstep\tacc\n1\t0\t0.5\n2\t1\t0.8\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'run');
  const commit = git(repo, 'rev-parse', 'HEAD');
  // The workspace moves on after the commit.
  writeFileSync(join(repo, 'dvclive', 'plots', 'metrics', 'loss.tsv'), 'timestamp\tstep\tloss\n1\t0\t5\n');

  it('at a commit (from git), in the workspace, and a metric DVCLive did not write has no points', async () => {
    const history = new DvcliveHistory(repo);
    try {
      assert.deepEqual((await history.read({ commit }, 'dvclive/metrics.json', 'loss')).map((p) => p.value), [0.9, 0.5, NaN, 0.7]);
      assert.deepEqual((await history.read({ commit }, 'dvclive/metrics.json', 'train.acc')).map((p) => [p.step, p.value]), [[0, 0.5], [1, 0.8]]);
      assert.deepEqual((await history.read({ workspace: true }, 'dvclive/metrics.json', 'loss')).map((p) => p.value), [5]);
      assert.deepEqual(await history.read({ commit }, 'dvclive/metrics.json', 'f1'), []);
      assert.deepEqual(await history.read({ commit }, 'other/metrics.json', 'loss'), []);
    } finally {
      history.dispose();
    }
  });

  it('one workspace snapshot serves the reads of one fill; a later read sees the workspace as it is then', async (t) => {
    let loads = 0;
    const load = RevisionLoader.prototype.load;
    t.mock.method(RevisionLoader.prototype, 'load', function (this: RevisionLoader, ...args: Parameters<RevisionLoader['load']>) {
      if (args[0].kind === 'workspace') loads++;
      return load.apply(this, args);
    });
    let now = 0;
    const history = new DvcliveHistory(repo, undefined, () => now);
    const loss = join(repo, 'dvclive', 'plots', 'metrics', 'loss.tsv');
    try {
      writeFileSync(loss, 'timestamp\tstep\tloss\n1\t0\t5\n');
      const reads = await Promise.all([history.read({ workspace: true }, 'dvclive/metrics.json', 'loss'), history.read({ workspace: true }, 'dvclive/metrics.json', 'train.acc'), history.read({ workspace: true }, 'dvclive/metrics.json', 'loss')]);
      assert.deepEqual(reads.map((r) => r.length), [1, 2, 1]);
      assert.equal(loads, 1, 'three reads at once: one snapshot');
      now += WORKSPACE_REUSE_MS / 2;
      await history.read({ workspace: true }, 'dvclive/metrics.json', 'loss');
      assert.equal(loads, 1, 'within the reuse window');
      writeFileSync(loss, 'timestamp\tstep\tloss\n1\t0\t6\n2\t1\t4\n');
      now += WORKSPACE_REUSE_MS + 1;
      assert.deepEqual((await history.read({ workspace: true }, 'dvclive/metrics.json', 'loss')).map((p) => p.value), [6, 4]);
      assert.equal(loads, 2, 'after the window: loaded again');
    } finally {
      writeFileSync(loss, 'timestamp\tstep\tloss\n1\t0\t5\n');
      history.dispose();
    }
  });

  it('a running experiment’s clone is read as it is; a symlink out of it is refused', async () => {
    const clone = join(dir, 'clone');
    mkdirSync(join(clone, 'dvclive', 'plots', 'metrics'), { recursive: true });
    writeFileSync(join(clone, 'dvclive', 'plots', 'metrics', 'loss.tsv'), 'timestamp\tstep\tloss\n1\t0\t3\n2\t1\t2\n');
    writeFileSync(join(dir, 'secret.tsv'), 'timestamp\tstep\tacc\n1\t0\t42\n');
    symlinkSync(join(dir, 'secret.tsv'), join(clone, 'dvclive', 'plots', 'metrics', 'acc.tsv'));
    const history = new DvcliveHistory(repo);
    try {
      assert.deepEqual((await history.read({ workTree: clone }, 'dvclive/metrics.json', 'loss')).map((p) => p.value), [3, 2]);
      await assert.rejects(history.read({ workTree: clone }, 'dvclive/metrics.json', 'acc'), /symlink that leads out of the repository/);
    } finally {
      history.dispose();
    }
  });

  it('a file over the size bound is an error, not a read', async () => {
    const history = new DvcliveHistory(repo, 64);
    try {
      await assert.rejects(history.read({ commit }, 'dvclive/metrics.json', 'loss'), /is 100 bytes, more than the 64/);
    } finally {
      history.dispose();
    }
  });

  it('the table fills min, max and at-step cells of DVC rows from it; a broken file is an error on its row only', async () => {
    const rows: TableRow[] = rowsFromExperiments(repo, [
      dvcRow({ id: `${commit}`, kind: 'baseline', rev: commit, status: null, baseline: null }),
      dvcRow({ id: 'workspace', kind: 'workspace', rev: 'workspace', shortRev: 'workspace', status: null, baseline: null, name: null }),
      dvcRow({ id: 'q', rev: 'q'.padEnd(40, '0'), status: 'queued' }),
    ]);
    writeFileSync(join(repo, 'dvclive', 'plots', 'metrics', 'loss.tsv'), 'timestamp\tloss\n1\t5\n');
    const history = new DvcliveHistory(repo);
    const views = [{ key: 'loss', aggregate: 'min' }, { key: 'loss', aggregate: 'max' }, { key: 'loss', aggregate: 'step', step: 1 }] as const;
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const cells: MetricViewCells = new MetricViewCells(() => dvcHistoryReader(history), () => cells.status.done === cells.status.total && settle());
    try {
      cells.apply(rows, views);
      await settled;
      const filled = cells.apply(rows, views);
      assert.deepEqual([filled[0]!.cells['metrics.loss@min'], filled[0]!.cells['metrics.loss@max'], filled[0]!.cells['metrics.loss@step=1']], [0.5, 0.9, 0.5]);
      assert.deepEqual([filled[1]!.cells['metrics.loss@min'], filled[2]!.cells['metrics.loss@min']], [null, null]);
      assert.equal(cells.status.failed, 1);
      assert.match(cells.status.errors[0]!, /^workspace: loss: dvclive\/plots\/metrics\/loss\.tsv is not a DVCLive metric history/);
    } finally {
      cells.dispose();
      history.dispose();
    }
  });
});
