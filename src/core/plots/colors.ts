/**
 * The one place the Plots panel picks colours: revision i of the panel takes slot i, so the first
 * revisions get the palette's first, most distinct colours (the webview maps slot i to the i-th
 * chart colour of the theme and, past its six colours, to a dash pattern as well). In order rather
 * than hashed: a panel compares a handful of revisions side by side, and two of them must never
 * share a colour while another is free.
 */
export function revisionColors(ids: readonly string[]): Map<string, number> {
  return new Map([...new Set(ids)].map((id, i) => [id, i]));
}
