/**
 * `.dvcignore` as dvc/ignore.py applies it: gitignore-style patterns (pathspec's
 * GitWildMatchPattern translation), each file's patterns relative to its own folder, deeper files
 * after their parents, the last matching pattern deciding, and nothing re-included under an
 * ignored folder. DVC always ignores `.git`, `.hg` and `.dvc/`.
 */

export interface IgnorePattern {
  /** POSIX folder of the `.dvcignore` ('' for the root). */
  readonly dir: string;
  readonly regex: RegExp;
  readonly ignore: boolean;
  readonly dirOnly: boolean;
  readonly source: string;
  /** 1-based line in its `.dvcignore` (0 for DVC's built-in patterns). */
  readonly line: number;
}

/** Plain data, so the rules can cross to a worker thread. */
export interface IgnoreSpec {
  readonly files: readonly { readonly dir: string; readonly lines: readonly string[] }[];
}

export const BUILTIN_IGNORES: readonly string[] = ['.hg/', '.git/', '.git', '.dvc/'];
export const IGNORE_FILE = '.dvcignore';

export function compilePattern(line: string, dir: string, lineNumber = 0): IgnorePattern | undefined {
  let pattern = line;
  if (pattern === '' || pattern.startsWith('#')) return undefined;
  let ignore = true;
  if (pattern.startsWith('!')) {
    ignore = false;
    pattern = pattern.slice(1);
  }
  if (pattern.startsWith('\\')) pattern = pattern.slice(1);
  if (pattern === '' || pattern === '/') return undefined;
  const dirOnly = pattern.endsWith('/');
  const segments = pattern.split('/');
  if (segments[0] === '') segments.shift();
  else if (segments.length === 1 || (segments.length === 2 && segments[1] === '')) {
    if (segments[0] !== '**') segments.unshift('**');
  }
  if (segments.length > 1 && segments[segments.length - 1] === '') segments[segments.length - 1] = '**';
  return { dir, regex: new RegExp(segmentsToRegex(segments)), ignore, dirOnly, source: line, line: lineNumber };
}

function segmentsToRegex(segments: readonly string[]): string {
  let out = '^';
  let needSlash = false;
  const end = segments.length - 1;
  segments.forEach((segment, i) => {
    if (segment === '**') {
      if (i === 0 && i === end) out += '[^/]+(?:/.*)?';
      else if (i === 0) {
        out += '(?:.+/)?';
        needSlash = false;
      } else if (i === end) out += '/.*';
      else {
        out += '(?:/.+)?';
        needSlash = true;
      }
      return;
    }
    if (needSlash) out += '/';
    out += segment === '*' ? '[^/]+' : globSegment(segment);
    if (i === end) out += '(?:/.*)?';
    needSlash = true;
  });
  return out + '$';
}

/** One path segment of a glob: `*`, `?`, `[...]` (with `!` negation), backslash escapes. */
function globSegment(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < segment.length) out += escapeRegex(segment[++i]!);
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      const body = segment.slice(i + 1, close);
      const negate = body.startsWith('!');
      const rest = negate ? body.slice(1) : body;
      out += `[${negate ? '^' : ''}${rest.startsWith('^') ? '\\' : ''}${rest.replaceAll('\\', '\\\\')}]`;
      i = close;
    } else out += escapeRegex(c);
  }
  return out;
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export class IgnoreRules {
  private readonly patterns: IgnorePattern[] = [];
  private readonly files: { dir: string; lines: readonly string[] }[] = [];

  constructor(spec: IgnoreSpec = { files: [] }) {
    this.addPatterns('', BUILTIN_IGNORES, false);
    for (const file of spec.files) this.add(file.dir, file.lines);
  }

  get spec(): IgnoreSpec {
    return { files: this.files.map(({ dir, lines }) => ({ dir, lines })) };
  }

  /** Adds a `.dvcignore`'s lines, in file order (blank and comment lines kept: they count for line numbers). */
  add(dir: string, lines: readonly string[]): void {
    this.files.push({ dir, lines: [...lines] });
    this.addPatterns(dir, lines, true);
  }

  private addPatterns(dir: string, lines: readonly string[], numbered: boolean): void {
    lines.forEach((raw, index) => {
      const pattern = compilePattern(raw.trim(), dir, numbered ? index + 1 : 0);
      if (pattern) this.patterns.push(pattern);
    });
  }

  /**
   * Whether this entry is ignored, assuming its parent folders are not (a walk never enters an
   * ignored folder). `path` is POSIX, relative to the root.
   */
  matchesEntry(path: string, isDir: boolean): boolean {
    return this.decidingPattern(path, isDir)?.ignore ?? false;
  }

  /** The last pattern matching this entry (the one that decides), if any. */
  private decidingPattern(path: string, isDir: boolean): IgnorePattern | undefined {
    for (let i = this.patterns.length - 1; i >= 0; i--) {
      const pattern = this.patterns[i]!;
      if (pattern.dirOnly && !isDir) continue;
      const rel = relativeTo(pattern.dir, path);
      if (rel === undefined) continue;
      if (pattern.regex.test(rel) || (isDir && pattern.regex.test(rel + '/'))) return pattern;
    }
    return undefined;
  }

  /** DVC's `_ignore`: a path is ignored when it or any folder above it is. */
  isIgnored(path: string, isDir: boolean): boolean {
    return this.ignoredBy(path, isDir) !== undefined;
  }

  /**
   * The pattern that ignores `path` (or a folder above it) as DVC names it in its errors
   * (dvc/pathspec_math.py PatternInfo: `<.dvcignore path>:<line>:<pattern>`), or undefined.
   */
  ignoredBy(path: string, isDir: boolean): string | undefined {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const pattern = this.decidingPattern(parts.slice(0, i).join('/'), isDir || i < parts.length);
      if (pattern?.ignore) return pattern.line === 0 ? `:${pattern.source}` : `${pattern.dir === '' ? '' : `${pattern.dir}/`}${IGNORE_FILE}:${pattern.line}:${pattern.source}`;
    }
    return undefined;
  }
}

function relativeTo(dir: string, path: string): string | undefined {
  if (dir === '') return path;
  return path.startsWith(dir + '/') ? path.slice(dir.length + 1) : undefined;
}
