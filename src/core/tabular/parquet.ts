/**
 * Parquet rows through hyparquet (pure JavaScript: no native addon to match Electron's ABI), one
 * row group at a time so a large file is never decoded whole. Codecs: hyparquet's own (none and
 * Snappy, pandas' and pyarrow's default); a file compressed otherwise says so.
 */
import type { FileHandle } from 'node:fs/promises';
import type * as HyparquetModule from 'hyparquet';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';

export interface ParquetTable {
  readonly columns: readonly string[];
  readonly rows: number;
  /** Rows in order, each as values by column. */
  rowGroups(signal?: AbortSignal): AsyncGenerator<Record<string, unknown>[]>;
}

export class ParquetError extends Error {}

type Hyparquet = typeof HyparquetModule;
let library: Promise<Hyparquet> | undefined;

/** hyparquet is an ES module; loaded on first use (the CommonJS bundle imports it lazily). */
function hyparquet(): Promise<Hyparquet> {
  library ??= import('hyparquet');
  return library;
}

function fileBuffer(file: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? size, size);
      const out = new Uint8Array(Math.max(0, stop - start));
      let done = 0;
      while (done < out.length) {
        const { bytesRead } = await file.read(out, done, out.length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return out.buffer;
    },
  };
}

export async function openParquet(file: FileHandle): Promise<ParquetTable> {
  const lib = await hyparquet();
  const { size } = await file.stat();
  const buffer = fileBuffer(file, size);
  let metadata: FileMetaData;
  try {
    metadata = await lib.parquetMetadataAsync(buffer);
  } catch (error) {
    throw new ParquetError(`not a readable Parquet file: ${(error as Error).message}`);
  }
  const columns = lib.parquetSchema(metadata).children.map((c) => c.element.name);
  return {
    columns,
    rows: Number(metadata.num_rows),
    async *rowGroups(signal) {
      let start = 0;
      for (const group of metadata.row_groups) {
        signal?.throwIfAborted();
        const end = start + Number(group.num_rows);
        let rows: Record<string, unknown>[] = [];
        try {
          await lib.parquetRead({ file: buffer, metadata, rowStart: start, rowEnd: end, rowFormat: 'object', onComplete: (r: Record<string, unknown>[]) => (rows = r) });
        } catch (error) {
          throw new ParquetError(`cannot decode rows ${start}–${end}: ${(error as Error).message}`);
        }
        yield rows;
        start = end;
      }
    },
  };
}

/** A row's values as one comparable text (64-bit integers and bytes kept exact). */
export function rowText(columns: readonly string[], row: Record<string, unknown>): string {
  return JSON.stringify(
    columns.map((c) => row[c]),
    (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value),
  );
}
