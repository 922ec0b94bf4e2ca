import { TrackingError } from './errors.js';
import type { Experiment, Run } from './model.js';
import type { BulkIntervalOptions, Listing, PageOptions } from './store.js';

/** Helpers the local stores share for MLflow's request conventions. */

/** A page of `items` when the caller pages; everything otherwise. */
export function page<T>(items: readonly T[], options: PageOptions): Listing<T> {
  if (options.maxResults === undefined && options.pageToken === undefined) return { items, problems: [] };
  const { items: pageItems, nextPageToken } = paginate(items, options.pageToken, options.maxResults ?? 1000);
  return nextPageToken === undefined ? { items: pageItems, problems: [] } : { items: pageItems, problems: [], nextPageToken };
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


// Interim until the search grammar module lands (the same session): no filter or ordering yet.
export function searchRunsInMemory(runs: readonly Run[], options: { filter?: string; orderBy?: readonly string[] }): readonly Run[] {
  if (options.filter || options.orderBy?.length) throw new TrackingError('invalid-argument', 'Filters and ordering are not available yet');
  return runs;
}

export function searchExperimentsInMemory(experiments: readonly Experiment[], options: { filter?: string; orderBy?: readonly string[] }): readonly Experiment[] {
  if (options.filter || options.orderBy?.length) throw new TrackingError('invalid-argument', 'Filters and ordering are not available yet');
  return experiments;
}

function paginate<T>(items: readonly T[], pageToken: string | undefined, maxResults: number): { items: T[]; nextPageToken?: string } {
  const offset = pageToken ? Number(JSON.parse(Buffer.from(pageToken, 'base64').toString()).offset) : 0;
  const end = offset + maxResults;
  return { items: items.slice(offset, end), nextPageToken: end < items.length ? Buffer.from(JSON.stringify({ offset: end })).toString('base64') : undefined };
}
