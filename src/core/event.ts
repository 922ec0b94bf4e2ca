/**
 * Events without VS Code, shaped as `vscode.Event`: a function that subscribes a listener and
 * returns its subscription. A class keeps its Emitter private and exposes `onDidX = emitter.event`;
 * host code passes these events wherever VS Code takes one (a tree's onDidChangeTreeData, say).
 */
import type { DisposableLike } from './lifecycle.js';

export type Event<T> = (listener: (event: T) => unknown, thisArgs?: unknown, disposables?: DisposableLike[]) => DisposableLike;

/** An event that never fires. */
export const NO_EVENT: Event<never> = () => ({ dispose() {} });

interface Subscription<T> {
  readonly listener: (event: T) => unknown;
  readonly thisArgs: unknown;
}

export interface EmitterOptions {
  /** Where a listener's error goes (every other listener still runs). Default: rethrown once all ran. */
  readonly onListenerError?: (error: unknown) => void;
}

export class Emitter<T> implements DisposableLike {
  private subscriptions: Subscription<T>[] = [];
  private disposed = false;

  constructor(private readonly options: EmitterOptions = {}) {}

  readonly event: Event<T> = (listener, thisArgs, disposables) => {
    if (this.disposed) return { dispose() {} };
    const subscription: Subscription<T> = { listener, thisArgs };
    this.subscriptions.push(subscription);
    let removed = false;
    const result = {
      dispose: () => {
        if (removed) return;
        removed = true;
        this.subscriptions = this.subscriptions.filter((s) => s !== subscription);
      },
    };
    disposables?.push(result);
    return result;
  };

  get hasListeners(): boolean {
    return this.subscriptions.length > 0;
  }

  /**
   * Calls every listener subscribed when the call starts, in subscription order; a listener that
   * unsubscribes another during the call does not stop it from being called this once.
   */
  fire(event: T): void {
    let failure: { error: unknown } | undefined;
    for (const { listener, thisArgs } of this.subscriptions) {
      try {
        listener.call(thisArgs, event);
      } catch (error) {
        if (this.options.onListenerError) this.options.onListenerError(error);
        else failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  dispose(): void {
    this.disposed = true;
    this.subscriptions = [];
  }
}
