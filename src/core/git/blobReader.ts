/**
 * Many object reads through one long-lived `git cat-file` process per kind of answer: `--batch`
 * for contents, `--batch-check` for a type and size alone (a blob's size without reading it). A
 * request is `<rev>:<path>` or an object id on a line; git answers `<oid> <type> <size>\n` (then
 * `<content>\n` with --batch), or `<name> missing\n`. Requests are answered in order (a FIFO of
 * pending reads). A process starts on its first read and ends on dispose(); one that dies fails
 * its pending reads and is started again on the next.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { gitEnvironment } from './environment.js';
import { GitError } from './errors.js';

export type GitObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface GitObjectInfo {
  readonly oid: string;
  readonly type: GitObjectType;
  readonly size: number;
}

export interface GitObject extends GitObjectInfo {
  readonly content: Buffer;
}

/** Objects larger than this are refused (a text read of a huge blob would hold it all in memory). */
const DEFAULT_MAX_OBJECT = 64 << 20;

export class BlobReader {
  private readonly contents: CatFile<GitObject>;
  private readonly infos: CatFile<GitObjectInfo>;

  constructor(cwd: string, command = 'git', maxObjectBytes = DEFAULT_MAX_OBJECT) {
    this.contents = new CatFile(cwd, command, true, maxObjectBytes);
    this.infos = new CatFile(cwd, command, false, Infinity);
  }

  /** The object, or undefined when the clone has no such object (missing rev, path or id). */
  read(name: string): Promise<GitObject | undefined> {
    return this.contents.request(name);
  }

  /** The object's type and size without its content (no size limit applies). */
  info(name: string): Promise<GitObjectInfo | undefined> {
    return this.infos.request(name);
  }

  /** The object's content as UTF-8 text, or undefined when missing or not a blob. */
  async text(name: string): Promise<string | undefined> {
    const object = await this.read(name);
    return object?.type === 'blob' ? object.content.toString('utf8') : undefined;
  }

  dispose(): void {
    this.contents.dispose();
    this.infos.dispose();
  }
}

interface Pending<T> {
  readonly name: string;
  readonly resolve: (object: T | undefined) => void;
  readonly reject: (error: unknown) => void;
}

const HEADER = /^([0-9a-f]{40,64}) (blob|tree|commit|tag) (\d+)$/;

/** One `git cat-file --batch` (withContent) or `--batch-check` process and its queue of reads. */
class CatFile<T extends GitObjectInfo> {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly pending: Pending<T>[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  /** Chunks of a large object not yet joined to `buffer`: joined once, when the object is complete. */
  private later: Buffer[] = [];
  private laterBytes = 0;
  /** Bytes `buffer` must hold before the head read can be answered (its header, content and newline). */
  private awaiting = 0;
  private disposed = false;
  /** Requests not yet written: the reads of one tick go to git in one write. */
  private unsent = '';

  constructor(
    private readonly cwd: string,
    private readonly command: string,
    private readonly withContent: boolean,
    private readonly maxObjectBytes: number,
  ) {}

  request(name: string): Promise<T | undefined> {
    if (this.disposed) return Promise.reject(new GitError('aborted', 'the git object reader was closed'));
    if (/[\n\r]/.test(name)) return Promise.reject(new GitError('not-found', `a git object name cannot hold a line break: ${JSON.stringify(name)}`));
    const child = this.process();
    return new Promise<T | undefined>((resolve, reject) => {
      this.pending.push({ name, resolve, reject });
      if (this.unsent === '') process.nextTick(() => this.flush(child));
      this.unsent += `${name}\n`;
    });
  }

  dispose(): void {
    this.disposed = true;
    this.stop(new GitError('aborted', 'the git object reader was closed'));
  }

  private flush(child: ChildProcessWithoutNullStreams): void {
    // A process that died meanwhile failed its reads already; what waits now is its successor's.
    if (this.child !== child) return;
    const text = this.unsent;
    this.unsent = '';
    if (text !== '') child.stdin.write(text);
  }

  private process(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const mode = this.withContent ? '--batch' : '--batch-check';
    const child = spawn(this.command, ['cat-file', mode], { cwd: this.cwd, env: gitEnvironment(), stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    // A killed process's last buffered output must not reach the next one's parser.
    child.stdout.on('data', (chunk: Buffer) => this.child === child && this.onData(chunk));
    child.stdin.on('error', () => undefined);
    child.once('error', (error: NodeJS.ErrnoException) => {
      this.stop(error.code === 'ENOENT' ? new GitError('git-missing', `git is not installed (or not on PATH): ${error.message}`) : new GitError('failed', `git cat-file could not start: ${error.message}`));
    });
    child.once('close', (code) => {
      if (this.child === child) this.stop(new GitError(/not a git repository/i.test(stderr) ? 'not-a-repo' : 'failed', `git cat-file ended (${code ?? 'killed'}): ${stderr.split('\n')[0] || 'no message'}`));
    });
    this.child = child;
    return child;
  }

  private onData(chunk: Buffer): void {
    if (this.buffer.length + this.laterBytes + chunk.length < this.awaiting) {
      this.later.push(chunk);
      this.laterBytes += chunk.length;
      return;
    }
    this.buffer = Buffer.concat([this.buffer, ...this.later, chunk]);
    this.later = [];
    this.laterBytes = 0;
    this.awaiting = 0;
    for (;;) {
      const head = this.pending[0];
      if (!head) return;
      const newline = this.buffer.indexOf(10);
      if (newline < 0) return;
      const header = this.buffer.subarray(0, newline).toString('utf8');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buffer = this.buffer.subarray(newline + 1);
        this.pending.shift();
        head.resolve(undefined);
        continue;
      }
      const match = HEADER.exec(header);
      if (!match) {
        this.stop(new GitError('failed', `git cat-file answered an unexpected header: ${header.slice(0, 200)}`));
        return;
      }
      const info = { oid: match[1]!, type: match[2] as GitObjectType, size: Number(match[3]) };
      if (!this.withContent) {
        this.buffer = this.buffer.subarray(newline + 1);
        this.pending.shift();
        head.resolve(info as T);
        continue;
      }
      if (info.size > this.maxObjectBytes) {
        // The content still has to be drained from the pipe; restart instead of buffering it.
        this.pending.shift();
        head.reject(new GitError('too-large', `${head.name} is ${info.size} bytes (more than ${this.maxObjectBytes})`));
        this.restart();
        return;
      }
      if (this.buffer.length < newline + 1 + info.size + 1) {
        this.awaiting = newline + 1 + info.size + 1;
        return;
      }
      const content = Buffer.from(this.buffer.subarray(newline + 1, newline + 1 + info.size));
      this.buffer = this.buffer.subarray(newline + 1 + info.size + 1);
      this.pending.shift();
      head.resolve({ ...info, content } as unknown as T);
    }
  }

  /** Ends the process and asks its successor for the reads that were waiting. */
  private restart(): void {
    const waiting = this.pending.splice(0);
    this.kill();
    for (const request of waiting) void this.request(request.name).then(request.resolve, request.reject);
  }

  private stop(error: GitError): void {
    this.kill();
    for (const request of this.pending.splice(0)) request.reject(error);
  }

  private kill(): void {
    const child = this.child;
    this.child = undefined;
    this.unsent = '';
    this.buffer = Buffer.alloc(0);
    this.later = [];
    this.laterBytes = 0;
    this.awaiting = 0;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
