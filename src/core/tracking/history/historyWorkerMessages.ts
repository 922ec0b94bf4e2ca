/** Messages between the history readers' pool (pool.ts) and its workers (worker.ts). */
import type { TrackingErrorReason } from '../errors.js';

export interface ColumnsRequest {
  readonly id: number;
  /** A local store's tracking URI (sqlite:/// or file:), absolute. */
  readonly uri: string;
  readonly runId: string;
  readonly key: string;
}

export type ColumnsReply =
  | { readonly id: number; readonly step: Float64Array; readonly timestamp: Float64Array; readonly value: Float64Array }
  | { readonly id: number; readonly error: { readonly reason?: TrackingErrorReason; readonly message: string; readonly subject?: string } };
