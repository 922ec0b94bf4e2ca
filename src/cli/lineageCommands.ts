/**
 * `lineage` and `gate`: the core's lineage and Go/No-Go gate, headless (JSON documented in
 * README.md). `gate` exits 0 for Go and 1 for No-Go, so a CI pipeline can stop on it; 3 when the
 * gate could not be evaluated (no criteria for the model, an unknown version, an unreadable store).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CriteriaError, DEFAULT_CRITERIA_FILE, MAX_CRITERIA_BYTES, parseCriteria } from '../core/lineage/criteria.js';
import { evaluateGate, GateError, promote, type GateReport } from '../core/lineage/gate.js';
import { LineageError, LineageService } from '../core/lineage/lineage.js';
import type { DataLineage, Lineage } from '../core/lineage/model.js';
import { TrackingError } from '../core/tracking/errors.js';
import type { ModelRegistry, TrackingStore } from '../core/tracking/store.js';
import { openTrackingWriter } from '../core/tracking/writes/open.js';
import { single, UsageError, type ParsedArgs } from './args.js';

export const LINEAGE_USAGE = `  lineage         --model NAME (--version V | --alias A) | --run-id ID | --exp NAME | --data PATH [--rev REV]
                  [--repo DIR]   (what trained it: commit, stage, params, data versions, currency; gaps stated)
  gate            --model NAME --version V [--criteria FILE] [--repo DIR]
                  [--promote [--override --reason TEXT] [--python PY]]   (exit 0 Go, 1 No-Go, 3 not evaluated)`;

export const LINEAGE_BOOLEAN_FLAGS = ['promote', 'override'] as const;

interface Io {
  out(text: string): void;
  err(text: string): void;
}

type OpenStore = (args: ParsedArgs) => Promise<TrackingStore & ModelRegistry>;

export async function runLineageCommand(args: ParsedArgs, io: Io, openStore: OpenStore): Promise<number> {
  const gate = args.command === 'gate';
  const root = resolve(single(args, 'repo') ?? process.cwd());
  let store: TrackingStore & ModelRegistry;
  try {
    store = await openStore(args);
  } catch (error) {
    if (!(error instanceof TrackingError)) throw error;
    io.err(`ml-workbench: ${error.message}\n`);
    return gate ? 3 : 1;
  }
  const lineage = new LineageService(root, store);
  try {
    if (gate) return await runGate(args, io, root, store, lineage);
    const result = await lineageOf(args, lineage);
    io.out(args.flags.has('json') ? JSON.stringify(result) + '\n' : lineageText(result));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof LineageError || error instanceof GateError || error instanceof CriteriaError || error instanceof TrackingError) {
      io.err(`ml-workbench: ${error.message}\n`);
      return gate ? 3 : 1;
    }
    throw error;
  } finally {
    lineage.dispose();
    store.dispose();
  }
}

function lineageOf(args: ParsedArgs, lineage: LineageService): Promise<Lineage | DataLineage> {
  const model = single(args, 'model');
  const runId = single(args, 'run-id');
  const data = single(args, 'data');
  const exp = single(args, 'exp');
  if ([model, runId, data, exp].filter((v) => v !== undefined).length !== 1) throw new UsageError('lineage needs exactly one of --model, --run-id, --exp or --data');
  if (model !== undefined) {
    const version = single(args, 'version');
    const alias = single(args, 'alias');
    if ((version === undefined) === (alias === undefined)) throw new UsageError('lineage --model needs --version or --alias (one of them)');
    return lineage.ofModelVersion(model, version !== undefined ? { version } : { alias: alias! });
  }
  if (runId !== undefined) return lineage.ofRun(runId);
  if (exp !== undefined) return lineage.ofCommit(exp);
  return lineage.ofData(data!, single(args, 'rev') ?? 'HEAD');
}

async function runGate(args: ParsedArgs, io: Io, root: string, store: TrackingStore & ModelRegistry, lineage: LineageService): Promise<number> {
  const model = single(args, 'model');
  const version = single(args, 'version');
  if (model === undefined || version === undefined) throw new UsageError('gate needs --model and --version');
  const override = args.flags.has('override');
  const reason = single(args, 'reason');
  if (override && !args.flags.has('promote')) throw new UsageError('--override only goes with --promote');
  if (override && !reason?.trim()) throw new UsageError('--override needs --reason TEXT (it is recorded with the decision)');
  const file = resolve(root, single(args, 'criteria') ?? DEFAULT_CRITERIA_FILE);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CriteriaError(error.code === 'ENOENT' ? `no acceptance criteria file at ${file} (see README: Acceptance criteria)` : `cannot read ${file}: ${error.message}`);
  });
  if (Buffer.byteLength(text) > MAX_CRITERIA_BYTES) throw new CriteriaError(`${file} is larger than ${MAX_CRITERIA_BYTES} bytes`);
  const criteria = parseCriteria(text, file);
  const report = await evaluateGate({ store, lineage, criteria, criteriaFile: file }, model, version);
  let promoted: 'go' | 'override' | undefined;
  if (args.flags.has('promote') && (report.decision === 'go' || override)) {
    const writer = openTrackingWriter(store.uri, { cwd: process.cwd(), python: single(args, 'python') ?? process.env['ML_WORKBENCH_PYTHON'] ?? 'python3' });
    try {
      promoted = await promote(writer, report, override ? { override: { reason: reason! } } : {});
    } finally {
      writer.dispose();
    }
  }
  const json = { ...report, promoted: promoted ?? null };
  io.out(args.flags.has('json') ? JSON.stringify(json) + '\n' : gateText(report, promoted));
  if (args.flags.has('promote') && report.decision === 'no-go' && !override) io.err(`ml-workbench: No-Go: @${report.alias} was not moved (add --override --reason TEXT to promote anyway)\n`);
  return report.decision === 'go' ? 0 : 1;
}

function gateText(report: GateReport, promoted: 'go' | 'override' | undefined): string {
  const lines = [`${report.decision === 'go' ? 'GO' : 'NO-GO'}: ${report.model} version ${report.version} for @${report.alias} (champion: ${report.champion ?? 'none'})`];
  for (const c of report.criteria) lines.push(`  ${c.pass ? 'pass' : 'FAIL'}  ${c.description} — ${c.detail}`);
  if (promoted) lines.push(`@${report.alias} → version ${report.version} (${promoted === 'go' ? 'Go' : 'No-Go overridden'}; decision recorded as model version tags)`);
  return lines.join('\n') + '\n';
}

function lineageText(result: Lineage | DataLineage): string {
  const lines: string[] = [];
  if ('hash' in result) {
    lines.push(`${result.path} at ${result.rev}: ${result.hash} (${result.versions.map((v) => `v${v.version}`).join(', ') || 'not in HEAD history'})`);
    for (const r of result.runs) lines.push(`  run ${r.runId} ${r.runName ?? ''} at ${r.commit.slice(0, 7)} (${r.stage})`);
    for (const e of result.experiments) lines.push(`  experiment ${e.name} ${e.commit.slice(0, 7)} (${e.stage})`);
    for (const m of result.modelVersions) lines.push(`  model ${m.name} version ${m.version}${m.aliases.length ? ` @${m.aliases.join(' @')}` : ''}`);
  } else {
    if (result.modelVersion) lines.push(`model ${result.modelVersion.name} version ${result.modelVersion.version}`);
    if (result.run) lines.push(`run ${result.run.runId} ${result.run.runName ?? ''}`);
    if (result.commit) lines.push(`commit ${result.commit.id}${result.commit.inClone ? '' : ' (not in this clone)'}`);
    for (const stage of result.stages) {
      lines.push(`stage ${stage.address}`);
      for (const i of stage.inputs) lines.push(`  ${i.path} ${i.kind} ${i.hash ?? '?'}${i.version ? ` v${i.version}` : ''}${i.currency.currentAtHead === false ? ' (stale)' : ''}`);
    }
    lines.push(`data: ${result.currency.state}`);
    for (const s of result.currency.stale) lines.push(`  ${s.message}`);
  }
  for (const g of result.gaps) lines.push(`gap (${g.code}): ${g.message}`);
  return lines.join('\n') + '\n';
}
