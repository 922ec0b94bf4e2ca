export type SqlValue = string | number | bigint | null | Uint8Array;
export type Row = Record<string, SqlValue>;

export type SqliteDriverName = 'node:sqlite' | 'sql.js';

/** A read-only SQLite connection: the only thing the stores need from a driver. */
export interface ReadonlyDatabase {
  /** Which engine answers: the host Node's built-in `node:sqlite`, or the `sql.js` (WebAssembly) fallback. */
  readonly driver: SqliteDriverName;
  all(sql: string, params?: readonly SqlValue[]): Row[];
  /** Rows as arrays of column values, one at a time: for results of a million rows. */
  each(sql: string, params: readonly SqlValue[], row: (values: readonly SqlValue[]) => void): void;
  close(): void;
}
