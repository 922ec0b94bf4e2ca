/**
 * The head of a CSV file, as pandas' default `read_csv` reads it (comma, double quotes, "" inside
 * quotes, CRLF or LF): enough of it to name the columns and infer a schema, never the whole file.
 */
import { open } from 'node:fs/promises';

export interface CsvHead {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** False when the file has more rows than were read. */
  readonly complete: boolean;
}

export class CsvError extends Error {
  override readonly name = 'CsvError';
}

/** Parses `text` (a whole file or its first bytes) into the header and up to `maxRows` rows. */
export function parseCsvHead(text: string, maxRows: number, truncated = false): CsvHead {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let complete = !truncated;
  const endRecord = (): boolean => {
    record.push(field);
    field = '';
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
    return records.length > maxRows + 1;
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (endRecord()) {
        complete = false;
        break;
      }
    } else field += c;
  }
  // A last line without a newline is a record, unless the read stopped in the middle of it.
  if (i >= text.length && (field !== '' || record.length > 0)) {
    if (truncated) complete = false;
    else endRecord();
  }
  const [header, ...rows] = records;
  if (!header || header.every((name) => name.trim() === '')) throw new CsvError('The file has no header line (the first line must name the columns).');
  const columns = header.map((name) => name.trim());
  const duplicate = columns.find((name, index) => columns.indexOf(name) !== index);
  if (duplicate !== undefined) throw new CsvError(`The column "${duplicate}" appears twice in the header.`);
  if (columns.some((name) => name === '')) throw new CsvError('A column of the header has no name.');
  const width = columns.length;
  const bad = rows.findIndex((row) => row.length !== width);
  if (bad !== -1) throw new CsvError(`Line ${bad + 2} has ${rows[bad]!.length} fields where the header has ${width}.`);
  return { columns, rows: rows.slice(0, maxRows), complete: complete && rows.length <= maxRows };
}

/** Reads at most `maxBytes` of a file and parses its head. */
export async function readCsvHead(path: string, options: { readonly maxRows?: number; readonly maxBytes?: number } = {}): Promise<CsvHead> {
  const maxBytes = options.maxBytes ?? 4 << 20;
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const truncated = bytesRead > maxBytes;
    let text = buffer.subarray(0, Math.min(bytesRead, maxBytes)).toString('utf8');
    if (text.includes('\u0000')) throw new CsvError('This is not a text file (it holds NUL bytes).');
    // A cut inside a multi-byte character leaves a replacement character at the end: drop it.
    if (truncated) text = text.replace(/\uFFFD$/, '');
    return await parseCsvHead(text, options.maxRows ?? 20_000, truncated);
  } finally {
    await handle.close();
  }
}
