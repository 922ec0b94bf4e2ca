/**
 * The one place the Plots panel picks colours: revision i of the panel takes the i-th slot of
 * ORDER, so the first revisions get the most distinct colours (the webview maps slot s to the
 * theme's chart colour s mod 6 — blue, orange, green, red, purple, yellow — and past six, to a dash
 * pattern as well). Green and red, the pair colour-blind users confuse most, come last: both are
 * used only once a panel shows six revisions. In order rather than hashed: a panel compares a
 * handful of revisions side by side, and two of them must never share a colour while another is free.
 */
const ORDER = [0, 1, 4, 2, 5, 3];

export function revisionColors(ids: readonly string[]): Map<string, number> {
  return new Map([...new Set(ids)].map((id, i) => [id, i < ORDER.length ? ORDER[i]! : i]));
}
