/**
 * MLflow's input rules (mlflow/utils/validation.py), checked before anything is written so that
 * every backend refuses the same inputs with the same message. Lengths count code points, as
 * Python's len() does. Where MLflow would silently truncate (a run tag value over 8000 characters,
 * MLFLOW_TRUNCATE_LONG_VALUES), we refuse instead: a write must store what the user typed.
 */
import { posix } from 'node:path';
import { TrackingError } from '../errors.js';
import type { WriteOperation } from './operations.js';

/** MAX_ENTITY_KEY_LENGTH, MAX_MODEL_REGISTRY_TAG_KEY_LENGTH. */
export const MAX_TAG_KEY_LENGTH = 250;
/** MAX_TAG_VAL_LENGTH (run tags). */
export const MAX_RUN_TAG_VALUE_LENGTH = 8000;
/** MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH. */
export const MAX_REGISTRY_TAG_VALUE_LENGTH = 100_000;
/** The runs table's `name` column is String(250). */
export const MAX_RUN_NAME_LENGTH = 250;
/** MAX_REGISTERED_MODEL_ALIAS_LENGTH. */
export const MAX_ALIAS_LENGTH = 255;

const RUN_NAME_TAG = 'mlflow.runName';
/** _RUN_ID_REGEX (ASCII: run ids are hex or MLflow-made). */
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;
/** validate_param_and_metric_name: Python's \w is Unicode letters, digits and '_'. */
const TAG_KEY = /^[/\p{L}\p{N}_.\- :]*$/u;
/** _REGISTERED_MODEL_ALIAS_REGEX. */
const ALIAS = /^[\p{L}\p{N}_-]*$/u;
/** _REGISTERED_MODEL_ALIAS_VERSION_REGEX: `v3` would shadow version 3 in models:/name@v3. */
const VERSION_ALIAS = /^[vV]\d+$/;

/** Throws a typed 'invalid-argument' TrackingError for the first rule the operation breaks. */
export function validateOperation(operation: WriteOperation): void {
  switch (operation.op) {
    case 'rename_run':
      runId(operation.run_id);
      return runName(operation.name);
    case 'set_run_tag':
      runId(operation.run_id);
      tagKey(operation.key);
      // The SQL store turns this tag into a rename (SqlAlchemyStore.set_tag).
      if (operation.key === RUN_NAME_TAG) return runName(operation.value);
      return tagValue(operation.value, MAX_RUN_TAG_VALUE_LENGTH);
    case 'delete_run_tag':
      runId(operation.run_id);
      return tagKey(operation.key);
    case 'delete_run':
    case 'restore_run':
      return runId(operation.run_id);
    case 'set_registered_model_alias':
      modelName(operation.name);
      alias(operation.alias, true);
      return version(operation.version);
    case 'delete_registered_model_alias':
      modelName(operation.name);
      return alias(operation.alias, false);
    case 'set_registered_model_tag':
      modelName(operation.name);
      tagKey(operation.key);
      return tagValue(operation.value, MAX_REGISTRY_TAG_VALUE_LENGTH);
    case 'delete_registered_model_tag':
      modelName(operation.name);
      return tagKey(operation.key);
    case 'set_model_version_tag':
      modelName(operation.name);
      version(operation.version);
      tagKey(operation.key);
      return tagValue(operation.value, MAX_REGISTRY_TAG_VALUE_LENGTH);
    case 'delete_model_version_tag':
      modelName(operation.name);
      version(operation.version);
      return tagKey(operation.key);
    case 'update_registered_model_description':
      modelName(operation.name);
      return text('Description', operation.description);
    case 'update_model_version_description':
      modelName(operation.name);
      version(operation.version);
      return text('Description', operation.description);
    case 'create_model_version':
      modelName(operation.name);
      source(operation.source);
      if (operation.run_id !== undefined) runId(operation.run_id);
      if (operation.model_id !== undefined) text('Model id', operation.model_id, true);
      return;
  }
}

