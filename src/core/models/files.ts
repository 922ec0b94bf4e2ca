/**
 * The files of a registered model version (MLmodel, requirements.txt, conda.yaml, the input
 * example), read wherever MLflow keeps them: an MLflow 3 logged model, a run's artifacts, or a
 * path. Reads are bounded; a file that is not there reads as undefined.
 */
import { TrackingError } from '../tracking/errors.js';
import type { ModelVersion } from '../tracking/entities.js';
import type { QueryOptions, TrackingStore } from '../tracking/store.js';
import { parseModelSource } from './source.js';

export type ModelFileReader = (relativePath: string) => Promise<string | undefined>;

export const MAX_MODEL_FILE = 4 << 20;

export function modelFileReader(store: TrackingStore, version: ModelVersion, options: QueryOptions & { readonly maxBytes?: number } = {}): ModelFileReader {
  const source = parseModelSource(version.source ?? '');
  const limit = { maxBytes: options.maxBytes ?? MAX_MODEL_FILE, signal: options.signal };
  return async (path) => {
    if (path.split(/[\\/]/).includes('..')) throw new TrackingError('invalid-argument', `Invalid model file path '${path}'`, path);
    try {
      let bytes: Uint8Array;
      if (source.kind === 'logged-model') bytes = await store.readLoggedModelArtifact(source.modelId, path, limit);
      else if (source.kind === 'run') bytes = await store.readArtifact(source.runId, source.path ? `${source.path}/${path}` : path, limit);
      else {
        const { readLocalArtifact } = await import('../tracking/localArtifacts.js');
        bytes = await readLocalArtifact(source.uri, path, limit.maxBytes);
      }
      return await new TextDecoder().decode(bytes);
    } catch (error) {
      if (error instanceof TrackingError && error.reason === 'not-found') return undefined;
      throw error;
    }
  };
}
