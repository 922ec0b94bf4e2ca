import { parseModelSource } from '../../core/models/source.js';
import { requestPayload, type RequestPayload } from '../../core/tasks/index.js';
import type { ModelVersion } from '../../core/tracking/model.js';
import type { Store } from '../tracking.js';

/** A registered model version the extension serves: where to read its files for a test request. */
export interface ModelReference {
  readonly trackingKey: string;
  readonly name: string;
  readonly version: string;
}

const MAX_FILE = 4 << 20;

/** A file of the version's model folder, wherever MLflow keeps it (undefined when it is not there). */
export function modelFileReader(store: Store, version: ModelVersion): (path: string) => Promise<string | undefined> {
  const source = parseModelSource(version.source ?? '');
  return async (path) => {
    try {
      let bytes: Uint8Array;
      if (source.kind === 'logged-model') bytes = await store.readLoggedModelArtifact(source.modelId, path, { maxBytes: MAX_FILE });
      else if (source.kind === 'run') bytes = await store.readArtifact(source.runId, source.path ? `${source.path}/${path}` : path, { maxBytes: MAX_FILE });
      else {
        const { readLocalArtifact } = await import('../../core/tracking/localArtifacts.js');
        bytes = await readLocalArtifact(source.uri, path, MAX_FILE);
      }
      return new TextDecoder().decode(bytes);
    } catch {
      return undefined;
    }
  };
}

export async function findVersion(store: Store, reference: Pick<ModelReference, 'name' | 'version'>): Promise<ModelVersion> {
  const name = reference.name.replaceAll("'", "\\'");
  const versions = (await store.searchModelVersions({ filter: `name = '${name}'` })).items;
  const version = versions.find((v) => String(v.version) === String(reference.version));
  if (!version) throw new Error(`${reference.name} has no version ${reference.version} in the registry.`);
  return version;
}

/** The body of a test request for the version: its serving input example, input example, or a signature skeleton. */
export async function payloadForVersion(store: Store, reference: ModelReference): Promise<RequestPayload> {
  const version = await findVersion(store, reference);
  const read = modelFileReader(store, version);
  const mlmodel = await read('MLmodel');
  if (mlmodel === undefined) throw new Error(`The MLmodel file of ${reference.name} version ${reference.version} could not be read (source ${version.source ?? '?'}).`);
  return requestPayload(mlmodel, read);
}
