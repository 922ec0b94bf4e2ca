/** Messages between the history readers' pool (pool.ts) and its workers (worker.ts). */
import type { TrackingErrorReason } from '../errors.js';
import type { StepRange } from '../sqliteRuns.js';

export interface ColumnsRequest {
  readonly id: number;
  /** A local store's tracking URI (sqlite:/// or file:), absolute. */
  readonly uri: string;
  readonly runId: string;
  readonly key: string;
  /** Only these steps (a part of a long SQLite history: pool.ts reads the parts on several threads). */
  readonly steps?: StepRange;
  /** Answer the first and last step instead of the points (SQLite stores). */
  readonly bounds?: true;
  /** Answer a sample of about this many points of a long history (`none` for a short one). */
  readonly sample?: number;
}

export type ColumnsReply =
  | { readonly id: number; readonly bounds: { readonly first: number; readonly last: number } | null }
  | { readonly id: number; readonly none: true }
  | { readonly id: number; readonly step: Float64Array; readonly timestamp: Float64Array; readonly value: Float64Array }
  | { readonly id: number; readonly error: { readonly reason?: TrackingErrorReason; readonly message: string; readonly subject?: string } };
