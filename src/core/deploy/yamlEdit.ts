/**
 * Adding one entry to a YAML mapping so that the rest of the file stays byte for byte as the user
 * wrote it (comments, quoting, blank lines, key order): the `yaml` package's Document API finds
 * where the mapping ends and serialises the new entry in the file's own indentation; the text is
 * spliced in, then parsed again and checked to mean exactly the old content plus the entry. When
 * a file is laid out so that splicing cannot be done (a flow mapping `{…}`), the Document itself
 * is edited and printed, which keeps comments but may re-space the file.
 */
import { isDeepStrictEqual } from 'node:util';
import { type Document, isMap, isPair, isScalar, isSeq, type Node, parseDocument, stringify, type YAMLMap } from 'yaml';
import { DeployError } from './errors.js';

export interface MapInsert {
  /** The top-level key of the mapping to add to (`stages`); undefined: the top-level mapping itself. */
  readonly parent?: string;
  readonly key: string;
  readonly value: unknown;
  /** Comment lines written above the new entry (without `#`). */
  readonly comment?: readonly string[];
  /** For messages: `dvc.yaml`, `params.yaml`. */
  readonly file: string;
  /** The error when the key exists already (the entry is never replaced). */
  readonly exists: () => DeployError;
}

interface Layout {
  readonly indent: number;
  readonly indentSeq: boolean;
}

/** The new text of the file (undefined: the file does not exist yet). */
export function insertMapEntry(text: string | undefined, insert: MapInsert): string {
  const source = text ?? '';
  const doc = parse(source, insert.file);
  const root = doc.contents;
  if (root !== null && !isMap(root)) throw new DeployError('invalid-file', `${insert.file} is not a mapping at the top level.`, insert.file);
  const parentNode = insert.parent === undefined ? root : root?.get(insert.parent, true);
  if (insert.parent !== undefined && parentNode !== undefined && parentNode !== null && !isMap(parentNode) && !(isScalar(parentNode) && parentNode.value === null)) {
    throw new DeployError('invalid-file', `"${insert.parent}" in ${insert.file} is not a mapping.`, insert.file);
  }
  if (isMap(parentNode) && parentNode.has(insert.key)) throw insert.exists();
  const expected = expectedValue(doc, insert);
  const layout = layoutOf(doc, source);
  const spliced = splice(source, doc, insert, layout);
  if (spliced !== undefined && means(spliced, expected)) return spliced;
  const printed = printEdited(doc, insert, layout);
  if (means(printed, expected)) return printed;
  throw new DeployError('invalid-file', `${insert.file} could not be edited without changing its other content; add the entry by hand.`, insert.file);
}

function parse(source: string, file: string): Document {
  const doc = parseDocument(source, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) throw new DeployError('invalid-file', `${file} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, file);
  return doc;
}

function expectedValue(doc: Document, insert: MapInsert): unknown {
  const current = (doc.toJS({ maxAliasCount: 1000 }) ?? {}) as Record<string, unknown>;
  if (insert.parent === undefined) return { ...current, [insert.key]: insert.value };
  const parent = (current[insert.parent] ?? {}) as Record<string, unknown>;
  return { ...current, [insert.parent]: { ...parent, [insert.key]: insert.value } };
}

function means(text: string, expected: unknown): boolean {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  return doc.errors.length === 0 && isDeepStrictEqual(doc.toJS({ maxAliasCount: 1000 }) ?? {}, expected);
}

/** The entry as text, every line indented by `column` spaces, laid out as the file lays out its own. */
function entryText(insert: MapInsert, layout: Layout, column: number): string {
  const comment = (insert.comment ?? []).map((line) => `${' '.repeat(column)}#${line ? ` ${line}` : ''}\n`).join('');
  return comment + emitEntry(insert.key, insert.value, column, layout);
}

/** Block YAML for the plain data an insert holds (maps, lists, scalars); scalars quoted by `yaml`. */
function emitEntry(key: string, value: unknown, column: number, layout: Layout): string {
  const head = `${' '.repeat(column)}${scalar(key)}:`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `${head} []\n`;
    const dash = column + (layout.indentSeq ? layout.indent : 0);
    return `${head}\n${value.map((item) => emitItem(item, dash, layout)).join('')}`;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return `${head} {}\n`;
    return `${head}\n${entries.map(([k, v]) => emitEntry(k, v, column + layout.indent, layout)).join('')}`;
  }
  return `${head} ${scalar(value)}\n`;
}

