/**
 * A status run: gather every fact once (all hashes in one worker request, cache presence in
 * another, each params file read once), then decide each stage and assemble both the UI model and
 * the exact `dvc status --json` object.
 */
import { join } from 'node:path';
import type { DvcDiagnostic, DvcStatusEntry, HashAlgorithm, PathChange, RepoStatus, Stage, StageStatus } from '../entities.js';
import { diagnostic } from '../files/yamlFile.js';
import type { CacheQuery, MeasureItem, Measured } from '../hashing/engine.js';
import type { HashService, RequestOptions } from '../hashing/service.js';
import { readParamsFile, type Snapshot } from '../load.js';
import { buildDag, changedUpstream } from './dag.js';
import type { ParamsFileState } from './params.js';
import { paramLeafChanges, paramReason } from './paramLeaves.js';
import { reusableVerdicts, type StatusReuse } from './reuse.js';
import { algorithmFor, decideStage, type Facts, type StageVerdict } from './stageStatus.js';

const key = (algorithm: HashAlgorithm, value: string): string => `${algorithm}\0${value}`;

export async function gatherFacts(snapshot: Snapshot, stages: readonly Stage[], service: HashService, options: RequestOptions): Promise<Facts> {
  const items = new Map<string, MeasureItem>();
  const queries = new Map<string, CacheQuery>();
  const paramsFiles = new Set<string>();
  const spec = snapshot.ignore.spec;
  for (const stage of stages) {
    const entries = [...(stage.frozen ? [] : stage.deps.map((d) => ({ d, record: stage.lock?.deps.get(d.defPath), cache: false }))), ...stage.outs.map((d) => ({ d, record: stage.lock?.outs.get(d.defPath), cache: d.flags.cache }))];
    for (const { d, record, cache } of entries) {
      const algorithm = algorithmFor(stage, record);
      items.set(key(algorithm, d.absPath), { path: d.absPath, algorithm, ignore: { spec, relPath: d.repoPath } });
      if (cache && record?.hash) queries.set(key(algorithm, record.hash), { cacheDir: snapshot.config.cacheDir, hash: record.hash, algorithm });
    }
    if (!stage.frozen) stage.params.forEach((p) => paramsFiles.add(p.absPath));
  }
  const queryList = [...queries.values()];
  const [measured, present, params] = await Promise.all([
    service.measure([...items.values()], options),
    service.inCache(queryList, options),
    Promise.all([...paramsFiles].map(async (p) => [p, await readParamsFile(p)] as const)),
  ]);
  const measuredBy = new Map<string, Measured>([...items.keys()].map((k, i) => [k, measured[i]!]));
  const presentBy = new Map(queryList.map((q, i) => [key(q.algorithm, q.hash), present[i]!]));
  const paramsBy = new Map<string, ParamsFileState>(params);
  return {
    measured: (absPath, algorithm) => measuredBy.get(key(algorithm, absPath)),
    inCache: (hash, algorithm) => presentBy.get(key(algorithm, hash)) ?? false,
    ignoredBy: (repoPath, isDir) => snapshot.ignore.ignoredBy(repoPath, isDir),
    paramsFile: (absPath) => paramsBy.get(absPath) ?? { kind: 'missing' },
  };
}

/** Every stage's status; with `reuse`, only the stages a change may have reached are decided again. */
export async function computeStatus(snapshot: Snapshot, service: HashService, options: RequestOptions = {}, reuse?: StatusReuse): Promise<RepoStatus> {
  const reused = reuse ? reusableVerdicts(snapshot.stages, reuse) : new Map<string, StageVerdict>();
  const facts = await gatherFacts(snapshot, snapshot.stages.filter((s) => !reused.has(s.address)), service, options);
  const verdicts = new Map(snapshot.stages.map((s) => [s.address, reused.get(s.address) ?? decideStage(s, facts)] as const));
  const changed = new Set([...verdicts].filter(([, v]) => v.json.length > 0).map(([a]) => a));
  const upstream = changedUpstream(buildDag(snapshot.stages), changed);
  const stages = snapshot.stages.map((stage) => stageStatus(stage, verdicts.get(stage.address)!, upstream.get(stage.address) ?? []));
  const json: Record<string, DvcStatusEntry[]> = {};
  for (const s of stages) if (s.dvcJson) json[s.address] = s.dvcJson;
  return { stages, diagnostics: [...withUnreadableParams(snapshot, facts), ...snapshot.stages.flatMap((stage) => ignoredOuts(snapshot.root, stage, verdicts.get(stage.address)!))], json };
}

