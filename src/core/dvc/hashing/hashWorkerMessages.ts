/** Messages between the hashing service (main thread) and its worker. Plain, cloneable data. */
import type { HashProgress } from '../entities.js';
import type { CacheQuery, MeasureItem, Measured } from './engine.js';

export type WorkerRequest =
  | { readonly type: 'measure'; readonly id: number; readonly items: readonly MeasureItem[]; readonly cancel: SharedArrayBuffer }
  | { readonly type: 'inCache'; readonly id: number; readonly queries: readonly CacheQuery[] }
  | { readonly type: 'listing'; readonly id: number; readonly query: CacheQuery }
  | { readonly type: 'clearStatCache'; readonly id: number };

export type WorkerReply =
  | { readonly type: 'progress'; readonly id: number; readonly progress: HashProgress }
  | { readonly type: 'result'; readonly id: number; readonly value: Measured[] | boolean[] | unknown }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly cancelled: boolean };

export interface WorkerOptions {
  readonly statCachePath: string | undefined;
}
