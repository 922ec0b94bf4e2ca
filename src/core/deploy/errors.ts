/** Why a deployment scaffold or check could not be made. The host switches on `reason`, never on messages. */
export type DeployErrorReason =
  /** A name, path, port or image the user gave is not usable (empty, an option, out of the repo…). */
  | 'invalid-argument'
  /** Not a `models:/` URI MLflow accepts. */
  | 'invalid-model-uri'
  /** The registered model, version or alias does not exist. */
  | 'model-not-found'
  | 'version-not-found'
  | 'alias-not-found'
  /** dvc.yaml already has a stage of that name (never replaced). */
  | 'stage-exists'
  /** params.yaml already has the section the stage would record its model in (never replaced). */
  | 'params-exist'
  /** A file the scaffold would write exists already (never overwritten). */
  | 'file-exists'
  /** A file to edit is not YAML, or not the mapping DVC expects. */
  | 'invalid-file'
  /** The input of a batch stage is not DVC-tracked. */
  | 'input-not-tracked'
  /** A template the extension ships is missing or has an unknown placeholder (a packaging bug). */
  | 'template'
  /** A tool (docker, redis-server) or its daemon is not there. */
  | 'unavailable';

export class DeployError extends Error {
  override readonly name = 'DeployError';
  constructor(
    readonly reason: DeployErrorReason,
    message: string,
    /** The model URI, stage, file or value the error is about. */
    readonly subject?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isDeployError(error: unknown): error is DeployError {
  return error instanceof DeployError;
}
