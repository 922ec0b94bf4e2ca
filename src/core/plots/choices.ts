/**
 * What the revision picker offers for a DVC project: the workspace, the latest commits of HEAD
 * (with their subjects), the branches, and every DVC experiment (refs/exps), newest first; and,
 * for the MLflow side, which open store holds a run.
 */
import { parseExperimentRef, WORKSPACE } from '../dvc/revision/resolve.js';
import type { Git } from '../git/index.js';
import type { TrackingStore } from '../tracking/store.js';

export interface RevisionChoice {
  /** The name `dvc plots diff` takes. */
  readonly rev: string;
  readonly kind: 'workspace' | 'commit' | 'branch' | 'experiment';
  readonly label: string;
  readonly description: string;
  /** Chosen by default: the workspace and the experiments (what one usually compares). */
  readonly picked: boolean;
}

export async function revisionChoices(git: Git, options: { readonly signal?: AbortSignal; readonly commits?: number } = {}): Promise<RevisionChoice[]> {
  const call = options.signal ? { signal: options.signal } : {};
  const choices: RevisionChoice[] = [{ rev: WORKSPACE, kind: 'workspace', label: 'workspace', description: 'the files on disk now', picked: true }];
  const log = await git.tryText(['log', `--max-count=${options.commits ?? 15}`, '--format=%H%x00%s%x00%cr', 'HEAD'], call);
  for (const line of (log ?? '').split('\n')) {
    const [sha, subject, when] = line.split('\u0000');
    if (sha && /^[0-9a-f]{40,64}$/.test(sha)) choices.push({ rev: sha, kind: 'commit', label: sha.slice(0, 7), description: `${subject ?? ''} · ${when ?? ''}`, picked: false });
  }
  const { refs } = await git.forEachRef(['refs/heads/', 'refs/exps/'], call).catch(() => ({ refs: [] }));
  for (const { ref, oid } of refs) {
    if (ref.startsWith('refs/heads/')) choices.push({ rev: ref.slice('refs/heads/'.length), kind: 'branch', label: ref.slice('refs/heads/'.length), description: `branch · ${oid.slice(0, 7)}`, picked: false });
  }
  const experiments = refs.flatMap(({ ref, oid }) => {
    const parsed = parseExperimentRef(ref);
    return parsed ? [{ ...parsed, oid }] : [];
  });
  const names = new Map<string, number>();
  for (const e of experiments) names.set(e.name, (names.get(e.name) ?? 0) + 1);
  for (const e of experiments) {
    // An experiment name shared by two baselines names neither: pick it by its commit.
    const rev = names.get(e.name)! > 1 ? e.oid : e.name;
    choices.push({ rev, kind: 'experiment', label: e.name, description: `DVC experiment · ${e.oid.slice(0, 7)} on ${e.baseline.slice(0, 7)}`, picked: true });
  }
  return choices;
}

/** Each run id with the first store that has it (else the first store, whose error the panel then shows). */
export async function locateRuns(stores: readonly TrackingStore[], runIds: readonly string[], signal?: AbortSignal): Promise<{ runId: string; store: TrackingStore }[]> {
  if (stores.length === 0) return [];
  return Promise.all(
    [...new Set(runIds)].map(async (runId) => {
      for (const store of stores) {
        const found = await store.getRun(runId, signal ? { signal } : {}).then(
          () => true,
          () => false,
        );
        if (found) return { runId, store };
      }
      return { runId, store: stores[0]! };
    }),
  );
}
