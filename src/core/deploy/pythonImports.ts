/**
 * Where the imports a snippet needs go in a Python file, and which of them are missing: after the
 * shebang/encoding lines, the module docstring, `from __future__` imports and the file's own
 * leading import block; never inside a function.
 */

export interface ImportEdit {
  /** 0-based line the missing imports are inserted before. */
  readonly line: number;
  /** The lines to insert (each ending with a newline); empty when nothing is missing. */
  readonly text: string;
}

export function importEdit(source: string, imports: readonly string[]): ImportEdit {
  const lines = source.split(/\r?\n/);
  // Top-level lines only: an import inside a function does not serve the module.
  const present = new Set(lines.filter((line) => !/^\s/.test(line)).map((line) => line.trim().replace(/\s+#.*$/, '').replace(/\s+/g, ' ')));
  const missing = imports.filter((line) => !present.has(line) && !alreadyImported(line, present));
  return { line: insertionLine(lines), text: missing.map((line) => `${line}\n`).join('') };
}

/** `import mlflow` is there when `import mlflow.pyfunc` is not enough but `import mlflow, os` is. */
function alreadyImported(line: string, present: ReadonlySet<string>): boolean {
  const module = /^import ([\w.]+)( as \w+)?$/.exec(line);
  if (!module) return false;
  for (const existing of present) {
    const match = /^import (.+)$/.exec(existing);
    if (!match) continue;
    const names = match[1]!.split(',').map((part) => part.trim());
    // `import mlflow.pyfunc` binds `mlflow` too.
    if (names.includes(`${module[1]}${module[2] ?? ''}`) || (!module[2] && names.some((name) => name.startsWith(`${module[1]}.`) && !name.includes(' as ')))) return true;
  }
  return false;
}

function insertionLine(lines: readonly string[]): number {
  let index = 0;
  const skipBlank = (): void => {
    while (index < lines.length && (lines[index]!.trim() === '' || lines[index]!.trim().startsWith('#'))) index++;
  };
  skipBlank();
  // Nothing but comments and blank lines: after the last comment (the shebang, a licence header).
  let after = index < lines.length ? index : lastCommentLine(lines) + 1;
  const docstring = /^[rRuU]?("""|'''|"|')/.exec(lines[index] ?? '');
  if (docstring) {
    const quote = docstring[1]!;
    const rest = lines[index]!.slice(docstring[0].length);
    if (quote.length === 3 && !rest.includes(quote)) {
      index++;
      while (index < lines.length && !lines[index]!.includes(quote)) index++;
    }
    index++;
    after = index;
  }
  for (;;) {
    skipBlank();
    const line = lines[index];
    if (line === undefined || !/^(import\s|from\s+\S+\s+import\s)/.test(line)) break;
    // A parenthesised import spans lines up to its closing parenthesis; a backslash continues it.
    if (line.includes('(') && !line.includes(')')) {
      while (index < lines.length && !lines[index]!.includes(')')) index++;
    }
    while (index < lines.length && lines[index]!.trimEnd().endsWith('\\')) index++;
    index++;
    after = index;
  }
  return Math.min(after, lines.length);
}

function lastCommentLine(lines: readonly string[]): number {
  for (let index = lines.length - 1; index >= 0; index--) if (lines[index]!.trim().startsWith('#')) return index;
  return -1;
}
