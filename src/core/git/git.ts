/**
 * The only way core reaches git: argv arrays (never a shell), an AbortSignal per call, bounded
 * output, and an environment that makes git read-only and quiet (no prompts, no optional locks, no
 * pager, C locale for parseable messages). Callers get typed GitErrors, never raw exec errors.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { BlobReader } from './blobReader.js';
import { gitEnvironment } from './environment.js';
import { GitError } from './errors.js';

export interface GitCallOptions {
  readonly signal?: AbortSignal;
  /** Bytes of stdout kept before the call fails with `too-large`. Default 64 MiB. */
  readonly maxBytes?: number;
  /** Receives what git wrote to stderr (its warnings) when the call succeeds. */
  readonly onStderr?: (text: string) => void;
}

/** A ref as `for-each-ref` lists it. */
export interface RefEntry {
  readonly ref: string;
  /** The object it names: a commit, or an annotated tag's own object. */
  readonly oid: string;
}

export interface RefListing {
  readonly refs: RefEntry[];
  /** Refs git ignored because their file holds no object id. */
  readonly broken: string[];
  /** The listed branch HEAD names (`refs/heads/main`; git's `%(HEAD)`), undefined when detached or not listed. */
  readonly head: string | undefined;
  /** The commit HEAD names, when read from git's files (undefined: ask git for `HEAD`). */
  readonly headOid?: string;
}

/** A blob as `ls-tree -l` lists it. */
export interface ListedBlob {
  /** `100644`, `100755` or `120000` (a symlink: its blob is the link's target). */
  readonly mode: string;
  readonly oid: string;
  readonly size: number;
  readonly path: string;
}

export interface GitRemote {
  readonly name: string;
  readonly url: string;
}

/** `git remote -v` lines (`NAME\tURL (fetch|push)`): one entry per name, its fetch URL. */
export function parseRemotes(text: string): GitRemote[] {
  const remotes = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([^\t]+)\t(.*) \((fetch|push)\)$/.exec(line);
    if (!match) continue;
    const [, name, url, direction] = match as unknown as [string, string, string, string];
    if (direction === 'fetch' || !remotes.has(name)) remotes.set(name, url);
  }
  return [...remotes].map(([name, url]) => ({ name, url }));
}

export class Git {
  /**
   * @param cwd a folder inside the work tree (commands run there, so relative paths are its).
   * @param command the git executable (a test may point it elsewhere).
   */
  constructor(
    readonly cwd: string,
    private readonly command = 'git',
  ) {}

  /** stdout of `git ARGS` as UTF-8; a non-zero exit is a GitError. */
  async text(args: readonly string[], options: GitCallOptions = {}): Promise<string> {
    return (await this.bytes(args, options)).toString('utf8');
  }

  /** stdout of `git ARGS` as UTF-8, or undefined where git exits non-zero (a missing rev or path). */
  async tryText(args: readonly string[], options: GitCallOptions = {}): Promise<string | undefined> {
    try {
      return await this.text(args, options);
    } catch (error) {
      if (error instanceof GitError && (error.reason === 'failed' || error.reason === 'not-found')) return undefined;
      throw error;
    }
  }

  /** The repository's remotes (`git remote -v`): name and fetch URL, in git's order. */
  async remotes(options: GitCallOptions = {}): Promise<GitRemote[]> {
    return parseRemotes(await this.text(['remote', '-v'], options));
  }

