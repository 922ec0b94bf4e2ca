/**
 * The training data of a model version, through lineage: the table files (CSV, TSV, JSONL,
 * Parquet) its source run's pipeline stage depended on at the run's commit, each read from the
 * DVC cache object that version's hash names, so the reference is exactly what the model saw
 * whatever the workspace holds today. What cannot be read is said, per input.
 */
import { access } from 'node:fs/promises';
import type { TableFormat } from '../drift/model.js';
import { formatOf } from '../drift/report.js';
import { objectPath, readListing } from '../dvc/hashing/cachePresence.js';
import type { Lineage } from '../lineage/model.js';

export interface TrainingTable {
  /** Repo-relative path as the stage names it. */
  readonly path: string;
  /** The file to read: the DVC cache object of the version trained on. */
  readonly file: string;
  readonly format: TableFormat;
  readonly stage: string;
  /** 1 = the oldest version of the path in HEAD's history. */
  readonly version: number | null;
  readonly hash: string;
  readonly commit: string | null;
}

export interface TrainingData {
  /** Most likely first: a name with "train" in it, then stage order. */
  readonly tables: readonly TrainingTable[];
  /** Why an input or the whole lineage gave no table (for people). */
  readonly gaps: readonly string[];
}

export async function trainingTables(lineage: Lineage, cacheDir: string): Promise<TrainingData> {
  const tables: TrainingTable[] = [];
  const gaps: string[] = lineage.gaps.map((gap) => gap.message);
  const commit = lineage.commit?.id ?? null;
  for (const stage of lineage.stages) {
    for (const input of stage.inputs) {
      const format = formatOf(input.path);
      if (!format) continue;
      const hash = input.kind === 'dvc' && input.hash ? fileHash(input.hash, input.path, input.trackedAs, cacheDir) : undefined;
      if (input.kind !== 'dvc' || !hash) {
        gaps.push(`${input.path} (stage ${stage.address}) is ${input.kind === 'git' ? 'tracked by git, not DVC' : input.kind === 'untracked' ? 'tracked by neither DVC nor git' : 'recorded without a file hash'}: the version trained on cannot be read from the DVC cache`);
        continue;
      }
      const file = await firstExisting([objectPath(cacheDir, hash, 'md5'), objectPath(cacheDir, hash, 'md5-dos2unix')]);
      if (!file) {
        gaps.push(`${input.path} (stage ${stage.address}, md5 ${hash.slice(0, 8)}) is not in the DVC cache: run \`dvc pull\` (or \`dvc fetch\`) for that version`);
        continue;
      }
      tables.push({ path: input.path, file, format, stage: stage.address, version: input.version, hash, commit });
    }
  }
  const trainLike = (t: TrainingTable): number => (/train/i.test(t.path) ? 0 : 1);
  tables.sort((a, b) => trainLike(a) - trainLike(b));
  return { tables, gaps };
}

/** The file's own md5: the hash itself, or its entry in the listing of the tracked directory holding it. */
function fileHash(hash: string, path: string, trackedAs: string | null, cacheDir: string): string | undefined {
  if (!hash.endsWith('.dir')) return hash;
  if (!trackedAs || !path.startsWith(`${trackedAs}/`)) return undefined;
  const relpath = path.slice(trackedAs.length + 1);
  for (const algorithm of ['md5', 'md5-dos2unix'] as const) {
    const entry = readListing({ cacheDir, hash, algorithm })?.find((e) => e.relpath === relpath);
    if (entry) return entry.md5;
  }
  return undefined;
}

async function firstExisting(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    if (await access(path).then(() => true, () => false)) return path;
  }
  return undefined;
}
