/**
 * MLflow entities in the exact shape of MLflow's REST JSON (protobuf JSON with snake_case names,
 * int64 as numbers, empty fields omitted, non-finite doubles as "NaN" / "Infinity" / "-Infinity").
 * See mlflow/protos/service.proto and mlflow/utils/proto_json_utils.py.
 */

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type LifecycleStage = 'active' | 'deleted';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** A double as protobuf JSON writes it: finite numbers as numbers, the rest as strings. */
export type JsonDouble = number | 'NaN' | 'Infinity' | '-Infinity';

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
