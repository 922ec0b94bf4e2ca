/**
 * Experiment refs (dvc/repo/experiments/refs.py): `refs/exps/<sha[:2]>/<sha[2:]>/<name>` names an
 * experiment's tip commit, grouped by the full baseline commit id. The queue, apply, exec and temp
 * namespaces under `refs/exps` hold DVC's own bookkeeping, never experiments.
 */
export const EXPS_NAMESPACE = 'refs/exps';
export const WORKSPACE_STASH = 'refs/exps/stash';
export const CELERY_STASH = 'refs/exps/celery/stash';
export const CELERY_FAILED_STASH = 'refs/exps/celery/failed';
const SKIPPED = ['refs/exps/apply', 'refs/exps/celery', 'refs/exps/exec', 'refs/exps/temp'];

export interface ExpRef {
  readonly ref: string;
  readonly baseline: string;
  /** '' for a ref with no name part (DVC reads it, and shows the experiment unnamed). */
  readonly name: string;
}

/** The experiment a ref names, or undefined for DVC's bookkeeping refs and malformed ones. */
export function parseExpRef(ref: string): ExpRef | undefined {
  if (SKIPPED.some((ns) => ref === ns || ref.startsWith(`${ns}/`)) || ref === WORKSPACE_STASH) return undefined;
  const parts = ref.split('/');
  if (parts.length < 4 || parts.length > 5 || `${parts[0]}/${parts[1]}` !== EXPS_NAMESPACE) return undefined;
  return { ref, baseline: parts[2]! + parts[3]!, name: parts[4] ?? '' };
}

/** The ref prefix of a baseline's experiments (no trailing slash: DVC matches it as a prefix). */
export function baselinePrefix(baseline: string): string {
  return `${EXPS_NAMESPACE}/${baseline.slice(0, 2)}/${baseline.slice(2)}`;
}
