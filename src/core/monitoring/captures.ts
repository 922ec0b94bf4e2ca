/** The capture logs on disk: one folder per served model URI, each with its `requests.jsonl`. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CAPTURE_FILE } from './captureLog.js';

export interface CaptureFolder {
  /** The folder name: the served model URI without `models:/` (`iris-classifier@champion`). */
  readonly name: string;
  readonly dir: string;
  readonly path: string;
  readonly bytes: number;
  readonly modified: number;
}

/** Capture folders under each of `roots` (missing roots are skipped), most recently written first. */
export async function listCaptures(roots: readonly string[]): Promise<CaptureFolder[]> {
  const found: CaptureFolder[] = [];
  for (const root of roots) {
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const path = join(root, entry.name, CAPTURE_FILE);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) found.push({ name: entry.name, dir: join(root, entry.name), path, bytes: info.size, modified: info.mtimeMs });
    }
  }
  return found.sort((a, b) => b.modified - a.modified);
}
