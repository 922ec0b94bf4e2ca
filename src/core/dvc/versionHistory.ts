/**
 * A tracked path's versions as the Data view lists them: read from git history once and
 * remembered until HEAD moves or the `.dvc`/lock record names another hash; which one the
 * workspace records now; and whether the record names a version no commit has yet.
 */
import { Git } from '../git/index.js';
import type { DataVersion } from './entities.js';
import type { DvcRepo } from './repo.js';

/** The commit HEAD names in the repository at `root`, '' when there is none (no commit, no git). */
export async function headCommit(root: string): Promise<string> {
  return (await new Git(root).resolveCommit('HEAD').catch(() => undefined)) ?? '';
}

export class DataVersionCache {
  private readonly entries = new Map<string, { readonly key: string; readonly versions: Promise<DataVersion[]> }>();

  constructor(private readonly head: (root: string) => Promise<string> = headCommit) {}

  /** Versions of `repoPath`, newest first; read again when HEAD or the recorded hash moved, or after a failure. */
  async versions(repo: Pick<DvcRepo, 'root' | 'dataVersions'>, repoPath: string, recordedHash: string | undefined): Promise<DataVersion[]> {
    const id = `${repo.root}\0${repoPath}`;
    const key = `${await this.head(repo.root)}\0${recordedHash ?? ''}`;
    let entry = this.entries.get(id);
    if (!entry || entry.key !== key) {
      const versions = repo.dataVersions(repoPath);
      entry = { key, versions };
      this.entries.set(id, entry);
      versions.catch(() => this.entries.get(id)?.versions === versions && this.entries.delete(id));
    }
    return entry.versions;
  }

  clear(): void {
    this.entries.clear();
  }
}

export interface VersionRow {
  readonly version: DataVersion;
  /** The version the `.dvc`/lock file records now (the newest commit with that hash). */
  readonly current: boolean;
}

/**
 * The versions with the current one marked (only the newest of several commits that recorded the
 * same hash), and `uncommitted` when the record names a hash no commit has (`dvc add` or
 * `dvc repro` done, `git commit` not yet).
 */
export function versionRows(versions: readonly DataVersion[], recordedHash: string | undefined): { readonly rows: readonly VersionRow[]; readonly uncommitted: boolean } {
  const currentIndex = versions.findIndex((v) => v.hash === recordedHash);
  return {
    rows: versions.map((version, i) => ({ version, current: i === currentIndex })),
    uncommitted: !!recordedHash && currentIndex < 0,
  };
}
