/**
 * Compact JSON for stdout. JSON.stringify is fast but recursive: a value nested some thousands
 * deep overflows its stack. Such a value (from a file or a server) is printed with an explicit
 * stack instead, as the same text JSON.stringify would give.
 */

export function toJsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return stringifyWithoutRecursion(value);
  }
}

interface Frame {
  /** This container's key in its parent (undefined in an array or at the root). */
  readonly key: string | undefined;
  readonly isArray: boolean;
  readonly parts: string[];
  readonly entries: Iterator<readonly [string | undefined, unknown]>;
}

const isContainer = (value: unknown): value is object =>
  value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function';

/** JSON.stringify's text for plain data (objects, arrays, strings, numbers, booleans, null). */
export function stringifyWithoutRecursion(root: unknown): string {
  const stack: Frame[] = [];
  let result: string | undefined;
  const add = (key: string | undefined, text: string | undefined): void => {
    const parent = stack[stack.length - 1];
    if (!parent) result = text;
    else if (parent.isArray) parent.parts.push(text ?? 'null');
    else if (text !== undefined) parent.parts.push(`${JSON.stringify(key)}:${text}`);
  };
  const visit = (key: string | undefined, value: unknown): void => {
    if (!isContainer(value)) return add(key, JSON.stringify(value));
    const isArray = Array.isArray(value);
    const entries = isArray ? (value as unknown[]).map((item) => [undefined, item] as const).values() : Object.entries(value).values();
    stack.push({ key, isArray, parts: [], entries });
  };
  visit(undefined, root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const next = frame.entries.next();
    if (next.done) {
      stack.pop();
      add(frame.key, frame.isArray ? `[${frame.parts.join(',')}]` : `{${frame.parts.join(',')}}`);
    } else {
      visit(next.value[0], next.value[1]);
    }
  }
  return result ?? 'null';
}
