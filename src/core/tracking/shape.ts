import type { LifecycleStage, ViewType } from './entities.js';

/**
 * Drops what protobuf JSON leaves out: undefined fields and empty repeated fields.
 * Empty strings stay (MLflow sets them explicitly, so they are present in its JSON).
 */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined) continue;
    if (Array.isArray(field) && field.length === 0) continue;
    out[key] = field;
  }
  return out as T;
}

export function lifecycleStagesFor(viewType: ViewType = 'ACTIVE_ONLY'): LifecycleStage[] {
  switch (viewType) {
    case 'ACTIVE_ONLY':
      return ['active'];
    case 'DELETED_ONLY':
      return ['deleted'];
    case 'ALL':
      return ['active', 'deleted'];
  }
}

/** Nullable store values to optional JSON fields. */
export const optionalString = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : String(value));
export const optionalNumber = (value: unknown): number | undefined => (value === null || value === undefined ? undefined : Number(value));
/** MLflow's to_proto skips falsy timestamps (`if self.end_time:`), so 0 is absent too. */
export const nonZero = (value: unknown): number | undefined => (value === null || value === undefined || Number(value) === 0 ? undefined : Number(value));
