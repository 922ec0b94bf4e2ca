import { FileTrackingStore } from './fileStore.js';
import type { HistoryPool } from './history/pool.js';
import type { RestOptions } from './rest/http.js';
import { RestTrackingStore } from './rest/restStore.js';
import { SqliteTrackingStore, type SqliteStoreOptions } from './sqliteStore.js';
import type { ModelRegistry, TrackingStore } from './store.js';
import { parseTrackingUri } from './uri.js';

export interface OpenStoreOptions {
  /** Relative paths in the URI are resolved against this folder. */
  readonly cwd: string;
  readonly sqlite?: SqliteStoreOptions;
  /** Auth, TLS, timeout and retries for an http(s) tracking URI (see rest/environment.ts). */
  readonly rest?: RestOptions;
  /** Worker threads for long metric histories of local stores (the extension host passes one). */
  readonly historyPool?: HistoryPool;
}

/** The one place that maps a tracking URI to a store implementation. */
export function openTrackingStore(uri: string, options: OpenStoreOptions): TrackingStore & ModelRegistry {
  const location = parseTrackingUri(uri, options.cwd);
  switch (location.kind) {
    case 'sqlite':
      return new SqliteTrackingStore(location.uri, location.path, { ...options.sqlite, ...(options.historyPool ? { historyPool: options.historyPool } : {}) });
    case 'file':
      return new FileTrackingStore(location.uri, location.path, options.historyPool);
    case 'server':
      return new RestTrackingStore(location.uri, options.rest);
  }
}
