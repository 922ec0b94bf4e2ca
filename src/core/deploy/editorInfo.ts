/**
 * What the editor shows for deployment: the hover of a `models:/` URI in Python, the explanation
 * of a batch prediction stage above its key in dvc.yaml, the names a new scaffold proposes, and the
 * Deploy… pick's steps. Plain data: the host renders it (as text, never as Markdown from the store).
 */
import { opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, parseDocument } from 'yaml';
import { oneLine } from '../format.js';
import type { BatchStageCheck } from './batchStatus.js';
import { type ModelUriCheck, type SourceRunSummary, describeReference } from './modelUriChecks.js';
import { PATTERNS, type PatternAction, recommendPatterns, type Usage } from './patterns.js';

export interface ModelUriHover {
  /** The first line, bold: `iris@champion → version 3`, or the URI. */
  readonly title: string;
  /** Label and value rows, in order. */
  readonly facts: readonly (readonly [string, string])[];
  readonly metrics: readonly { readonly key: string; readonly value: string }[];
  /** Why the URI cannot be loaded (or could not be checked). */
  readonly problem?: string;
  /** The source run to link to, when the version has one. */
  readonly run?: { readonly runId: string; readonly label: string };
}

/** The hover of one checked URI: what it resolves to now, its source run and key metrics, or the problem. */
export function modelUriHover(check: ModelUriCheck, run?: SourceRunSummary): ModelUriHover {
  const text = oneLine(check.occurrence.text, 200);
  if (check.state === 'problem') return { title: text, facts: [], metrics: [], problem: oneLine(check.problem.message, 400) };
  if (check.state === 'unchecked') return { title: text, facts: [], metrics: [], problem: `The model registry could not be read: ${oneLine(check.error.message, 300)}` };
  const { uri, version, aliases } = check.resolved;
  const title = uri.kind === 'version' ? `${oneLine(uri.name, 120)} version ${version.version}` : `${oneLine(describeReference(check.resolved), 160)} → version ${version.version}`;
  const facts: [string, string][] = [];
  facts.push(['Status', oneLine(version.status ?? 'READY', 60)]);
  if (aliases.length > 0) facts.push(['Aliases', aliases.map((alias) => `@${oneLine(alias, 60)}`).join(', ')]);
  if (version.creation_timestamp !== undefined) facts.push(['Registered', new Date(Number(version.creation_timestamp)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')]);
  if (version.description) facts.push(['Description', oneLine(version.description, 200)]);
  if (run) facts.push(['Source run', `${oneLine(run.runName ?? run.runId, 80)} (${run.status})`]);
  const runPart = run ? { run: { runId: run.runId, label: oneLine(run.runName ?? run.runId, 80) } } : version.run_id ? { run: { runId: version.run_id, label: version.run_id } } : {};
  return { title, facts, metrics: (run?.metrics ?? []).slice(0, 6), ...runPart };
}

/** The line above a batch stage in dvc.yaml: what it predicts with, or that the alias moved. */
export function batchStageLens(check: BatchStageCheck): { readonly title: string; readonly moved?: string } {
  switch (check.state) {
    case 'current':
      return { title: `$(check) ${oneLine(check.record.modelUri, 120)} = version ${check.record.recordedVersion}: predictions follow it` };
    case 'pinned':
      return { title: `$(pinned) Predicts with ${oneLine(check.record.modelUri, 120)} (a fixed version)` };
    case 'moved':
      return { title: `$(warning) ${oneLine(check.record.modelUri, 120)} is version ${check.currentVersion} now; the stage records ${check.record.recordedVersion}`, moved: check.currentVersion };
    case 'problem':
      return { title: `$(error) ${oneLine(check.explanation, 140)}` };
  }
}

/** 0-based line of `stages.<stage>`'s key in dvc.yaml, or undefined when it cannot be found. */
export function stageKeyLine(dvcYaml: string, stage: string): number | undefined {
  const doc = parseDocument(dvcYaml, { prettyErrors: false });
  const stages = doc.get('stages', true);
  if (!isMap(stages)) return undefined;
  for (const pair of stages.items) {
    if (isScalar(pair.key) && String(pair.key.value) === stage && pair.key.range) {
      return dvcYaml.slice(0, pair.key.range[0]).split('\n').length - 1;
    }
  }
  return undefined;
}

export interface BatchDefaults {
  readonly stageName: string;
  readonly outputPath: string;
  readonly scriptPath: string;
}

/**
 * What a new batch stage proposes: `predict_<model>` (made unique against the stages and params
 * sections present), predictions under `predictions/`, a script of its own.
 */
export function batchStageDefaults(modelName: string, taken: ReadonlySet<string>, existingPaths: ReadonlySet<string>): BatchDefaults {
  const cleaned = modelName.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/_+/g, '_').replace(/^[^A-Za-z]+|_+$/g, '').slice(0, 60);
  const base = `predict_${cleaned || 'model'}`;
  let stageName = base;
  for (let index = 2; taken.has(stageName) || existingPaths.has(`predictions/${stageName}.csv`); index++) stageName = `${base}_${index}`;
  const scriptPath = existingPaths.has('batch_predict.py') ? `batch_predict_${stageName}.py` : 'batch_predict.py';
  return { stageName, outputPath: `predictions/${stageName}.csv`, scriptPath };
}

export interface DeployStep {
  readonly action: PatternAction;
  readonly patternTitle: string;
  readonly fit: 'best' | 'also';
  readonly reason: string;
}

/** The Deploy… pick's second page: each recommended pattern's steps, best first. */
export function deploySteps(usage: Usage): DeployStep[] {
  return recommendPatterns(usage).flatMap((recommendation) =>
    PATTERNS[recommendation.pattern].actions.map((action) => ({ action, patternTitle: PATTERNS[recommendation.pattern].title, fit: recommendation.fit, reason: recommendation.reason })),
  );
}

/** Stage names and params.yaml sections already present (a new stage must take neither). */
export function takenBatchNames(dvcYaml: string | undefined, params: string | undefined): Set<string> {
  const taken = new Set<string>();
  for (const [text, parent] of [[dvcYaml, 'stages'], [params, undefined]] as const) {
    if (!text) continue;
    const doc = parseDocument(text, { prettyErrors: false });
    const map = parent ? doc.get(parent, true) : doc.contents;
    if (!isMap(map)) continue;
    for (const pair of map.items) if (isScalar(pair.key)) taken.add(String(pair.key.value));
  }
  return taken;
}

/** Tracked paths a batch stage can read, tables first (the script reads CSV, Parquet or JSON lines). */
export function batchInputCandidates(tracked: readonly string[]): string[] {
  const table = (path: string): boolean => /\.(csv|parquet|jsonl|json)$/i.test(path);
  return [...new Set(tracked)].sort((a, b) => Number(table(b)) - Number(table(a)) || a.localeCompare(b));
}

/** A batch stage's row in the Pipeline view: a few words after its status, and the whole story in the tooltip. */
export function batchStageNote(check: BatchStageCheck): { readonly short: string; readonly explanation: string; readonly attention: boolean } {
  const uri = oneLine(check.record.modelUri.replace(/^models:\//, ''), 60);
  switch (check.state) {
    case 'current':
      return { short: `predicts with ${uri} = v${check.record.recordedVersion}`, explanation: check.explanation, attention: false };
    case 'pinned':
      return { short: `predicts with ${uri}`, explanation: check.explanation, attention: false };
    case 'moved':
      return { short: `${uri} moved to v${check.currentVersion} (records v${check.record.recordedVersion})`, explanation: check.explanation, attention: true };
    case 'problem':
      return { short: `${uri}: not checkable`, explanation: check.explanation, attention: true };
  }
}

/**
 * Tracked tables a drift check can compare (its script reads CSV, TSV, Parquet and JSON Lines):
 * tracked files, and the table files inside tracked folders (`listFolder` lists one, relative to
 * it; a `data/prepared` output gives `data/prepared/train.csv`, …).
 */
export async function driftTableCandidates(tracked: readonly string[], listFolder: (path: string) => Promise<readonly string[] | undefined>): Promise<string[]> {
  const table = (path: string): boolean => /\.(csv|tsv|parquet|jsonl|ndjson)$/i.test(path);
  const found = new Set<string>();
  for (const path of new Set(tracked)) {
    if (table(path)) found.add(path);
    else for (const inside of (await listFolder(path)) ?? []) if (table(inside)) found.add(`${path}/${inside}`);
  }
  return [...found].sort((a, b) => a.localeCompare(b));
}

/** A drift check stage's name and script: `check_drift` (then `check_drift_2`, …), its script beside dvc.yaml unless taken. */
export function driftStageDefaults(dvcYaml: string | undefined, existingPaths: ReadonlySet<string>): { stageName: string; scriptPath: string } {
  const taken = takenBatchNames(dvcYaml, undefined);
  let stageName = 'check_drift';
  for (let index = 2; taken.has(stageName) || existingPaths.has(`drift/${stageName}.json`); index++) stageName = `check_drift_${index}`;
  return { stageName, scriptPath: existingPaths.has('check_drift.py') ? `${stageName}.py` : 'check_drift.py' };
}

/** The files under `dir` (relative, POSIX), looking at no more than `limit` entries; undefined when `dir` is not a folder. Symlinks are not followed. */
export async function listFilesBounded(dir: string, limit: number): Promise<string[] | undefined> {
  const files: string[] = [];
  let seen = 0;
  const walk = async (folder: string, prefix: string): Promise<boolean> => {
    const handle = await opendir(folder).catch(() => undefined);
    if (!handle) return prefix !== '';
    for await (const entry of handle) {
      if (++seen > limit) return true;
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isFile()) files.push(name);
      else if (entry.isDirectory()) await walk(join(folder, entry.name), name);
    }
    return true;
  };
  return (await walk(dir, '')) ? files : undefined;
}
