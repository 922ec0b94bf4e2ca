/**
 * A registered model version's files, wherever MLflow keeps them (from the version's `source`):
 * an MLflow 3 logged model's artifacts, a run's artifacts, or a local path. And the registry
 * lookups the views and serving share: a model's versions, one version by number.
 */
import { readLocalArtifact } from '../tracking/localArtifacts.js';
import type { ModelVersion } from '../tracking/entities.js';
import type { ModelRegistry, TrackingStore } from '../tracking/store.js';
import { parseMlModel, type MlModelInfo } from './mlmodel.js';
import { parseModelSource } from './source.js';

/** Model files read for a view or a request body: small text files (MLmodel, input examples). */
const MAX_MODEL_FILE = 4 << 20;
const MAX_MLMODEL = 1 << 20;

/** A registered model version the extension serves: where to read its files for a test request. */
export interface ModelReference {
  readonly trackingKey: string;
  readonly name: string;
  readonly version: string;
}

/** A file of the version's model folder, `path` relative to it; the store's typed error when it cannot be read. */
export async function readModelFile(store: TrackingStore, version: Pick<ModelVersion, 'source'>, path: string, maxBytes = MAX_MODEL_FILE): Promise<Uint8Array> {
  const source = parseModelSource(version.source ?? '');
  if (source.kind === 'logged-model') return store.readLoggedModelArtifact(source.modelId, path, { maxBytes });
  if (source.kind === 'run') return store.readArtifact(source.runId, source.path ? `${source.path}/${path}` : path, { maxBytes });
  return readLocalArtifact(source.uri, path, maxBytes);
}

/** The version's files as text, undefined for one that is not there (or cannot be read). */
export function modelFileReader(store: TrackingStore, version: Pick<ModelVersion, 'source'>): (path: string) => Promise<string | undefined> {
  return async (path) => {
    try {
      return await new TextDecoder().decode(await readModelFile(store, version, path));
    } catch {
      return undefined;
    }
  };
}

/** The version's MLmodel file: flavors, signature, input example. */
export async function readMlModel(store: TrackingStore, version: Pick<ModelVersion, 'source'>): Promise<MlModelInfo> {
  const bytes = await readModelFile(store, version, 'MLmodel', MAX_MLMODEL);
  return parseMlModel(new TextDecoder().decode(bytes), `${version.source ?? '?'}/MLmodel`);
}

/** MLflow's filter for one registered model's versions (the name quoted as its grammar wants). */
export function modelNameFilter(name: string): string {
  return `name = '${name.replaceAll("'", "\\'")}'`;
}

/** Every version of a registered model, newest first. */
export async function modelVersions(registry: ModelRegistry, name: string): Promise<readonly ModelVersion[]> {
  return (await registry.searchModelVersions({ filter: modelNameFilter(name), orderBy: ['version_number DESC'] })).items;
}

/** One version of a registered model; an Error naming it when the registry has no such version. */
export async function findVersion(registry: ModelRegistry, reference: Pick<ModelReference, 'name' | 'version'>): Promise<ModelVersion> {
  const versions = (await registry.searchModelVersions({ filter: modelNameFilter(reference.name) })).items;
  const version = versions.find((v) => String(v.version) === String(reference.version));
  if (!version) throw new Error(`${reference.name} has no version ${reference.version} in the registry.`);
  return version;
}
