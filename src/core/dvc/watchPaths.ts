/**
 * What to watch in a DVC root so a change reaches the Pipeline view: every DVC file (and where new
 * ones may appear), the params files, and every stage's deps and outs. Paths are POSIX, relative to
 * the root; a directory is watched with everything below it.
 */
import { posix } from 'node:path';
import type { Stage } from './entities.js';
import type { Dag } from './status/dag.js';

/** Files whose appearance or change can alter the set of stages itself. */
const STRUCTURE = ['**/dvc.yaml', '**/dvc.lock', '**/*.dvc', '**/.dvcignore', '.dvc/config', '.dvc/config.local'];

export function watchedPaths(stages: readonly Stage[]): string[] {
  const paths = new Set<string>();
  for (const stage of stages) {
    if (stage.kind === 'pipeline') paths.add(posix.join(posix.dirname(stage.file), 'params.yaml'));
    for (const item of [...stage.deps, ...stage.params, ...stage.outs]) {
      // Outside the root (DVC then records an absolute path): not ours to watch.
      if (item.repoPath === '..' || item.repoPath.startsWith('../') || posix.isAbsolute(item.repoPath) || /^[a-zA-Z]:/.test(item.repoPath)) continue;
      paths.add(item.repoPath);
    }
  }
  return [...paths].sort();
}

/** Glob metacharacters matched literally (VS Code's glob reads `[x]` as the character x). */
export function escapeGlob(path: string): string {
  return path.replace(/[[\]{}*?,!]/g, (c) => `[${c}]`);
}

/** One glob for a RelativePattern on the root: DVC files anywhere, plus each path and its subtree. */
export function watchGlob(paths: readonly string[]): string {
  const parts = [...STRUCTURE, ...paths.flatMap((p) => [escapeGlob(p), `${escapeGlob(p)}/**`])];
  return `{${parts.join(',')}}`;
}

/**
 * The stages a changed path touches directly (a DVC file defining them, a dep/param/out at, above
 * or below it) and every stage downstream of those, in DAG order. Undefined: the change may alter
 * the pipeline's shape (a DVC file, a config), so everything is re-read.
 */
export function affectedStages(stages: readonly Stage[], dag: Dag, repoPath: string): string[] | undefined {
  const name = posix.basename(repoPath);
  if (name === 'dvc.yaml' || name === 'dvc.lock' || name.endsWith('.dvc') || name === '.dvcignore' || repoPath.startsWith('.dvc/')) return undefined;
  const overlaps = (p: string): boolean => p === repoPath || repoPath.startsWith(`${p}/`) || p.startsWith(`${repoPath}/`);
  const direct = new Set(stages.filter((s) => [...s.deps, ...s.params, ...s.outs].some((d) => overlaps(d.repoPath))).map((s) => s.address));
  const downstream = new Map<string, string[]>();
  for (const [child, parents] of dag.upstream) for (const parent of parents) downstream.set(parent, [...(downstream.get(parent) ?? []), child]);
  const found = new Set<string>();
  const visit = (address: string): void => {
    if (found.has(address)) return;
    found.add(address);
    for (const child of downstream.get(address) ?? []) visit(child);
  };
  direct.forEach(visit);
  return dag.order.filter((a) => found.has(a));
}
