/**
 * Run colours: the host assigns each run one of COLOR_SLOTS slots (core/series/colors.ts); the
 * webview draws slot i with core/series/colors.ts slotStyle: the (i mod 6)-th Okabe–Ito colour and
 * a dash that differs between neighbours, so up to 24 runs of one chart are 24 distinct pairs.
 */
export const THEME_COLORS = 6;
export const DASH_PATTERNS = 4;
export const COLOR_SLOTS = THEME_COLORS * DASH_PATTERNS;

/** Slots for a chart of `runs` runs: dashes only once the theme's colours run out. */
export function colorSlotsFor(runs: number): number {
  return runs <= THEME_COLORS ? THEME_COLORS : COLOR_SLOTS;
}
