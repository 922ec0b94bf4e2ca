/**
 * The lineage JSON (`ml-workbench lineage … --json`, documented in README.md): what trained a model
 * version or run — commit, params, pipeline stage, the data versions its deps held — and whether
 * that data is still HEAD's and the workspace's. What cannot be known is a stated gap, never a guess.
 */

export type GapCode =
  | 'version-not-found'
  | 'alias-not-found'
  | 'no-source-run'
  | 'run-not-found'
  | 'no-commit-tag'
  | 'commit-missing'
  | 'shallow-clone'
  | 'other-repo'
  | 'dirty-unknown'
  | 'dirty'
  | 'no-dvc-source'
  | 'stage-unknown'
  | 'stage-ambiguous'
  | 'stage-not-locked'
  | 'lock-differs'
  | 'not-in-cache'
  | 'not-on-head'
  | 'unresolved-runs';

export interface Gap {
  readonly code: GapCode;
  readonly message: string;
  /** The input path, run id or ref the gap is about. */
  readonly subject?: string;
}

export interface CommitRef {
  readonly id: string;
  /** Whether this clone has the commit. */
  readonly inClone: boolean;
  /** `mlflow.source.git.dirty` as logged; null when the run did not record it. */
  readonly dirty: boolean | null;
  readonly subject: string | null;
  /** Committer time, ISO 8601. */
  readonly time: string | null;
  /** Commits from it to HEAD (`git rev-list --count COMMIT..HEAD`); null when not computable. */
  readonly behindHead: number | null;
}

export interface VersionRange {
  /** The commit that recorded the hash. */
  readonly from: string;
  /** The commit that replaced it; null while HEAD still records it. */
  readonly until: string | null;
}

export interface InputCurrency {
  /** The hash HEAD records, and its version number. */
  readonly headHash: string | null;
  readonly headVersion: number | null;
  /** Whether HEAD records the hash the input had; null when unknown. */
  readonly currentAtHead: boolean | null;
  /** The hash the workspace's record file holds (not a re-hash of the data: that is `dvc status`). */
  readonly workspaceHash: string | null;
  readonly currentInWorkspace: boolean | null;
  /** Commits that recorded a new hash after this version (oldest first). */
  readonly changedIn: readonly string[];
}

export interface DataInput {
  /** Repo-relative POSIX path, as the stage's dep names it. */
  readonly path: string;
  /** `dvc`: recorded by a `.dvc` file or a stage's output; `git`: a file in git; `untracked`: neither. */
  readonly kind: 'dvc' | 'git' | 'untracked';
  /** The file recording the hash (`data/raw.csv.dvc`, `dvc.lock`), relative to the git top. */
  readonly recordedIn: string | null;
  /** The stage producing it (dvc.lock), or null for a `.dvc` file. */
  readonly producedBy: string | null;
  /** The tracked path holding this dep when it lies inside a tracked directory. */
  readonly trackedAs: string | null;
  /** DVC: the md5 (`….dir` for a directory) at the commit; git: the blob id. */
  readonly hash: string | null;
  /** What dvc.lock at the commit records for this dep of the stage (DVC inputs). */
  readonly lockHash: string | null;
  /** 1 = the oldest version of this path in HEAD's history; null when not in it. */
  readonly version: number | null;
  readonly range: VersionRange | null;
  /** Whether the DVC cache holds the object (null for git files). */
  readonly inCache: boolean | null;
  readonly currency: InputCurrency;
}

export interface StageLineage {
  /** `train`, or `sub/dvc.yaml:train`. */
  readonly address: string;
  readonly file: string;
  readonly cmd: string | readonly string[] | null;
  /** Params dvc.lock records for the stage at the commit: file → key → value. */
  readonly params: Record<string, Record<string, unknown>>;
  readonly inputs: readonly DataInput[];
  /** Outputs dvc.lock records at the commit. */
  readonly outputs: readonly { readonly path: string; readonly hash: string | null }[];
}

export interface DatasetInputRef {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  /** The `mlflow.data.context` tag (`training`, `eval`…), or null. */
  readonly context: string | null;
}

export interface RunRef {
  readonly runId: string;
  readonly runName: string | null;
  readonly experimentId: string;
  readonly status: string;
  readonly startTime: number | null;
  readonly params: Record<string, string>;
  readonly metrics: Record<string, number | string>;
  /** `mlflow.source.name` and `mlflow.source.git.repoURL` as logged. */
  readonly sourceName: string | null;
  readonly repoUrl: string | null;
}

export interface ModelVersionRef {
  readonly name: string;
  readonly version: string;
  readonly aliases: readonly string[];
  readonly source: string | null;
  readonly runId: string | null;
  readonly modelId: string | null;
}

export interface ExperimentRef {
  readonly name: string;
  readonly commit: string;
  readonly baseline: string;
}

export interface Staleness {
  readonly path: string;
  readonly trainedVersion: number | null;
  readonly headVersion: number | null;
  readonly message: string;
}

export interface Currency {
  /** `current`: every DVC input is HEAD's version; `stale`: one is not; `unknown`: no inputs known. */
  readonly state: 'current' | 'stale' | 'unknown';
  readonly head: string | null;
  readonly stale: readonly Staleness[];
}

export interface Lineage {
  readonly subject: { readonly kind: 'model-version' | 'run' | 'experiment' | 'commit'; readonly id: string };
  readonly modelVersion: ModelVersionRef | null;
  readonly run: RunRef | null;
  readonly experiment: ExperimentRef | null;
  readonly commit: CommitRef | null;
  readonly stages: readonly StageLineage[];
  readonly datasets: readonly DatasetInputRef[];
  readonly currency: Currency;
  readonly gaps: readonly Gap[];
}

export interface TrainedOn {
  readonly runs: readonly { readonly runId: string; readonly runName: string | null; readonly experimentId: string; readonly commit: string; readonly stage: string }[];
  readonly experiments: readonly (ExperimentRef & { readonly stage: string })[];
  readonly modelVersions: readonly ModelVersionRef[];
}

/** A data version and what was trained on it (`lineage --data PATH`). */
export interface DataLineage extends TrainedOn {
  readonly path: string;
  readonly rev: string;
  readonly commit: string | null;
  readonly hash: string;
  readonly recordedIn: string;
  /** Its versions in HEAD's history with this hash (more than one when a later commit restored it). */
  readonly versions: readonly { readonly version: number; readonly from: string; readonly until: string | null }[];
  readonly inCache: boolean;
  readonly gaps: readonly Gap[];
}
