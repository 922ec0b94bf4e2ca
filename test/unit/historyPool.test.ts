import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HistoryPool, joinColumns } from '../../src/core/tracking/history/pool.js';
import { stepPart } from '../../src/core/tracking/sqliteRuns.js';
import { isTrackingError } from '../../src/core/tracking/errors.js';
import { metricColumns } from '../../src/core/tracking/metricColumns.js';
import { openTrackingStore } from '../../src/core/tracking/open.js';
import { trackingFixture, type TrackingFixture } from '../support/fixtures.js';

let fixtures: TrackingFixture[];
const pool = new HistoryPool({ size: 2, idleMs: 1_000 });
/** Every SQLite history of more than one step read in two parts, on two threads at once. */
const splitting = new HistoryPool({ size: 2, idleMs: 1_000, splitSteps: 1 });

before(async () => {
  fixtures = await Promise.all([trackingFixture('sqlite'), trackingFixture('file')]);
});
after(() => {
  pool.dispose();
  splitting.dispose();
});

test('histories read in worker threads equal the ones read on this thread, on both local stores', async () => {
  for (const fixture of fixtures) {
    const here = openTrackingStore(fixture.uri, { cwd: fixture.dir });
    const there = openTrackingStore(fixture.uri, { cwd: fixture.dir, historyPool: pool });
    const inParts = openTrackingStore(fixture.uri, { cwd: fixture.dir, historyPool: splitting });
    const experiments = (await here.searchExperiments()).items.map((e) => e.experiment_id);
    const runs = (await here.searchRuns({ experimentIds: experiments })).items;
    let compared = 0;
    let split = 0;
    for (const run of runs) {
      for (const { key } of run.data.metrics ?? []) {
        const [a, b, c] = await Promise.all([metricColumns(here, run.info.run_id, key), metricColumns(there, run.info.run_id, key), metricColumns(inParts, run.info.run_id, key)]);
        assert.deepEqual(b, a, `${fixture.uri} ${run.info.run_name} ${key}`);
        assert.deepEqual(c, a, `${fixture.uri} ${run.info.run_name} ${key}, read in parts`);
        if (a.step.length > 2 && a.step[0] !== a.step[a.step.length - 1]) split++;
        compared++;
      }
    }
    assert.ok(compared > 5, `compared ${compared} histories`);
    assert.ok(split > 0, `${fixture.uri}: some histories span several steps (read in two parts on SQLite)`);
    here.dispose?.();
    there.dispose?.();
    inParts.dispose?.();
  }
});

test('a worker answers a missing run with the typed error the store throws', async () => {
  const fixture = fixtures[0]!;
  const store = openTrackingStore(fixture.uri, { cwd: fixture.dir, historyPool: pool });
  await assert.rejects(metricColumns(store, 'f'.repeat(32), 'loss'), (error: unknown) => isTrackingError(error) && error.reason === 'not-found');
});

test('an aborted read rejects at once', async () => {
  const fixture = fixtures[1]!;
  const store = openTrackingStore(fixture.uri, { cwd: fixture.dir, historyPool: pool });
  const controller = new AbortController();
  const reading = metricColumns(store, 'f'.repeat(32), 'loss', { signal: controller.signal });
  controller.abort();
  await assert.rejects(reading, (error: unknown) => (error as Error).name === 'AbortError');
});

test('a history read in parts: equal spans of steps, every step in exactly one part, points sharing a step in one part', () => {
  for (const [first, last] of [[0, 999_999], [5, 6], [-10, 10], [0, 0], [3, 1_000_003], [0, 2 ** 40]] as const) {
    for (const of of [1, 2, 3, 4]) {
      const parts = Array.from({ length: of }, (_, i) => stepPart(first, last, i, of));
      assert.equal(parts[0]!.from, undefined, 'the first part is open below');
      assert.equal(parts[of - 1]!.below, undefined, 'the last part is open above');
      for (let i = 1; i < of; i++) assert.equal(parts[i]!.from, parts[i - 1]!.below, `parts ${i - 1} and ${i} of ${of} meet`);
      const probe = [first - 1, first, last, last + 1, Math.floor((first + last) / 2), ...parts.flatMap((p) => [p.from ?? first, (p.from ?? first) - 1])];
      for (const step of probe) assert.equal(parts.filter((p) => (p.from === undefined || step >= p.from) && (p.below === undefined || step < p.below)).length, 1, `step ${step} of [${first}, ${last}] in ${of} parts`);
    }
  }
  assert.deepEqual(joinColumns([{ step: Float64Array.of(1, 2), timestamp: Float64Array.of(10, 20), value: Float64Array.of(0.1, 0.2) }, { step: Float64Array.of(), timestamp: Float64Array.of(), value: Float64Array.of() }, { step: Float64Array.of(3), timestamp: Float64Array.of(30), value: Float64Array.of(NaN) }]), { step: Float64Array.of(1, 2, 3), timestamp: Float64Array.of(10, 20, 30), value: Float64Array.of(0.1, 0.2, NaN) });
});
