/**
 * The versions of one DVC-tracked path along HEAD's history: every commit that touched the file
 * recording its hash (its `.dvc` file, or the dvc.lock of the stage that outputs it), read through
 * one `git cat-file --batch`, folded into segments — a version is a hash together with the commit
 * that recorded it and the commit that replaced it. Commits never change, so each file revision
 * is parsed once; the commit list is remembered per HEAD.
 */
import { posix } from 'node:path';
import type { BlobReader, Git } from '../git/index.js';
import { parseDvcFile } from '../dvc/files/dvcFile.js';
import { parseLockfile, recordsByPath } from '../dvc/files/lockfile.js';
import { isDict, type PyValue } from '../dvc/pyValue.js';
import { CORE_SCHEMA, load } from 'js-yaml';
import type { HashRecord } from '../dvc/entities.js';

/** Where a path's hash is written, relative to the git top: a `.dvc` file, or a dvc.lock stage entry. */
export interface RecordKey {
  /** The recording file, POSIX, relative to the git work tree's top. */
  readonly file: string;
  /** The dvc.lock stage; undefined for a `.dvc` file. */
  readonly stage: string | undefined;
  /** The out's path as written in that file. */
  readonly defPath: string;
}

/** One data version: the span of HEAD's history over which the recorded hash held. */
export interface VersionSegment {
  /** 1 for the oldest version in HEAD's history. */
  readonly version: number;
  readonly hash: string | undefined;
  /** The commit that recorded this hash. */
  readonly from: string;
  /** The commit that recorded the next hash; undefined while HEAD still records this one. */
  readonly until: string | undefined;
  /** Committer time of `from` (seconds). */
  readonly fromTime: number;
}

export interface PathHistory {
  readonly key: RecordKey;
  /** Oldest first. */
  readonly segments: readonly VersionSegment[];
  /** Every commit of HEAD's history that touched the record file → its place, oldest first. */
  readonly order: ReadonlyMap<string, number>;
}

/** The version holding at `touched`, a commit that touched the record file (or undefined). */
export function segmentAt(history: PathHistory, touched: string): VersionSegment | undefined {
  const at = history.order.get(touched);
  if (at === undefined) return undefined;
  let found: VersionSegment | undefined;
  for (const segment of history.segments) if ((history.order.get(segment.from) ?? Infinity) <= at) found = segment;
  return found;
}

export class HistoryReader {
  private readonly logs = new Map<string, Promise<{ commit: string; time: number }[]>>();
  /** `commit:file` → the parsed records of that file revision (by stage, then defPath). */
  private readonly files = new Map<string, Promise<ReadonlyMap<string, HashRecord> | undefined>>();

  constructor(
    private readonly git: Git,
    private readonly reader: BlobReader,
    /** Absolute DVC root and git top (a `.dvc` file's outs are relative to its folder). */
    private readonly top: string,
  ) {}

  /** The segments of `key` along the history of `head` (a full commit id). */
  async history(head: string, key: RecordKey, signal?: AbortSignal): Promise<PathHistory> {
    const commits = await this.log(head, key.file, signal);
    const segments: VersionSegment[] = [];
    const records = await Promise.all(commits.map((c) => this.record(c.commit, key)));
    // Oldest first: a new segment wherever the recorded hash differs from the one before.
    for (let i = commits.length - 1; i >= 0; i--) {
      const hash = records[i]?.hash;
      const last = segments[segments.length - 1];
      if (last && last.hash === hash) continue;
      if (!last && hash === undefined) continue;
      if (last) segments[segments.length - 1] = { ...last, until: commits[i]!.commit };
      segments.push({ version: segments.length + 1, hash, from: commits[i]!.commit, until: undefined, fromTime: commits[i]!.time });
    }
    const order = new Map(commits.map((c, i) => [c.commit, commits.length - 1 - i]));
    return { key, segments, order };
  }

