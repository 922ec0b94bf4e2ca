/**
 * What the Pipeline view lists below a stage: each dep, param key and output with its own
 * change. Params are listed by their leaves (`train.alpha`, not `train`) with the values dvc.lock
 * recorded; a changed leaf carries old → new, and a key the stage tracks but never recorded is
 * listed too.
 */
import type { PathChange, Stage, StageStatus } from './entities.js';
import { isDict, toJson, type PyValue } from './pyValue.js';
import { paramLeafChanges, type ParamLeafChange } from './status/paramLeaves.js';

export type PartKind = 'dep' | 'param' | 'out' | 'metric' | 'plot';

/** One dep, param key or output of a stage, with its own change (if any). */
export interface StagePart {
  readonly part: PartKind;
  /** Repo-relative path, or the param's dotted key. */
  readonly name: string;
  readonly absPath: string;
  readonly line: number;
  readonly pathChange?: PathChange;
  readonly paramChange?: ParamLeafChange;
  /** The recorded value of a param (dvc.lock). */
  readonly value?: unknown;
  /** Out flags worth saying: "not cached", "persist". */
  readonly flags?: readonly string[];
}

export function stageParts(stage: Stage, status: StageStatus | undefined): StagePart[] {
  const parts: StagePart[] = [];
  for (const dep of stage.deps) {
    const pathChange = status?.changedDeps.find((c) => c.repoPath === dep.repoPath);
    parts.push({ part: 'dep', name: dep.repoPath, absPath: dep.absPath, line: dep.position.line, ...(pathChange ? { pathChange } : {}) });
  }
  for (const params of stage.params) parts.push(...paramParts(stage, status, params));
  for (const out of stage.outs) {
    const pathChange = status?.changedOuts.find((c) => c.repoPath === out.repoPath);
    const flags = [out.flags.cache ? undefined : 'not cached', out.flags.persist ? 'persist' : undefined].filter((f): f is string => f !== undefined);
    const part = out.kind === 'metrics' ? 'metric' : out.kind === 'plots' ? 'plot' : 'out';
    parts.push({ part, name: out.repoPath, absPath: out.absPath, line: out.position.line, flags, ...(pathChange ? { pathChange } : {}) });
  }
  return parts;
}

/** Param keys as leaves (`train.alpha`) with their recorded values, changed ones with old → new. */
function paramParts(stage: Stage, status: StageStatus | undefined, params: Stage['params'][number]): StagePart[] {
  const recorded = stage.lock?.params.get(params.defPath) ?? {};
  const leaves = new Map<string, unknown>();
  const flatten = (prefix: string, value: PyValue): void => {
    if (isDict(value) && Object.keys(value).length > 0) for (const [k, v] of Object.entries(value)) flatten(`${prefix}.${k}`, v);
    else leaves.set(prefix, toJson(value));
  };
  for (const [key, value] of Object.entries(recorded)) flatten(key, value);
  for (const key of params.keys) if (![...leaves.keys()].some((k) => k === key || k.startsWith(`${key}.`))) leaves.set(key, undefined);
  const changes = new Map<string, ParamLeafChange>();
  for (const change of (status?.changedParams ?? []).filter((c) => c.file === params.repoPath).flatMap(paramLeafChanges)) {
    changes.set(change.key ?? params.repoPath, change);
    if (change.key !== undefined && !leaves.has(change.key)) leaves.set(change.key, undefined);
  }
  const whole = changes.get(params.repoPath);
  const base = { part: 'param' as const, absPath: params.absPath, line: params.position.line };
  if (leaves.size === 0) return [{ ...base, name: params.repoPath, ...(whole ? { paramChange: whole } : {}) }];
  return [...leaves].map(([name, value]) => {
    const paramChange = changes.get(name) ?? whole;
    return { ...base, name, value, ...(paramChange ? { paramChange } : {}) };
  });
}
