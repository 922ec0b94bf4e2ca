/**
 * YAML (and JSON, a YAML subset) loaded the way DVC's ruamel "safe" loader sees it — YAML 1.2
 * core schema, ints as bigint, duplicate keys tolerated — with positions kept, so that every
 * stage, dep and out can point at its line and every error becomes a diagnostic at its line.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { DvcDiagnostic, Position } from '../entities.js';
import type { PyValue } from '../pyValue.js';

export interface YamlFile {
  readonly path: string;
  readonly value: PyValue;
  /** The position of the node at a key path (map keys and sequence indexes), or of its nearest parent. */
  positionOf(path: readonly (string | number)[]): Position;
  /** Position of a map key (the stage name, an out path as a key). */
  keyPositionOf(path: readonly (string | number)[]): Position;
}

export interface Loaded<T> {
  readonly value: T | undefined;
  readonly diagnostics: DvcDiagnostic[];
}

const START: Position = { line: 1, column: 1 };
/**
 * Nesting beyond this is refused with its line: DVC's own loader (ruamel, under Python's
 * recursion limit) gives up far sooner, and whatever walks the value later recurses.
 */
export const MAX_YAML_DEPTH = 256;
/** Nodes aliases may expand to in one file: a "billion laughs" file expands to 10^9. */
const MAX_ALIAS_COUNT = 10_000;

/**
 * Parses kept by path and text, so that many commits holding the same dvc.yaml, dvc.lock or params
 * file (experiments of one baseline) parse it once. Callers treat the result as read-only.
 */
const PARSED = new Map<string, Loaded<YamlFile>>();
const PARSED_MAX_ENTRIES = 512;
const PARSED_MAX_TEXT = 1 << 20;

export function loadYaml(path: string, text: string): Loaded<YamlFile> {
  if (text.length > PARSED_MAX_TEXT) return parseYaml(path, text);
  const key = `${path}\0${text}`;
  const known = PARSED.get(key);
  if (known) {
    PARSED.delete(key);
    PARSED.set(key, known);
    return known;
  }
  const loaded = parseYaml(path, text);
  PARSED.set(key, loaded);
  if (PARSED.size > PARSED_MAX_ENTRIES) PARSED.delete(PARSED.keys().next().value!);
  return loaded;
}

function parseYaml(path: string, text: string): Loaded<YamlFile> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { intAsBigInt: true, uniqueKeys: false, lineCounter, prettyErrors: false, strict: false });
  const toPosition = (offset: number | undefined): Position => {
    if (offset === undefined) return START;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // The parser's own guard against running out of stack reports at every level it unwinds: once is enough.
  const exhausted = doc.errors.filter((error) => error.code === 'RESOURCE_EXHAUSTION').sort((a, b) => a.pos[0] - b.pos[0]);
  const errors = [...doc.errors.filter((error) => error.code !== 'RESOURCE_EXHAUSTION'), ...exhausted.slice(0, 1)];
  const diagnostics: DvcDiagnostic[] = errors.map((error) => {
    const message = error.code === 'RESOURCE_EXHAUSTION' ? 'nested too deep to read' : error.message.split('\n')[0];
    return { file: path, ...toPosition(error.pos[0]), message: `YAML: ${message}`, severity: 'error' };
  });
  if (doc.errors.length > 0) return { value: undefined, diagnostics };
  const tooDeep = deeperThan(doc, MAX_YAML_DEPTH);
  if (tooDeep) return { value: undefined, diagnostics: [diagnostic(path, toPosition(tooDeep.range?.[0]), `YAML: nested more than ${MAX_YAML_DEPTH} levels deep; not read`)] };
  let value: PyValue;
  try {
    value = (doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {}) as PyValue;
  } catch (error) {
    if (!(error instanceof ReferenceError) || !/alias/i.test(error.message)) throw error;
    const message = `YAML: its aliases expand to more than ${MAX_ALIAS_COUNT.toLocaleString('en-US')} nodes (a "billion laughs" file?); not read`;
    return { value: undefined, diagnostics: [diagnostic(path, toPosition(firstAlias(doc)?.range?.[0]), message)] };
  }
  return {
    value: {
      path,
      value,
      positionOf: (keys) => toPosition(find(doc, keys, false)?.range?.[0]),
      keyPositionOf: (keys) => toPosition(find(doc, keys, true)?.range?.[0]),
    },
    diagnostics,
  };
}

/** The first collection nested deeper than `limit`, found without recursion. */
function deeperThan(doc: Document, limit: number): Node | undefined {
  const stack: [Node, number][] = doc.contents ? [[doc.contents as Node, 1]] : [];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > limit) return node;
    for (const item of node.items) {
      if (isPair(item)) {
        if (item.key) stack.push([item.key as Node, depth + 1]);
        if (item.value) stack.push([item.value as Node, depth + 1]);
      } else {
        stack.push([item as Node, depth + 1]);
      }
    }
  }
  return undefined;
}

function firstAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** Walks the node tree; stops at the deepest node it can reach so a position is always found. */
function find(doc: Document, keys: readonly (string | number)[], wantKey: boolean): Node | undefined {
  let node: Node | undefined = doc.contents ?? undefined;
  let keyNode: Node | undefined;
  for (const key of keys) {
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      keyNode = pair.key as Node;
      node = (pair.value as Node | null) ?? keyNode;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) break;
      node = item;
    } else {
      break;
    }
  }
  return wantKey && keyNode ? keyNode : node;
}

export function diagnostic(file: string, position: Position, message: string, severity: 'error' | 'warning' = 'error'): DvcDiagnostic {
  return { file, line: position.line, column: position.column, message, severity };
}
