import { TrackingError } from './errors.js';
import type { ModelVersion, RegisteredModel, Run } from './entities.js';
import {
  filterModelVersions,
  filterRegisteredModels,
  orderModelVersions,
  orderRegisteredModels,
  paginate,
  parseModelVersionFilter,
  parseRegisteredModelFilter,
} from './search/index.js';
import type { BulkIntervalOptions, Listing, PageOptions, RunPagesOptions, SearchRunsOptions } from './store.js';

/** Helpers the local stores share for MLflow's request conventions. */

export { searchExperimentsInMemory, searchRunsInMemory } from './search/index.js';

/** A page of `items` when the caller pages; everything otherwise. */
export function page<T>(items: readonly T[], options: PageOptions): Listing<T> {
  if (options.maxResults === undefined && options.pageToken === undefined) return { items, problems: [] };
  const { items: pageItems, nextPageToken } = paginate(items, options.pageToken, options.maxResults ?? 1000);
  return nextPageToken === undefined ? { items: pageItems, problems: [] } : { items: pageItems, problems: [], nextPageToken };
}

export function searchRegisteredModelsInMemory(models: readonly RegisteredModel[], options: PageOptions): Listing<RegisteredModel> {
  const filtered = options.filter ? filterRegisteredModels(models, parseRegisteredModelFilter(options.filter)) : models;
  return page(orderRegisteredModels(filtered, options.orderBy), options);
}

export function searchModelVersionsInMemory(versions: readonly ModelVersion[], options: PageOptions): Listing<ModelVersion> {
  const filtered = options.filter ? filterModelVersions(versions, parseModelVersionFilter(options.filter)) : versions;
  return page(orderModelVersions(filtered, options.orderBy), options);
}

export function rangeOf(options: BulkIntervalOptions): { start: number; end: number } | undefined {
  if ((options.startStep === undefined) !== (options.endStep === undefined)) {
    throw new TrackingError('invalid-argument', 'Both start_step and end_step must be specified together, or neither may be specified.');
  }
  return options.startStep === undefined ? undefined : { start: options.startStep, end: options.endStep! };
}

export function artifactUriOf(run: Run): string {
  if (!run.info.artifact_uri) throw new TrackingError('not-found', `Run ${run.info.run_id} has no artifact location`, run.info.run_id);
  return run.info.artifact_uri;
}

/**
 * A local store's runs page by page for searchRunPages: the whole listing at once (a local store reads
 * every run anyway), or from a token on. When the store `cuts` the asked-for listing cheaply and the
 * caller asks for a `firstPage`, that many runs come first from a cut read, then the rest of the
 * whole listing (runs already yielded left out; a run logged between the two reads comes after
 * them, and the store's change event brings a fresh read).
 */
export async function* localRunPages(searchRuns: (options: SearchRunsOptions) => Promise<Listing<Run>>, options: RunPagesOptions, cuts = false): AsyncIterable<Listing<Run>> {
  const { maxResults: _ignored, pageSize: _local, firstPage, ...rest } = options;
  let pageToken = options.pageToken;
  let seen: Set<string> | undefined;
  if (cuts && firstPage !== undefined && firstPage > 0 && pageToken === undefined) {
    const first = await searchRuns({ ...rest, maxResults: firstPage });
    yield { items: first.items, problems: first.problems };
    if (first.nextPageToken === undefined) return;
    seen = new Set(first.items.map((r) => r.info.run_id));
  }
  do {
    const listing = await searchRuns({ ...rest, pageToken });
    yield seen ? { ...listing, items: listing.items.filter((r) => !seen.has(r.info.run_id)) } : listing;
    pageToken = listing.nextPageToken;
  } while (pageToken);
}
