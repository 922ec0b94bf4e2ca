/** The runs a training task logged, read from a store real MLflow wrote: those started since the task did. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLOCK_SLACK_MS, runsStartedSince } from '../../src/core/tasks/taskRuns.js';
import { openTrackingStore } from '../../src/core/tracking/open.js';
import { trackingFixture } from '../support/fixtures.js';

test('a training task’s runs are those started since it did (a clock slack allowed), newest first', async () => {
  const fixture = await trackingFixture('sqlite');
  const store = openTrackingStore(fixture.uri, { cwd: fixture.dir });
  const experiments = (await store.searchExperiments()).items.map((e) => e.experiment_id);
  const all = (await store.searchRuns({ experimentIds: experiments })).items;
  const starts = all.map((r) => Number(r.info.start_time)).sort((a, b) => b - a);
  const [newest, second] = starts as [number, number];
  assert.deepEqual((await runsStartedSince(store, newest + CLOCK_SLACK_MS)).map((r) => r.info.run_id), all.filter((r) => Number(r.info.start_time) === newest).map((r) => r.info.run_id));
  assert.deepEqual(await runsStartedSince(store, newest + CLOCK_SLACK_MS + 1), []);
  const two = await runsStartedSince(store, second);
  assert.deepEqual(two.map((r) => Number(r.info.start_time)), starts.filter((s) => s >= second - CLOCK_SLACK_MS), 'newest first, as MLflow orders them');
  store.dispose();
});