function invalid(message: string, subject: string): never {
  throw new TrackingError('invalid-argument', message, subject);
}

function length(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function text(what: string, value: unknown, required = false): asserts value is string {
  if (typeof value !== 'string') invalid(`${what} must be a string`, String(value));
  if (required && value === '') invalid(`${what} must not be empty`, value);
}

function tooLong(what: string, value: string, limit: number): void {
  const size = length(value);
  if (size > limit) invalid(`${what} is ${size} characters long; MLflow allows at most ${limit}`, value.slice(0, 100));
}

export function runId(value: string): void {
  text('Run id', value, true);
  if (!RUN_ID.test(value)) invalid(`Invalid run id '${value}': MLflow run ids are letters, digits, '_' and '-', at most 256 characters`, value);
}

export function runName(value: string): void {
  text('Run name', value);
  if (value.trim() === '') invalid('Run name must not be empty', value);
  tooLong('Run name', value, MAX_RUN_NAME_LENGTH);
}

/** _validate_tag_name and the key length limit. */
export function tagKey(value: string): void {
  text('Tag key', value, true);
  if (!TAG_KEY.test(value)) {
    invalid(`Invalid tag key '${value}': names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)`, value);
  }
  const resolved = resolvesTo(value);
  if (resolved !== undefined) invalid(`Invalid tag key '${value}': MLflow may store it as a file path, and it would resolve to '${resolved}'`, value);
  tooLong('Tag key', value, MAX_TAG_KEY_LENGTH);
}

export function tagValue(value: string, limit: number): void {
  text('Tag value', value);
  tooLong('Tag value', value, limit);
}

/** _validate_model_alias_name, plus _validate_model_alias_name_reserved when setting. */
export function alias(value: string, setting: boolean): void {
  text('Alias', value, true);
  if (!ALIAS.test(value)) invalid(`Invalid alias '${value}': aliases may only contain alphanumerics, underscores (_) and dashes (-)`, value);
  tooLong('Alias', value, MAX_ALIAS_LENGTH);
  if (!setting) return;
  if (value.toLowerCase() === 'latest') invalid(`The alias '${value}' is reserved: 'latest' (in any case) always means the newest version`, value);
  if (VERSION_ALIAS.test(value)) invalid(`The alias '${value}' is reserved: v<number> names a version`, value);
}

/** _validate_model_name. */
export function modelName(value: string): void {
  text('Model name', value);
  if (value.trim() === '') invalid('Model name must not be empty', value);
  if (/[/:]/.test(value)) invalid(`Invalid model name '${value}': names cannot contain '/' or ':'`, value);
  const resolved = resolvesTo(value);
  if (resolved !== undefined) invalid(`Invalid model name '${value}': MLflow may store it as a file path, and it would resolve to '${resolved}'`, value);
}

/** _validate_model_version: registry versions are whole numbers, sent as strings. */
export function version(value: string): void {
  text('Model version', value);
  if (!/^[0-9]+$/.test(value)) invalid(`Invalid model version '${value}': versions are whole numbers such as '3'`, value);
}

function source(value: string): void {
  text('Model source', value);
  if (value.trim() === '') invalid('Model source must not be empty', value);
}

/**
 * MLflow's path_not_unique: the name as posixpath.normpath sees it when it differs from the name,
 * or is '.', or climbs out ('..'), or is absolute; undefined when the name is safe as a path.
 */
function resolvesTo(name: string): string | undefined {
  let normalized = posix.normalize(name);
  // normpath drops a trailing slash; posix.normalize keeps it.
  if (normalized.length > 1 && normalized.endsWith('/')) normalized = normalized.slice(0, -1);
  const unsafe = normalized !== name || normalized === '.' || normalized.startsWith('..') || normalized.startsWith('/');
  return unsafe ? normalized : undefined;
}
