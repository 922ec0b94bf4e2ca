/**
 * Image plots by step: DVCLive and most training loops write one image per step into a path that
 * carries the step (`images/step_3/x.png`, `images/x/3.png`, `images/x_003.png`). Paths that are
 * equal but for that number form a group with a step slider.
 */

/** The last number in a path that stands alone (between `/`, `_`, `-`, `.` or the ends). */
const STEP = /(^|[/_\-.])(\d+)(?=$|[/_\-.])/g;

export function stepOf(path: string): { group: string; value: number } | undefined {
  let last: RegExpExecArray | undefined;
  for (const match of path.matchAll(STEP)) last = match as RegExpExecArray;
  if (!last) return undefined;
  const start = last.index + last[1]!.length;
  const value = Number(last[2]);
  if (!Number.isSafeInteger(value)) return undefined;
  return { group: `${path.slice(0, start)}{step}${path.slice(start + last[2]!.length)}`, value };
}

/** Steps of the paths that share their group with at least one other path. */
export function stepGroups(paths: readonly string[]): Map<string, { group: string; value: number }> {
  const steps = new Map<string, { group: string; value: number }>();
  const count = new Map<string, number>();
  for (const path of paths) {
    const step = stepOf(path);
    if (!step) continue;
    steps.set(path, step);
    count.set(step.group, (count.get(step.group) ?? 0) + 1);
  }
  for (const [path, step] of steps) if ((count.get(step.group) ?? 0) < 2) steps.delete(path);
  return steps;
}
