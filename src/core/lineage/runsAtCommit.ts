/**
 * Run ↔ commit lineage: the MLflow runs that go with a commit of the data (a version of a tracked
 * path). A run is MLflow's `mlflow.source.git.commit` tag; a data version is the commit that
 * recorded a hash. Runs logged at that commit trained on the data it records; runs logged at its
 * parent ran in the working tree that commit then recorded (`dvc repro`, then `git commit`).
 * This is the one room of core that reads both a tracking store and a git repository of DVC data.
 */
import { Git } from '../git/index.js';
import type { Run } from '../tracking/entities.js';
import { storeOf, type TrackedPlace } from '../tracking/storeState.js';
import type { TrackingStore } from '../tracking/store.js';

/** The tag MLflow sets to the commit of the code a run ran (mlflow/utils/mlflow_tags.py). */
export const GIT_COMMIT_TAG = 'mlflow.source.git.commit';
/** Runs read per commit: the Data view lists them, it does not page through them. */
const MAX_RUNS = 50;

export interface RunAtCommit {
  /** The place (workspace folder) whose store holds the run. */
  readonly trackingKey: string;
  readonly run: Run;
  readonly experimentName: string;
  /** 'commit': logged at the version's commit; 'parent': logged at its first parent. */
  readonly at: 'commit' | 'parent';
}

/** The commit tag of a run, if MLflow recorded one. */
export function runCommit(run: Run): string | undefined {
  return run.data.tags?.find((t) => t.key === GIT_COMMIT_TAG)?.value;
}

/** Runs of the store tagged with `commit` (a full or abbreviated hex id; anything else finds none). */
export async function runsTaggedWith(store: TrackingStore, commit: string, signal?: AbortSignal): Promise<{ run: Run; experimentName: string }[]> {
  if (!/^[0-9a-f]{7,64}$/i.test(commit)) return [];
  const options = signal ? { signal } : {};
  const experiments = (await store.searchExperiments({ viewType: 'ACTIVE_ONLY', ...options })).items;
  if (experiments.length === 0) return [];
  const names = new Map(experiments.map((e) => [e.experiment_id, e.name]));
  const listing = await store.searchRuns({ experimentIds: [...names.keys()], filter: `tags.\`${GIT_COMMIT_TAG}\` = '${commit}'`, maxResults: MAX_RUNS, ...options });
  return listing.items.map((run) => ({ run, experimentName: names.get(run.info.experiment_id) ?? run.info.experiment_id }));
}

/**
 * Runs at a commit and at its parent, remembered per place and commit until `forget()` (the host
 * calls it when a store changes).
 */
export class RunsAtCommit {
  private readonly cache = new Map<string, Promise<RunAtCommit[]>>();

  /** Runs in `place`'s store for the commit `commit` of the git repository at `root`. */
  find(place: TrackedPlace | undefined, root: string, commit: string): Promise<RunAtCommit[]> {
    if (!place) return Promise.resolve([]);
    const key = `${place.key}\0${commit}`;
    let found = this.cache.get(key);
    if (!found) {
      found = lookUp(place, root, commit);
      this.cache.set(key, found);
      found.catch(() => this.cache.get(key) === found && this.cache.delete(key));
    }
    return found;
  }

  forget(): void {
    this.cache.clear();
  }
}

async function lookUp(place: TrackedPlace, root: string, commit: string): Promise<RunAtCommit[]> {
  const store = storeOf(place);
  if (!store) return [];
  const parents = (await new Git(root).text(['rev-list', '--parents', '-n', '1', '--end-of-options', commit])).trim().split(/\s+/).slice(1);
  const atCommit = await runsTaggedWith(store, commit);
  const atParent = parents[0] ? await runsTaggedWith(store, parents[0]) : [];
  const row = (at: RunAtCommit['at']) => (found: { run: Run; experimentName: string }): RunAtCommit => ({ trackingKey: place.key, ...found, at });
  return [...atCommit.map(row('commit')), ...atParent.map(row('parent'))];
}

/**
 * A run's commit as text (message, stat and patch, `git show --format=fuller`), read from the git
 * repository at `dir`. A commit that is not there is said so plainly.
 */
export async function commitText(dir: string, commit: string, signal?: AbortSignal): Promise<string> {
  if (!/^[0-9a-f]{4,64}$/i.test(commit)) throw new Error(`"${commit}" is not a git commit id.`);
  try {
    return await new Git(dir).text(['show', '--stat', '--patch', '--format=fuller', '--end-of-options', commit], signal ? { signal } : {});
  } catch (error) {
    throw new Error(`Commit ${commit.slice(0, 12)} is not in the git repository of ${dir}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
}
