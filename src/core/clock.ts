/**
 * Time as core services see it: a monotonic `now` for durations and timers to schedule with.
 * Production code uses the system's; tests pass a clock they move by hand.
 */
export interface Clock {
  /** Milliseconds on a monotonic clock (durations only, not dates). */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout> | undefined),
};
