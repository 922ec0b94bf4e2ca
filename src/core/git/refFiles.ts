/**
 * The repository and its refs read from the files git keeps them in, without starting git: what
 * `git rev-parse --show-toplevel --git-common-dir` and `git for-each-ref --format='%(objectname)
 * %(HEAD) %(refname)'` print, for the plain case only — a `.git` folder with loose refs and
 * `packed-refs`. Anything else answers undefined and the caller asks git: a `.git` file (linked
 * worktrees, submodules), a `commondir`, a bare repository, reftable or any `[extensions]`, includes
 * or a `core.worktree` in the config, GIT_DIR-like variables, a folder owned by someone else (git's
 * safe.directory check), a file-system boundary on the way up, a ref name git would refuse, a
 * symlink under refs/, a packed-refs line of an unknown shape, a symbolic ref that is not plain.
 * Files are untrusted: sizes are bounded and nothing is written.
 */
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { RefEntry, RefListing } from './git.js';

/** Variables that change where git looks or what it reads: with any of them, git decides. */
const REDIRECTING = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_COMMON_DIR', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM', 'GIT_NAMESPACE', 'GIT_CONFIG', 'GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM', 'GIT_OBJECT_DIRECTORY', 'GIT_REF_STORAGE'];
const MAX_REF_FILE = 4096;
const MAX_PACKED_REFS = 64 << 20;
const MAX_LOOSE_REFS = 100_000;
const OID = /^[0-9a-f]{40}$/;

export interface RepoLocation {
  /** The work tree's top folder, as `git rev-parse --show-toplevel` prints it (symlinks resolved). */
  readonly top: string;
  /** The `.git` folder (`--git-common-dir`, absolute). */
  readonly gitDir: string;
}

