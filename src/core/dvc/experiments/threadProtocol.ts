/** Messages between ExperimentsThread and its worker (experiments/worker.ts). */
import type { ExperimentsResult } from './experiments.js';
import type { ExperimentsError, ExpShowOptions } from './model.js';

export type ExperimentsRequest =
  | { readonly kind: 'read'; readonly id: number; readonly root: string; readonly rowCachePath?: string; readonly gitCommand?: string; readonly options: Omit<ExpShowOptions, 'signal'> }
  | { readonly kind: 'abort'; readonly id: number };

export type ExperimentsReply =
  | { readonly id: number; readonly result: ExperimentsResult; readonly error?: undefined }
  | { readonly id: number; readonly result?: undefined; readonly error: { readonly reason?: ExperimentsError['reason']; readonly message: string; readonly aborted?: boolean } };
