/**
 * The parameters `dvc exp run --set-param` can override: the keys the pipeline's stages track in
 * their params files, flattened to DVC's dotted names (`train.alpha`), with their current values
 * as written. A file other than `params.yaml` is named in the key (`config/train.yaml:lr`), as
 * `--set-param [<file>:]<name>=<value>` expects.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';

export interface TrackedParams {
  /** The params file, relative to the DVC root. */
  readonly repoPath: string;
  /** Tracked keys (dotted); empty: the whole file. */
  readonly keys: readonly string[];
}

export interface ParamChoice {
  /** As `--set-param` spells it. */
  readonly key: string;
  /** The current value as the file writes it (a list or mapping as flow YAML). */
  readonly value: string;
  readonly file: string;
}

const DEFAULT_PARAMS_FILE = 'params.yaml';

/**
 * Every tracked leaf parameter, in file order, each once. `read` returns a file's text (undefined
 * when missing); only YAML and JSON files are read (DVC's TOML and Python params are left out).
 */
export function overridableParams(deps: readonly TrackedParams[], read: (repoPath: string) => string | undefined): ParamChoice[] {
  const byFile = new Map<string, Set<string> | 'all'>();
  for (const dep of deps) {
    const file = dep.repoPath.replace(/\\/g, '/').replace(/^\.\//, '');
    if (!/\.(ya?ml|json)$/i.test(file)) continue;
    const current = byFile.get(file);
    if (current === 'all' || dep.keys.length === 0) byFile.set(file, 'all');
    else byFile.set(file, new Set([...(current ?? []), ...dep.keys]));
  }
  const choices: ParamChoice[] = [];
  for (const [file, tracked] of byFile) {
    const text = read(file);
    if (text === undefined) continue;
    const prefix = file === DEFAULT_PARAMS_FILE ? '' : `${file}:`;
    for (const [name, value] of flattenParams(text)) {
      if (tracked !== 'all' && ![...tracked].some((key) => name === key || name.startsWith(`${key}.`))) continue;
      choices.push({ key: `${prefix}${name}`, value, file });
    }
  }
  return choices;
}

/** Leaf values of a YAML/JSON mapping by dotted name; lists are leaves. Unparseable text gives none. */
export function flattenParams(text: string): [string, string][] {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return [];
  const out: [string, string][] = [];
  const walk = (node: unknown, prefix: string, depth: number): void => {
    if (depth > 32) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        walk(pair.value, prefix ? `${prefix}.${key}` : key, depth + 1);
      }
      return;
    }
    out.push([prefix, leafText(node as Node | null)]);
  };
  walk(doc.contents, '', 0);
  return out;
}

function leafText(node: Node | null): string {
  if (node === null || node === undefined) return 'null';
  if (isScalar(node)) return node.source ?? String(node.value);
  if (isSeq(node) || isMap(node)) return JSON.stringify(node.toJSON());
  return String(node);
}
