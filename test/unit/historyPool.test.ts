import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HistoryPool } from '../../src/core/tracking/history/pool.js';
import { isTrackingError } from '../../src/core/tracking/errors.js';
import { metricColumns } from '../../src/core/tracking/metricColumns.js';
import { openTrackingStore } from '../../src/core/tracking/open.js';
import { trackingFixture, type TrackingFixture } from '../support/fixtures.js';

let fixtures: TrackingFixture[];
const pool = new HistoryPool({ size: 2, idleMs: 1_000 });

before(async () => {
  fixtures = await Promise.all([trackingFixture('sqlite'), trackingFixture('file')]);
});
after(() => pool.dispose());

test('histories read in worker threads equal the ones read on this thread, on both local stores', async () => {
  for (const fixture of fixtures) {
    const here = openTrackingStore(fixture.uri, { cwd: fixture.dir });
    const there = openTrackingStore(fixture.uri, { cwd: fixture.dir, historyPool: pool });
    const experiments = (await here.searchExperiments()).items.map((e) => e.experiment_id);
    const runs = (await here.searchRuns({ experimentIds: experiments })).items;
    let compared = 0;
    for (const run of runs) {
      for (const { key } of run.data.metrics ?? []) {
        const [a, b] = await Promise.all([metricColumns(here, run.info.run_id, key), metricColumns(there, run.info.run_id, key)]);
        assert.deepEqual(b, a, `${fixture.uri} ${run.info.run_name} ${key}`);
        compared++;
      }
    }
    assert.ok(compared > 5, `compared ${compared} histories`);
    here.dispose?.();
    there.dispose?.();
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
