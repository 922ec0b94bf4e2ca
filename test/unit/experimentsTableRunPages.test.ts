/**
 * The table's MLflow runs through a store's run pages: a local store (SQLite, file) is read once
 * and paged in memory (it used to be read in full for every page of 1,000), a server's pages are
 * read only until the table has its runs, and Load More goes on from what is held.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyPagedRuns, fillRuns, moreRuns, takeSpare } from '../../src/core/experimentsTable/index.js';
import type { Run } from '../../src/core/tracking/entities.js';
import { localRunPages, page, searchRunsInMemory } from '../../src/core/tracking/listing.js';
import type { Listing, SearchRunsOptions } from '../../src/core/tracking/store.js';

const runs: Run[] = Array.from({ length: 12 }, (_, i) => ({
  info: { run_id: `r${String(i).padStart(2, '0')}`, run_uuid: `r${i}`, experiment_id: '1', status: 'FINISHED', start_time: 1000 - i, lifecycle_stage: 'active' },
  data: { params: [], metrics: [{ key: 'acc', value: i / 12, timestamp: 0, step: 0 }], tags: [] },
}));

/** A local store's searchRuns (everything read, then filtered, ordered and paged in memory), counting its reads. */
function localStore(): { reads: number; searchRuns(options: SearchRunsOptions): Promise<Listing<Run>> } {
  const store = {
    reads: 0,
    async searchRuns(options: SearchRunsOptions): Promise<Listing<Run>> {
      store.reads++;
      return page(searchRunsInMemory(runs, options), options);
    },
  };
  return store;
}

const ids = (list: readonly Run[]): string[] => list.map((r) => r.info.run_id);

describe('experiments table run pages', () => {
  it('reads a local store once and pages its listing in memory', async () => {
    const store = localStore();
    const paged = emptyPagedRuns();
    let draws = 0;
    await fillRuns(localRunPages((o) => store.searchRuns(o), { experimentIds: ['1'], orderBy: ['metrics.acc DESC'], pageSize: 4 }), paged, 5, () => (draws++, true));
    assert.equal(store.reads, 1);
    assert.equal(draws, 1);
    assert.deepEqual(ids(paged.runs), ['r11', 'r10', 'r09', 'r08', 'r07']);
    assert.ok(moreRuns(paged));
    // Load More: from what was read, no second read.
    assert.ok(takeSpare(paged, 5));
    assert.ok(takeSpare(paged, 5));
    assert.equal(paged.runs.length, 12);
    assert.equal(store.reads, 1);
    assert.ok(!moreRuns(paged));
    assert.ok(!takeSpare(paged, 5));
  });

  it('reads a server page by page only until the table has its runs, and keeps where to go on', async () => {
    const requests: (string | undefined)[] = [];
    async function* serverPages(pageToken?: string): AsyncIterable<Listing<Run>> {
      let token = pageToken;
      do {
        requests.push(token);
        const listing = page(runs, { maxResults: 4, ...(token ? { pageToken: token } : {}) });
        yield listing;
        token = listing.nextPageToken;
      } while (token);
    }
    const paged = emptyPagedRuns();
    await fillRuns(serverPages(), paged, 6, () => true);
    assert.equal(requests.length, 2);
    assert.equal(paged.runs.length, 6);
    // The rest of the second page is held; the token goes on after it.
    assert.ok(takeSpare(paged, 10));
    assert.equal(paged.runs.length, 8);
    assert.ok(paged.nextPageToken !== undefined);
    await fillRuns(serverPages(paged.nextPageToken), paged, 20, () => true);
    assert.deepEqual(ids(paged.runs), ids(runs));
    assert.ok(!moreRuns(paged));
  });

  it('stops reading when the read is no longer wanted (the query changed)', async () => {
    const paged = emptyPagedRuns();
    let served = 0;
    async function* pages(): AsyncIterable<Listing<Run>> {
      for (let i = 0; i < 3; i++) {
        served++;
        yield page(runs, { maxResults: 4, ...(i ? { pageToken: page(runs, { maxResults: 4 * i }).nextPageToken! } : {}) });
      }
    }
    await fillRuns(pages(), paged, 100, () => false);
    assert.equal(served, 1);
    assert.equal(paged.runs.length, 4);
  });

  it('a store that cuts its listing cheaply yields a first page from a cut read, then the rest of the whole listing once', async () => {
    const store = localStore();
    const asked: (number | undefined)[] = [];
    const search = (o: SearchRunsOptions): Promise<Listing<Run>> => (asked.push(o.maxResults), store.searchRuns(o));
    const paged = emptyPagedRuns();
    const drawn: number[] = [];
    await fillRuns(localRunPages(search, { experimentIds: ['1'], pageSize: 4, firstPage: 3 }, true), paged, 10, () => (drawn.push(paged.runs.length), true));
    // The first rows are drawn from the cut read; the whole listing follows, without the runs already shown.
    assert.deepEqual(asked, [3, undefined]);
    assert.deepEqual(drawn, [3, 10]);
    assert.deepEqual(ids(paged.runs), ids(runs).slice(0, 10));
    assert.deepEqual(ids(paged.spare), ids(runs).slice(10));
  });

  it('no cut read when the store cannot cut (a filter, an order, a file store) or goes on from a token', async () => {
    for (const [options, cuts] of [
      [{ experimentIds: ['1'], firstPage: 3 }, false],
      [{ experimentIds: ['1'], firstPage: 3, pageToken: page(runs, { maxResults: 4 }).nextPageToken! }, true],
    ] as const) {
      const asked: (number | undefined)[] = [];
      const store = localStore();
      const paged = emptyPagedRuns();
      await fillRuns(localRunPages((o) => (asked.push(o.maxResults), store.searchRuns(o)), options, cuts), paged, 100, () => true);
      assert.deepEqual(asked, [undefined]);
    }
  });

  it('a listing shorter than the first page is read once', async () => {
    const store = localStore();
    const paged = emptyPagedRuns();
    await fillRuns(localRunPages((o) => store.searchRuns(o), { experimentIds: ['1'], firstPage: 50 }, true), paged, 100, () => true);
    assert.equal(store.reads, 1);
    assert.equal(paged.runs.length, 12);
  });
});
