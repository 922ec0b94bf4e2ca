/**
 * Rows of commits kept on disk between processes, as DVC keeps its own (`.dvc/tmp/exps/cache`),
 * but in our cache folder, never in the repo: a commit never changes, so its row is read once.
 * Rows holding an error are not kept (DVC's rule too: the cause may be fixed, a cache object
 * pulled). The file carries a format version; another version, or a file that does not parse,
 * is an empty cache. Written atomically (temporary file, then rename), and only when rows were added.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SerializableExp } from './model.js';

/** Bump when what a row holds, or how it is computed, changes. */
const FORMAT = 1;
const MAX_ROWS = 20_000;

export class RowCache {
  private rows: Map<string, SerializableExp> | undefined;
  /** The one read of the file: the many rows asked for at once share it. */
  private loading: Promise<Map<string, SerializableExp>> | undefined;
  private added = false;

  constructor(
    private readonly path: string,
    /** How the file is read (tests count the reads). */
    private readonly readText: (path: string) => Promise<string> = (p) => readFile(p, 'utf8'),
  ) {}

  /** Starts reading the file (its read then overlaps other work); get() waits for it. */
  preload(): void {
    void this.load();
  }

  async get(oid: string): Promise<SerializableExp | undefined> {
    return (await this.load()).get(oid);
  }

  async set(oid: string, row: SerializableExp): Promise<void> {
    const rows = await this.load();
    if (rows.has(oid)) return;
    rows.set(oid, row);
    if (rows.size > MAX_ROWS) rows.delete(rows.keys().next().value!);
    this.added = true;
  }

  /** Writes the file when rows were added since it was read. */
  async save(): Promise<void> {
    if (!this.added || !this.rows) return;
    this.added = false;
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ format: FORMAT, rows: Object.fromEntries(this.rows) }));
    await rename(temporary, this.path);
  }

  private load(): Promise<Map<string, SerializableExp>> {
    this.loading ??= this.read();
    return this.loading;
  }

  private async read(): Promise<Map<string, SerializableExp>> {
    let rows = new Map<string, SerializableExp>();
    try {
      const parsed = JSON.parse(await this.readText(this.path)) as { format?: unknown; rows?: Record<string, SerializableExp> };
      if (parsed.format === FORMAT && parsed.rows && typeof parsed.rows === 'object') rows = new Map(Object.entries(parsed.rows));
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
    this.rows = rows;
    return rows;
  }
}
