/**
 * Writes to an MLflow tracking server through its REST API, with the request bodies MLflow's own
 * RestStore sends (mlflow/store/tracking/rest_store.py, mlflow/store/model_registry/rest_store.py).
 * Auth, TLS, retries and abort are RestClient's.
 */
import { TrackingError } from '../errors.js';
import type { ModelVersion, Run } from '../entities.js';
import { RestClient, type Method, type RestOptions } from '../rest/http.js';
import type { WriteOperation } from './operations.js';
import { OperationWriter } from './writer.js';

const API = '/api/2.0/mlflow';

interface Call {
  readonly method: Method;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

export class RestTrackingWriter extends OperationWriter {
  readonly label: string;
  private readonly client: RestClient;
  /** A client passed in belongs to its owner (the read store): disposing the writer leaves it open. */
  private readonly ownsClient: boolean;

  /** With a `client`, requests share its connections and asked credentials (the read store's, say). */
  constructor(
    readonly uri: string,
    options: RestOptions = {},
    client?: RestClient,
  ) {
    super();
    this.ownsClient = client === undefined;
    this.client = client ?? new RestClient(uri, options);
    this.label = `server: ${this.client.host}`;
  }

  protected async execute(operation: WriteOperation, signal: AbortSignal | undefined): Promise<unknown> {
    switch (operation.op) {
      case 'rename_run':
        return this.renameRunOnServer(operation.run_id, operation.name, signal);
      case 'create_model_version':
        return this.createVersionOnServer(operation, signal);
      default: {
        const call = simpleCall(operation);
        return this.client.json(call.method, `${API}${call.path}`, { body: call.body, signal });
      }
    }
  }

  /**
   * As MlflowClient.update_run: read the run, then send its status and end time back with the new
   * name. Servers before the HasField checks in `_update_run` read a missing status as RUNNING.
   * The server's store sets the mlflow.runName tag along with the name.
   */
  private async renameRunOnServer(runId: string, name: string, signal: AbortSignal | undefined): Promise<void> {
    const { run } = await this.client.json<{ run: Run }>('GET', `${API}/runs/get`, { query: { run_id: runId }, signal });
    const body = { run_id: runId, run_uuid: runId, status: run.info.status, end_time: run.info.end_time, run_name: name };
    await this.client.json('POST', `${API}/runs/update`, { body, signal });
  }

  /** mlflow.register_model: create the registered model unless it exists, then the version. */
  private async createVersionOnServer(operation: Extract<WriteOperation, { op: 'create_model_version' }>, signal: AbortSignal | undefined): Promise<ModelVersion> {
    await this.ensureRegisteredModel(operation.name, signal);
    const body = { name: operation.name, source: operation.source, run_id: operation.run_id, model_id: operation.model_id };
    const { model_version } = await this.client.json<{ model_version: ModelVersion }>('POST', `${API}/model-versions/create`, { body, signal });
    return model_version;
  }

  /**
   * An existing model answers RESOURCE_ALREADY_EXISTS (400, 'invalid-argument'); rather than read
   * the message, a 400 is followed by a get, which tells "exists" from a real refusal.
   */
  private async ensureRegisteredModel(name: string, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.client.json('POST', `${API}/registered-models/create`, { body: { name }, signal });
    } catch (error) {
      if (!(error instanceof TrackingError) || error.reason !== 'invalid-argument') throw error;
      try {
        await this.client.json('GET', `${API}/registered-models/get`, { query: { name }, signal });
      } catch {
        throw error;
      }
    }
  }

  dispose(): void {
    if (this.ownsClient) this.client.dispose();
  }
}

type SimpleOperation = Exclude<WriteOperation, { op: 'rename_run' | 'create_model_version' }>;

/** One request each; bodies as MLflow's RestStore builds them (run_uuid kept for old servers). */
function simpleCall(operation: SimpleOperation): Call {
  switch (operation.op) {
    case 'set_run_tag':
      return post('/runs/set-tag', { run_id: operation.run_id, run_uuid: operation.run_id, key: operation.key, value: operation.value });
    case 'delete_run_tag':
      return post('/runs/delete-tag', { run_id: operation.run_id, key: operation.key });
    case 'delete_run':
      return post('/runs/delete', { run_id: operation.run_id });
    case 'restore_run':
      return post('/runs/restore', { run_id: operation.run_id });
    case 'set_registered_model_alias':
      return post('/registered-models/alias', { name: operation.name, alias: operation.alias, version: operation.version });
    case 'delete_registered_model_alias':
      return { method: 'DELETE', path: '/registered-models/alias', body: { name: operation.name, alias: operation.alias } };
    case 'set_registered_model_tag':
      return post('/registered-models/set-tag', { name: operation.name, key: operation.key, value: operation.value });
    case 'delete_registered_model_tag':
      return { method: 'DELETE', path: '/registered-models/delete-tag', body: { name: operation.name, key: operation.key } };
    case 'set_model_version_tag':
      return post('/model-versions/set-tag', { name: operation.name, version: operation.version, key: operation.key, value: operation.value });
    case 'delete_model_version_tag':
      return { method: 'DELETE', path: '/model-versions/delete-tag', body: { name: operation.name, version: operation.version, key: operation.key } };
    case 'update_registered_model_description':
      return { method: 'PATCH', path: '/registered-models/update', body: { name: operation.name, description: operation.description } };
    case 'update_model_version_description':
      return { method: 'PATCH', path: '/model-versions/update', body: { name: operation.name, version: operation.version, description: operation.description } };
  }
}

function post(path: string, body: Record<string, unknown>): Call {
  return { method: 'POST', path, body };
}
