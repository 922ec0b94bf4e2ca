import type * as vscode from 'vscode';
import { Emitter } from '../core/event.js';
import { LineageService } from '../core/lineage/lineage.js';
import type { DataLineage, Lineage } from '../core/lineage/model.js';
import type { Logger } from '../core/log.js';
import type { ModelRegistry, TrackingStore } from '../core/tracking/store.js';
import { Disposable } from './dispose.js';

type Store = TrackingStore & ModelRegistry;

/** A workspace folder and the tracking store its runs are read from. */
export interface LineagePlace {
  readonly folder: vscode.WorkspaceFolder;
  readonly store: Store;
}

type Settled<T> = { readonly value: T } | { readonly error: Error };

/** Lineage answers at most this many at a time: badges of a long list queue up, the host stays free. */
const PARALLEL = 2;

/**
 * The lineage answers the views and the panel share, computed on demand (never at activation),
 * at most two at a time, and remembered until the workspace's data, git HEAD or a store changes
 * (`invalidate`, which fires `onDidChange` so badges are recomputed). One core LineageService per
 * DVC root and store.
 */
export class LineageCache extends Disposable {
  private readonly services = new Map<string, { readonly store: Store; readonly service: LineageService }>();
  private readonly pending = new Map<string, Promise<unknown>>();
  private readonly settled = new Map<string, Settled<unknown>>();
  private readonly changeEmitter = this.register(new Emitter<void>());
  readonly onDidChange = this.changeEmitter.event;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private generation = 0;

  constructor(
    /** The DVC root lineage reads in a folder (the folder itself when it has none). */
    private readonly rootOf: (folder: vscode.WorkspaceFolder) => Promise<string>,
    private readonly log: Logger,
  ) {
    super();
  }

  override dispose(): void {
    for (const { service } of this.services.values()) service.dispose();
    this.services.clear();
    super.dispose();
  }

  /** Forgets every answer (data, HEAD or a store changed) and tells the views to ask again. */
  invalidate(): void {
    this.generation++;
    this.pending.clear();
    this.settled.clear();
    for (const { service } of this.services.values()) service.refresh();
    this.changeEmitter.fire();
  }

  async service(place: LineagePlace): Promise<LineageService> {
    const root = await this.rootOf(place.folder);
    const known = this.services.get(root);
    if (known?.store === place.store) return known.service;
    known?.service.dispose();
    const service = new LineageService(root, place.store);
    this.services.set(root, { store: place.store, service });
    return service;
  }

  modelVersion(place: LineagePlace, name: string, version: string): Promise<Lineage> {
    return this.get(`mv\0${place.folder.uri}\0${name}\0${version}`, async (service) => service.ofModelVersion(name, { version }), place);
  }

  run(place: LineagePlace, runId: string): Promise<Lineage> {
    return this.get(`run\0${place.folder.uri}\0${runId}`, (service) => service.ofRun(runId), place);
  }

  /** `path` relative to the DVC root; `rev` a commit. */
  data(place: LineagePlace, path: string, rev: string): Promise<DataLineage> {
    return this.get(`data\0${place.folder.uri}\0${path}\0${rev}`, (service) => service.ofData(path, rev), place);
  }

  /** The answer when it is known already (for a tree item rendered synchronously). */
  peekModelVersion(place: LineagePlace, name: string, version: string): Settled<Lineage> | undefined {
    return this.settled.get(`mv\0${place.folder.uri}\0${name}\0${version}`) as Settled<Lineage> | undefined;
  }

  peekData(place: LineagePlace, path: string, rev: string): Settled<DataLineage> | undefined {
    return this.settled.get(`data\0${place.folder.uri}\0${path}\0${rev}`) as Settled<DataLineage> | undefined;
  }

  private get<T>(key: string, compute: (service: LineageService) => Promise<T>, place: LineagePlace): Promise<T> {
    const known = this.pending.get(key) as Promise<T> | undefined;
    if (known) return known;
    const generation = this.generation;
    const answer = this.slot(async () => compute(await this.service(place)));
    this.pending.set(key, answer);
    answer.then(
      (value) => generation === this.generation && this.settled.set(key, { value }),
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.log.warn(`lineage ${key.split('\0').slice(2).join(' ')}: ${(error as Error).message}`);
        this.settled.set(key, { error: error as Error });
        this.pending.delete(key);
      },
    );
    return answer;
  }

  private async slot<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= PARALLEL) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
