/**
 * One stage's status as dvc/stage/__init__.py `Stage.status` builds it: `changed deps` (skipped
 * when frozen), `changed outs`, `always changed` (flag, or a callback stage: a cmd with no deps and
 * no outs), `changed command` (pipeline stages) / `changed checksum` (legacy `.dvc` stages).
 * Per path (dvc/output.py): `not in cache` (cached outs with a recorded hash whose object is
 * missing), `deleted`, `modified` (hash differs, or none recorded), `new`. An out that .dvcignore
 * ignores does not exist for DVC (`Output.exists`), and DVC refuses to load its stage
 * (`OutputIsIgnoredError`): it reads as deleted, naming the pattern, which the run reports as an error.
 */
import type { DvcStatusEntry, HashAlgorithm, HashRecord, ParamChange, PathChange, PathDep, Stage, StageOut } from '../entities.js';
import type { DataStage } from '../files/dvcFile.js';
import type { Measured } from '../hashing/engine.js';
import { paramsStatus, recordedValues, type ParamsFileState } from './params.js';

/** What the file system said, gathered before statuses are decided. */
export interface Facts {
  measured(absPath: string, algorithm: HashAlgorithm): Measured | undefined;
  inCache(hash: string, algorithm: HashAlgorithm): boolean;
  /** The `.dvcignore` pattern that ignores the path, as DVC names it (`.dvcignore:1:out.txt`). */
  ignoredBy(repoPath: string, isDir: boolean): string | undefined;
  paramsFile(absPath: string): ParamsFileState;
}

export interface StageVerdict {
  readonly changedDeps: PathChange[];
  readonly changedParams: ParamChange[];
  readonly changedOuts: PathChange[];
  readonly commandChanged: boolean;
  readonly checksumChanged: boolean;
  readonly alwaysChanged: boolean;
  readonly json: DvcStatusEntry[];
}

/** The algorithm DVC hashes a path with: the record's; DVC 3 md5 when the stage has no lock entry. */
export function algorithmFor(stage: Stage, record: HashRecord | undefined): HashAlgorithm {
  if (!stage.lock) return 'md5';
  return record?.algorithm ?? 'md5-dos2unix';
}

export function isCallback(stage: Stage): boolean {
  return stage.cmd !== undefined && stage.deps.length === 0 && stage.params.length === 0 && stage.outs.length === 0;
}

export function decideStage(stage: Stage, facts: Facts): StageVerdict {
  const json: DvcStatusEntry[] = [];
  const changedDeps: PathChange[] = [];
  const changedParams: ParamChange[] = [];
  if (!stage.frozen) {
    const depsJson: Record<string, string | Record<string, string>> = {};
    for (const dep of stage.deps) {
      const change = pathChange(stage, dep, stage.lock?.deps.get(dep.defPath), false, facts);
      if (!change) continue;
      changedDeps.push(change);
      depsJson[change.repoPath] = change.state;
    }
    for (const dep of stage.params) {
      const recorded = stage.lock ? recordedValues(dep, stage.lock.params.get(dep.defPath)) : undefined;
      const status = paramsStatus(dep, recorded, facts.paramsFile(dep.absPath));
      if (status.json === undefined) continue;
      changedParams.push(...status.changes);
      depsJson[dep.repoPath] = status.json;
    }
    if (Object.keys(depsJson).length > 0) json.push({ 'changed deps': depsJson });
  }
  const changedOuts: PathChange[] = [];
  const outsJson: Record<string, string> = {};
  for (const out of stage.outs) {
    const change = pathChange(stage, out, stage.lock?.outs.get(out.defPath), true, facts);
    if (!change) continue;
    changedOuts.push(change);
    outsJson[change.repoPath] = change.state;
  }
  if (changedOuts.length > 0) json.push({ 'changed outs': outsJson });
  const alwaysChanged = stage.alwaysChanged || isCallback(stage);
  if (alwaysChanged) json.push('always changed');
  const commandChanged = stage.kind === 'pipeline' && stage.lock !== undefined && !sameCmd(stage.lock.cmd, stage.cmd);
  if (commandChanged) json.push('changed command');
  const checksumChanged = stage.kind === 'data' && isLegacyChecksumChanged(stage as DataStage);
  if (checksumChanged) json.push('changed checksum');
  return { changedDeps, changedParams, changedOuts, commandChanged, checksumChanged, alwaysChanged, json };
}

/** `dvc add` files have no stage checksum; one written there anyway reads as changed. */
function isLegacyChecksumChanged(stage: DataStage): boolean {
  return stage.cmd === undefined && !stage.isImport && stage.stageMd5 !== undefined;
}

function sameCmd(a: string | readonly string[] | undefined, b: string | readonly string[] | undefined): boolean {
  if (typeof a === 'string' || typeof b === 'string' || a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function pathChange(stage: Stage, entry: PathDep | StageOut, record: HashRecord | undefined, isOut: boolean, facts: Facts): PathChange | undefined {
  const algorithm = algorithmFor(stage, record);
  const recorded = record?.hash;
  const measured = facts.measured(entry.absPath, algorithm);
  const ignoredBy = isOut ? facts.ignoredBy(entry.repoPath, measured?.isDir ?? false) : undefined;
  const base = { repoPath: entry.repoPath, ...(recorded ? { recorded } : {}), ...(ignoredBy !== undefined ? { ignoredBy } : {}) };
  const cached = isOut && (entry as StageOut).flags.cache;
  if (recorded && cached && !facts.inCache(recorded, algorithm)) {
    // What the workspace holds meanwhile: a pull would replace (and so refuse without --force) a differing copy.
    const differs = measured?.exists && ignoredBy === undefined && measured.hash !== undefined && measured.hash !== recorded;
    return { ...base, state: 'not in cache', ...(differs ? { actual: measured.hash } : {}) };
  }
  if (!measured?.exists || ignoredBy !== undefined) return { ...base, state: 'deleted' };
  if (measured.hash !== recorded) return { ...base, state: 'modified', ...(measured.hash ? { actual: measured.hash } : {}) };
  return undefined;
}
