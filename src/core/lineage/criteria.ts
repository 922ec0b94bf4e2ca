/**
 * Acceptance criteria: a versioned YAML file in the workspace (default `.ml-workbench/acceptance.yaml`,
 * format in README.md), per registered model: metric thresholds, "not worse than the current
 * champion by more than X", required version tags, signature and input example, current data.
 * Untrusted input: bounded size, no anchors or aliases, every entry checked, errors name the entry.
 */
import { createHash } from 'node:crypto';
import { CORE_SCHEMA, load } from 'js-yaml';

export const DEFAULT_CRITERIA_FILE = '.ml-workbench/acceptance.yaml';
export const MAX_CRITERIA_BYTES = 256 << 10;

export type Criterion =
  | { readonly kind: 'metric-min'; readonly metric: string; readonly min: number }
  | { readonly kind: 'metric-max'; readonly metric: string; readonly max: number }
  | { readonly kind: 'vs-champion'; readonly metric: string; readonly tolerance: number; readonly goal: 'maximize' | 'minimize' }
  | { readonly kind: 'tag'; readonly tag: string; readonly equals: string | undefined }
  | { readonly kind: 'signature' }
  | { readonly kind: 'input-example' }
  | { readonly kind: 'current-data' };

export interface ModelCriteria {
  /** The alias a Go moves (default `champion`); the champion compared against is its current version. */
  readonly alias: string;
  readonly criteria: readonly Criterion[];
}

export interface CriteriaFile {
  readonly models: ReadonlyMap<string, ModelCriteria>;
  /** sha256 of the file's bytes, recorded with each decision. */
  readonly sha256: string;
}

export class CriteriaError extends Error {
  override readonly name = 'CriteriaError';
}

const REQUIREMENTS: Readonly<Record<string, Criterion>> = { signature: { kind: 'signature' }, input_example: { kind: 'input-example' }, current_data: { kind: 'current-data' } };

