/**
 * The tracking store of one place (a workspace folder, a CLI's working directory) as MLflow
 * resolves it: not there yet, unreadable, or open. Core models take these by structure; the
 * one accessor for an open store is `requireStore`, which says why there is none.
 */
import { TrackingError } from './errors.js';
import type { ModelRegistry, TrackingStore } from './store.js';
import type { UriSource } from './uri.js';

/** A store read by the views: runs and the Model Registry. */
export type Store = TrackingStore & ModelRegistry;

export type StoreState =
  | { readonly kind: 'missing'; readonly uri: string; readonly source: UriSource }
  | { readonly kind: 'error'; readonly uri: string; readonly message: string }
  | { readonly kind: 'ready'; readonly store: Store; readonly source: UriSource };

/** One place with its store: `key` names it in URIs and selections (`f0`, …), `name` to people. */
export interface TrackedPlace {
  readonly key: string;
  readonly name: string;
  readonly state: StoreState;
}

/** The open store of `place`, else a TrackingError 'no-store' saying what to do. */
export function requireStore(place: TrackedPlace | undefined): Store {
  if (place?.state.kind === 'ready') return place.state.store;
  const why = !place ? 'is no longer open' : place.state.kind === 'missing' ? `does not exist yet (${place.state.uri})` : `cannot be read: ${place.state.message}`;
  const where = place ? ` of ${place.name}` : '';
  throw new TrackingError('no-store', `The MLflow tracking store${where} ${why}. Select one with "ML Workbench: Select Tracking Store…".`, place?.state.uri);
}

/** The open store of `place`, or undefined. */
export function storeOf(place: TrackedPlace | undefined): Store | undefined {
  return place?.state.kind === 'ready' ? place.state.store : undefined;
}

/** The tracking URI of the state, open or not. */
export function stateUri(state: StoreState): string {
  return state.kind === 'ready' ? state.store.uri : state.uri;
}

/** Whether the store is a tracking server (polled, not watched). */
export function isServerStore(store: Pick<TrackingStore, 'uri'>): boolean {
  return /^https?:/i.test(store.uri);
}

export function describeStoreState(state: StoreState): string {
  switch (state.kind) {
    case 'missing':
      return `none yet (${state.uri} does not exist)`;
    case 'error':
      return `${state.uri}: ${state.message}`;
    case 'ready':
      return `${state.store.label} (${state.store.uri}, from ${state.source})`;
  }
}