  /** stdout of `git ARGS` as bytes. */
  bytes(args: readonly string[], options: GitCallOptions = {}): Promise<Buffer> {
    options.signal?.throwIfAborted();
    const maxBytes = options.maxBytes ?? 64 << 20;
    return new Promise<Buffer>((resolve, reject) => {
      const child = spawn(this.command, [...args], { cwd: this.cwd, env: gitEnvironment(), stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
      const chunks: Buffer[] = [];
      let size = 0;
      let stderr = '';
      let failure: GitError | undefined;
      const onAbort = (): void => {
        failure ??= new GitError('aborted', `git ${args[0] ?? ''} was cancelled`);
        child.kill('SIGKILL');
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          failure ??= new GitError('too-large', `git ${args[0] ?? ''} printed more than ${maxBytes} bytes`);
          child.kill('SIGKILL');
          return;
        }
        chunks.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 8192) stderr += chunk.toString('utf8');
      });
      child.once('error', (error: NodeJS.ErrnoException) => {
        options.signal?.removeEventListener('abort', onAbort);
        reject(error.code === 'ENOENT' ? new GitError('git-missing', `git is not installed (or not on PATH): ${error.message}`, { cause: error }) : new GitError('failed', `git could not start: ${error.message}`, { cause: error }));
      });
      child.once('close', (code) => {
        options.signal?.removeEventListener('abort', onAbort);
        if (failure) return reject(failure);
        if (code === 0) {
          if (stderr !== '') options.onStderr?.(stderr);
          return resolve(Buffer.concat(chunks));
        }
        reject(classify(args, stderr));
      });
    });
  }

  /** Streams a blob into a file (a large data file is never held in memory). */
  async writeBlob(oid: string, destination: string, options: GitCallOptions = {}): Promise<void> {
    if (!/^[0-9a-f]{40,64}$/.test(oid)) throw new GitError('not-found', `not an object id: ${oid}`);
    options.signal?.throwIfAborted();
    const out = createWriteStream(destination, { flags: 'wx' });
    // A destination that cannot be written fails here, as a file-system error (not git's).
    await once(out, 'open');
    const child = spawn(this.command, ['cat-file', 'blob', oid], { cwd: this.cwd, env: gitEnvironment(), stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    const onAbort = (): void => void child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const exit = new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', resolve);
      });
      await pipeline(child.stdout, out);
      const code = await exit;
      options.signal?.throwIfAborted();
      if (code !== 0) throw classify(['cat-file'], stderr);
    } catch (error) {
      if (error instanceof GitError) throw error;
      if (options.signal?.aborted) throw new GitError('aborted', 'git cat-file was cancelled');
      const code = (error as NodeJS.ErrnoException).code;
      throw code === 'ENOENT' ? new GitError('git-missing', `git is not installed (or not on PATH): ${(error as Error).message}`) : new GitError('failed', `git cat-file failed: ${(error as Error).message}`);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The work tree's top folder (absolute, as git prints it). */
  async topLevel(options: GitCallOptions = {}): Promise<string> {
    return (await this.text(['rev-parse', '--show-toplevel'], options)).trim();
  }

  /** The full commit id a revision names, or undefined when it names none. */
  async resolveCommit(rev: string, options: GitCallOptions = {}): Promise<string | undefined> {
    if (rev.startsWith('-')) return undefined;
    const out = await this.tryText(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], options);
    return out?.trim() || undefined;
  }

  /**
   * The files (blobs, recursively) under `path` in a commit's tree, as paths relative to the work
   * tree's top with their blob ids. `path` '' lists the whole tree. Submodules are left out.
   */
  async listTree(commit: string, path = '', options: GitCallOptions = {}): Promise<ListedBlob[]> {
    if (commit.startsWith('-')) throw new GitError('not-found', `not a commit: ${commit}`);
    const args = ['--literal-pathspecs', 'ls-tree', '-r', '-z', '-l', '--full-tree', commit, ...(path ? ['--', path] : [])];
    const out = await this.text(args, options);
    const entries: ListedBlob[] = [];
    for (const record of out.split('\0')) {
      const match = /^(\d{6}) (blob|tree|commit) ([0-9a-f]{40,64}) +(\d+|-)\t(.*)$/s.exec(record);
      if (match?.[2] === 'blob') entries.push({ mode: match[1]!, oid: match[3]!, size: Number(match[4]), path: match[5]! });
    }
    return entries;
  }

  /** Whether tracked files differ from HEAD (staged or not); untracked files do not count. */
  async hasTrackedChanges(options: GitCallOptions = {}): Promise<boolean> {
    return (await this.text(['status', '--porcelain', '--untracked-files=no'], options)).trim() !== '';
  }

  /**
   * Every ref under `patterns` (all refs when none) with the object it names (not peeled: peeling
   * makes git fail the whole listing when one ref names a missing object), and the refs git skips
   * as broken (a ref file that holds no object id). One process; ref names cannot hold spaces.
   */
  async forEachRef(patterns: readonly string[] = [], options: GitCallOptions = {}): Promise<RefListing> {
    let warnings = '';
    const out = await this.text(['for-each-ref', '--format=%(objectname) %(HEAD) %(refname)', '--', ...patterns], { ...options, onStderr: (text) => (warnings = text) });
    const refs: RefEntry[] = [];
    let head: string | undefined;
    for (const line of out.split('\n')) {
      const match = /^([0-9a-f]{40,64}) ([* ]) (.+)$/.exec(line);
      if (!match) continue;
      refs.push({ ref: match[3]!, oid: match[1]! });
      if (match[2] === '*') head = match[3]!;
    }
    const broken = [...warnings.matchAll(/ignoring broken ref (\S+)/g)].map((m) => m[1]!);
    return { refs, broken, head };
  }

  /** The branch HEAD names (`refs/heads/main`), or undefined when HEAD is detached. */
  async symbolicHead(options: GitCallOptions = {}): Promise<string | undefined> {
    return (await this.tryText(['symbolic-ref', '-q', 'HEAD'], options))?.trim() || undefined;
  }

  /** Commit ids `git rev-list ARGS` prints (newest first unless the args say otherwise). */
  async revList(args: readonly string[], options: GitCallOptions = {}): Promise<string[]> {
    const out = await this.text(['rev-list', ...args], options);
    return out.split('\n').filter((line) => /^[0-9a-f]{40,64}$/.test(line));
  }

  /** A persistent `git cat-file --batch` for many object reads; dispose it when done. */
  blobReader(): BlobReader {
    return new BlobReader(this.cwd, this.command);
  }
}

function classify(args: readonly string[], stderr: string): GitError {
  const first = stderr.split('\n').find((line) => line.trim()) ?? 'no message';
  const message = `git ${args[0] ?? ''} failed: ${first.replace(/^(fatal|error): /, '')}`;
  if (/not a git repository/i.test(stderr)) return new GitError('not-a-repo', message);
  if (/unknown revision|bad revision|does not exist|exists on disk, but not in|invalid object name|not a valid object name|bad object|path .* does not exist/i.test(stderr)) return new GitError('not-found', message);
  return new GitError('failed', message);
}
