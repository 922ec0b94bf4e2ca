/**
 * Parquet read with hyparquet (pure JavaScript, github.com/hyparam/hyparquet), typed as
 * `pandas.read_parquet(path)` (pyarrow) would: signed ints int64/int32/… (float64 when some are
 * null), floats float32/float64, booleans bool (object when some are null), strings object, pandas
 * categoricals (from the file's `pandas` metadata) category, timestamps datetime64; unsigned ints,
 * dates, decimals, binary, nested and pandas' nullable extension types land where Evidently types
 * them as unknown. One column chunk of one row group is decoded at a time.
 * Codecs: snappy and uncompressed (hyparquet), gzip and brotli (node:zlib), zstd where the host's
 * Node has zlib.zstdDecompressSync (22.15 and later); others (LZ4) are reported as unreadable.
 */
import * as zlib from 'node:zlib';
import type { Compressors, FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import { GrowableFloat64, increment, objectKey, type StoredColumn, type ValueKind } from './column';
import { TableReadError, type ReadOptions, type TableRead } from './read';

type Builder = { add(values: ArrayLike<unknown>): void; finish(): StoredColumn };

const compressors: Compressors = {
  GZIP: (input) => zlib.gunzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
  ...(typeof (zlib as { zstdDecompressSync?: (b: Uint8Array) => Uint8Array }).zstdDecompressSync === 'function'
    ? { ZSTD: (input: Uint8Array) => (zlib as unknown as { zstdDecompressSync(b: Uint8Array): Uint8Array }).zstdDecompressSync(input) }
    : {}),
};

interface PandasColumnMeta {
  readonly name: string | null;
  readonly pandas_type?: string;
  readonly numpy_type?: string;
}

function pandasMetadata(metadata: FileMetaData): { columns: Map<string, PandasColumnMeta>; index: Set<string> } {
  const raw = metadata.key_value_metadata?.find((kv) => kv.key === 'pandas')?.value;
  const columns = new Map<string, PandasColumnMeta>();
  const index = new Set<string>();
  if (!raw) return { columns, index };
  try {
    const parsed = JSON.parse(raw) as { columns?: PandasColumnMeta[]; index_columns?: unknown[] };
    for (const c of parsed.columns ?? []) if (typeof c.name === 'string') columns.set(c.name, c);
    for (const i of parsed.index_columns ?? []) if (typeof i === 'string') index.add(i);
  } catch {
    // Metadata that is not JSON says nothing about pandas types; the Parquet types decide.
  }
  return { columns, index };
}

/** The stored form pandas would give one top-level column. */
function builderFor(node: SchemaTree, pandas: PandasColumnMeta | undefined): Builder {
  const element = node.element;
  if (pandas?.pandas_type === 'categorical') return new CountBuilder('category');
  // pandas' nullable extension dtypes (Int64, Float64, boolean, string[pyarrow]…) come back as such; Evidently types them unknown.
  const numpy = pandas?.numpy_type ?? '';
  if (/^(U?Int\d+|Float\d+|boolean)$/.test(numpy)) return new OpaqueBuilder(numpy, 'unknown');
  if (node.children.length > 0) {
    const logical = element.logical_type?.type ?? element.converted_type;
    return new OpaqueBuilder('object', logical === 'LIST' ? 'list' : 'unknown');
  }
  const logical = element.logical_type;
  const converted = element.converted_type;
  if (logical?.type === 'TIMESTAMP' || element.type === 'INT96' || converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS') return new OpaqueBuilder('datetime64[ns]', 'datetime');
  if (logical?.type === 'DATE' || logical?.type === 'TIME' || logical?.type === 'DECIMAL' || converted === 'DATE' || converted === 'DECIMAL') return new OpaqueBuilder('object', 'unknown');
  switch (element.type) {
    case 'BOOLEAN':
      return new NumberBuilder('bool');
    case 'INT32':
    case 'INT64':
      return intBuilder(element);
    case 'FLOAT':
      return new NumberBuilder('float32');
    case 'DOUBLE':
      return new NumberBuilder('float64');
    case 'BYTE_ARRAY':
      return isString(element) ? new CountBuilder('object') : new OpaqueBuilder('object', 'unknown');
    default:
      return new OpaqueBuilder('object', 'unknown');
  }
}

function isString(element: SchemaElement): boolean {
  const logical = element.logical_type?.type;
  return logical === 'STRING' || logical === 'ENUM' || logical === 'JSON' || element.converted_type === 'UTF8' || element.converted_type === 'ENUM' || element.converted_type === 'JSON';
}

function intBuilder(element: SchemaElement): Builder {
  const logical = element.logical_type;
  const converted = element.converted_type ?? '';
  const unsigned = (logical?.type === 'INTEGER' && !logical.isSigned) || converted.startsWith('UINT');
  const bits = logical?.type === 'INTEGER' ? logical.bitWidth : /INT_(\d+)/.exec(converted) ? Number(/INT_(\d+)/.exec(converted)![1]) : element.type === 'INT32' ? 32 : 64;
  return new NumberBuilder(unsigned ? 'uint' : (`int${bits}` as 'int64'));
}

class NumberBuilder implements Builder {
  private readonly values = new GrowableFloat64();
  private infinite = 0;
  private missing = 0;
  constructor(private readonly dtype: 'bool' | 'uint' | 'int64' | 'int32' | 'int16' | 'int8' | 'float32' | 'float64') {}
  private trues = 0;
  add(chunk: ArrayLike<unknown>): void {
    for (let i = 0; i < chunk.length; i++) {
      const raw = chunk[i];
      if (raw === null || raw === undefined) {
        this.missing++;
        continue;
      }
      const value = typeof raw === 'bigint' ? Number(raw) : typeof raw === 'boolean' ? (raw ? 1 : 0) : (raw as number);
      if (typeof raw === 'boolean' && raw) this.trues++;
      if (Number.isNaN(value)) this.missing++;
      else if (!Number.isFinite(value)) this.infinite++;
      else this.values.push(value);
    }
  }
  finish(): StoredColumn {
    const distinct = this.values.distinct();
    const values = this.values.finish();
    if (this.dtype === 'bool' && this.missing > 0) {
      const counts = new Map<string, number>();
      if (this.trues > 0) counts.set(objectKey('bool', '1'), this.trues);
      if (values.length - this.trues > 0) counts.set(objectKey('bool', '0'), values.length - this.trues);
      return { kind: 'object', counts, present: values.length, missing: this.missing, first: 'bool', last: 'bool' };
    }
    const nullable = this.dtype !== 'float32' && this.dtype !== 'float64' && this.missing > 0;
    if (this.dtype === 'uint' && !nullable) return { kind: 'opaque', dtype: 'uint64', type: 'unknown', present: values.length, missing: 0 };
    const dtype = nullable ? 'float64' : this.dtype === 'uint' ? 'float64' : this.dtype;
    return { kind: 'number', dtype, values, ...(distinct ? { distinct } : {}), infinite: this.infinite, missing: this.missing };
  }
}

class CountBuilder implements Builder {
  private readonly counts = new Map<string, number>();
  private present = 0;
  private missing = 0;
  private first: ValueKind | undefined;
  private last: ValueKind | undefined;
  constructor(private readonly kind: 'object' | 'category') {}
  add(chunk: ArrayLike<unknown>): void {
    for (let i = 0; i < chunk.length; i++) {
      const value = chunk[i];
      if (value === null || value === undefined) {
        this.missing++;
        continue;
      }
      this.present++;
      const kind: ValueKind = typeof value === 'string' ? 'string' : typeof value === 'number' || typeof value === 'bigint' ? 'number' : 'other';
      this.first ??= kind;
      this.last = kind;
      increment(this.counts, typeof value === 'string' ? value : objectKey('number', String(value)));
    }
  }
  finish(): StoredColumn {
    if (this.kind === 'category') return { kind: 'category', counts: this.counts, present: this.present, missing: this.missing };
    return { kind: 'object', counts: this.counts, present: this.present, missing: this.missing, first: this.first, last: this.last };
  }
}

class OpaqueBuilder implements Builder {
  private present = 0;
  private missing = 0;
  constructor(
    private readonly dtype: string,
    private readonly type: 'datetime' | 'list' | 'unknown',
  ) {}
  add(chunk: ArrayLike<unknown>): void {
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === null || chunk[i] === undefined) this.missing++;
      else this.present++;
    }
  }
  finish(): StoredColumn {
    return { kind: 'opaque', dtype: this.dtype, type: this.type, present: this.present, missing: this.missing };
  }
}

