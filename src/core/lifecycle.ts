/**
 * Lifetimes without VS Code: anything with `dispose()` is a resource. A Disposable owns what it
 * registers and disposes it (newest first) when disposed itself; a Slot holds one replaceable
 * resource. Structurally a vscode.Disposable, so the host hands these to VS Code as they are.
 */

export interface DisposableLike {
  dispose(): void;
}

/** A resource whose disposal runs `dispose` once, however often it is disposed. */
export function toDisposable(dispose: () => void): DisposableLike {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      dispose();
    },
  };
}

/** Disposes every item (last first), even when one throws; the first error is rethrown after. */
export function disposeAll(items: readonly DisposableLike[]): void {
  let failure: { error: unknown } | undefined;
  for (const item of [...items].reverse()) {
    try {
      item.dispose();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}

/** Owns resources registered where they are created; disposing the owner disposes them all. */
export abstract class Disposable implements DisposableLike {
  private readonly owned: DisposableLike[] = [];
  private disposed = false;

  /** Owns `value`; one registered after disposal is disposed at once. */
  protected register<T extends DisposableLike>(value: T): T {
    if (this.disposed) value.dispose();
    else this.owned.push(value);
    return value;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this.owned.splice(0));
  }
}

/** Holds one replaceable resource; setting a new value disposes the old one. */
export class Slot<T extends DisposableLike> implements DisposableLike {
  private current: T | undefined;

  get value(): T | undefined {
    return this.current;
  }

  set value(next: T | undefined) {
    if (next === this.current) return;
    this.current?.dispose();
    this.current = next;
  }

  dispose(): void {
    this.value = undefined;
  }
}
