/**
 * Which batch prediction stages follow a moving model reference, and whether the version they
 * record is still the one the reference resolves to. When an alias moves, `recordModelVersion`
 * is the one edit that makes `dvc status` report the stage (its params changed).
 */
import { isDeepStrictEqual } from 'node:util';
import { isScalar, parse as parseYaml, parseDocument } from 'yaml';
import type { QueryOptions } from '../tracking/store.js';
import { DeployError, isDeployError } from './errors.js';
import { parseModelUri } from './modelUri.js';
import { type RegistryLookup, resolveModelUri } from './resolve.js';

export interface BatchStageRecord {
  readonly stage: string;
  /** The params.yaml section holding model_uri and model_version. */
  readonly section: string;
  readonly modelUri: string;
  readonly recordedVersion: string;
}

export type BatchStageCheck =
  | { readonly record: BatchStageRecord; readonly state: 'current' | 'pinned'; readonly explanation: string }
  | { readonly record: BatchStageRecord; readonly state: 'moved'; readonly currentVersion: string; readonly explanation: string }
  | { readonly record: BatchStageRecord; readonly state: 'problem'; readonly problem: Error; readonly explanation: string };

/** The stages of a dvc.yaml that track `<section>.model_uri` and `<section>.model_version` of params.yaml. */
export function findBatchStages(dvcYaml: string, params: string | undefined): BatchStageRecord[] {
  const pipeline = safeParse(dvcYaml) as { stages?: Record<string, { params?: unknown }> } | undefined;
  const values = safeParse(params ?? '') as Record<string, unknown> | undefined;
  if (!pipeline || typeof pipeline.stages !== 'object' || pipeline.stages === null || !values || typeof values !== 'object') return [];
  const records: BatchStageRecord[] = [];
  for (const [stage, definition] of Object.entries(pipeline.stages)) {
    const keys = defaultParamKeys(definition?.params);
    for (const key of keys) {
      const match = /^([^.]+)\.model_uri$/.exec(key);
      if (!match || !keys.includes(`${match[1]}.model_version`)) continue;
      const section = values[match[1]!] as Record<string, unknown> | undefined;
      if (!section || typeof section.model_uri !== 'string' || !section.model_uri.startsWith('models:/')) continue;
      const version = section.model_version;
      if (typeof version !== 'number' && typeof version !== 'string') continue;
      records.push({ stage, section: match[1]!, modelUri: section.model_uri, recordedVersion: String(version) });
    }
  }
  return records;
}

/** Keys of params.yaml a stage tracks: bare strings, or the `params.yaml: [...]` entries. */
function defaultParamKeys(params: unknown): string[] {
  if (!Array.isArray(params)) return [];
  return params.flatMap((entry: unknown) => {
    if (typeof entry === 'string') return entry.includes(':') ? [] : [entry];
    if (entry && typeof entry === 'object') {
      const listed = (entry as Record<string, unknown>)['params.yaml'];
      return Array.isArray(listed) ? listed.filter((key): key is string => typeof key === 'string') : [];
    }
    return [];
  });
}

function safeParse(text: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 1000 });
  } catch {
    return undefined;
  }
}

export async function checkBatchStages(records: readonly BatchStageRecord[], lookup: RegistryLookup, options: QueryOptions = {}): Promise<BatchStageCheck[]> {
  return Promise.all(records.map((record) => checkOne(record, lookup, options)));
}

async function checkOne(record: BatchStageRecord, lookup: RegistryLookup, options: QueryOptions): Promise<BatchStageCheck> {
  const { modelUri, recordedVersion } = record;
  try {
    const uri = parseModelUri(modelUri);
    if (uri.kind === 'version') return { record, state: 'pinned', explanation: `Predicts with ${modelUri} (a fixed version).` };
    const resolved = await resolveModelUri(lookup, uri, options);
    const current = resolved.version.version;
    if (Number(current) === Number(recordedVersion)) return { record, state: 'current', explanation: `Predicts with ${modelUri} = version ${current}.` };
    return {
      record,
      state: 'moved',
      currentVersion: current,
      explanation: `${modelUri} is version ${current} now; the stage records version ${recordedVersion}. Record version ${current} to predict with it on the next run.`,
    };
  } catch (error) {
    const problem = error instanceof Error ? error : new Error(String(error));
    const explanation = isDeployError(problem) ? `${modelUri}: ${problem.message}` : `${modelUri} could not be checked: ${problem.message}`;
    return { record, state: 'problem', problem, explanation };
  }
}

/**
 * params.yaml with `<section>.model_version` set to `version`: only that scalar's text changes
 * (its comment, the rest of the file and its formatting stay).
 */
export function recordModelVersion(params: string, section: string, version: string): string {
  if (!/^\d+$/.test(version)) throw new DeployError('invalid-argument', `"${version}" is not a version number.`, version);
  const doc = parseDocument(params, { prettyErrors: false });
  if (doc.errors.length > 0) throw new DeployError('invalid-file', `params.yaml is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, 'params.yaml');
  const node = doc.getIn([section, 'model_version'], true);
  if (!isScalar(node) || !node.range) throw new DeployError('invalid-file', `params.yaml has no ${section}.model_version to update.`, section);
  const updated = `${params.slice(0, node.range[0])}${Number(version)}${params.slice(node.range[1])}`;
  const expected = doc.toJS() as Record<string, Record<string, unknown>>;
  expected[section] = { ...expected[section], model_version: Number(version) };
  if (!isDeepStrictEqual(parseYaml(updated), expected)) throw new DeployError('invalid-file', `params.yaml could not be updated in place; set ${section}.model_version: ${version} by hand.`, section);
  return updated;
}
