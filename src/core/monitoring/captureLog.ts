/**
 * A capture log on disk: `requests.jsonl` in its folder, appended whole lines at a time, rotated to
 * `requests.1.jsonl` … `requests.<keep>.jsonl` when the next batch would take it past `maxBytes`
 * (the oldest file is dropped), so the folder never holds more than about `(keep + 1) × maxBytes`.
 * Appends are serialised; a line cut short by a crash is closed with a newline before the next
 * append, so it stays one malformed line the reader names instead of corrupting the next.
 */
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Emitter } from '../event.js';
import { Disposable } from '../lifecycle.js';

export const CAPTURE_FILE = 'requests.jsonl';

export interface CaptureLogOptions {
  readonly dir: string;
  /** One file's size cap, in bytes. */
  readonly maxBytes: number;
  /** Rotated files kept besides the current one. */
  readonly keepFiles: number;
}

/** `requests.jsonl` for 0, `requests.N.jsonl` for the N-th rotated file. */
export function captureFileName(index: number): string {
  return index === 0 ? CAPTURE_FILE : `requests.${index}.jsonl`;
}

/** Whether appending `incoming` bytes to a file of `size` bytes must first rotate it (an empty file never does). */
export function mustRotate(size: number, incoming: number, maxBytes: number): boolean {
  return size > 0 && size + incoming > maxBytes;
}

export interface CaptureStats {
  /** Complete lines in the current file and the rotated ones. */
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
}

export class CaptureLog extends Disposable {
  private readonly changeEmitter = this.register(new Emitter<void>());
  readonly onDidChange = this.changeEmitter.event;
  /** Rows per file, index as in `captureFileName`. */
  private rowsPerFile: number[] = [];
  private bytesPerFile: number[] = [];
  private needsNewline = false;
  private queue: Promise<void> = Promise.resolve();
  private opened: Promise<void> | undefined;

  constructor(private readonly options: CaptureLogOptions) {
    super();
  }

  get path(): string {
    return join(this.options.dir, CAPTURE_FILE);
  }

  get stats(): CaptureStats {
    const files = this.bytesPerFile.filter((bytes) => bytes > 0).length;
    return { rows: sum(this.rowsPerFile), files, bytes: sum(this.bytesPerFile) };
  }

  /** Creates the folder and counts what earlier sessions wrote. */
  open(): Promise<void> {
    this.opened ??= (async () => {
      await mkdir(this.options.dir, { recursive: true });
      for (let i = 0; i <= this.options.keepFiles; i++) {
        const counted = await countLines(join(this.options.dir, captureFileName(i)));
        this.rowsPerFile[i] = counted.lines;
        this.bytesPerFile[i] = counted.bytes;
        if (i === 0) this.needsNewline = counted.bytes > 0 && !counted.endsWithNewline;
      }
      this.changeEmitter.fire();
    })();
    return this.opened;
  }

  /** Appends lines (each one JSON document without a newline); resolves once written. */
  append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return this.queue;
    const run = async (): Promise<void> => {
      await this.open();
      const text = (this.needsNewline ? '\n' : '') + lines.map((line) => line.replace(/[\r\n]/g, ' ')).join('\n') + '\n';
      const bytes = Buffer.byteLength(text);
      if (mustRotate(this.bytesPerFile[0] ?? 0, bytes, this.options.maxBytes)) await this.rotate();
      await appendFile(this.path, text, { mode: 0o600 });
      this.needsNewline = false;
      this.bytesPerFile[0] = (this.bytesPerFile[0] ?? 0) + bytes;
      this.rowsPerFile[0] = (this.rowsPerFile[0] ?? 0) + lines.length;
      this.changeEmitter.fire();
    };
    this.queue = this.queue.then(run, run);
    return this.queue;
  }

  /** Resolves once every append so far has been written (or failed). */
  flush(): Promise<void> {
    return this.queue.then(
      () => undefined,
      () => undefined,
    );
  }

  private async rotate(): Promise<void> {
    const keep = this.options.keepFiles;
    const file = (i: number): string => join(this.options.dir, captureFileName(i));
    if (keep === 0) {
      await rm(file(0), { force: true });
    } else {
      await rm(file(keep), { force: true });
      for (let i = keep - 1; i >= 0; i--) await rename(file(i), file(i + 1)).catch(ignoreMissing);
    }
    this.rowsPerFile = [0, ...this.rowsPerFile.slice(0, keep)];
    this.bytesPerFile = [0, ...this.bytesPerFile.slice(0, keep)];
    this.needsNewline = false;
  }
}

/** Complete lines (ending in `\n`) and the size of a file; a missing file counts as empty. */
export async function countLines(path: string): Promise<{ lines: number; bytes: number; endsWithNewline: boolean }> {
  try {
    await stat(path);
  } catch {
    return { lines: 0, bytes: 0, endsWithNewline: true };
  }
  let lines = 0;
  let bytes = 0;
  let last = 10;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
    last = chunk[chunk.length - 1]!;
  }
  return { lines, bytes, endsWithNewline: last === 10 };
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + (b ?? 0), 0);
