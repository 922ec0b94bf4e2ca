/**
 * Lets a long synchronous loop share the event loop: call the returned function between items;
 * it yields (setImmediate) once `budgetMs` has passed since the last yield, so a big store is
 * read in slices of a few milliseconds and the extension host stays responsive.
 */
export function cooperative(budgetMs = 10): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = performance.now();
  };
}