  /** The record of `key` in the file as committed at `commit` (undefined when absent). */
  async record(commit: string, key: RecordKey): Promise<HashRecord | undefined> {
    const records = await this.fileRecords(commit, key.file);
    return records?.get(`${key.stage ?? ''}\0${key.defPath}`);
  }

  private fileRecords(commit: string, file: string): Promise<ReadonlyMap<string, HashRecord> | undefined> {
    const id = `${commit}:${file}`;
    let pending = this.files.get(id);
    if (!pending) {
      pending = this.reader.text(id).then((text) => (text === undefined ? undefined : parseRecords(this.top, file, text)));
      pending.catch(() => this.files.delete(id));
      this.files.set(id, pending);
    }
    return pending;
  }

  /**
   * Reads the commit lists of many record files with one `git log --name-only` (one pass over the
   * history instead of one per file); files already known are left out.
   */
  async prefetch(head: string, files: readonly string[], signal?: AbortSignal): Promise<void> {
    const wanted = [...new Set(files)].filter((f) => !this.logs.has(`${head}\0${f}`));
    if (wanted.length < 2) return;
    const all = this.git
      .text(['log', '--topo-order', '--format=%x01%H %ct', '--name-only', '--no-renames', head, '--', ...wanted], signal ? { signal } : {})
      .then((out) => {
        const byFile = new Map<string, { commit: string; time: number }[]>(wanted.map((f) => [f, []]));
        for (const chunk of out.split('\x01')) {
          const [header, ...names] = chunk.split('\n');
          const match = /^([0-9a-f]{40,64}) (\d+)$/.exec(header ?? '');
          if (!match) continue;
          for (const name of names) byFile.get(name)?.push({ commit: match[1]!, time: Number(match[2]) });
        }
        return byFile;
      });
    for (const file of wanted) {
      const id = `${head}\0${file}`;
      const pending = all.then((byFile) => byFile.get(file)!);
      pending.catch(() => this.logs.delete(id));
      this.logs.set(id, pending);
    }
    await all.catch(() => undefined);
  }

  private log(head: string, file: string, signal?: AbortSignal): Promise<{ commit: string; time: number }[]> {
    const id = `${head}\0${file}`;
    let pending = this.logs.get(id);
    if (!pending) {
      pending = this.git
        .text(['log', '--topo-order', '--format=%H %ct', head, '--', file], signal ? { signal } : {})
        .then((out) =>
          out
            .split('\n')
            .map((line) => /^([0-9a-f]{40,64}) (\d+)$/.exec(line))
            .filter((m): m is RegExpExecArray => m !== null)
            .map((m) => ({ commit: m[1]!, time: Number(m[2]) })),
        );
      pending.catch(() => this.logs.delete(id));
      this.logs.set(id, pending);
    }
    return pending;
  }
}

/** Every out record of a `.dvc` file or dvc.lock, keyed `stage\0defPath` ('' as the stage of a `.dvc` file). */
export function parseRecords(top: string, file: string, text: string): ReadonlyMap<string, HashRecord> {
  const out = new Map<string, HashRecord>();
  if (posix.basename(file) === 'dvc.lock') {
    const { lock } = parseLockfile(posix.join(top, file), text);
    for (const [stage, record] of lock?.stages ?? []) for (const [path, hash] of record.outs) out.set(`${stage}\0${path}`, hash);
    return out;
  }
  // The common case, as `dvc add` writes it, without the position-keeping parse (thousands of revisions).
  if (!/(^|[\s[{,:-])[&*!][^\s]/m.test(text)) {
    try {
      const value = load(text, { schema: CORE_SCHEMA, json: true });
      if (isDict(value) && value['wdir'] === undefined) {
        for (const [path, hash] of recordsByPath(value['outs'] as PyValue)) out.set(`\0${path}`, hash);
        return out;
      }
    } catch {
      // Falls through to the full parse.
    }
  }
  const { stage } = parseDvcFile(top, posix.join(top, file), text);
  for (const [path, hash] of stage?.lock?.outs ?? []) out.set(`\0${path}`, hash);
  return out;
}
