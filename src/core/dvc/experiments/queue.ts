/**
 * The experiment queues as DVC keeps them under `.dvc/tmp/exps`, read without taking any lock:
 * - the celery queue (dvc/repo/experiments/queue/celery.py over dvc-task's filesystem broker):
 *   `celery/broker/in/*.msg` are queued tasks, `celery/broker/processed/*.msg` started ones, and a
 *   started task is running until `celery/result/celery-task-meta-<id>` says it is ready; then
 *   `run/<stash>/<stash>.run` (the executor's info) holds its result — a ref when it succeeded,
 *   none when it failed — and `run/<stash>/<stash>.json` its process (pid, log, return code);
 * - a workspace run (`dvc exp run`): `run/workspace/workspace.json` while its process lives;
 * - a temp-dir run (`dvc exp run --temp`): `standalone/run/<stash>/`.
 * Task messages are kombu JSON with a base64 body `[args, kwargs, embed]`; the queue entry is
 * kwargs.entry_dict or args[0]. A file that cannot be parsed is skipped and reported.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const RUN_EXP_TASK = 'dvc.repo.experiments.queue.tasks.run_exp';
const READY_STATES = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);

export interface QueueEntry {
  readonly stashRev: string;
  readonly baselineRev: string;
  readonly name: string | null;
  readonly branch: string | null;
  readonly headRev: string | null;
}

/** The executor's info file (ExecutorInfo), as far as `exp show` reads it. */
export interface ExecutorInfo {
  readonly baselineRev: string;
  readonly location: string;
  readonly rootDir: string;
  readonly dvcDir: string;
  readonly name: string | null;
  readonly resultHash: string | null;
  readonly resultRef: string | null;
  /** TaskStatus: 0 pending, 1 preparing, 2 running, 3 success, 4 failed, 5 canceled, 6 finished. */
  readonly status: number;
}

export interface ProcessInfo {
  readonly pid: number;
  readonly stdout: string | null;
  readonly returncode: number | null;
}

export interface StartedTask {
  readonly entry: QueueEntry;
  readonly taskId: string;
  /** The celery result's status once the task is over (SUCCESS, FAILURE, REVOKED). */
  readonly ready: string | undefined;
  readonly info: ExecutorInfo | undefined;
  readonly process: ProcessInfo | undefined;
}

export interface ActiveRun {
  readonly entry: QueueEntry;
  readonly info: ExecutorInfo;
  readonly process: ProcessInfo | undefined;
  /** Which queue runs it: the executor's name in `exp show` comes from here. */
  readonly kind: 'workspace' | 'tempdir';
}

export interface QueueState {
  readonly queued: readonly QueueEntry[];
  /** Celery tasks a worker took: running until `ready`. */
  readonly started: readonly StartedTask[];
  /** Workspace and temp-dir runs in progress. */
  readonly active: readonly ActiveRun[];
  /** Files that could not be read (skipped). */
  readonly problems: readonly string[];
}

export function expsDir(root: string): string {
  return join(root, '.dvc', 'tmp', 'exps');
}

export async function readQueue(root: string, isAlive: (pid: number) => boolean = pidAlive): Promise<QueueState> {
  const exps = expsDir(root);
  const problems: string[] = [];
  const broker = join(exps, 'celery', 'broker');
  const [queued, processed] = await Promise.all([readMessages(join(broker, 'in'), problems), readMessages(join(broker, 'processed'), problems)]);
  const started = await Promise.all(
    processed.map(async ({ entry, taskId }) => ({
      entry,
      taskId,
      ready: await resultStatus(join(exps, 'celery', 'result', `celery-task-meta-${taskId}`), problems),
      info: await readInfo(runFile(exps, entry.stashRev, '.run'), problems),
      process: await readProcess(runFile(exps, entry.stashRev, '.json'), problems),
    })),
  );
  const active = [...(await workspaceRun(exps, isAlive, problems)), ...(await tempDirRuns(exps, problems))];
  return { queued: queued.map((m) => m.entry), started, active, problems };
}

function runFile(exps: string, name: string, ext: string): string {
  return join(exps, 'run', name, `${name}${ext}`);
}

async function readMessages(folder: string, problems: string[]): Promise<{ entry: QueueEntry; taskId: string }[]> {
  const names = (await readdir(folder).catch(() => [] as string[])).sort();
  const out: { entry: QueueEntry; taskId: string }[] = [];
  for (const name of names) {
    const text = await readFile(join(folder, name), 'utf8').catch(() => '');
    if (text === '') continue;
    try {
      const message = decodeMessage(text);
      if (message) out.push(message);
    } catch (error) {
      problems.push(`${join(folder, name)}: ${(error as Error).message}`);
    }
  }
  return out;
}

