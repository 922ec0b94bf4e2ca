/**
 * When the CLI collects its garbage. A server's pages, once printed, leave dead buffers behind
 * (the socket's reads and the answer's bytes): V8 frees them only at a full collection, which it
 * starts after some 64 MB of them, so a listing of 100,000 runs would stand at that much more
 * memory than the few pages it holds. The CLI owns its process: it collects as soon as its array
 * buffers stand `slack` above what the last collection left (a few ms with this heap, while the
 * listing waits for its server anyway).
 */
export const RECLAIM_SLACK_BYTES = 4 * 1024 * 1024;

export class Reclaimer {
  /** What the last collection left, measured at the first look after it (buffers are freed after the collection returns); at first, what the first look saw. */
  private floor: number | undefined;
  collections = 0;

  constructor(
    private readonly arrayBuffers: () => number,
    private readonly collect: () => void,
    private readonly slack = RECLAIM_SLACK_BYTES,
  ) {}

  /** A look: collects when the buffers stand `slack` above the floor; true when it did. */
  check(): boolean {
    const now = this.arrayBuffers();
    if (this.floor === undefined || now < this.floor) this.floor = now;
    if (now - this.floor < this.slack) return false;
    this.collect();
    this.collections++;
    this.floor = undefined;
    return true;
  }
}
