/**
 * Whether a `dvc` command is at work in a repo, read without taking any lock: `.dvc/tmp/rwlock`
 * (dvc/rwlock.py: `{"read": {path: [{pid, cmd}]}, "write": {path: {pid, cmd}}}`, entries removed
 * when the command ends) and the repo lock `.dvc/tmp/lock` (zc.lockfile, which leaves the file
 * and its PID behind, so only a live process whose command line mentions dvc counts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DvcActivity {
  readonly busy: boolean;
  /** What is running, e.g. "dvc repro (PID 123)". */
  readonly holders: readonly string[];
}

interface LockInfo {
  readonly pid: number;
  readonly cmd: string;
}

export async function dvcActivity(root: string): Promise<DvcActivity> {
  const tmp = join(root, '.dvc', 'tmp');
  const holders = new Set<string>();
  for (const info of await rwlockInfos(join(tmp, 'rwlock'))) {
    if (isAlive(info.pid)) holders.add(`${info.cmd} (PID ${info.pid})`);
  }
  const pid = await lockPid(join(tmp, 'lock'));
  if (pid !== undefined && isAlive(pid)) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
    if (cmdline === undefined || /dvc/.test(cmdline)) holders.add(`${cmdline?.split('\0').filter(Boolean).join(' ') ?? 'dvc'} (PID ${pid})`);
  }
  return { busy: holders.size > 0, holders: [...holders] };
}

async function rwlockInfos(path: string): Promise<LockInfo[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null) return [];
  const { read, write } = parsed as { read?: Record<string, unknown>; write?: Record<string, unknown> };
  const infos: unknown[] = [...Object.values(read ?? {}).flatMap((v) => (Array.isArray(v) ? v : [])), ...Object.values(write ?? {})];
  return infos.filter((i): i is LockInfo => typeof i === 'object' && i !== null && typeof (i as LockInfo).pid === 'number' && typeof (i as LockInfo).cmd === 'string');
}

async function lockPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const pid = Number(text?.trim().split(/\s+/)[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A dvc command kept the repository for longer than the caller would wait. */
export class DvcBusyError extends Error {
  constructor(
    readonly holders: readonly string[],
    readonly waitedMs: number,
  ) {
    super(`DVC is busy: ${holders.join(', ') || 'a dvc command'} holds the repository`);
  }
}

export interface IdleOptions {
  /** How long to wait for a dvc command to end before giving up with DvcBusyError. */
  readonly timeoutMs: number;
  /** How often the lock files are looked at while waiting. */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * `read` run while no dvc command holds the repository, as `dvc status` itself runs only under
 * DVC's lock: waits (bounded) for a running command to end, and reads again when one started
 * while it read — a half-done `dvc repro` is never answered as the repository's state.
 */
export async function whileDvcIdle<T>(activity: () => Promise<DvcActivity>, read: () => Promise<T>, options: IdleOptions): Promise<T> {
  const started = Date.now();
  const pollMs = options.pollMs ?? 250;
  for (;;) {
    options.signal?.throwIfAborted();
    const before = await activity();
    if (!before.busy) {
      const result = await read();
      if (!(await activity()).busy) return result;
    } else if (Date.now() - started >= options.timeoutMs) {
      throw new DvcBusyError(before.holders, Date.now() - started);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