/** A run_exp task message of the default queue, or undefined for any other message. */
export function decodeMessage(text: string): { entry: QueueEntry; taskId: string } | undefined {
  const message = JSON.parse(text) as { body?: unknown; headers?: Record<string, unknown>; properties?: Record<string, unknown> };
  if (message.headers?.['task'] !== RUN_EXP_TASK) return undefined;
  const delivery = message.properties?.['delivery_info'] as Record<string, unknown> | undefined;
  if (delivery?.['routing_key'] !== 'celery') return undefined;
  if (typeof message.body !== 'string') throw new Error('the task message has no body');
  const body = message.properties?.['body_encoding'] === 'base64' ? Buffer.from(message.body, 'base64').toString('utf8') : message.body;
  const [args, kwargs] = JSON.parse(body) as [unknown[] | undefined, Record<string, unknown> | undefined];
  const entry = queueEntry(kwargs?.['entry_dict'] ?? args?.[0]);
  const taskId = message.headers['id'];
  if (!entry || typeof taskId !== 'string') throw new Error('the task message holds no queue entry');
  return { entry, taskId };
}

function queueEntry(raw: unknown): QueueEntry | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const d = raw as Record<string, unknown>;
  if (typeof d['stash_rev'] !== 'string' || typeof d['baseline_rev'] !== 'string') return undefined;
  return { stashRev: d['stash_rev'], baselineRev: d['baseline_rev'], name: str(d['name']), branch: str(d['branch']), headRev: str(d['head_rev']) };
}

async function resultStatus(path: string, problems: string[]): Promise<string | undefined> {
  const json = await readJson(path, problems);
  const status = json?.['status'];
  return typeof status === 'string' && READY_STATES.has(status) ? status : undefined;
}

export async function readInfo(path: string, problems: string[]): Promise<ExecutorInfo | undefined> {
  const d = await readJson(path, problems);
  if (!d || typeof d['baseline_rev'] !== 'string' || typeof d['root_dir'] !== 'string') return undefined;
  return {
    baselineRev: d['baseline_rev'],
    location: str(d['location']) ?? 'workspace',
    rootDir: d['root_dir'],
    dvcDir: str(d['dvc_dir']) ?? '.dvc',
    name: str(d['name']),
    resultHash: str(d['result_hash']),
    resultRef: str(d['result_ref']),
    // An info file from before TaskStatus (`collected: true`) is a finished run.
    status: d['collected'] === true ? 6 : typeof d['status'] === 'number' ? d['status'] : 0,
  };
}

async function readProcess(path: string, problems: string[]): Promise<ProcessInfo | undefined> {
  const d = await readJson(path, problems);
  if (!d || typeof d['pid'] !== 'number') return undefined;
  return { pid: d['pid'], stdout: str(d['stdout']), returncode: typeof d['returncode'] === 'number' ? d['returncode'] : null };
}

/** `dvc exp run` in the workspace: its process file while the process lives. */
async function workspaceRun(exps: string, isAlive: (pid: number) => boolean, problems: string[]): Promise<ActiveRun[]> {
  const process = await readProcess(runFile(exps, 'workspace', '.json'), problems);
  if (!process || !isAlive(process.pid)) return [];
  const info = await readInfo(runFile(exps, 'workspace', '.run'), problems);
  if (!info || info.status >= 4 || info.status === 3) return [];
  return [{ entry: { stashRev: 'workspace', baselineRev: info.baselineRev, name: info.name, branch: null, headRev: null }, info, process, kind: 'workspace' }];
}

/** `dvc exp run --temp`: every standalone run whose info says it is not over and whose folder is there. */
async function tempDirRuns(exps: string, problems: string[]): Promise<ActiveRun[]> {
  const folder = join(exps, 'standalone', 'run');
  const out: ActiveRun[] = [];
  for (const name of (await readdir(folder).catch(() => [] as string[])).sort()) {
    const info = await readInfo(join(folder, name, `${name}.run`), problems);
    if (!info || info.status > 3 || !(await exists(info.rootDir))) continue;
    const process = await readProcess(join(folder, name, `${name}.json`), problems);
    out.push({ entry: { stashRev: name, baselineRev: info.baselineRev, name: info.name, branch: null, headRev: null }, info, process, kind: 'tempdir' });
  }
  return out;
}

/** The DVC root of an executor's clone (`root_dir` joined with the folder of `dvc_dir`). */
export function executorRoot(info: ExecutorInfo): string {
  const dvcParent = dirname(info.dvcDir);
  return dvcParent === '.' ? info.rootDir : join(info.rootDir, dvcParent);
}

async function readJson(path: string, problems: string[]): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch (error) {
    problems.push(`${path}: ${(error as Error).message}`);
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** `psutil.pid_exists`. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