export function parseCriteria(text: string, where = DEFAULT_CRITERIA_FILE): CriteriaFile {
  if (Buffer.byteLength(text) > MAX_CRITERIA_BYTES) throw new CriteriaError(`${where} is larger than ${MAX_CRITERIA_BYTES} bytes`);
  if (/(^|[\s[{,:-])[&*!][^\s]/m.test(text)) throw new CriteriaError(`${where}: anchors, aliases and tags are not allowed`);
  let doc: unknown;
  try {
    doc = load(text, { schema: CORE_SCHEMA, json: false, filename: where });
  } catch (error) {
    throw new CriteriaError(`${where} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const root = mapping(doc, where);
  unknownKeys(root, ['version', 'models'], where);
  if (root['version'] !== undefined && root['version'] !== 1) throw new CriteriaError(`${where}: version must be 1`);
  const models = new Map<string, ModelCriteria>();
  for (const [name, value] of Object.entries(mapping(root['models'], `${where}: models`))) {
    const at = `${where}: models.${name}`;
    const entry = mapping(value, at);
    unknownKeys(entry, ['alias', 'criteria'], at);
    const alias = entry['alias'] ?? 'champion';
    if (typeof alias !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(alias) || /^v\d+$/i.test(alias) || alias.toLowerCase() === 'latest') throw new CriteriaError(`${at}.alias must be an MLflow alias name (letters, digits, _ and -; not 'latest' or v<number>)`);
    if (!Array.isArray(entry['criteria']) || entry['criteria'].length === 0) throw new CriteriaError(`${at}.criteria must be a non-empty list`);
    const criteria = (entry['criteria'] as unknown[]).flatMap((item, index) => criterion(item, `${at}.criteria[${index}]`));
    models.set(name, { alias, criteria });
  }
  return { models, sha256: createHash('sha256').update(text).digest('hex') };
}

function criterion(item: unknown, at: string): Criterion[] {
  const entry = mapping(item, at);
  if ('metric' in entry) {
    const metric = nonEmpty(entry['metric'], `${at}.metric`);
    if ('not_worse_than_champion_by' in entry) {
      unknownKeys(entry, ['metric', 'not_worse_than_champion_by', 'goal'], at);
      const goal = entry['goal'] ?? 'maximize';
      if (goal !== 'maximize' && goal !== 'minimize') throw new CriteriaError(`${at}.goal must be maximize or minimize`);
      const tolerance = finite(entry['not_worse_than_champion_by'], `${at}.not_worse_than_champion_by`);
      if (tolerance < 0) throw new CriteriaError(`${at}.not_worse_than_champion_by cannot be negative`);
      return [{ kind: 'vs-champion', metric, tolerance, goal }];
    }
    unknownKeys(entry, ['metric', 'min', 'max'], at);
    const out: Criterion[] = [];
    if ('min' in entry) out.push({ kind: 'metric-min', metric, min: finite(entry['min'], `${at}.min`) });
    if ('max' in entry) out.push({ kind: 'metric-max', metric, max: finite(entry['max'], `${at}.max`) });
    if (out.length === 0) throw new CriteriaError(`${at}: a metric criterion needs min, max or not_worse_than_champion_by`);
    return out;
  }
  if ('tag' in entry) {
    unknownKeys(entry, ['tag', 'equals'], at);
    const equals = entry['equals'];
    if (equals !== undefined && typeof equals !== 'string' && typeof equals !== 'number' && typeof equals !== 'boolean') throw new CriteriaError(`${at}.equals must be a string`);
    return [{ kind: 'tag', tag: nonEmpty(entry['tag'], `${at}.tag`), equals: equals === undefined ? undefined : String(equals) }];
  }
  if ('require' in entry) {
    unknownKeys(entry, ['require'], at);
    const requirement = REQUIREMENTS[String(entry['require'])];
    if (!requirement || typeof entry['require'] !== 'string') throw new CriteriaError(`${at}.require must be one of ${Object.keys(REQUIREMENTS).join(', ')}`);
    return [requirement];
  }
  throw new CriteriaError(`${at}: expected a metric, tag or require entry`);
}

function mapping(value: unknown, at: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new CriteriaError(`${at} must be a mapping`);
  return value as Record<string, unknown>;
}

function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], at: string): void {
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new CriteriaError(`${at}: unknown key${extra.length > 1 ? 's' : ''} ${extra.join(', ')} (allowed: ${allowed.join(', ')})`);
}

function nonEmpty(value: unknown, at: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 250) throw new CriteriaError(`${at} must be a non-empty name (at most 250 characters)`);
  return value;
}

function finite(value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new CriteriaError(`${at} must be a finite number`);
  return value;
}

/** How a criterion reads in a report. */
export function describeCriterion(criterion: Criterion, alias: string): string {
  switch (criterion.kind) {
    case 'metric-min':
      return `${criterion.metric} ≥ ${criterion.min}`;
    case 'metric-max':
      return `${criterion.metric} ≤ ${criterion.max}`;
    case 'vs-champion':
      return `${criterion.metric} not worse than @${alias} by more than ${criterion.tolerance} (${criterion.goal === 'maximize' ? 'higher' : 'lower'} is better)`;
    case 'tag':
      return criterion.equals === undefined ? `tag ${criterion.tag} is set` : `tag ${criterion.tag} = ${criterion.equals}`;
    case 'signature':
      return 'the model has a signature';
    case 'input-example':
      return 'the model has an input example';
    case 'current-data':
      return "trained on HEAD's data";
  }
}

/**
 * A criteria file to start from for `model`, shown to the user before anything is written. The
 * metric criteria use a metric its candidate logged when one is known (`metrics`), else `accuracy`.
 */
export function criteriaTemplate(model: string, metrics: readonly string[], alias = 'champion'): string {
  const metric = metrics.find((m) => /acc|f1|auc|precision|recall|r2/i.test(m)) ?? metrics[0] ?? 'accuracy';
  const lower = /loss|error|rmse|mae|mse/i.test(metric);
  const quoted = JSON.stringify(model);
  return [
    '# Acceptance criteria for ML Workbench\'s Promote… (Go/No-Go gate). Format: README, "Acceptance criteria".',
    'version: 1',
    'models:',
    `  ${quoted}:`,
    `    alias: ${alias}              # the alias a Go moves; the champion compared against is its current version`,
    '    criteria:',
    `      - metric: ${JSON.stringify(metric)}`,
    `        ${lower ? 'max' : 'min'}: ${lower ? 1 : 0.9}`,
    `      - metric: ${JSON.stringify(metric)}`,
    '        not_worse_than_champion_by: 0.01',
    `        goal: ${lower ? 'minimize' : 'maximize'}`,
    '      - require: signature',
    '      - require: current_data   # every DVC input is the version HEAD records',
    '',
  ].join('\n');
}