export async function readParquet(path: string, options: ReadOptions = {}): Promise<TableRead> {
  const hyparquet = await import('hyparquet');
  const file = await hyparquet.asyncBufferFromFile(path);
  let metadata: FileMetaData;
  try {
    metadata = await hyparquet.parquetMetadataAsync(file);
  } catch (error) {
    throw new TableReadError('invalid-file', `${path} is not a Parquet file hyparquet can read: ${(error as Error).message}`);
  }
  const pandas = pandasMetadata(metadata);
  const nodes = hyparquet.parquetSchema(metadata).children.filter((n) => !pandas.index.has(n.element.name));
  const names = nodes.map((n) => n.element.name);
  const builders = new Map<string, Builder>();
  for (const node of nodes) {
    if (!options.columns || options.columns.has(node.element.name)) builders.set(node.element.name, builderFor(node, pandas.columns.get(node.element.name)));
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    for (const [name, builder] of builders) {
      options.signal?.throwIfAborted();
      try {
        await hyparquet.parquetRead({
          file,
          metadata,
          columns: [name],
          rowStart,
          rowEnd,
          compressors,
          utf8: false,
          onChunk: (chunk) => builder.add(sliceRows(chunk.columnData, chunk.rowStart, rowStart, rowEnd)),
        });
      } catch (error) {
        throw new TableReadError('invalid-file', `${path}: column '${name}' cannot be read: ${(error as Error).message}`);
      }
    }
    rowStart = rowEnd;
  }
  const columns = new Map<string, StoredColumn>();
  for (const [name, builder] of builders) columns.set(name, builder.finish());
  return { format: 'parquet', reader: 'hyparquet', rows: Number(metadata.num_rows), names, columns, problems: [] };
}

function sliceRows(data: ArrayLike<unknown>, dataStart: number, rowStart: number, rowEnd: number): ArrayLike<unknown> {
  const from = Math.max(0, rowStart - dataStart);
  const to = Math.min(data.length, rowEnd - dataStart);
  if (from === 0 && to === data.length) return data;
  return Array.prototype.slice.call(data, from, to) as unknown[];
}
