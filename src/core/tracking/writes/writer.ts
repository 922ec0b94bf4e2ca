/**
 * The write port. Writes never touch a store's files or rows: they go through MLflow itself,
 * the REST API of a server (RestTrackingWriter) or MLflow's Python client for a local store
 * (PythonTrackingWriter). Deletes are MLflow's soft deletes, undone by restoreRun.
 *
 * Every operation is validated in core first (validation.ts): an invalid input is a typed
 * 'invalid-argument' TrackingError before any process starts or any request leaves.
 */
import type { ModelVersion } from '../entities.js';
import { modelIdOfSource, type WriteOperation } from './operations.js';
import { validateOperation } from './validation.js';

export interface WriteOptions {
  readonly signal?: AbortSignal;
}

export interface CreateModelVersionOptions extends WriteOptions {
  /** The MLflow 3 logged model being registered; taken from a `models:/<model_id>` source when omitted. */
  readonly modelId?: string;
}

export interface TrackingWriter {
  /** A short human label, as the read store's: `sqlite: mlflow.db`, `server: host:port`. */
  readonly label: string;
  /** Sets the run's name and its `mlflow.runName` tag (MlflowClient.update_run). */
  renameRun(runId: string, name: string, options?: WriteOptions): Promise<void>;
  setRunTag(runId: string, key: string, value: string, options?: WriteOptions): Promise<void>;
  deleteRunTag(runId: string, key: string, options?: WriteOptions): Promise<void>;
  /** Soft delete: lifecycle_stage becomes 'deleted'; restoreRun undoes it. */
  deleteRun(runId: string, options?: WriteOptions): Promise<void>;
  restoreRun(runId: string, options?: WriteOptions): Promise<void>;
  /** Points the alias at `version`, moving it from any other version. */
  setRegisteredModelAlias(name: string, alias: string, version: string, options?: WriteOptions): Promise<void>;
  deleteRegisteredModelAlias(name: string, alias: string, options?: WriteOptions): Promise<void>;
  setRegisteredModelTag(name: string, key: string, value: string, options?: WriteOptions): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string, options?: WriteOptions): Promise<void>;
  setModelVersionTag(name: string, version: string, key: string, value: string, options?: WriteOptions): Promise<void>;
  deleteModelVersionTag(name: string, version: string, key: string, options?: WriteOptions): Promise<void>;
  updateRegisteredModelDescription(name: string, description: string, options?: WriteOptions): Promise<void>;
  updateModelVersionDescription(name: string, version: string, description: string, options?: WriteOptions): Promise<void>;
  /**
   * Registers a model as a new version of `name`, creating the registered model first when it
   * does not exist (as mlflow.register_model does). `source` is what MLflow stores: for an MLflow
   * 3 logged model `models:/<model_id>`, else the model's artifact URI.
   */
  createModelVersion(name: string, source: string, runId: string | undefined, options?: CreateModelVersionOptions): Promise<ModelVersion>;
  dispose(): void;
}

/** Builds, validates and hands each operation to `execute`; implementations only carry it out. */
export abstract class OperationWriter implements TrackingWriter {
  abstract readonly label: string;

  /** Carries out a validated operation; resolves with MLflow's result (a ModelVersion for create_model_version). */
  protected abstract execute(operation: WriteOperation, signal: AbortSignal | undefined): Promise<unknown>;

  abstract dispose(): void;

  private async run(operation: WriteOperation, options: WriteOptions | undefined): Promise<unknown> {
    validateOperation(operation);
    options?.signal?.throwIfAborted();
    return this.execute(operation, options?.signal);
  }

  private async write(operation: WriteOperation, options: WriteOptions | undefined): Promise<void> {
    await this.run(operation, options);
  }

  renameRun(runId: string, name: string, options?: WriteOptions): Promise<void> {
    return this.write({ op: 'rename_run', run_id: runId, name }, options);
  }

  setRunTag(runId: string, key: string, value: string, options?: WriteOptions): Promise<void> {
    return this.write({ op: 'set_run_tag', run_id: runId, key, value }, options);
  }

  deleteRunTag(runId: string, key: string, options?: WriteOptions): Promise<void> {
    return this.write({ op: 'delete_run_tag', run_id: runId, key }, options);
  }

  deleteRun(runId: string, options?: WriteOptions): Promise<void> {
    return this.write({ op: 'delete_run', run_id: runId }, options);
  }

  restoreRun(runId: string, options?: WriteOptions): Promise<void> {
    return this.write({ op: 'restore_run', run_id: runId }, options);
  }

  setRegisteredModelAlias(name: string, alias: string, version: string, options?: WriteOptions): Promise<void> {
    return this.write({ op: 'set_registered_model_alias', name, alias, version }, options);
  }

  deleteRegisteredModelAlias(name: string, alias: string, options?: WriteOptions): Promise<void> {
    return this.write({ op: 'delete_registered_model_alias', name, alias }, options);
  }

  setRegisteredModelTag(name: string, key: string, value: string, options?: WriteOptions): Promise<void> {
    return this.write({ op: 'set_registered_model_tag', name, key, value }, options);
  }

  deleteRegisteredModelTag(name: string, key: string, options?: WriteOptions): Promise<void> {
    return this.write({ op: 'delete_registered_model_tag', name, key }, options);
  }

  setModelVersionTag(name: string, version: string, key: string, value: string, options?: WriteOptions): Promise<void> {
    return this.write({ op: 'set_model_version_tag', name, version, key, value }, options);
  }

  deleteModelVersionTag(name: string, version: string, key: string, options?: WriteOptions): Promise<void> {
    return this.write({ op: 'delete_model_version_tag', name, version, key }, options);
  }

  updateRegisteredModelDescription(name: string, description: string, options?: WriteOptions): Promise<void> {
    return this.write({ op: 'update_registered_model_description', name, description }, options);
  }

  updateModelVersionDescription(name: string, version: string, description: string, options?: WriteOptions): Promise<void> {
    return this.write({ op: 'update_model_version_description', name, version, description }, options);
  }

  async createModelVersion(name: string, source: string, runId: string | undefined, options?: CreateModelVersionOptions): Promise<ModelVersion> {
    const modelId = options?.modelId ?? modelIdOfSource(source);
    const operation: WriteOperation = { op: 'create_model_version', name, source, ...(runId ? { run_id: runId } : {}), ...(modelId ? { model_id: modelId } : {}) };
    return (await this.run(operation, options)) as ModelVersion;
  }
}
