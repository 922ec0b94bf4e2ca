import type { LifecycleStage, RunInfo, ViewType } from './entities.js';

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

/**
 * Run infos whose store holds end_time 0. Their JSON leaves it out (nonZero, as MLflow's does),
 * but MLflow's search compares the stored value — `end_time >= 0` matches them, `end_time = 0`
 * finds them — so the readers mark them here for search/runs.ts, keeping the JSON as MLflow's.
 */
const zeroEndTimes = new WeakSet<RunInfo>();

/** `info`, remembered as ending at 0 when the stored end_time is 0 (not null). */
export function withStoredEndTime(info: RunInfo, stored: unknown): RunInfo {
  if (stored !== null && stored !== undefined && Number(stored) === 0) zeroEndTimes.add(info);
  return info;
}

/** end_time as the store holds it: 0 for a marked info, else the JSON's value (undefined for NULL). */
export function storedEndTime(info: RunInfo): number | undefined {
  return info.end_time ?? (zeroEndTimes.has(info) ? 0 : undefined);
}
