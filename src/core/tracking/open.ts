import { TrackingError } from './errors.js';
import { FileTrackingStore } from './fileStore.js';
import { SqliteTrackingStore, type SqliteStoreOptions } from './sqliteStore.js';
import type { ModelRegistry, TrackingStore } from './store.js';
import { parseTrackingUri } from './uri.js';

export interface OpenStoreOptions {
  /** Relative paths in the URI are resolved against this folder. */
  readonly cwd: string;
  readonly sqlite?: SqliteStoreOptions;
}

/** The one place that maps a tracking URI to a store implementation. */
export function openTrackingStore(uri: string, options: OpenStoreOptions): TrackingStore & ModelRegistry {
  const location = parseTrackingUri(uri, options.cwd);
  switch (location.kind) {
    case 'sqlite':
      return new SqliteTrackingStore(location.uri, location.path, options.sqlite);
    case 'file':
      return new FileTrackingStore(location.uri, location.path);
    case 'server':
      throw new TrackingError(
        'unsupported-uri',
        `Reading a tracking server (${location.url.host}) is not available in this version yet; point the tracking URI at a local mlflow.db or mlruns folder.`,
        uri,
      );
  }
}
