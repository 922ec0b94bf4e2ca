import { TrackingError } from '../errors.js';
import type { ModelVersion, RegisteredModel } from '../entities.js';

/**
 * order_by for registry searches as MLflow's SQL registry store accepts it
 * (`_parse_search_registered_models_order_by`, `_parse_search_model_versions_order_by`).
 */
interface Clause<T> {
  readonly value: (item: T) => string | number | undefined;
  readonly ascending: boolean;
  readonly key: string;
}

const MODEL_KEYS: Record<string, (m: RegisteredModel) => string | number | undefined> = {
  name: (m) => m.name,
  // Both timestamp keys sort by last_updated_time in MLflow's SQL store.
  timestamp: (m) => m.last_updated_timestamp,
  last_updated_timestamp: (m) => m.last_updated_timestamp,
};

const VERSION_KEYS: Record<string, (v: ModelVersion) => string | number | undefined> = {
  name: (v) => v.name,
  version_number: (v) => Number(v.version),
  creation_timestamp: (v) => v.creation_timestamp,
  last_updated_timestamp: (v) => v.last_updated_timestamp,
};

function parse<T>(orderBy: readonly string[], keys: Record<string, (item: T) => string | number | undefined>, what: string): Clause<T>[] {
  return orderBy.map((text) => {
    const match = /^\s*(?:attribute\.|attributes\.)?`?([\w]+)`?\s*(ASC|DESC)?\s*$/i.exec(text);
    const value = match ? keys[match[1]!] : undefined;
    if (!match || !value) {
      throw new TrackingError('invalid-argument', `Invalid order by key '${text.trim()}' specified. Valid keys for ${what} are ${Object.keys(keys).map((k) => `'${k}'`).join(', ')}`);
    }
    return { key: match[1]!, value, ascending: (match[2] ?? 'ASC').toUpperCase() === 'ASC' };
  });
}

function comparator<T>(clauses: readonly Clause<T>[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const { value, ascending } of clauses) {
      const x = value(a);
      const y = value(b);
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const order = x < y ? -1 : 1;
      return ascending ? order : -order;
    }
    return 0;
  };
}

export function orderRegisteredModels(models: readonly RegisteredModel[], orderBy: readonly string[] = []): RegisteredModel[] {
  const clauses = parse(orderBy, MODEL_KEYS, 'registered models');
  if (!clauses.some((c) => c.key === 'name')) clauses.push({ key: 'name', value: MODEL_KEYS.name!, ascending: true });
  return [...models].sort(comparator(clauses));
}

export function orderModelVersions(versions: readonly ModelVersion[], orderBy: readonly string[] = []): ModelVersion[] {
  const requested = orderBy.length > 0 ? orderBy : ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'];
  const clauses = parse(requested, VERSION_KEYS, 'model versions');
  for (const [key, ascending] of [['name', true], ['version_number', false]] as const) {
    if (!clauses.some((c) => c.key === key)) clauses.push({ key, value: VERSION_KEYS[key]!, ascending });
  }
  return [...versions].sort(comparator(clauses));
}
