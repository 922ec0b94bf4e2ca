/**
 * The runs a training task logged: those of the store started since the task did, newest first
 * (MLflow's default order). A run may start a little before the task by the clocks' reckoning
 * (MLflow rounds, clocks drift), so a slack is allowed.
 */
import type { Run } from '../tracking/entities.js';
import type { TrackingStore } from '../tracking/store.js';

/** Runs that start this long before the task did still count as its runs. */
export const CLOCK_SLACK_MS = 2_000;
/** The newest runs are enough: a task logs a handful. */
const NEWEST = 20;

export async function runsStartedSince(store: TrackingStore, since: number, options: { signal?: AbortSignal } = {}): Promise<Run[]> {
  const experiments = (await store.searchExperiments(options)).items.map((experiment) => experiment.experiment_id);
  if (experiments.length === 0) return [];
  const listing = await store.searchRuns({ experimentIds: experiments, maxResults: NEWEST, ...options });
  return listing.items.filter((run) => Number(run.info.start_time ?? 0) >= since - CLOCK_SLACK_MS);
}
