/**
 * The runs model behind the Runs view, on stores real MLflow wrote: experiments and pages, child
 * runs under their parents, the query and recent filters, finding a run by id, and live re-reads
 * that keep row objects (so a view refreshes one row, not the tree).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { before, test } from 'node:test';
import { Emitter } from '../../src/core/event.js';
import { openTrackingStore } from '../../src/core/tracking/open.js';
import { RunsModel, type ExperimentRuns, type QueryMemento, type RunRow } from '../../src/core/tracking/runsModel.js';
import type { Store, TrackedPlace } from '../../src/core/tracking/storeState.js';
import { trackingFixture, type TrackingFixture } from '../support/fixtures.js';
import { env, pythonEnv } from '../support/python.js';

const execFileAsync = promisify(execFile);
let fixture: TrackingFixture;
let store: Store;
let place: TrackedPlace;

before(async () => {
  fixture = await trackingFixture('file');
  store = openTrackingStore(fixture.uri, { cwd: fixture.dir });
  place = { key: 'f0', name: 'ws', state: { kind: 'ready', store, source: 'setting' } };
});

class MemoryMemento implements QueryMemento {
  readonly values = new Map<string, unknown>();
  get<T>(key: string, defaultValue: T): T {
    return (this.values.has(key) ? this.values.get(key) : defaultValue) as T;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
  }
}

function model(options: { places?: () => TrackedPlace[]; pageSize?: number } = {}) {
  const placesChanged = new Emitter<void>();
  const dataChanged = new Emitter<TrackedPlace>();
  const memento = new MemoryMemento();
  const runs = new RunsModel<TrackedPlace>({ places: options.places ?? (() => [place]), onDidChangePlaces: placesChanged.event, onDidChangeData: dataChanged.event, pageSize: () => options.pageSize ?? 100, memento });
  const changes: (ExperimentRuns<TrackedPlace> | RunRow<TrackedPlace> | undefined)[] = [];
  runs.onDidChange((e) => changes.push(e));
  return { runs, memento, changes, placesChanged, dataChanged };
}

const iris = async (runs: RunsModel<TrackedPlace>): Promise<ExperimentRuns<TrackedPlace>> => (await runs.experimentsOf(place)).experiments.find((e) => e.experiment.name === 'iris-classifier')!;
const names = (rows: readonly RunRow<TrackedPlace>[]): string[] => rows.map((r) => r.run.info.run_name ?? '');

async function mlflow(code: string): Promise<string> {
  const python = await pythonEnv();
  const script = `import mlflow\nfrom mlflow import MlflowClient\nclient = MlflowClient(${JSON.stringify(fixture.uri)})\n${code}`;
  return (await execFileAsync(python.python, ['-c', script], { cwd: fixture.dir, env: env(python) })).stdout.trim();
}

test('experiments as MLflow lists them; a page of runs with child runs nested under their parent', async () => {
  const { runs } = model();
  const { experiments, problems } = await runs.experimentsOf(place);
  const active = (await store.searchExperiments({ viewType: 'ACTIVE_ONLY' })).items.map((e) => e.name);
  assert.deepEqual(experiments.map((e) => e.experiment.name), active);
  assert.deepEqual(problems, []);
  const node = await iris(runs);
  const loaded = await runs.runsOf(node);
  const listed = (await store.searchRuns({ experimentIds: [node.experiment.experiment_id] })).items;
  assert.deepEqual(loaded.runs.map((r) => r.info.run_id), listed.map((r) => r.info.run_id));
  const forest = node.runNodes.find((r) => r.run.info.run_name === 'tuned-forest')!;
  assert.deepEqual(names(forest.childRuns).sort(), ['fold-1', 'fold-2']);
  assert.ok(!names(node.runNodes).includes('fold-1'), 'a child run is not a top-level row');
  assert.equal(forest.childRuns[0]!.parent, forest);
  assert.equal(runs.findRun('f0', fixture.summary.runs['fold-1']!)?.parent, forest);
  assert.equal(runs.loadedRuns().length, listed.length);
  assert.equal((await iris(runs)), node, 'an experiment keeps its node until a refresh');
});

test('pages: Load more reads the next page until every run MLflow lists is loaded', async () => {
  const { runs, changes } = model({ pageSize: 2 });
  const node = await iris(runs);
  let loaded = await runs.runsOf(node);
  assert.equal(loaded.runs.length, 2);
  assert.ok(loaded.nextPageToken);
  let pages = 1;
  while (loaded.nextPageToken) {
    await runs.loadMore(node);
    loaded = (await node.loaded)!;
    pages++;
  }
  const listed = (await store.searchRuns({ experimentIds: [node.experiment.experiment_id] })).items;
  assert.deepEqual(loaded.runs.map((r) => r.info.run_id), listed.map((r) => r.info.run_id));
  assert.equal(pages, Math.ceil(listed.length / 2));
  assert.equal(changes.filter((c) => c === node).length, pages - 1, 'each page announces its experiment');
});

test('a re-read of the loaded pages begun before Load more\'s page arrives does not set the rows back to one page; a second click joins the first', async () => {
  // The re-read's search is held until the next page has been read, or 300 ms when that page waits
  // for the re-read (the fix): before the fix, the re-read (begun with one page loaded) finished
  // last and put the one page back.
  let holding = false;
  let pageRead: () => void = () => undefined;
  const pageDone = new Promise<void>((resolve) => (pageRead = resolve));
  const searches: (string | undefined)[] = [];
  const slow: Store = new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'searchRuns') {
        return async (...args: Parameters<Store['searchRuns']>) => {
          const token = args[0]?.pageToken;
          searches.push(token);
          if (!token && holding) await Promise.race([pageDone, new Promise((resolve) => setTimeout(resolve, 300))]);
          const answer = await target.searchRuns(...args);
          if (token) pageRead();
          return answer;
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
  const held: TrackedPlace = { key: 'f0', name: 'ws', state: { kind: 'ready', store: slow, source: 'setting' } };
  const { runs, dataChanged } = model({ places: () => [held], pageSize: 2 });
  const node = (await runs.experimentsOf(held)).experiments.find((e) => e.experiment.name === 'iris-classifier')!;
  await runs.runsOf(node);
  holding = true;
  dataChanged.fire(held);
  const first = runs.loadMore(node);
  assert.equal(runs.loadMore(node), first, 'a second Load more while the page reads joins it');
  await first;
  holding = false;
  await runs.refreshLoaded(held);
  const loaded = (await node.loaded)!;
  const listed = (await store.searchRuns({ experimentIds: [node.experiment.experiment_id], maxResults: 4 })).items;
  assert.deepEqual(loaded.runs.map((r) => r.info.run_id), listed.map((r) => r.info.run_id), 'two pages stay loaded');
  assert.equal(searches.filter((token) => token !== undefined).length, 1, 'one page read for the two clicks');
  await runs.loadMore(node);
  assert.equal((await node.loaded)!.runs.length, Math.min(6, (await store.searchRuns({ experimentIds: [node.experiment.experiment_id] })).items.length), 'a later click reads the next page');
});

test('the query: a status toggle and a filter narrow the runs, are kept with recent filters, and re-read everything', async () => {
  const { runs, memento, changes } = model();
  const queries: unknown[] = [];
  runs.onDidChangeQuery((q) => queries.push(q));
  await runs.updateQuery({ status: 'FAILED' });
  assert.equal(changes.at(-1), undefined);
  const failed = await iris(runs);
  await runs.runsOf(failed);
  assert.deepEqual(names(failed.runNodes), ['diverged-run']);
  assert.equal(runs.isFiltered, true);
  await runs.updateQuery({ status: undefined, filter: "params.C = '1.0'" });
  await runs.updateQuery({ filter: 'metrics.accuracy > 0.9' });
  await runs.updateQuery({ filter: "params.C = '1.0'" });
  assert.deepEqual(runs.filterHistory, ["params.C = '1.0'", 'metrics.accuracy > 0.9'], 'most recent first, once each');
  assert.deepEqual(memento.values.get('mlWorkbench.runs.query'), { status: undefined, filter: "params.C = '1.0'" });
  const node = await iris(runs);
  const filtered = await runs.runsOf(node);
  const expected = (await store.searchRuns({ experimentIds: [node.experiment.experiment_id], filter: "params.C = '1.0'" })).items;
  assert.deepEqual(filtered.runs.map((r) => r.info.run_id), expected.map((r) => r.info.run_id));
  assert.deepEqual(names(node.runNodes), ['baseline-logreg']);
  await runs.updateQuery({ filter: undefined, showDeleted: true });
  assert.ok((await runs.experimentsOf(place)).experiments.some((e) => e.experiment.name === 'archived'), 'deleted experiments with Show Deleted');
  await runs.updateQuery({ showDeleted: false });
  assert.equal(runs.isFiltered, false);
  assert.equal(queries.length, 6);
});

test('locating a run reads its experiment’s pages as far as needed; a run the filter hides is not found', async () => {
  const { runs } = model({ pageSize: 1 });
  const id = fixture.summary.runs['baseline-logreg']!;
  const row = await runs.locateRun('f0', id);
  assert.equal(row?.run.info.run_id, id);
  assert.equal(runs.findRun('f0', id), row);
  assert.equal(await runs.locateRun('f9', id), undefined, 'no such place');
  await runs.updateQuery({ status: 'FAILED' });
  assert.equal(await runs.locateRun('f0', id), undefined);
  await assert.rejects(runs.locateRun('f0', 'f'.repeat(32)), (error: Error & { reason?: string }) => error.reason === 'not-found');
});

test('a place without a store has no experiments: the one accessor says so with a typed error', async () => {
  const missing: TrackedPlace = { key: 'f1', name: 'empty', state: { kind: 'missing', uri: './mlruns', source: 'default-mlruns' } };
  const { runs } = model({ places: () => [place, missing] });
  await assert.rejects(runs.experimentsOf(missing), (error: Error & { reason?: string }) => error.reason === 'no-store' && /The MLflow tracking store of empty does not exist yet/.test(error.message));
});

test('polling servers re-reads only RUNNING runs of server stores, and with pages the loaded experiments', async () => {
  let reads = 0;
  const server: Store = new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'uri') return 'http://127.0.0.1:5000';
      if (key === 'getRun') return (...args: Parameters<Store['getRun']>) => (reads++, target.getRun(...args));
      return Reflect.get(target, key, receiver);
    },
  });
  const remote: TrackedPlace = { key: 'f0', name: 'ws', state: { kind: 'ready', store: server, source: 'setting' } };
  const { runs } = model({ places: () => [remote] });
  const node = (await runs.experimentsOf(remote)).experiments.find((e) => e.experiment.name === 'iris-classifier')!;
  await runs.runsOf(node);
  await runs.pollServers(false);
  assert.equal(reads, 1, 'still-running is the one RUNNING run');
  const local = model();
  await local.runs.runsOf(await iris(local.runs));
  const localReads = reads;
  await local.runs.pollServers(true);
  assert.equal(reads, localReads, 'a local store is watched, not polled');
});

test('live: MLflow logging to the store updates rows in place, announces only what changed, and adds new runs', { timeout: 120_000 }, async () => {
  const { runs, changes, dataChanged } = model();
  const node = await iris(runs);
  await runs.runsOf(node);
  const before = new Map([...node.runsById].map(([id, row]) => [id, row]));
  const stillRunning = runs.findRun('f0', fixture.summary.runs['still-running']!)!;

  await mlflow(`client.log_metric(${JSON.stringify(stillRunning.run.info.run_id)}, 'accuracy', 0.75, step=4)`);
  changes.length = 0;
  await runs.refreshLoaded(place);
  assert.deepEqual(changes, [stillRunning], 'one row changed');
  assert.equal(stillRunning.run.data.metrics?.find((m) => m.key === 'accuracy')?.value, 0.75);

  const renamed = before.get(fixture.summary.runs['long-params']!)!;
  await mlflow(`client.set_tag(${JSON.stringify(renamed.run.info.run_id)}, 'mlflow.runName', 'long-params-renamed')`);
  changes.length = 0;
  await runs.refreshAfterWrite(renamed);
  assert.deepEqual(changes, [renamed]);
  assert.equal(renamed.run.info.run_name, 'long-params-renamed');

  const added = await mlflow(`run = client.create_run(${JSON.stringify(node.experiment.experiment_id)}, run_name='new-run')\nprint(run.info.run_id)`);
  changes.length = 0;
  dataChanged.fire(place);
  for (let i = 0; i < 10_000 && changes.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(changes, [node], 'a new run rebuilds its experiment');
  assert.ok(node.runsById.has(added));
  for (const [id, row] of before) assert.equal(node.runsById.get(id), row, `the row of ${row.run.info.run_name} is kept`);
  runs.updateRun(renamed, structuredClone(renamed.run));
  assert.equal(changes.length, 1, 'an identical copy changes nothing');
});
