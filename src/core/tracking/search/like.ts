/**
 * String comparisons as MLflow's SQLite store runs them. MLflow turns on
 * `PRAGMA case_sensitive_like = true` (mlflow/store/db/utils.py), so LIKE is case-sensitive;
 * ILIKE compiles to `lower(x) LIKE lower(y)` and SQLite's lower() folds ASCII letters only.
 * `%` is any run of characters, `_` exactly one character, and there is no escape character.
 */

const cache = new Map<string, RegExp>();

function likeRegExp(pattern: string): RegExp {
  let regex = cache.get(pattern);
  if (regex === undefined) {
    const body = [...pattern].map((char) => (char === '%' ? '.*' : char === '_' ? '.' : char.replace(/[.*+?^${}()|[\]\\/-]/gu, '\\$&'))).join('');
    regex = new RegExp(`^${body}$`, 'su');
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, regex);
  }
  return regex;
}

/** SQLite's lower(): ASCII only. */
export function asciiLower(value: string): string {
  return value.replace(/[A-Z]/g, (char) => char.toLowerCase());
}

export function like(value: string, pattern: string): boolean {
  return likeRegExp(pattern).test(value);
}

export function ilike(value: string, pattern: string): boolean {
  return likeRegExp(asciiLower(pattern)).test(asciiLower(value));
}

/** SQLite's BINARY collation: UTF-8 byte order, which is code point order (not UTF-16 order). */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** The comparators MLflow applies to strings (`SearchUtils.get_sql_comparison_func`). */
export function compareString(comparator: string, value: string, operand: string | readonly string[]): boolean {
  switch (comparator) {
    case '=':
      return value === operand;
    case '!=':
      return value !== operand;
    case 'LIKE':
      return like(value, operand as string);
    case 'ILIKE':
      return ilike(value, operand as string);
    case 'IN':
      return (operand as readonly string[]).includes(value);
    case 'NOT IN':
      return !(operand as readonly string[]).includes(value);
    case '>':
      return compareText(value, operand as string) > 0;
    case '>=':
      return compareText(value, operand as string) >= 0;
    case '<':
      return compareText(value, operand as string) < 0;
    case '<=':
      return compareText(value, operand as string) <= 0;
    default:
      return false;
  }
}

export function compareNumber(comparator: string, value: number, operand: number): boolean {
  switch (comparator) {
    case '=':
      return value === operand;
    case '!=':
      return value !== operand;
    case '>':
      return value > operand;
    case '>=':
      return value >= operand;
    case '<':
      return value < operand;
    case '<=':
      return value <= operand;
    default:
      return false;
  }
}
