/**
 * Child processes of the e2e rig: free ports, health polling, and stopping exactly what we started
 * (by pid, SIGTERM then SIGKILL), also when the test process itself is interrupted.
 */
import { type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';

export const LOCALHOST = '127.0.0.1';

/** Asks the kernel for a free port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOCALHOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `url` until it answers 200; fails early when `child` exits first. */
export async function waitForHealthy(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before ${url} answered:\n${output()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${output()}`);
}

/** Whether a process of that pid exists (EPERM: it does, someone else's). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * SIGTERM to `pid`, then SIGKILL to its process group (we start servers detached, so the group is
 * ours alone) when it is still there after `graceMs`.
 */
export async function stopPid(pid: number, graceMs = 5_000): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) break;
    await sleep(100);
  }
  killGroup(pid);
}

/** Synchronous last resort (process `exit` handlers cannot await). */
export function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Pids of processes whose command line mentions `marker` (a temp folder only we created). */
export function pidsMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) pids.push(pid);
    } catch {
      // Exited meanwhile.
    }
  }
  return pids;
}

/** Runs `cleanup` synchronously if the test process exits or is interrupted before `stop()`. */
const exitCleanups = new Set<() => void>();
let hooked = false;
export function onProcessExit(cleanup: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => exitCleanups.forEach((fn) => fn()));
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        exitCleanups.forEach((fn) => fn());
        process.exit(130);
      });
    }
  }
  exitCleanups.add(cleanup);
  return () => exitCleanups.delete(cleanup);
}

/** Processes working in `dir` (their cwd) or naming it in their command line. */
export function pidsIn(dir: string): number[] {
  const pids = new Set(pidsMentioning(dir));
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) pids.add(pid);
    } catch {
      // Exited meanwhile, or not ours to read.
    }
  }
  return [...pids];
}

/**
 * Removes a test's scratch folder, after stopping what still works there: a DVC queue worker told
 * to stop but still writing (the removal failed with ENOTEMPTY), a model server the extension
 * started when the workbench was killed rather than closed (it outlived the suite). Each is named
 * in the log; what is still running after that is named in the error.
 */
export async function removeTree(dir: string): Promise<void> {
  const leftovers = pidsIn(dir);
  if (leftovers.length > 0) console.log(`[cleanup] stopping ${leftovers.length} process(es) still working in ${dir}: ${leftovers.map((pid) => `${pid} ${commandOf(pid)}`).join('; ')}`);
  await Promise.all(leftovers.map((pid) => stopPid(pid, 3_000)));
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (error) {
    throw new Error(`could not remove ${dir}: ${(error as Error).message}; still working there: ${pidsIn(dir).map((pid) => `${pid} ${commandOf(pid)}`).join('; ') || 'nothing'}`);
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 200);
  } catch {
    return '(exited)';
  }
}
