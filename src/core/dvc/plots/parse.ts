/**
 * Plot data files read the way DVC reads them (dvc/repo/plots/__init__.py `parse`, `_load_sv`):
 * CSV/TSV through Python's `csv.DictReader` (every value a string, the first row the header unless
 * `header: false`, then the fields are "0", "1", …), JSON with Python's `json` (NaN and ±Infinity
 * allowed), YAML 1.2; text opened in universal-newline mode. Where DVC fails obscurely or silently
 * (a row with more or fewer fields than the header, an unterminated quote, an image that is not
 * one) this says what is wrong and where, for that file only.
 */
import { parse as parseYaml } from 'yaml';
import { PlotError, type JsonValue } from './model.js';

/** dvc_render/image.py EXTENSIONS (matched case-sensitively, as Path.suffix is). */
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.gif', '.png', '.svg']);
const DATA_EXTENSIONS = new Set(['.json', '.yaml', '.yml', '.csv', '.tsv']);

export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot);
}

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extensionOf(path));
}

/** A data file's content: JSON-like (a list of records, or a dict holding lists of them). */
export function parsePlotData(path: string, bytes: Buffer, header = true): JsonValue {
  const extension = extensionOf(path);
  if (!DATA_EXTENSIONS.has(extension)) throw new PlotError('unsupported-format', `'${path}': only JSON, YAML, CSV and TSV plot files are read (and images: ${[...IMAGE_EXTENSIONS].join(', ')})`);
  const text = decodeUtf8(path, bytes).replace(/\r\n?/g, '\n');
  if (extension === '.csv' || extension === '.tsv') return parseDelimited(path, text, extension === '.tsv' ? '\t' : ',', header);
  if (extension === '.json') return parseJson(path, text);
  return parseYamlData(path, text);
}

function decodeUtf8(path: string, bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new PlotError('malformed', `'${path}' is not UTF-8 text`);
  }
}

/** Python's csv reader (excel dialect: `"` quotes, `""` inside quotes) feeding a DictReader. */
export function parseDelimited(path: string, text: string, delimiter: string, header: boolean): Record<string, string>[] {
  const rows = splitRecords(path, text, delimiter);
  const first = rows.findIndex((r) => r.cells.length > 0);
  if (first < 0) return [];
  const names = header ? rows[first]!.cells : rows[first]!.cells.map((_, i) => String(i));
  const records: Record<string, string>[] = [];
  for (const row of rows.slice(header ? first + 1 : first)) {
    if (row.cells.length === 0) continue;
    if (row.cells.length !== names.length) {
      throw new PlotError('malformed', `'${path}' line ${row.line}: ${row.cells.length} field${row.cells.length === 1 ? '' : 's'}, but the header has ${names.length}`);
    }
    const record: Record<string, string> = {};
    names.forEach((name, i) => (record[name] = row.cells[i]!));
    records.push(record);
  }
  return records;
}

interface CsvRow {
  readonly line: number;
  readonly cells: string[];
}

function splitRecords(path: string, text: string, delimiter: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let inQuotes = false;
  let line = 1;
  let rowLine = 1;
  let rowHasContent = false;
  const endCell = (): void => {
    cells.push(cell);
    cell = '';
    quoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '\n') {
      if (rowHasContent) endCell();
      rows.push({ line: rowLine, cells });
      cells = [];
      rowHasContent = false;
      line++;
      rowLine = line;
      continue;
    }
    rowHasContent = true;
    if (c === delimiter) endCell();
    else if (c === '"' && cell === '' && !quoted) {
      quoted = true;
      inQuotes = true;
    } else cell += c;
  }
  if (inQuotes) throw new PlotError('malformed', `'${path}' line ${rowLine}: a quoted field is not closed before the end of the file`);
  if (rowHasContent) {
    endCell();
    rows.push({ line: rowLine, cells });
  }
  return rows;
}

/** Python's `json.loads(text) or {}`: NaN, Infinity and -Infinity are numbers there. */
export function parseJson(path: string, text: string): JsonValue {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    value = parseJsonWithNonFinite(path, text);
  }
  return isFalsy(value) ? {} : value;
}

const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function parseJsonWithNonFinite(path: string, text: string): JsonValue {
  // Outside strings, swap the bare words for marker strings, then turn the markers back into numbers.
  const marker = '\u0000mlw-nonfinite:';
  let out = '';
  let swapped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = endOfString(text, i);
      out += text.slice(i, end);
      i = end - 1;
      continue;
    }
    const word = /^(-Infinity|Infinity|NaN)/.exec(text.slice(i, i + 9))?.[1];
    if (word) {
      out += JSON.stringify(marker + word);
      i += word.length - 1;
      swapped = true;
      continue;
    }
    out += c;
  }
  if (!swapped) throw corrupted(path);
  try {
    return JSON.parse(out, (_key, v: unknown) => (typeof v === 'string' && v.startsWith(marker) ? NON_FINITE[v.slice(marker.length)] : v)) as JsonValue;
  } catch {
    throw corrupted(path);
  }
}

function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

function corrupted(path: string): PlotError {
  return new PlotError('malformed', `unable to read: '${path}', JSON file structure is corrupted`);
}

function parseYamlData(path: string, text: string): JsonValue {
  let value: unknown;
  try {
    // Aliases are bounded: a "billion laughs" file fails instead of filling memory.
    value = parseYaml(text, { schema: 'core', uniqueKeys: false, maxAliasCount: 1000, prettyErrors: false });
  } catch (error) {
    throw new PlotError('malformed', `unable to read: '${path}', YAML file structure is corrupted: ${(error as Error).message.split('\n')[0]}`);
  }
  return isFalsy(value as JsonValue) ? {} : (value as JsonValue);
}

function isFalsy(value: JsonValue | undefined): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'svg';

export const IMAGE_MIME: Readonly<Record<ImageFormat, string>> = { png: 'image/png', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml' };

/** What the bytes are (by their signature, not the name), or a PlotError when not an image. */
export function sniffImage(path: string, bytes: Buffer): ImageFormat {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const head = bytes.subarray(0, 6).toString('latin1');
  if (head === 'GIF87a' || head === 'GIF89a') return 'gif';
  if (extensionOf(path) === '.svg' && looksLikeSvg(bytes)) return 'svg';
  const shown = bytes.length === 0 ? 'it is empty' : `it starts with ${JSON.stringify(bytes.subarray(0, 16).toString('latin1').replace(/[^\x20-\x7e]/g, '.'))}`;
  throw new PlotError('not-an-image', `'${path}' is not a PNG, JPEG, GIF or SVG image (${shown})`);
}

function looksLikeSvg(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4096).toString('utf8').replace(/^\uFEFF/, '');
  return /^\s*</.test(head) && /<svg[\s>]/i.test(head) && !head.includes('\u0000');
}
