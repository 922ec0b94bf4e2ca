/**
 * A `models:/` URI resolved against a Model Registry (the ModelRegistry port: SQLite, file store or
 * a server) the way MLflow resolves it when a model is loaded: a version, an alias, `latest` (the
 * highest version) or a stage (the highest version in it).
 */
import type { ModelVersion, RegisteredModel } from '../tracking/entities.js';
import type { ModelRegistry, QueryOptions } from '../tracking/store.js';
import { DeployError } from './errors.js';
import { type ModelUri, parseModelUri } from './modelUri.js';

/** A URI that names a registered model (every kind but a logged model id). */
export type RegisteredModelUri = Exclude<ModelUri, { readonly kind: 'logged-model' }>;

export interface ResolvedModel {
  readonly uri: RegisteredModelUri;
  readonly model: RegisteredModel;
  /** The version the URI points at now. */
  readonly version: ModelVersion;
  /** Every alias of that version (`champion`, …). */
  readonly aliases: readonly string[];
}

/** What the registry holds for one name; `model` undefined when no such registered model exists. */
export interface RegistryEntry {
  readonly model?: RegisteredModel;
  readonly versions: readonly ModelVersion[];
}

/**
 * One registry read per model name, shared by every URI that names it (a Python file with the
 * same model five times, or the batch stages of a pipeline). Make a new one when the store changes.
 */
export class RegistryLookup {
  private readonly entries = new Map<string, Promise<RegistryEntry>>();
  private names?: Promise<readonly string[]>;

  constructor(private readonly registry: ModelRegistry) {}

  entry(name: string, options: QueryOptions = {}): Promise<RegistryEntry> {
    let entry = this.entries.get(name);
    if (!entry) {
      entry = this.read(name, options);
      this.entries.set(name, entry);
      entry.catch(() => this.entries.delete(name));
    }
    return entry;
  }

  /** Every registered model's name (for "did you mean"), read once. */
  allNames(options: QueryOptions = {}): Promise<readonly string[]> {
    this.names ??= this.registry.searchRegisteredModels({ signal: options.signal }).then((listing) => listing.items.map((model) => model.name));
    return this.names;
  }

  private async read(name: string, options: QueryOptions): Promise<RegistryEntry> {
    const filter = `name = '${name.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
    const [models, versions] = await Promise.all([
      this.registry.searchRegisteredModels({ filter, signal: options.signal }),
      this.registry.searchModelVersions({ filter, signal: options.signal }),
    ]);
    // `=` is exact in MLflow; filtering again keeps a store's LIKE-ish quirk from mixing names.
    const model = models.items.find((candidate) => candidate.name === name);
    return { model, versions: versions.items.filter((version) => version.name === name) };
  }
}

/** Resolves a URI (text or parsed); a DeployError naming what is missing otherwise. */
export async function resolveModelUri(lookup: RegistryLookup, uri: string | ModelUri, options: QueryOptions = {}): Promise<ResolvedModel> {
  const parsed = typeof uri === 'string' ? parseModelUri(uri) : uri;
  if (parsed.kind === 'logged-model') {
    const entry = await lookup.entry(parsed.modelId, options);
    const hint = entry.model ? ` To load the registered model "${parsed.modelId}", write models:/${parsed.modelId}/latest or models:/${parsed.modelId}@ALIAS.` : '';
    throw new DeployError('invalid-model-uri', `${parsed.uri} names a logged model id (m-…), not a registered model version.${hint}`, parsed.uri);
  }
  const entry = await lookup.entry(parsed.name, options);
  if (!entry.model) throw await modelNotFound(lookup, parsed.name, parsed.uri, options);
  const version = pick(parsed, entry);
  return { uri: parsed, model: entry.model, version, aliases: aliasesOf(entry.model, version) };
}

function pick(uri: RegisteredModelUri, entry: RegistryEntry): ModelVersion {
  const { versions } = entry;
  const byNumber = [...versions].sort((a, b) => Number(b.version) - Number(a.version));
  switch (uri.kind) {
    case 'version': {
      const found = versions.find((version) => Number(version.version) === Number(uri.version));
      if (!found) throw new DeployError('version-not-found', `${uri.name} has no version ${uri.version}${available(byNumber)}.`, uri.uri);
      return found;
    }
    case 'alias': {
      const target = entry.model?.aliases?.find((alias) => alias.alias === uri.alias)?.version ?? versions.find((version) => version.aliases?.includes(uri.alias))?.version;
      if (target === undefined) throw new DeployError('alias-not-found', `${uri.name} has no alias "${uri.alias}"${aliasList(entry.model)}.`, uri.uri);
      const found = versions.find((version) => Number(version.version) === Number(target));
      if (!found) throw new DeployError('version-not-found', `${uri.name}@${uri.alias} points at version ${target}, which is not in the registry any more.`, uri.uri);
      return found;
    }
    case 'latest': {
      if (!byNumber[0]) throw new DeployError('version-not-found', `${uri.name} has no versions yet.`, uri.uri);
      return byNumber[0];
    }
    case 'stage': {
      const found = byNumber.find((version) => (version.current_stage ?? 'None').toLowerCase() === uri.stage.toLowerCase());
      if (!found) throw new DeployError('version-not-found', `No version of ${uri.name} is in stage "${uri.stage}" (stages are deprecated: prefer an alias such as models:/${uri.name}@champion).`, uri.uri);
      return found;
    }
  }
}

export function aliasesOf(model: RegisteredModel, version: ModelVersion): string[] {
  const fromModel = (model.aliases ?? []).filter((alias) => Number(alias.version) === Number(version.version)).map((alias) => alias.alias);
  return [...new Set([...fromModel, ...(version.aliases ?? [])])].sort();
}

async function modelNotFound(lookup: RegistryLookup, name: string, uri: string, options: QueryOptions): Promise<DeployError> {
  let suggestion = '';
  try {
    const close = closestName(name, await lookup.allNames(options));
    if (close) suggestion = ` Did you mean "${close}"?`;
  } catch {
    // The suggestion is a courtesy; the error stands without it.
  }
  return new DeployError('model-not-found', `No registered model named "${name}" in the registry.${suggestion}`, uri);
}

/** The registered name nearest to `name` (case-insensitive equality first, then at most 3 edits). */
export function closestName(name: string, names: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const sameCase = names.find((candidate) => candidate.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of names) {
    const distance = editDistance(lower, candidate.toLowerCase(), 3);
    if (distance <= 3 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Levenshtein distance, stopping early once every path exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

function available(byNumber: readonly ModelVersion[]): string {
  if (byNumber.length === 0) return ' (it has no versions)';
  const numbers = byNumber.map((version) => version.version).reverse();
  return numbers.length <= 6 ? ` (versions: ${numbers.join(', ')})` : ` (versions ${numbers[0]}–${numbers[numbers.length - 1]})`;
}

function aliasList(model: RegisteredModel | undefined): string {
  const aliases = model?.aliases ?? [];
  if (aliases.length === 0) return ' (it has no aliases)';
  return ` (aliases: ${aliases.map((alias) => `${alias.alias} → ${alias.version}`).join(', ')})`;
}
