import { join } from 'node:path';
import { readKeyValues, readYaml, subdirectories } from './fileReading.js';
import type { ModelVersion, ModelVersionStatus, RegisteredModel, RegisteredModelAlias } from './entities.js';
import { compact, nonZero, optionalNumber, optionalString } from './shape.js';

/**
 * The Model Registry of a file store, `mlruns/models/<name>/` (mlflow/store/model_registry/
 * file_store.py): meta.yaml, tags/<key>, aliases/<alias> holding the version, version-<n>/.
 * Unlike MLflow's SQL store, its searches return each version's aliases.
 */
const PROMPT_TAG = 'mlflow.prompt.is_prompt';
const ALL_STAGES = new Set(['None', 'Staging', 'Production', 'Archived']);

interface ModelFolder {
  readonly model: RegisteredModel;
  readonly versions: readonly ModelVersion[];
}

export function readRegistry(mlruns: string): ModelFolder[] {
  const root = join(mlruns, 'models');
  return subdirectories(root).map((name) => readModelFolder(join(root, name)));
}

function readModelFolder(dir: string): ModelFolder {
  const meta = readYaml(join(dir, 'meta.yaml'));
  const tags = readKeyValues(join(dir, 'tags'));
  const aliases = readAliases(join(dir, 'aliases'));
  const versions = subdirectories(dir)
    .filter((name) => name.startsWith('version-'))
    .map((name) => readVersion(join(dir, name), aliases));
  const latest = new Map<string, ModelVersion>();
  for (const version of versions) {
    const stage = version.current_stage ?? 'None';
    if (!ALL_STAGES.has(stage)) continue;
    const best = latest.get(stage);
    if (!best || Number(best.version) < Number(version.version)) latest.set(stage, version);
  }
  const model: RegisteredModel = compact({
    name: String(meta.name),
    creation_timestamp: optionalNumber(meta.creation_timestamp),
    last_updated_timestamp: nonZero(meta.last_updated_timestamp),
    description: meta.description ? String(meta.description) : undefined,
    latest_versions: [...latest.values()],
    tags,
    aliases,
  });
  return { model, versions };
}

function readVersion(dir: string, aliases: readonly RegisteredModelAlias[]): ModelVersion {
  const meta = readYaml(join(dir, 'meta.yaml'));
  const tags = readKeyValues(join(dir, 'tags'));
  const version = String(meta.version);
  return compact({
    name: String(meta.name),
    version,
    creation_timestamp: optionalNumber(meta.creation_timestamp),
    last_updated_timestamp: optionalNumber(meta.last_updated_timestamp),
    user_id: optionalString(meta.user_id),
    current_stage: optionalString(meta.current_stage),
    description: optionalString(meta.description),
    source: optionalString(meta.source),
    run_id: optionalString(meta.run_id),
    status: optionalString(meta.status) as ModelVersionStatus | undefined,
    status_message: meta.status_message ? String(meta.status_message) : undefined,
    tags,
    run_link: optionalString(meta.run_link),
    aliases: aliases.filter((a) => a.version === version).map((a) => a.alias),
  });
}

function readAliases(dir: string): RegisteredModelAlias[] {
  const values = readKeyValues(dir) ?? [];
  return values.map(({ key, value }) => ({ alias: key, version: value.trim() }));
}

const isPrompt = (tags: RegisteredModel['tags']): boolean => tags?.some((t) => t.key === PROMPT_TAG && t.value === 'true') ?? false;

/** Registered models as MLflow's file store searches them: prompts excluded, by name. */
export function registeredModelsOf(folders: readonly ModelFolder[]): RegisteredModel[] {
  return folders
    .map((f) => f.model)
    .filter((m) => !isPrompt(m.tags))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Versions in MLflow's default order: last_updated_timestamp DESC, name ASC, version_number DESC. */
export function modelVersionsOf(folders: readonly ModelFolder[]): ModelVersion[] {
  return folders
    .flatMap((f) => f.versions)
    .filter((v) => v.current_stage !== 'Deleted_Internal' && !isPrompt(v.tags))
    .sort(
      (a, b) =>
        (b.last_updated_timestamp ?? 0) - (a.last_updated_timestamp ?? 0) ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
        Number(b.version) - Number(a.version),
    );
}

