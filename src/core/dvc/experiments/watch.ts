/**
 * What to watch so the experiments are read again when they change, and what a changed path
 * means. Git: HEAD, packed refs and loose refs (experiments, branches, tags, the queue's stash
 * refs). DVC: `.dvc/tmp/exps` (queue messages, results, executor and process files, and the
 * running executors' clones), the pipeline files, and the workspace row's params and metrics.
 * Globs are POSIX, relative to their base folder (for a RelativePattern).
 */
import { relative, sep } from 'node:path';
import type { ExpState } from './model.js';

export interface ExperimentsWatch {
  readonly gitDir: string;
  /** Relative to gitDir. */
  readonly gitGlobs: readonly string[];
  readonly root: string;
  /** Relative to root. */
  readonly rootGlobs: readonly string[];
}

/** Which part of the experiments a change touches. */
export type ExperimentsChange = 'refs' | 'queue' | 'workspace';

const GIT_GLOBS = ['HEAD', 'packed-refs', 'refs/exps/**', 'refs/heads/**', 'refs/tags/**', 'refs/remotes/**'];
const QUEUE_GLOB = '.dvc/tmp/exps/**';
const PIPELINE_GLOBS = ['**/dvc.yaml', '**/dvc.lock', '**/*.dvc', '.dvc/config', '.dvc/config.local'];

export function watchPlan(root: string, gitDir: string, workspace?: ExpState): ExperimentsWatch {
  const files = new Set<string>(['params.yaml']);
  for (const path of [...Object.keys(workspace?.data?.params ?? {}), ...Object.keys(workspace?.data?.metrics ?? {})]) {
    if (!path.startsWith('../') && path !== '..') files.add(path);
  }
  return { gitDir, gitGlobs: GIT_GLOBS, root, rootGlobs: [QUEUE_GLOB, ...PIPELINE_GLOBS, ...[...files].sort().map(escapeGlob)] };
}

/** The part of the experiments a change at `path` (absolute) can alter, or undefined for none. */
export function classifyChange(watch: ExperimentsWatch, path: string): ExperimentsChange | undefined {
  const inGit = posixRelative(watch.gitDir, path);
  if (inGit !== undefined) {
    if (inGit === 'HEAD' || inGit === 'packed-refs' || /^refs\/(exps|heads|tags|remotes)\//.test(inGit)) return 'refs';
    return undefined;
  }
  const inRoot = posixRelative(watch.root, path);
  if (inRoot === undefined) return undefined;
  if (inRoot === '.dvc/tmp/exps' || inRoot.startsWith('.dvc/tmp/exps/')) return inRoot.startsWith('.dvc/tmp/exps/cache/') ? undefined : 'queue';
  if (inRoot.startsWith('.dvc/tmp/') || inRoot.startsWith('.dvc/cache/')) return undefined;
  const name = inRoot.split('/').pop()!;
  if (name === 'dvc.yaml' || name === 'dvc.lock' || name.endsWith('.dvc') || inRoot === '.dvc/config' || inRoot === '.dvc/config.local') return 'workspace';
  const literal = watch.rootGlobs.filter((g) => g !== QUEUE_GLOB && !PIPELINE_GLOBS.includes(g)).map(unescapeGlob);
  return literal.some((f) => f === inRoot || inRoot.startsWith(`${f}/`)) ? 'workspace' : undefined;
}

function posixRelative(base: string, path: string): string | undefined {
  const rel = relative(base, path);
  if (rel === '' || rel.startsWith('..') || rel.includes(':')) return rel === '' ? '' : undefined;
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** Glob metacharacters matched literally (VS Code's glob reads `[x]` as the character x). */
function escapeGlob(path: string): string {
  return path.replace(/[[\]{}*?,!]/g, (c) => `[${c}]`);
}

function unescapeGlob(glob: string): string {
  return glob.replace(/\[(.)\]/g, '$1');
}
