/**
 * git's raw object formats, as `git cat-file --batch` returns them: a tree is a list of
 * `<octal mode> <name>\0<binary oid>` entries; a commit is `key value` header lines, a blank line,
 * then the message. Parsing them here lets a reader walk any commit's files through one batch
 * process instead of one `git ls-tree`/`git show` per file.
 */
import { GitError } from './errors.js';

export type TreeEntryKind = 'blob' | 'tree' | 'link' | 'submodule';

export interface TreeEntry {
  readonly name: string;
  readonly oid: string;
  readonly kind: TreeEntryKind;
  /** The executable bit of a blob (mode 100755). */
  readonly executable: boolean;
}

export interface CommitInfo {
  readonly oid: string;
  readonly tree: string;
  readonly parents: readonly string[];
  /** Committer time, seconds since the epoch (what DVC shows as an experiment's timestamp). */
  readonly committerTime: number;
  readonly message: string;
}

export function parseTree(content: Buffer, oidBytes = 20): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(0x20, at);
    const nul = content.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + oidBytes > content.length) throw new GitError('failed', 'a git tree object is truncated');
    const mode = content.toString('latin1', at, space);
    const name = content.toString('utf8', space + 1, nul);
    const oid = content.toString('hex', nul + 1, nul + 1 + oidBytes);
    entries.push({ name, oid, kind: kindOf(mode), executable: mode === '100755' });
    at = nul + 1 + oidBytes;
  }
  return entries;
}

function kindOf(mode: string): TreeEntryKind {
  if (mode === '40000' || mode === '040000') return 'tree';
  if (mode === '120000') return 'link';
  if (mode === '160000') return 'submodule';
  return 'blob';
}

export function parseCommit(oid: string, content: Buffer): CommitInfo {
  const text = content.toString('utf8');
  const end = text.indexOf('\n\n');
  const header = end < 0 ? text : text.slice(0, end);
  let tree = '';
  const parents: string[] = [];
  let committerTime = 0;
  for (const line of header.split('\n')) {
    if (line.startsWith('tree ')) tree = line.slice(5).trim();
    else if (line.startsWith('parent ')) parents.push(line.slice(7).trim());
    else if (line.startsWith('committer ')) {
      const match = / (-?\d+) [+-]\d{4}$/.exec(line);
      if (match) committerTime = Number(match[1]);
    }
  }
  if (!/^[0-9a-f]{40,64}$/.test(tree)) throw new GitError('failed', `commit ${oid} has no tree`);
  return { oid, tree, parents, committerTime, message: end < 0 ? '' : text.slice(end + 2) };
}
