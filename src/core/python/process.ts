/**
 * Runs one interpreter process with an argv array (never a shell), collects its output within a
 * limit, and ends it on timeout or abort. The child gets its own process group on POSIX, so that
 * ending it also ends whatever it started; on Windows `kill` ends the process itself.
 */
import { spawn } from 'node:child_process';

export interface ProcessOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long; the result then has `timedOut`. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Bytes kept from each of stdout and stderr (stderr keeps its tail). Default 16 MiB / 64 KiB. */
  readonly maxStdout?: number;
  readonly maxStderr?: number;
  /** Written to the process's stdin, which is then closed (none: stdin is not open). */
  readonly input?: string;
}

export interface ProcessResult {
  /** Null when the process was killed. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/**
 * Resolves when the process exits; rejects with the spawn error (ENOENT, EACCES: the caller types
 * it) or with the signal's reason once aborted, after the child was killed.
 */
export function runProcess(command: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  options.signal?.throwIfAborted();
  const maxStdout = options.maxStdout ?? 16 << 20;
  const maxStderr = options.maxStderr ?? 64 << 10;
  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
      shell: false,
    });
    if (options.input !== undefined && child.stdin) {
      // A process that exits without reading all of it must not fail the call (EPIPE).
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
    const stdout: Buffer[] = [];
    let stdoutSize = 0;
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const kill = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        if (process.platform !== 'win32' && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    const onAbort = (): void => kill();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (error: unknown, code: number | null = null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) return reject(error);
      if (options.signal?.aborted) return reject(options.signal.reason);
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr, timedOut });
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      if (stdoutSize + chunk.length <= maxStdout) stdout.push(chunk);
      stdoutSize += chunk.length;
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-maxStderr);
    });
    child.once('error', (error) => finish(error));
    child.once('close', (code) => finish(undefined, code));
  });
}
