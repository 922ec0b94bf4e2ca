/**
 * Which commits `dvc exp show` shows as baselines, and their names (dvc/scm.py `iter_revs`,
 * `_get_n_commits`, `resolve_rev`; dvc/repo/experiments/utils.py `describe`, `fix_exp_head`):
 * each `--rev` (HEAD by default) and `num - 1` first-parent ancestors; `-a` branch tips, `-T`
 * tags; `-A` every commit reachable from HEAD, branches, remotes and tags. A rev is a git
 * revision, else a unique remote branch, else an experiment name; duplicates keep the first place.
 */
import type { Git, ObjectStore, RefEntry } from '../../git/index.js';
import { ExperimentsError, type ExpShowOptions } from './model.js';
import { parseExpRef } from './refs.js';

const EXEC_BASELINE = 'refs/exps/exec/EXEC_BASELINE';

/** A ref with the commit it names (an annotated tag peeled). */
export interface PeeledRef extends RefEntry {
  readonly commit: string;
}

export interface RefIndex {
  readonly refs: readonly PeeledRef[];
  /** The branch HEAD is on (`refs/heads/x`), undefined when detached. */
  readonly symbolicHead: string | undefined;
  readonly head: string;
}

/** Tags may name tag objects: those are peeled to their commit (other refs name commits). */
export async function peelRefs(objects: ObjectStore, refs: readonly RefEntry[]): Promise<PeeledRef[]> {
  return Promise.all(refs.map(async (r) => ({ ...r, commit: r.ref.startsWith('refs/tags/') ? ((await objects.commit(r.oid))?.oid ?? r.oid) : r.oid })));
}

export async function baselineRevs(git: Git, objects: ObjectStore, index: RefIndex, options: ExpShowOptions): Promise<string[]> {
  const num = options.num ?? 1;
  const any = (options.revs?.length ?? 0) > 0 || options.allBranches || options.allTags || options.allCommits;
  const revs = any ? [...(options.revs ?? [])] : ['HEAD'];
  const candidates: string[] = await nCommits(git, objects, index, revs, num);
  if (options.allCommits) {
    candidates.push(...(await git.revList(['HEAD', '--branches', '--remotes', '--tags'], options.signal ? { signal: options.signal } : {})));
  } else {
    if (options.allBranches) candidates.push(...(await nCommits(git, objects, index, refsUnder(index, 'refs/heads/'), num)));
    if (options.allTags) candidates.push(...refsUnder(index, 'refs/tags/'));
  }
  const out: string[] = [];
  for (const candidate of candidates) {
    const commit = await resolveRev(objects, index, candidate);
    if (!out.includes(commit)) out.push(commit);
  }
  return out;
}

function refsUnder(index: RefIndex, prefix: string): string[] {
  return index.refs.filter((r) => r.ref.startsWith(prefix)).map((r) => r.ref);
}

/** From this many commits still to walk, an unknown stretch is asked of `git rev-list` at once. */
const LONG_WALK = 32;

/**
 * `rev`, then `rev~1` … `rev~(num - 1)` (num < 0: until the root): the first-parent chain, walked
 * commit by commit — a commit the store already knows (an earlier read, the row cache) costs no
 * round trip to git, and the walk reads each commit once where `rev~k` names would walk again each
 * time. A long walk into commits not known yet (`-n -1`, `-n 500`) is one `git rev-list
 * --first-parent` instead of a round trip per commit.
 */
async function nCommits(git: Git, objects: ObjectStore, index: RefIndex, revs: readonly string[], num: number): Promise<string[]> {
  const out: string[] = [];
  for (const rev of revs) {
    if (num === 0) continue;
    out.push(rev);
    let oid = await tryResolve(objects, index, rev);
    for (let n = 1; n !== num && oid !== undefined; n++) {
      const known = objects.known(oid);
      const left = num < 0 ? Infinity : num - n;
      if (!known && left >= LONG_WALK) {
        // oid itself (already out), then up to `left` first-parent ancestors.
        const chain = await git.revList(['--first-parent', ...(num < 0 ? [] : [`--max-count=${left + 1}`]), oid, '--']);
        out.push(...chain.slice(1));
        break;
      }
      oid = (known ?? (await objects.commit(oid)))?.parents[0];
      if (oid !== undefined) out.push(oid);
    }
  }
  return out;
}

export async function resolveRev(objects: ObjectStore, index: RefIndex, rev: string): Promise<string> {
  const commit = await tryResolve(objects, index, rev);
  if (commit) return commit;
  throw new ExperimentsError('unknown-rev', `unknown Git revision '${rev}'`);
}

async function tryResolve(objects: ObjectStore, index: RefIndex, rev: string): Promise<string | undefined> {
  if (rev === '' || rev.startsWith('-') || /[\n\r]/.test(rev)) return undefined;
  const fixed = fixExpHead(index, rev);
  // HEAD was resolved once for this read (index.head): no need to ask git again.
  if (fixed === 'HEAD') return index.head;
  const direct = await objects.commit(fixed);
  if (direct) return direct.oid;
  if (rev === 'HEAD' || rev.startsWith('refs/')) return undefined;
  const remotes = index.refs.filter((r) => r.ref.startsWith('refs/remotes/') && r.ref.endsWith(`/${rev}`) && r.ref.split('/').length === 4);
  if (remotes.length === 1) return remotes[0]!.commit;
  const named = index.refs.filter((r) => parseExpRef(r.ref)?.name === rev);
  if (named.length === 1) return named[0]!.commit;
  const onHead = named.filter((r) => parseExpRef(r.ref)?.baseline === index.head);
  if (onHead.length === 1) return onHead[0]!.commit;
  if (named.length > 1) throw new ExperimentsError('ambiguous-rev', `ambiguous Git revision '${rev}'`);
  return undefined;
}

/** While an experiment runs in the workspace, HEAD means the baseline it started from. */
function fixExpHead(index: RefIndex, rev: string): string {
  const match = /^HEAD([~^].*)?$/.exec(rev);
  if (match && index.refs.some((r) => r.ref === EXEC_BASELINE)) return `${EXEC_BASELINE}${match[1] ?? ''}`;
  return rev;
}

/** `describe`: the current branch for HEAD's commit, else the first tag, else the first branch. */
export function describe(index: RefIndex, revs: readonly string[]): Map<string, string | null> {
  const tags = new Map<string, string>();
  const branches = new Map<string, string>();
  for (const r of index.refs) {
    if (r.ref.startsWith('refs/tags/') && !tags.has(r.commit)) tags.set(r.commit, r.ref.slice('refs/tags/'.length));
    if (r.ref.startsWith('refs/heads/') && !branches.has(r.commit)) branches.set(r.commit, r.ref.slice('refs/heads/'.length));
  }
  const headBranch = index.symbolicHead?.startsWith('refs/heads/') ? index.symbolicHead.slice('refs/heads/'.length) : undefined;
  return new Map(revs.map((rev) => [rev, rev === index.head && headBranch ? headBranch : (tags.get(rev) ?? branches.get(rev) ?? null)]));
}
