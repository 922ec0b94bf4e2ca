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

/**
 * The colours a slot is drawn in: Okabe & Ito's colour-blind-safe palette ("Color Universal
 * Design", 2008) without its black, in two orders — darker hues first on light backgrounds, lighter
 * ones first on dark. Slots sharing a dash (i and i + 4 of the first six) are pairs far apart in
 * hue and lightness (sky blue–purple, orange–yellow; blue–orange, vermillion–sky blue). VS
 * Code's `--vscode-charts-*` palette is not used for runs: its red and green collide for
 * deuteranopes.
 */
export const PALETTE = {
  dark: ['#56B4E9', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#F0E442'],
  light: ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'],
} as const;

/** Dash patterns (canvas `setLineDash`, in CSS pixels): solid first. */
export const DASHES: readonly (readonly number[])[] = [[], [6, 3], [2, 3], [8, 3, 2, 3]];

export type PaletteKind = keyof typeof PALETTE;

/**
 * Colour and dash of a slot. Lines carry both from the start (a second cue for readers who cannot
 * tell the colours apart, and for grey-scale prints): slot i takes colour i mod 6 and dash
 * (i mod 6 + ⌊i / 6⌋) mod 4, so the first 24 slots are 24 different colour–dash pairs.
 */
export function slotStyle(slot: number, kind: PaletteKind): { readonly color: string; readonly dash: readonly number[] } {
  const colors = PALETTE[kind];
  const i = ((Math.trunc(slot) % 24) + 24) % 24;
  return { color: colors[i % colors.length]!, dash: DASHES[((i % colors.length) + Math.floor(i / colors.length)) % DASHES.length]! };
}
