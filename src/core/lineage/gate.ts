/**
 * The Go/No-Go gate: a candidate model version checked against its registered model's acceptance
 * criteria (criteria.ts) — metrics of its source run, the current champion's (the version the
 * criteria's alias names), tags, the MLmodel's signature and input example, and whether its data is
 * HEAD's (lineage). Go moves the alias through MLflow's own writer after recording the decision, the
 * criteria file's hash and the report as model version tags; No-Go refuses unless overridden, and
 * an override is recorded as such.
 */
import type { MlModelInfo } from '../models/mlmodel.js';
import { readVersionMlModel } from '../models/versionModel.js';
import { fromJsonDouble, type ModelVersion } from '../tracking/entities.js';
import type { ModelRegistry, TrackingStore } from '../tracking/store.js';
import type { TrackingWriter } from '../tracking/writes/writer.js';
import { describeCriterion, type CriteriaFile } from './criteria.js';
import type { LineageService } from './lineage.js';
import type { CriterionResult, GateReport } from './gateReport.js';
import type { Lineage } from './model.js';

export type { CriterionResult, GateReport } from './gateReport.js';

export const GATE_TAGS = {
  decision: 'mlworkbench.gate.decision',
  alias: 'mlworkbench.gate.alias',
  criteriaSha256: 'mlworkbench.gate.criteria_sha256',
  report: 'mlworkbench.gate.report',
  overrideReason: 'mlworkbench.gate.override_reason',
  time: 'mlworkbench.gate.time',
} as const;

