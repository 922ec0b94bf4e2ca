/**
 * "Check Out This Version" decided before anything runs: which file records the data (its `.dvc`
 * file, or the dvc.lock beside its dvc.yaml), which workspace paths the checkout replaces (every
 * output that lock file records), and whether it must be refused because changes would be lost —
 * data that differs from its record, or a record file with uncommitted git changes.
 */
import { relative } from 'node:path';
import { Git } from '../git/index.js';
import type { TrackedData } from './entities.js';
import type { Inspection } from './repo.js';
import { recordFileOf, VersionsError } from './versions.js';

export type CheckoutPlan =
  | {
      readonly kind: 'ready';
      /** The record file, relative to the project (the `git checkout` and `dvc checkout` target). */
      readonly recordFile: string;
      /** The tracked paths the checkout replaces. */
      readonly restored: readonly TrackedData[];
      /** What is replaced, in words. */
      readonly what: string;
    }
  | { readonly kind: 'refused'; readonly detail: string };

/** The plan for checking out another version of `data`, from the project's last inspection; a VersionsError when it is no longer tracked. */
export async function planCheckout(root: string, inspection: Pick<Inspection, 'stages' | 'data'>, data: TrackedData, git: Git = new Git(root)): Promise<CheckoutPlan> {
  const { stages } = inspection;
  const stage = stages.find((s) => s.address === data.stage);
  if (!stage) throw new VersionsError(`${data.repoPath} is no longer tracked.`, 'not-tracked');
  const recordFile = recordFileOf(root, stage);
  const recordRel = relative(root, recordFile).split('\\').join('/');
  const restored = stage.kind === 'data' ? [data] : inspection.data.filter((d) => d.source === 'stage-out' && stages.some((s) => s.address === d.stage && recordFileOf(root, s) === recordFile));
  const unsaved = restored.filter((d) => d.state === 'modified');
  if (unsaved.length > 0) {
    return {
      kind: 'refused',
      detail: `${unsaved.map((d) => d.repoPath).join(', ')} ${unsaved.length === 1 ? 'has' : 'have'} changes that ${recordRel} does not record, and checking out another version would lose them. Record them first (dvc add / dvc commit, then git commit) or move them aside.`,
    };
  }
  const dirty = (await git.text(['status', '--porcelain', '--', recordRel])).trim();
  if (dirty) return { kind: 'refused', detail: `${recordRel} has uncommitted changes in git (${dirty.split('\n')[0]!.trim()}). Commit or stash them first, so no recorded version is lost.` };
  const what = stage.kind === 'data' ? data.repoPath : `every output recorded in ${recordRel} (${restored.map((d) => d.repoPath).join(', ')})`;
  return { kind: 'ready', recordFile: recordRel, restored, what };
}
