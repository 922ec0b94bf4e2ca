/**
 * A params change at the level a person reads it. DVC reports a tracked section (`params: [train]`)
 * as one changed key holding the whole dict; the UI names the leaves that moved instead
 * ("param train.alpha 0.01→0.02"), the way `dvc params diff` lists them.
 */
import type { ParamChange, ParamState } from '../entities.js';

export interface ParamLeafChange {
  readonly file: string;
  /** Dotted path (`train.alpha`); undefined when the whole params file is new or deleted. */
  readonly key: string | undefined;
  readonly state: ParamState;
  readonly old?: unknown;
  readonly new?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The leaves of a change: dicts on both sides are compared key by key, recursively. */
export function paramLeafChanges(change: ParamChange): ParamLeafChange[] {
  if (change.key === undefined || change.state !== 'modified' || !isRecord(change.old) || !isRecord(change.new)) return [{ ...change }];
  return leaves(change.file, change.key, change.old, change.new);
}

function leaves(file: string, prefix: string, before: Record<string, unknown>, after: Record<string, unknown>): ParamLeafChange[] {
  const out: ParamLeafChange[] = [];
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const key = `${prefix}.${name}`;
    const has = (o: object): boolean => Object.prototype.hasOwnProperty.call(o, name);
    const [old, now] = [before[name], after[name]];
    if (!has(after)) out.push({ file, key, state: 'deleted', old });
    else if (!has(before)) out.push({ file, key, state: 'new', new: now });
    else if (isRecord(old) && isRecord(now)) out.push(...leaves(file, key, old, now));
    else if (!sameValue(old, now)) out.push({ file, key, state: 'modified', old, new: now });
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A param value as the views show it: strings bare, everything else as JSON. */
export function showParamValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value) ?? String(value);
}

/** "param train.alpha 0.01→0.02", "param train.momentum new", "params params.yaml deleted". */
export function paramReason(change: ParamLeafChange): string {
  if (change.key === undefined) return `params ${change.file} ${change.state}`;
  if (change.state === 'modified') return `param ${change.key} ${showParamValue(change.old)}→${showParamValue(change.new)}`;
  return `param ${change.key} ${change.state}`;
}
