import { simpleGit } from 'simple-git';
import type { Run } from '../../core/tracking/model.js';
import { Disposable } from '../dispose.js';
import type { FolderTracking, TrackingService } from '../tracking.js';

const COMMIT_TAG = 'mlflow.source.git.commit';

export interface RunAtCommit {
  readonly trackingKey: string;
  readonly run: Run;
  readonly experimentName: string;
  /**
   * 'commit': logged at the version's commit (trained on the data it records); 'parent': logged at
   * its parent, i.e. in the working tree the commit then recorded (`dvc repro`, then `git commit`).
   */
  readonly at: 'commit' | 'parent';
}

/**
 * The MLflow runs that go with a data version: those whose `mlflow.source.git.commit` tag is the
 * version's commit or that commit's parent, found with MLflow's own filter syntax in the store of
 * the workspace folder. Answers are remembered per commit until the store changes.
 */
export class RunsAtCommit extends Disposable {
  private readonly cache = new Map<string, Promise<RunAtCommit[]>>();

  constructor(private readonly tracking: TrackingService) {
    super();
    this.register(tracking.onDidChangeData(() => this.cache.clear()));
    this.register(tracking.onDidChangeStores(() => this.cache.clear()));
  }

  forget(): void {
    this.cache.clear();
  }

  /** Runs for the version recorded at `commit` in the git repository at `root`. */
  find(root: string, folderUri: string, commit: string): Promise<RunAtCommit[]> {
    const key = `${folderUri}\0${commit}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.lookUp(root, folderUri, commit);
      this.cache.set(key, found);
      found.catch(() => this.cache.delete(key));
    }
    return found;
  }

  private async lookUp(root: string, folderUri: string, commit: string): Promise<RunAtCommit[]> {
    const tracking = this.tracking.folders.find((f) => f.folder.uri.toString() === folderUri);
    if (tracking?.state.kind !== 'ready') return [];
    const parents = (await simpleGit({ baseDir: root }).raw(['rev-list', '--parents', '-n', '1', commit])).trim().split(/\s+/).slice(1);
    const atCommit = await runsTagged(tracking, commit);
    const atParent = parents[0] ? await runsTagged(tracking, parents[0]) : [];
    return [...atCommit.map((r) => ({ ...r, at: 'commit' as const })), ...atParent.map((r) => ({ ...r, at: 'parent' as const }))];
  }
}

async function runsTagged(tracking: FolderTracking, commit: string): Promise<Omit<RunAtCommit, 'at'>[]> {
  if (tracking.state.kind !== 'ready' || !/^[0-9a-f]{7,64}$/i.test(commit)) return [];
  const store = tracking.state.store;
  const experiments = (await store.searchExperiments({ viewType: 'ACTIVE_ONLY' })).items;
  if (experiments.length === 0) return [];
  const names = new Map(experiments.map((e) => [e.experiment_id, e.name]));
  const listing = await store.searchRuns({ experimentIds: [...names.keys()], filter: `tags.\`${COMMIT_TAG}\` = '${commit}'`, maxResults: 50 });
  return listing.items.map((run) => ({ trackingKey: tracking.key, run, experimentName: names.get(run.info.experiment_id) ?? run.info.experiment_id }));
}
