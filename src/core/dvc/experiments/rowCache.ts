/**
 * Rows of commits kept on disk between processes, as DVC keeps its own (`.dvc/tmp/exps/cache`),
 * but in our cache folder, never in the repo: a commit never changes, so its row is read once.
 * Beside the rows, the commits themselves (tree, parents, time): with them a later process walks
 * from HEAD and from each experiment's tip to its baseline without starting git at all.
 * Rows holding an error are not kept (DVC's rule too: the cause may be fixed, a cache object
 * pulled). The file carries a format version; another version, or a file that does not parse,
 * is an empty cache. Written atomically (temporary file, then rename), and only when rows were added.
 * A reader that asks may also keep the workspace's row, in a small file beside it, with the stamps of
 * every file it was computed from (see WorkspaceEntry): a new process whose stamps all match uses it unparsed.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CommitInfo } from '../../git/index.js';
import type { SerializableExp } from './model.js';

/** Bump when what a row holds, or how it is computed, changes. */
const FORMAT = 1;
const MAX_ROWS = 20_000;
const MAX_COMMITS = 50_000;

/**
 * The workspace's row of the last read, with what it was computed from: every file and folder the
 * computation looked at (dvc.yaml, dvc.lock, params and metrics files, the folders walked for
 * `.dvc` files, cache objects, the DVC config), each with its stamp when it was looked at.
 */
export interface WorkspaceEntry {
  readonly stamps: readonly (readonly [path: string, stamp: string])[];
  readonly data: SerializableExp;
}

export class RowCache {
  private rows: Map<string, SerializableExp> | undefined;
  private workspaceEntry: WorkspaceEntry | undefined;
  private workspaceLoading: Promise<unknown> | undefined;
  private workspaceAdded = false;
  private commitList = new Map<string, CommitInfo>();
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

  /**
   * The workspace row kept by the last read, if any (its stamps are the caller's to check). In a
   * small file of its own beside the rows: checking it does not read them.
   */
  async workspace(): Promise<WorkspaceEntry | undefined> {
    this.workspaceLoading ??= this.readText(this.workspacePath).then(
      (text) => (this.workspaceEntry = readWorkspace(parseOrUndefined(text))),
      () => undefined,
    );
    await this.workspaceLoading;
    return this.workspaceEntry;
  }

  async setWorkspace(entry: WorkspaceEntry): Promise<void> {
    await this.workspace();
    if (this.workspaceEntry && JSON.stringify(this.workspaceEntry) === JSON.stringify(entry)) return;
    this.workspaceEntry = entry;
    this.workspaceAdded = true;
  }

  private get workspacePath(): string {
    return `${this.path.replace(/\.json$/, '')}.workspace.json`;
  }

  /** The commits kept (after the file's read). */
  async commits(): Promise<Iterable<CommitInfo>> {
    await this.load();
    return this.commitList.values();
  }

  /** Keeps these commits too (those already kept are left as they are). */
  async addCommits(commits: Iterable<CommitInfo>): Promise<void> {
    await this.load();
    for (const info of commits) {
      if (this.commitList.has(info.oid)) continue;
      // The message is not part of any row: only what walking and dating need is kept.
      this.commitList.set(info.oid, { oid: info.oid, tree: info.tree, parents: info.parents, committerTime: info.committerTime, message: '' });
      this.added = true;
    }
    while (this.commitList.size > MAX_COMMITS) this.commitList.delete(this.commitList.keys().next().value!);
  }

  /** Writes the file when rows were added since it was read (and the workspace row's, when it changed). */
  async save(): Promise<void> {
    if (this.workspaceAdded && this.workspaceEntry) {
      this.workspaceAdded = false;
      await writeAtomically(this.workspacePath, JSON.stringify({ format: FORMAT, ...this.workspaceEntry }));
    }
    if (!this.added || !this.rows) return;
    this.added = false;
    const commits = [...this.commitList.values()].map((c) => [c.oid, c.tree, c.committerTime, ...c.parents]);
    await writeAtomically(this.path, JSON.stringify({ format: FORMAT, rows: Object.fromEntries(this.rows), commits }));
  }

  private load(): Promise<Map<string, SerializableExp>> {
    this.loading ??= this.read();
    return this.loading;
  }

  private async read(): Promise<Map<string, SerializableExp>> {
    let rows = new Map<string, SerializableExp>();
    try {
      const parsed = JSON.parse(await this.readText(this.path)) as { format?: unknown; rows?: Record<string, SerializableExp>; commits?: unknown };
      if (parsed.format === FORMAT && parsed.rows && typeof parsed.rows === 'object') {
        rows = new Map(Object.entries(parsed.rows));
        this.commitList = readCommits(parsed.commits);
      }
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
    this.rows = rows;
    return rows;
  }
}

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** `[oid, tree, time, ...parents]` entries; one that is not exactly that shape empties the list (a commit walked wrongly is worse than git asked). */
function readCommits(value: unknown): Map<string, CommitInfo> {
  const out = new Map<string, CommitInfo>();
  if (!Array.isArray(value)) return out;
  for (const entry of value) {
    if (!Array.isArray(entry) || entry.length < 3) return new Map();
    const [oid, tree, time, ...parents] = entry as unknown[];
    if (typeof oid !== 'string' || !OID.test(oid) || typeof tree !== 'string' || !OID.test(tree) || typeof time !== 'number' || !Number.isFinite(time) || !parents.every((p) => typeof p === 'string' && OID.test(p))) return new Map();
    out.set(oid, { oid, tree, committerTime: time, parents: parents as string[], message: '' });
  }
  return out;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/** A kept workspace row (this format): stamps as `[path, stamp]` string pairs and a row object; anything else is none. */
function readWorkspace(value: unknown): WorkspaceEntry | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { format, stamps, data } = value as { format?: unknown; stamps?: unknown; data?: unknown };
  if (format !== FORMAT) return undefined;
  if (!Array.isArray(stamps) || !stamps.every((s) => Array.isArray(s) && s.length === 2 && typeof s[0] === 'string' && typeof s[1] === 'string')) return undefined;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  return { stamps: stamps as [string, string][], data: data as SerializableExp };
}