function emitItem(item: unknown, dash: number, layout: Layout): string {
  const pad = ' '.repeat(dash);
  if (isPlainObject(item) && Object.keys(item).length > 0) {
    // `- key: …` with the mapping's other lines aligned under its first key.
    const nested = Object.entries(item).map(([k, v]) => emitEntry(k, v, dash + 2, layout)).join('');
    return `${pad}- ${nested.slice(dash + 2)}`;
  }
  if (Array.isArray(item) || isPlainObject(item)) return `${pad}- ${JSON.stringify(item)}\n`;
  return `${pad}- ${scalar(item)}\n`;
}

function scalar(value: unknown): string {
  const text = stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
  // A single line always: a block scalar would need the indentation we are computing.
  return text.includes('\n') ? JSON.stringify(value) : text;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function splice(source: string, doc: Document, insert: MapInsert, layout: Layout): string | undefined {
  const root = doc.contents as YAMLMap | null;
  const withNewline = source === '' || source.endsWith('\n') ? source : `${source}\n`;
  if (insert.parent === undefined) {
    if (root && (root.flow || !root.range)) return undefined;
    return withNewline + entryText(insert, layout, root ? keyColumn(source, root) : 0);
  }
  const pair = root?.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === insert.parent);
  if (!pair) {
    if (root && root.flow) return undefined;
    const column = root ? keyColumn(source, root) : 0;
    return `${withNewline}${' '.repeat(column)}${insert.parent}:\n${entryText(insert, layout, column + layout.indent)}`;
  }
  const value = pair.value as Node | null;
  const keyNode = pair.key as Node;
  if (!isMap(value)) {
    // `stages:` with nothing under it: the entry goes on the lines after the key.
    const lineEnd = source.indexOf('\n', keyNode.range![1]);
    const at = lineEnd < 0 ? source.length : lineEnd + 1;
    const head = lineEnd < 0 ? `${source}\n` : source.slice(0, at);
    return head + entryText(insert, layout, columnOf(source, keyNode.range![0]) + layout.indent) + source.slice(at);
  }
  if (value.flow || !value.range) return undefined;
  const end = value.range[1];
  const head = source.slice(0, end);
  const tail = source.slice(end);
  return (head.endsWith('\n') ? head : `${head}\n`) + entryText(insert, layout, keyColumn(source, value)) + tail;
}

function printEdited(doc: Document, insert: MapInsert, layout: Layout): string {
  const copy = doc.clone();
  const node = copy.createNode(insert.value);
  // Comments inside a flow mapping `{…}` would break its layout: they are left out there.
  const parent = insert.parent === undefined ? copy.contents : copy.get(insert.parent, true);
  if (insert.comment?.length && !(isMap(parent) && parent.flow)) node.commentBefore = insert.comment.map((line) => (line ? ` ${line}` : '')).join('\n');
  copy.setIn(insert.parent === undefined ? [insert.key] : [insert.parent, insert.key], node);
  return copy.toString({ indent: layout.indent, indentSeq: layout.indentSeq, lineWidth: 0 });
}

function columnOf(source: string, offset: number): number {
  return offset - (source.lastIndexOf('\n', offset - 1) + 1);
}

function keyColumn(source: string, map: YAMLMap): number {
  const first = map.items[0];
  const key = first && isPair(first) ? (first.key as Node | null) : null;
  return key?.range ? columnOf(source, key.range[0]) : 0;
}

/** The file's own indentation step and sequence style, from its first nested mapping and sequence. */
function layoutOf(doc: Document, source: string): Layout {
  let indent: number | undefined;
  let indentSeq: boolean | undefined;
  const visit = (node: unknown): void => {
    if (indent !== undefined && indentSeq !== undefined) return;
    if (!isMap(node) || node.flow) return;
    for (const item of node.items) {
      if (!isPair(item) || !(item.key as Node | null)?.range) continue;
      const keyColumnHere = columnOf(source, (item.key as Node).range![0]);
      const value = item.value as Node | null;
      if (isMap(value) && !value.flow) {
        const child = keyColumn(source, value);
        if (indent === undefined && child > keyColumnHere) indent = child - keyColumnHere;
        visit(value);
      } else if (isSeq(value) && !value.flow && value.range && indentSeq === undefined) {
        indentSeq = columnOf(source, value.range[0]) > keyColumnHere;
      }
    }
  };
  visit(doc.contents);
  return { indent: indent ?? 2, indentSeq: indentSeq ?? true };
}
