/**
 * The table's MLflow runs, read through a store's run pages (TrackingStore.searchRunPages): a
 * server answers page by page (filter and order pushed down to it), a local store (SQLite, file)
 * reads its listing once and answers it whole. Either way the table shows up to a number of runs
 * and keeps the rest — a local listing's remainder in memory, a server's next page token — for
 * Load More, so a local store is never read again per page.
 */
import type { Run } from '../tracking/entities.js';
import type { Listing } from '../tracking/store.js';

export interface PagedRuns {
  /** The runs shown. */
  readonly runs: Run[];
  /** Runs read but not shown yet (the rest of a local listing, or of a server page). */
  spare: Run[];
  /** Where a server's listing goes on. */
  nextPageToken: string | undefined;
}

export const emptyPagedRuns = (): PagedRuns => ({ runs: [], spare: [], nextPageToken: undefined });

export const moreRuns = (paged: PagedRuns): boolean => paged.spare.length > 0 || paged.nextPageToken !== undefined;

/**
 * Reads `pages` into `paged` until it shows `upTo` runs or the listing ends; `onPage` runs after
 * each page (the caller draws) and answers false when the read is no longer wanted.
 */
export async function fillRuns(pages: AsyncIterable<Listing<Run>>, paged: PagedRuns, upTo: number, onPage: () => boolean): Promise<void> {
  for await (const page of pages) {
    const room = Math.max(0, upTo - paged.runs.length);
    paged.runs.push(...page.items.slice(0, room));
    paged.spare = page.items.slice(room);
    paged.nextPageToken = page.nextPageToken;
    if (!onPage() || paged.runs.length >= upTo) return;
  }
}

/** Shows up to `count` more runs from those already read; false when none are held (read the next page). */
export function takeSpare(paged: PagedRuns, count: number): boolean {
  if (paged.spare.length === 0) return false;
  paged.runs.push(...paged.spare.splice(0, count));
  return true;
}
