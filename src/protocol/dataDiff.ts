/**
 * Messages between the host and the Data Diff webview. The host runs the diff (core/dvc
 * contentDiff.ts) and sends the result as plain JSON; the webview draws it and may ask for the rows
 * to be matched by another key column. Types mirror core/tabular/model.ts structurally (the
 * protocol stays free of Node code); the host validates every incoming message.
 */

export type Cell = unknown;

export interface ColumnStatsPayload {
  readonly name: string;
  readonly kind: string;
  readonly count: number;
  readonly missing: number;
  readonly min?: number;
  readonly max?: number;
  readonly mean?: number;
  readonly std?: number;
  readonly distinct?: number;
  readonly distinctAtLeast?: boolean;
  readonly top?: readonly { readonly value: string; readonly count: number }[];
}

export interface TableDiffPayload {
  readonly kind: 'table';
  readonly format: string;
  readonly mode: 'key' | 'position';
  readonly key?: string;
  readonly schema: {
    readonly before: readonly string[];
    readonly after: readonly string[];
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly reordered: boolean;
    readonly kindChanged: readonly { readonly column: string; readonly before: string; readonly after: string }[];
  };
  readonly rows: { readonly before: number; readonly after: number; readonly added: number; readonly removed: number; readonly changed: number; readonly unchanged: number; readonly duplicateKeys: number };
  readonly added: readonly { readonly line: number; readonly key?: string; readonly values: Readonly<Record<string, Cell>> }[];
  readonly removed: readonly { readonly line: number; readonly key?: string; readonly values: Readonly<Record<string, Cell>> }[];
  readonly changed: readonly { readonly key?: string; readonly lineBefore: number; readonly lineAfter: number; readonly columns: readonly string[]; readonly before: Readonly<Record<string, Cell>>; readonly after: Readonly<Record<string, Cell>> }[];
  readonly stats?: { readonly before: readonly ColumnStatsPayload[]; readonly after: readonly ColumnStatsPayload[] };
  readonly problems: readonly { readonly side: 'before' | 'after'; readonly line: number; readonly message: string }[];
  readonly problemCount: number;
}

export interface DirectoryDiffPayload {
  readonly kind: 'directory';
  readonly files: readonly { readonly path: string; readonly status: 'added' | 'deleted' | 'modified'; readonly sizeBefore?: number; readonly sizeAfter?: number }[];
  readonly unchanged: number;
  readonly sizeBefore: number;
  readonly sizeAfter: number;
}

export interface FileDiffPayload {
  readonly kind: 'file';
  readonly changed: boolean;
  readonly sizeBefore?: number;
  readonly sizeAfter?: number;
}

export type DiffPayload = TableDiffPayload | DirectoryDiffPayload | FileDiffPayload;

export interface DiffSides {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

export type ToWebview =
  | { readonly type: 'loading'; readonly sides: DiffSides; readonly key?: string }
  /** With statsPending, the diff without its column stats: the same message with them follows. */
  | { readonly type: 'result'; readonly sides: DiffSides; readonly diff: DiffPayload; readonly limit: number; readonly statsPending?: boolean }
  | { readonly type: 'error'; readonly sides: DiffSides; readonly message: string };

export type FromWebview =
  | { readonly type: 'ready' }
  /** Match rows by this column (null: by position). */
  | { readonly type: 'setKey'; readonly key: string | null };

/** Returns the message when it is one the webview may send, else undefined. */
export function parseFromWebview(message: unknown): FromWebview | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Record<string, unknown>;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'setKey') {
    if (m.key === null) return { type: 'setKey', key: null };
    if (typeof m.key === 'string' && m.key.length > 0 && m.key.length <= 1000) return { type: 'setKey', key: m.key };
  }
  return undefined;
}