/** Where the repository holding `start` is, or undefined when git must say (see the file's comment). */
export async function locateRepo(start: string, env: NodeJS.ProcessEnv = process.env): Promise<RepoLocation | undefined> {
  if (REDIRECTING.some((name) => env[name] !== undefined)) return undefined;
  let dir: string;
  try {
    dir = await realpath(start);
  } catch {
    return undefined;
  }
  if (dir.split('/').includes('.git')) return undefined;
  let device = (await stat(dir).catch(() => undefined))?.dev;
  for (;;) {
    const dotGit = await lstat(join(dir, '.git')).catch(() => undefined);
    if (dotGit) {
      if (!dotGit.isDirectory()) return undefined;
      const gitDir = join(dir, '.git');
      return (await plainGitDir(gitDir)) ? { top: dir, gitDir } : undefined;
    }
    // A folder that is itself a git directory is a bare repository (or inside one).
    if (await exists(join(dir, 'HEAD'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    const parentDevice = (await stat(parent).catch(() => undefined))?.dev;
    if (parentDevice === undefined || parentDevice !== device) return undefined;
    device = parentDevice;
    dir = parent;
  }
}

/** A `.git` folder of the plain kind, owned by this user, whose config changes nothing we read. */
async function plainGitDir(gitDir: string): Promise<boolean> {
  const info = await stat(gitDir).catch(() => undefined);
  if (!info || (process.getuid && info.uid !== process.getuid())) return false;
  if ((await exists(join(gitDir, 'commondir'))) || (await exists(join(gitDir, 'reftable'))) || !(await exists(join(gitDir, 'objects'))) || !(await exists(join(gitDir, 'refs')))) return false;
  let config: string;
  try {
    config = await readFile(join(gitDir, 'config'), 'utf8');
  } catch {
    return false;
  }
  if (config.length > 1 << 20) return false;
  return !/\[\s*(extensions|include|includeif)\b|\bworktree\b|\brefstorage\b|^\s*bare\s*=(?!\s*false\s*$)/im.test(config);
}

/**
 * The refs `git for-each-ref` lists (every ref under refs/, loose over packed, in git's byte
 * order, a symbolic ref with its target's object, a dangling one left out), the loose ref files
 * that hold no object id (git's "ignoring broken ref"), and the branch HEAD names when it is
 * listed; undefined when git must answer.
 */
export async function readRefFiles(gitDir: string): Promise<RefListing | undefined> {
  const head = await readSmall(join(gitDir, 'HEAD'));
  if (head === undefined) return undefined;
  const headRef = parseHead(head);
  if (headRef === undefined) return undefined;
  const packed = await readPackedRefs(gitDir);
  if (packed === undefined) return undefined;
  const loose = new Map<string, LooseRef>();
  if (!(await walkLoose(join(gitDir, 'refs'), 'refs', loose, yielding(5)))) return undefined;
  const direct = new Map(packed);
  const symbolic = new Map<string, string>();
  const broken: string[] = [];
  for (const [name, ref] of loose) {
    // A broken loose file over a packed ref: which one git shows is git's to say.
    if (ref.kind === 'broken' && direct.has(name)) return undefined;
    direct.delete(name);
    if (ref.kind === 'oid') direct.set(name, ref.oid);
    else if (ref.kind === 'symbolic') symbolic.set(name, ref.target);
    else broken.push(name);
  }
  const refs: RefEntry[] = [...direct].map(([ref, oid]) => ({ ref, oid }));
  for (const [name, target] of symbolic) {
    // One level to a ref that names an object; a chain or anything else is git's to judge.
    if (symbolic.has(target) || broken.includes(target) || !validRefName(target)) return undefined;
    const oid = direct.get(target);
    if (oid !== undefined) refs.push({ ref: name, oid });
  }
  refs.sort((a, b) => byteOrder(a.ref, b.ref));
  broken.sort(byteOrder);
  const listed = headRef.kind === 'symbolic' && refs.some((r) => r.ref === headRef.target) ? headRef.target : undefined;
  const headOid = headRef.kind === 'detached' ? headRef.oid : direct.get(headRef.target);
  return { refs, broken, head: listed, ...(headOid !== undefined ? { headOid } : {}) };
}

type LooseRef = { readonly kind: 'oid'; readonly oid: string } | { readonly kind: 'symbolic'; readonly target: string } | { readonly kind: 'broken' };

/** HEAD's file: a symbolic ref to a branch, or a detached commit id; undefined for anything else. */
export function parseHead(text: string): { kind: 'symbolic'; target: string } | { kind: 'detached'; oid: string } | undefined {
  const ref = parseLoose(text);
  if (ref.kind === 'oid') return { kind: 'detached', oid: ref.oid };
  if (ref.kind === 'symbolic' && ref.target.startsWith('refs/') && validRefName(ref.target)) return { kind: 'symbolic', target: ref.target };
  return undefined;
}

/** A loose ref file's content as git reads it: an id followed by whitespace or nothing, or `ref: <name>`. */
export function parseLoose(text: string): LooseRef {
  if (text.startsWith('ref:')) {
    const target = text.slice(4).trim();
    return target !== '' && !/\s/.test(target) ? { kind: 'symbolic', target } : { kind: 'broken' };
  }
  const oid = text.slice(0, 40);
  const after = text.charAt(40);
  return OID.test(oid) && (after === '' || /\s/.test(after)) ? { kind: 'oid', oid } : { kind: 'broken' };
}

/**
 * `packed-refs`: an optional `# pack-refs with:` header, `<oid> <refname>` lines, each possibly
 * followed by a `^<oid>` line (an annotated tag's peeled commit, which for-each-ref's
 * %(objectname) does not show). A missing file is no packed refs; a line of another shape, or a
 * ref name git refuses, is undefined (git's to judge).
 */
export function parsePackedRefs(text: string): Map<string, string> | undefined {
  const refs = new Map<string, string>();
  let lastWasRef = false;
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    if (i === 0 && line.startsWith('# pack-refs with:')) continue;
    if (line.startsWith('^')) {
      if (!lastWasRef || !OID.test(line.slice(1))) return undefined;
      lastWasRef = false;
      continue;
    }
    const match = /^([0-9a-f]{40}) (\S+)$/.exec(line);
    if (!match || !validRefName(match[2]!) || !match[2]!.startsWith('refs/')) return undefined;
    refs.set(match[2]!, match[1]!);
    lastWasRef = true;
  }
  return refs;
}

async function readPackedRefs(gitDir: string): Promise<Map<string, string> | undefined> {
  let text: string;
  try {
    const path = join(gitDir, 'packed-refs');
    const info = await lstat(path);
    if (!info.isFile() || info.size > MAX_PACKED_REFS) return undefined;
    text = await readFile(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? new Map() : undefined;
  }
  return parsePackedRefs(text);
}

/**
 * Loose refs below `dir` (named `prefix/...`); false when git must judge what is there. The files
 * are small and many (a DVC repo keeps a loose ref per experiment): each is read with one
 * synchronous call, far cheaper than an asynchronous open, stat, read and close, and the walk
 * yields to the event loop every few milliseconds.
 */
async function walkLoose(dir: string, prefix: string, out: Map<string, LooseRef>, pause: () => Promise<void> | undefined): Promise<boolean> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    // Awaited only when it is time to yield: an await per ref costs more than reading it.
    const due = pause();
    if (due) await due;
    const name = `${prefix}/${entry.name}`;
    // `dir` is normalised and a ref name has no `..` or `//` (validRefName): plain concatenation,
    // without path.join's normalising of every one of thousands of paths.
    const path = `${dir}${sep}${entry.name}`;
    if (entry.isDirectory()) {
      if (!(await walkLoose(path, name, out, pause))) return false;
    } else if (entry.isFile()) {
      // git skips what cannot be a ref name with a warning of its own: git's to say.
      if (!validRefName(name) || out.size >= MAX_LOOSE_REFS) return false;
      const text = readSmallSync(path);
      if (text === undefined) return false;
      out.set(name, parseLoose(text));
    } else {
      return false;
    }
  }
  return true;
}

/** A small file's text; undefined when missing, unreadable or too large for a ref. */
async function readSmall(path: string): Promise<string | undefined> {
  try {
    const text = await readFile(path, 'latin1');
    return text.length <= MAX_REF_FILE ? text : undefined;
  } catch {
    return undefined;
  }
}

/** One buffer for every loose ref read: a ref file is a line, read whole into it or refused as too large. */
const REF_BUFFER = Buffer.allocUnsafe(MAX_REF_FILE + 1);

/** open, read, close (no stat, no buffer of its own): the walk does this for every experiment's ref. */
function readSmallSync(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    let length = 0;
    for (let n = -1; n !== 0 && length <= MAX_REF_FILE; length += n) n = readSync(fd, REF_BUFFER, length, REF_BUFFER.length - length, null);
    return length <= MAX_REF_FILE ? REF_BUFFER.toString('latin1', 0, length) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Yields to the event loop (setImmediate) once `budgetMs` has passed since the last yield. */
function yielding(budgetMs: number): () => Promise<void> | undefined {
  let last = Date.now();
  return () => {
    if (Date.now() - last < budgetMs) return undefined;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => void (last = Date.now()));
  };
}

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined)) !== undefined;
}

/** git's check_refname_format for a full ref name (no `*` patterns, one-level names refused). */
export function validRefName(name: string): boolean {
  if (name === '@' || name.includes('..') || name.includes('@{') || name.endsWith('/') || name.endsWith('.') || name.includes('//')) return false;
  // eslint-disable-next-line no-control-regex -- control characters are what git refuses
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name) || /[^\x21-\x7e]/.test(name)) return false;
  const parts = name.split('/');
  if (parts.length < 2) return false;
  return parts.every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
