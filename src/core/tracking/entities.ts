/**
 * MLflow entities in the exact shape of MLflow's REST JSON (protobuf JSON with snake_case names,
 * int64 as numbers, empty fields omitted, non-finite doubles as "NaN" / "Infinity" / "-Infinity").
 * See mlflow/protos/service.proto and mlflow/utils/proto_json_utils.py.
 */
import type { JsonDouble } from '../format.js';

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type LifecycleStage = 'active' | 'deleted';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export type { JsonDouble };

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface Experiment {
  readonly experiment_id: string;
  readonly name: string;
  readonly artifact_location?: string;
  readonly lifecycle_stage: LifecycleStage;
  readonly last_update_time?: number;
  readonly creation_time?: number;
  readonly workspace?: string;
  readonly tags?: readonly KeyValue[];
}

export interface Metric {
  readonly key: string;
  readonly value: JsonDouble;
  readonly timestamp: number;
  readonly step: number;
  readonly dataset_name?: string;
  readonly dataset_digest?: string;
  readonly model_id?: string;
  readonly run_id?: string;
}

export interface RunInfo {
  readonly run_id: string;
  readonly run_uuid: string;
  readonly run_name?: string;
  readonly experiment_id: string;
  readonly user_id?: string;
  readonly status: RunStatus;
  readonly start_time?: number;
  readonly end_time?: number;
  readonly artifact_uri?: string;
  readonly lifecycle_stage: LifecycleStage;
}

export interface RunData {
  readonly metrics?: readonly Metric[];
  readonly params?: readonly KeyValue[];
  readonly tags?: readonly KeyValue[];
}

export interface Dataset {
  readonly name: string;
  readonly digest: string;
  readonly source_type: string;
  readonly source: string;
  readonly schema?: string;
  readonly profile?: string;
}

export interface DatasetInput {
  readonly tags?: readonly KeyValue[];
  readonly dataset: Dataset;
}

export interface RunInputs {
  readonly dataset_inputs?: readonly DatasetInput[];
  readonly model_inputs?: readonly { readonly model_id: string }[];
}

export interface RunOutputs {
  readonly model_outputs?: readonly { readonly model_id: string; readonly step: number }[];
}

export interface Run {
  readonly info: RunInfo;
  readonly data: RunData;
  readonly inputs?: RunInputs;
  readonly outputs?: RunOutputs;
}

export const RUN_STATUS_BY_NUMBER: Readonly<Record<number, RunStatus>> = {
  1: 'RUNNING',
  2: 'SCHEDULED',
  3: 'FINISHED',
  4: 'FAILED',
  5: 'KILLED',
};

/** Converts a JS number to the protobuf JSON form MLflow emits. */
export function toJsonDouble(value: number): JsonDouble {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

/** The inverse of {@link toJsonDouble}. */
export function fromJsonDouble(value: JsonDouble): number {
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return value;
}

export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface ModelVersion {
  readonly name: string;
  /** A string in the API (an integer in SQL and YAML). */
  readonly version: string;
  readonly creation_timestamp?: number;
  readonly last_updated_timestamp?: number;
  readonly user_id?: string;
  readonly current_stage?: string;
  readonly description?: string;
  readonly source?: string;
  readonly run_id?: string;
  readonly status?: ModelVersionStatus;
  readonly status_message?: string;
  readonly tags?: readonly KeyValue[];
  readonly run_link?: string;
  readonly aliases?: readonly string[];
  readonly model_id?: string;
}

export interface RegisteredModelAlias {
  readonly alias: string;
  readonly version: string;
}

export interface RegisteredModel {
  readonly name: string;
  readonly creation_timestamp?: number;
  readonly last_updated_timestamp?: number;
  readonly user_id?: string;
  readonly description?: string;
  readonly latest_versions?: readonly ModelVersion[];
  readonly tags?: readonly KeyValue[];
  readonly aliases?: readonly RegisteredModelAlias[];
}

export type LoggedModelStatus = 'LOGGED_MODEL_STATUS_UNSPECIFIED' | 'LOGGED_MODEL_PENDING' | 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED';

export const LOGGED_MODEL_STATUS_BY_NUMBER: Readonly<Record<number, LoggedModelStatus>> = {
  0: 'LOGGED_MODEL_STATUS_UNSPECIFIED',
  1: 'LOGGED_MODEL_PENDING',
  2: 'LOGGED_MODEL_READY',
  3: 'LOGGED_MODEL_UPLOAD_FAILED',
};

export interface LoggedModel {
  readonly info: {
    readonly model_id: string;
    readonly experiment_id: string;
    readonly name: string;
    readonly creation_timestamp_ms?: number;
    readonly last_updated_timestamp_ms?: number;
    readonly artifact_uri?: string;
    readonly status?: LoggedModelStatus;
    readonly creator_id?: string;
    readonly model_type?: string;
    readonly source_run_id?: string;
    readonly status_message?: string;
    readonly tags?: readonly KeyValue[];
  };
  readonly data: {
    readonly params?: readonly KeyValue[];
    readonly metrics?: readonly Metric[];
  };
}

export interface FileInfo {
  readonly path: string;
  readonly is_dir: boolean;
  readonly file_size?: number;
}
