/**
 * A colour per run that stays the same across charts, panels and sessions: a hash of the run id
 * picks one of `slots` palette entries (the webview maps slot i to its i-th `--vscode-charts-*`
 * variable, so themes change the colours, never the assignment).
 *
 * Runs of one panel must not share a colour while a free one remains, so collisions are resolved
 * within the panel's run set, deterministically: runs take their slots in run-id order (first
 * come, first served), each at its hashed slot when free, else at the next free slot after it,
 * cyclically. With more runs than slots, each slot is used once before any is used twice (and so
 * on): a run takes the first least-used slot from its hashed one. The same set of runs always
 * gets the same colours; a run keeps its own hashed colour unless an earlier id took it.
 */

/** FNV-1a, 32 bits, over the UTF-16 code units of the id: tiny, fast, and stable forever. */
export function runIdHash(runId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < runId.length; i++) {
    hash ^= runId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The slot a run takes when no other run is in the way. */
export function preferredSlot(runId: string, slots: number): number {
  checkSlots(slots);
  return runIdHash(runId) % slots;
}

/** Run id → slot in [0, slots) for one panel's runs (duplicate ids get one slot). */
export function assignColorSlots(runIds: Iterable<string>, slots: number): Map<string, number> {
  checkSlots(slots);
  // Plain code-unit order, the same in every locale.
  const ids = [...new Set(runIds)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const uses = new Uint32Array(slots);
  const assigned = new Map<string, number>();
  for (const id of ids) {
    let least = uses[0]!;
    for (let s = 1; s < slots; s++) least = Math.min(least, uses[s]!);
    let slot = runIdHash(id) % slots;
    while (uses[slot] !== least) slot = (slot + 1) % slots;
    uses[slot] = uses[slot]! + 1;
    assigned.set(id, slot);
  }
  return assigned;
}

function checkSlots(slots: number): void {
  if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`slots must be a positive integer, not ${slots}`);
}
