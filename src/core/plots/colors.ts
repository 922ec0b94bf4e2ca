/**
 * The one place the Plots panel picks colours: revision i of the panel takes the i-th slot of
 * ORDER, so the first revisions get the most distinct colours. The webview draws slot s with the
 * runs' colour-blind-safe palette (core/series/colors.ts: Okabe–Ito, a light and a dark order, a
 * dash per slot past six). Green and vermillion, the pair colour-blind users confuse most even
 * within that palette, come last. In order rather than hashed: a panel compares a handful of
 * revisions side by side, and two of them must never share a colour while another is free.
 */
const ORDER = [0, 1, 4, 2, 5, 3];

export function revisionColors(ids: readonly string[]): Map<string, number> {
  return new Map([...new Set(ids)].map((id, i) => [id, i < ORDER.length ? ORDER[i]! : i]));
}
