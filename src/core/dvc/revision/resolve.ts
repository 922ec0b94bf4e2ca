/**
 * Revision names as `dvc plots diff` and `dvc diff` take them: `workspace`, anything git resolves to a commit
 * (branch, tag, sha, `HEAD~1`), or an experiment's name — the last part of its ref
 * `refs/exps/<sha[:2]>/<sha[2:]>/<name>` (dvc/repo/experiments/refs.py); the other namespaces
 * under refs/exps (stash, exec, celery, apply, temp) are not experiments.
 */
import type { Git } from '../../git/index.js';

export interface RevisionInfo {
  /** The name as asked for: `workspace`, a branch, tag, commit or experiment name. */
  readonly name: string;
  /** `recorded`: the workspace's dvc.lock and `.dvc` files, their outputs as the cache has them (what `dvc data status` compares the work tree with). */
  readonly kind: 'workspace' | 'recorded' | 'commit' | 'experiment';
  /** The full commit (absent for the workspace). */
  readonly commit?: string;
  /** For an experiment, the commit it was based on. */
  readonly baseline?: string;
}

/** A revision name that names nothing in this repository (or more than one experiment). */
export class RevisionError extends Error {
  override readonly name = 'RevisionError';
}

export const WORKSPACE = 'workspace';
/** The workspace as last recorded (never a git ref name: `:` is not allowed in one). */
export const RECORDED = 'workspace:recorded';

interface ExperimentRef {
  readonly name: string;
  readonly commit: string;
  readonly baseline: string;
}

export function parseExperimentRef(ref: string): { name: string; baseline: string } | undefined {
  const parts = ref.split('/');
  if (parts.length !== 5 || parts[0] !== 'refs' || parts[1] !== 'exps') return undefined;
  const baseline = `${parts[2]}${parts[3]}`;
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(baseline) || parts[2]!.length !== 2) return undefined;
  return { name: parts[4]!, baseline };
}

export class RevisionResolver {
  private experiments: Promise<ExperimentRef[]> | undefined;

  constructor(private readonly git: Git) {}

  async resolve(name: string, signal?: AbortSignal): Promise<RevisionInfo> {
    if (name === WORKSPACE) return { name, kind: 'workspace' };
    if (name === RECORDED) return { name, kind: 'recorded' };
    const commit = await this.git.resolveCommit(name, signal ? { signal } : {});
    if (commit) return { name, kind: 'commit', commit };
    const matches = (await this.experimentRefs(signal)).filter((e) => e.name === name);
    if (matches.length === 1) return { name, kind: 'experiment', commit: matches[0]!.commit, baseline: matches[0]!.baseline };
    if (matches.length > 1) throw new RevisionError(`'${name}' names ${matches.length} experiments (on baselines ${matches.map((m) => m.baseline.slice(0, 7)).join(', ')}); name one by its commit`);
    throw new RevisionError(`'${name}' is not the workspace, a commit, branch or tag, or an experiment of this repository`);
  }

  private experimentRefs(signal?: AbortSignal): Promise<ExperimentRef[]> {
    this.experiments ??= this.git.forEachRef(['refs/exps/'], signal ? { signal } : {}).then(({ refs }) =>
      refs.flatMap(({ ref, oid }) => {
        const parsed = parseExperimentRef(ref);
        return parsed ? [{ ...parsed, commit: oid }] : [];
      }),
    );
    return this.experiments;
  }
}

/** `dvc plots diff`'s default revisions (dvc/repo/plots/diff.py `_revisions`). */
export async function defaultRevisions(git: Git, revisions: readonly string[]): Promise<string[]> {
  const out = [...revisions];
  if (out.length <= 1) {
    if (out.length === 0 && (await git.hasTrackedChanges())) out.push('HEAD');
    out.push(WORKSPACE);
  }
  return out;
}