export class GateError extends Error {
  override readonly name = 'GateError';
  constructor(
    readonly reason: 'no-criteria' | 'not-found' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

export interface GateContext {
  readonly store: TrackingStore & ModelRegistry;
  readonly lineage: LineageService;
  readonly criteria: CriteriaFile;
  /** Where the criteria were read (reported as is). */
  readonly criteriaFile: string;
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
}

/** `alias` (when given) replaces the criteria's alias: the one a Go moves and whose version is the champion. */
export async function evaluateGate(context: GateContext, name: string, version: string, alias?: string): Promise<GateReport> {
  const declared = context.criteria.models.get(name);
  const rules = declared && alias ? { ...declared, alias } : declared;
  if (!rules) throw new GateError('no-criteria', `${context.criteriaFile} has no criteria for registered model '${name}' (known: ${[...context.criteria.models.keys()].join(', ') || 'none'})`);
  const options = context.signal ? { signal: context.signal } : {};
  const candidate = await context.lineage.findModelVersion(name, { version }, options).catch((error: Error) => {
    throw new GateError('not-found', error.message);
  });
  const champion = await context.lineage.findModelVersion(name, { alias: rules.alias }, options).catch(() => undefined);
  const metrics = async (v: ModelVersion | undefined): Promise<Map<string, number> | undefined> => {
    if (!v?.run_id) return undefined;
    const run = await context.store.getRun(v.run_id, options).catch(() => undefined);
    return run ? new Map((run.data.metrics ?? []).map((m) => [m.key, fromJsonDouble(m.value)])) : undefined;
  };
  const [candidateMetrics, championMetrics] = await Promise.all([metrics(candidate), metrics(champion)]);
  let mlmodel: Promise<MlModelInfo | Error> | undefined;
  const model = (): Promise<MlModelInfo | Error> => (mlmodel ??= readVersionMlModel(context.store, candidate).catch((error: Error) => error));
  let lineage: Promise<Lineage | Error> | undefined;
  const trace = (): Promise<Lineage | Error> => (lineage ??= context.lineage.ofModelVersion(name, { version }, options).catch((error: Error) => error));

  const results: CriterionResult[] = [];
  for (const criterion of rules.criteria) {
    const description = describeCriterion(criterion, rules.alias);
    const base = { kind: criterion.kind, description, metric: 'metric' in criterion ? criterion.metric : null, champion: null, threshold: null };
    switch (criterion.kind) {
      case 'metric-min':
      case 'metric-max': {
        const value = candidateMetrics?.get(criterion.metric);
        const bound = criterion.kind === 'metric-min' ? criterion.min : criterion.max;
        if (value === undefined || Number.isNaN(value)) {
          results.push({ ...base, candidate: null, threshold: bound, pass: false, detail: candidateMetrics ? `version ${version}'s run logged no ${criterion.metric}` : `version ${version} has no readable source run` });
          break;
        }
        const pass = criterion.kind === 'metric-min' ? value >= bound : value <= bound;
        results.push({ ...base, candidate: value, threshold: bound, pass, detail: `${value} ${pass ? 'meets' : 'misses'} ${criterion.kind === 'metric-min' ? '≥' : '≤'} ${bound}` });
        break;
      }
      case 'vs-champion': {
        const value = candidateMetrics?.get(criterion.metric);
        if (!champion) {
          results.push({ ...base, candidate: value ?? null, pass: true, detail: `no version holds @${rules.alias} yet: nothing to compare with` });
          break;
        }
        const theirs = championMetrics?.get(criterion.metric);
        if (value === undefined || theirs === undefined || Number.isNaN(value) || Number.isNaN(theirs)) {
          results.push({ ...base, candidate: value ?? null, champion: theirs ?? null, pass: false, detail: `${criterion.metric} is missing for ${value === undefined ? `version ${version}` : `@${rules.alias} (version ${champion.version})`}` });
          break;
        }
        const bound = criterion.goal === 'maximize' ? theirs - criterion.tolerance : theirs + criterion.tolerance;
        const pass = criterion.goal === 'maximize' ? value >= bound : value <= bound;
        results.push({ ...base, candidate: value, champion: theirs, threshold: bound, pass, detail: `${value} vs @${rules.alias} (version ${champion.version}) ${theirs}: ${pass ? 'within' : 'worse than'} the tolerance of ${criterion.tolerance}` });
        break;
      }
      case 'tag': {
        const tag = candidate.tags?.find((t) => t.key === criterion.tag);
        const pass = tag !== undefined && (criterion.equals === undefined || tag.value === criterion.equals);
        results.push({ ...base, candidate: tag?.value ?? null, threshold: criterion.equals ?? null, pass, detail: tag === undefined ? `version ${version} has no tag ${criterion.tag}` : pass ? `tag ${criterion.tag} = ${tag.value}` : `tag ${criterion.tag} is ${tag.value}, not ${criterion.equals}` });
        break;
      }
      case 'signature':
      case 'input-example': {
        const info = await model();
        if (info instanceof Error) {
          results.push({ ...base, candidate: null, pass: false, detail: `the MLmodel could not be read: ${info.message}` });
          break;
        }
        const present = criterion.kind === 'signature' ? info.signature !== undefined : info.inputExample !== undefined;
        results.push({ ...base, candidate: present, pass: present, detail: present ? `the MLmodel has ${criterion.kind === 'signature' ? 'a signature' : 'an input example'}` : `the MLmodel has no ${criterion.kind === 'signature' ? 'signature' : 'input example'}` });
        break;
      }
      case 'current-data': {
        const traced = await trace();
        if (traced instanceof Error) {
          results.push({ ...base, candidate: null, pass: false, detail: `lineage could not be traced: ${traced.message}` });
          break;
        }
        const state = traced.currency.state;
        const detail = state === 'current' ? `every DVC input is HEAD's version (${(traced.currency.head ?? '').slice(0, 7)})` : state === 'stale' ? traced.currency.stale.map((s) => s.message).join('; ') : `the data it was trained on is unknown: ${traced.gaps.map((g) => g.message).join('; ') || 'no DVC inputs'}`;
        results.push({ ...base, candidate: state, pass: state === 'current', detail });
        break;
      }
    }
  }
  return {
    model: name,
    version: candidate.version,
    alias: rules.alias,
    champion: champion?.version ?? null,
    decision: results.every((r) => r.pass) ? 'go' : 'no-go',
    criteriaFile: context.criteriaFile,
    criteriaSha256: context.criteria.sha256,
    criteria: results,
    evaluatedAt: (context.now?.() ?? new Date()).toISOString(),
  };
}

export interface PromoteOptions {
  /** Move the alias despite a No-Go; the reason is recorded. */
  readonly override?: { readonly reason: string };
  readonly signal?: AbortSignal;
}

/**
 * Records the decision as model version tags, then moves the alias (so an alias never moves
 * unrecorded). A No-Go without an override writes nothing and throws GateError('refused').
 */
export async function promote(writer: TrackingWriter, report: GateReport, options: PromoteOptions = {}): Promise<'go' | 'override'> {
  if (report.decision === 'no-go' && !options.override) {
    const failed = report.criteria.filter((c) => !c.pass).map((c) => c.description);
    throw new GateError('refused', `No-Go for ${report.model} version ${report.version}: ${failed.join('; ')}. Nothing was changed; override explicitly to promote anyway.`);
  }
  const reason = options.override?.reason.trim();
  if (report.decision === 'no-go' && !reason) throw new GateError('refused', 'an override needs a reason');
  const decision = report.decision === 'go' ? 'go' : 'override';
  const write = { ...(options.signal ? { signal: options.signal } : {}) };
  const tags: [string, string][] = [
    [GATE_TAGS.decision, decision === 'go' ? 'go' : 'no-go-overridden'],
    [GATE_TAGS.alias, report.alias],
    [GATE_TAGS.criteriaSha256, report.criteriaSha256],
    [GATE_TAGS.report, JSON.stringify(report)],
    [GATE_TAGS.time, report.evaluatedAt],
  ];
  if (decision === 'override') tags.push([GATE_TAGS.overrideReason, reason!]);
  for (const [key, value] of tags) await writer.setModelVersionTag(report.model, report.version, key, value, write);
  await writer.setRegisteredModelAlias(report.model, report.alias, report.version, write);
  return decision;
}
