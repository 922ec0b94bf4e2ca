/**
 * Many object reads through one `git cat-file --batch` process: a request is `<rev>:<path>` or an
 * object id on a line; git answers `<oid> <type> <size>\n<content>\n`, or `<name> missing\n`.
 * Requests are answered in order (a FIFO of pending reads). The process starts on the first read
 * and ends on dispose(); one that dies fails every pending read and is started again on the next.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { gitEnvironment } from './environment.js';
import { GitError } from './errors.js';

export interface GitObject {
  readonly oid: string;
  readonly type: 'blob' | 'tree' | 'commit' | 'tag';
  readonly content: Buffer;
}

interface Pending {
  readonly name: string;
  readonly resolve: (object: GitObject | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/** Objects larger than this are refused (a text read of a huge blob would hold it all in memory). */
const DEFAULT_MAX_OBJECT = 64 << 20;

export class BlobReader {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private disposed = false;
  /** Requests not yet written: the reads of one tick go to git in one write. */
  private unsent = '';

  constructor(
    private readonly cwd: string,
    private readonly command = 'git',
    private readonly maxObjectBytes = DEFAULT_MAX_OBJECT,
  ) {}

  /** The object, or undefined when the clone has no such object (missing rev, path or id). */
  read(name: string): Promise<GitObject | undefined> {
    if (this.disposed) return Promise.reject(new GitError('aborted', 'the git object reader was closed'));
    if (/[\n\r]/.test(name)) return Promise.reject(new GitError('not-found', `a git object name cannot hold a line break: ${JSON.stringify(name)}`));
    const child = this.process();
    return new Promise<GitObject | undefined>((resolve, reject) => {
      this.pending.push({ name, resolve, reject });
      if (this.unsent === '') process.nextTick(() => this.flush(child));
      this.unsent += `${name}\n`;
    });
  }

  /** The object's content as UTF-8 text, or undefined when missing or not a blob. */
  async text(name: string): Promise<string | undefined> {
    const object = await this.read(name);
    return object?.type === 'blob' ? object.content.toString('utf8') : undefined;
  }

  private flush(child: ChildProcessWithoutNullStreams): void {
    // A process that died meanwhile failed its reads already; what waits now is its successor's.
    if (this.child !== child) return;
    const text = this.unsent;
    this.unsent = '';
    if (text !== '') child.stdin.write(text);
  }

  dispose(): void {
    this.disposed = true;
    this.stop(new GitError('aborted', 'the git object reader was closed'));
  }

  private process(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn(this.command, ['cat-file', '--batch'], { cwd: this.cwd, env: gitEnvironment(), stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true });
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
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
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
      const match = /^([0-9a-f]{40,64}) (blob|tree|commit|tag) (\d+)$/.exec(header);
      if (!match) {
        this.stop(new GitError('failed', `git cat-file answered an unexpected header: ${header.slice(0, 200)}`));
        return;
      }
      const size = Number(match[3]);
      if (size > this.maxObjectBytes) {
        // The content still has to be drained from the pipe; restart instead of buffering it.
        this.pending.shift();
        head.reject(new GitError('too-large', `${head.name} is ${size} bytes (more than ${this.maxObjectBytes})`));
        this.restart();
        return;
      }
      if (this.buffer.length < newline + 1 + size + 1) return;
      const content = Buffer.from(this.buffer.subarray(newline + 1, newline + 1 + size));
      this.buffer = this.buffer.subarray(newline + 1 + size + 1);
      this.pending.shift();
      head.resolve({ oid: match[1]!, type: match[2] as GitObject['type'], content });
    }
  }

  /** Ends the process, failing every pending read, so the next read starts afresh. */
  private restart(): void {
    const waiting = this.pending.splice(0);
    this.kill();
    for (const request of waiting) void this.read(request.name).then(request.resolve, request.reject);
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
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