/** DVC's OutputIsIgnoredError, at the out in its DVC file: DVC will not load the stage until it is fixed. */
function ignoredOuts(root: string, stage: Stage, verdict: StageVerdict): DvcDiagnostic[] {
  return verdict.changedOuts.flatMap((change) => {
    const out = stage.outs.find((o) => o.repoPath === change.repoPath);
    if (change.ignoredBy === undefined || !out) return [];
    return [diagnostic(join(root, stage.file), out.position, `Path '${out.absPath}' is ignored by ${change.ignoredBy}`)];
  });
}

/**
 * A params file a stage tracks that cannot be read decides nothing (DVC stops at it): its
 * problems join the load's, at that file's lines, so no status stands beside them unexplained.
 */
function withUnreadableParams(snapshot: Snapshot, facts: Facts): DvcDiagnostic[] {
  const diagnostics = [...snapshot.diagnostics];
  const seen = new Set(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}:${d.message}`));
  const files = new Set(snapshot.stages.filter((s) => !s.frozen).flatMap((s) => s.params.map((p) => p.absPath)));
  for (const file of files) {
    const state = facts.paramsFile(file);
    if (state.kind !== 'unreadable') continue;
    for (const d of state.diagnostics) {
      const key = `${d.file}:${d.line}:${d.column}:${d.message}`;
      if (!seen.has(key)) diagnostics.push(d);
      seen.add(key);
    }
  }
  return diagnostics;
}

function stageStatus(stage: Stage, verdict: StageVerdict, upstream: readonly string[]): StageStatus {
  const neverRun = stage.kind === 'pipeline' && stage.lock === undefined;
  const changed = verdict.json.length > 0;
  return {
    address: stage.address,
    state: neverRun ? 'never-run' : changed ? 'changed' : upstream.length > 0 ? 'upstream-changed' : 'up-to-date',
    upstreamChanged: upstream,
    changedDeps: verdict.changedDeps,
    changedParams: verdict.changedParams,
    changedOuts: verdict.changedOuts,
    commandChanged: verdict.commandChanged,
    alwaysChanged: verdict.alwaysChanged,
    neverRun,
    frozen: stage.frozen,
    reasons: reasons(verdict, neverRun, upstream),
    dvcJson: changed ? verdict.json : undefined,
  };
}

function reasons(verdict: StageVerdict, neverRun: boolean, upstream: readonly string[]): string[] {
  const out: string[] = [];
  if (neverRun) out.push('never run');
  if (verdict.commandChanged) out.push('command changed');
  if (verdict.checksumChanged) out.push('stage checksum changed');
  if (verdict.alwaysChanged) out.push('always changed');
  out.push(...verdict.changedDeps.map((c) => pathReason('dep', c)));
  out.push(...verdict.changedParams.flatMap(paramLeafChanges).map(paramReason));
  out.push(...verdict.changedOuts.map((c) => pathReason('out', c)));
  if (upstream.length > 0) out.push(`upstream changed: ${upstream.join(', ')}`);
  return out;
}

function pathReason(kind: string, change: PathChange): string {
  if (change.ignoredBy !== undefined) return `${kind} ${change.repoPath} ignored by ${change.ignoredBy}`;
  return `${kind} ${change.repoPath} ${change.state === 'modified' ? 'changed' : change.state}`;
}
