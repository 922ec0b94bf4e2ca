/** The MLmodel file of a model version, wherever MLflow keeps it (a logged model, a run's artifacts, a path). */
import type { ModelVersion } from '../tracking/entities.js';
import { readLocalArtifact } from '../tracking/localArtifacts.js';
import type { TrackingStore } from '../tracking/store.js';
import { parseMlModel, type MlModelInfo } from './mlmodel.js';
import { parseModelSource } from './source.js';

const MAX_MLMODEL_BYTES = 1 << 20;

export async function readVersionMlModel(store: TrackingStore, version: ModelVersion): Promise<MlModelInfo> {
  const source = parseModelSource(version.source ?? '');
  let bytes: Uint8Array;
  if (source.kind === 'logged-model') bytes = await store.readLoggedModelArtifact(source.modelId, 'MLmodel', { maxBytes: MAX_MLMODEL_BYTES });
  else if (source.kind === 'run') bytes = await store.readArtifact(source.runId, source.path ? `${source.path}/MLmodel` : 'MLmodel', { maxBytes: MAX_MLMODEL_BYTES });
  else bytes = await readLocalArtifact(source.uri, 'MLmodel', MAX_MLMODEL_BYTES);
  return parseMlModel(new TextDecoder().decode(bytes), `${version.source ?? '?'}/MLmodel`);
}
