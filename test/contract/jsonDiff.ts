/** Lists where two JSON values differ, as readable paths, so a failing contract says what to fix (`peer` names whose answer `expected` is). */
export function jsonDiff(actual: unknown, expected: unknown, limit = 40, peer = 'MLflow'): string[] {
  const out: string[] = [];
  walk(actual, expected, '$', out, limit, peer);
  return out;
}

function walk(actual: unknown, expected: unknown, path: string, out: string[], limit: number, peer: string): void {
  if (out.length >= limit) return;
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (isPermutation(actual, expected)) {
      out.push(`${path}: same entries in another order: ${labels(actual)}, ${peer} has ${labels(expected)}`);
      return;
    }
    if (actual.length !== expected.length) {
      out.push(`${path}: length ${actual.length}, ${peer} has ${expected.length}`);
    }
    for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
      walk(actual[i], expected[i], `${path}[${i}]`, out, limit, peer);
    }
    return;
  }
  if (isObject(actual) && isObject(expected)) {
    for (const key of Object.keys(expected)) {
      if (!(key in actual)) out.push(`${path}.${key}: missing, ${peer} has ${show(expected[key])}`);
      else walk(actual[key], expected[key], `${path}.${key}`, out, limit, peer);
      if (out.length >= limit) return;
    }
    for (const key of Object.keys(actual)) {
      if (!(key in expected)) out.push(`${path}.${key}: extra ${show(actual[key])}, ${peer} has none`);
    }
    return;
  }
  if (!Object.is(actual, expected)) out.push(`${path}: ${show(actual)}, ${peer} has ${show(expected)}`);
}

/** True when both hold the same JSON values but not in the same order. */
function isPermutation(actual: unknown[], expected: unknown[]): boolean {
  if (actual.length !== expected.length) return false;
  const a = actual.map((v) => JSON.stringify(v));
  const e = expected.map((v) => JSON.stringify(v));
  if (a.every((v, i) => v === e[i])) return false;
  return JSON.stringify([...a].sort()) === JSON.stringify([...e].sort());
}

/** Short names of list entries: their `key` (metrics, params, tags), `alias`, `path` (artifacts), or their position. */
function labels(list: unknown[]): string {
  return `[${list.map((v, i) => label(v) ?? `#${i}`).join(', ')}]`;
}

function label(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const name = ['key', 'alias', 'path'].map((field) => value[field]).find((field) => typeof field === 'string');
  return name === undefined ? undefined : JSON.stringify(name);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
