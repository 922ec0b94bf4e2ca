/**
 * A tracked path's versions from git history: every commit that changed the hash its `.dvc` file
 * or dvc.lock entry records, newest first. git runs with argv arrays (no shell).
 */
import { dirname, join, relative, sep } from 'node:path';
import { Git } from '../git/index.js';
import type { DataVersion, HashRecord, Stage } from './entities.js';
import { parseDvcFile } from './files/dvcFile.js';
import { parseLockfile } from './files/lockfile.js';
import { WorkbenchError } from '../errors.js';

export class VersionsError extends WorkbenchError {
  constructor(
    message: string,
    override readonly reason: 'not-tracked' | 'git-failed',
  ) {
    super(message);
  }
}

/** The file that records a stage's outputs: its `.dvc` file, or the dvc.lock beside its dvc.yaml. */
export function recordFileOf(root: string, stage: Pick<Stage, 'kind' | 'file'>): string {
  return stage.kind === 'data' ? join(root, stage.file) : join(root, dirname(stage.file), 'dvc.lock');
}

/** Where a path's hash is recorded: the `.dvc` file, or a dvc.lock stage entry. */
export interface RecordSource {
  readonly file: string;
  readonly stageName: string | undefined;
  readonly defPath: string;
}

export function recordSource(root: string, stages: readonly Stage[], repoPath: string): RecordSource | undefined {
  for (const stage of stages) {
    const out = stage.outs.find((o) => o.repoPath === repoPath);
    if (!out) continue;
    return { file: recordFileOf(root, stage), stageName: stage.kind === 'data' ? undefined : stage.name, defPath: out.defPath };
  }
  return undefined;
}

async function git(cwd: string, args: readonly string[], signal?: AbortSignal): Promise<string> {
  try {
    return await new Git(cwd).text(args, signal ? { signal } : {});
  } catch (error) {
    throw new VersionsError((error as Error).message.split('\n')[0] ?? 'git failed', 'git-failed');
  }
}

export async function dataVersions(root: string, source: RecordSource, signal?: AbortSignal): Promise<DataVersion[]> {
  const top = (await git(root, ['rev-parse', '--show-toplevel'], signal)).trim();
  const inGit = relative(top, source.file).split(sep).join('/');
  const log = await git(top, ['log', '--format=%H%x1f%aI%x1f%an%x1f%ae%x1f%s%x1e', '--', inGit], signal);
  const commits = log
    .split('\x1e')
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => r.split('\x1f') as [string, string, string, string, string]);
  const versions: DataVersion[] = [];
  for (const [commit, date, author, email, message] of commits) {
    const text = await git(top, ['show', `${commit}:${inGit}`], signal).catch(() => undefined);
    const record = text === undefined ? undefined : recordAt(root, source, text);
    versions.push({ commit, date, author, email, message, hash: record?.hash, ...(record?.size === undefined ? {} : { size: record.size }), ...(record?.nfiles === undefined ? {} : { nfiles: record.nfiles }) });
  }
  // Oldest first to find changes, then newest first for display.
  const changed = versions.reverse().filter((v, i, all) => (i === 0 ? v.hash !== undefined : v.hash !== all[i - 1]!.hash));
  return changed.reverse();
}

function recordAt(root: string, source: RecordSource, text: string): HashRecord | undefined {
  if (source.stageName === undefined) return parseDvcFile(root, source.file, text).stage?.lock?.outs.get(source.defPath);
  return parseLockfile(source.file, text).lock?.stages.get(source.stageName)?.outs.get(source.defPath);
}
