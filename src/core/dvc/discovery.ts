/**
 * Finding DVC projects and their files as dvc/repo/index.py `collect_files` does: a top-down walk
 * that skips `.dvcignore`d and git-ignored folders, nested DVC repos (folders with their own
 * `.dvc`), and folders that are outputs of stages already found; `dvc.yaml` and `*.dvc` files
 * that git ignores are skipped too. Symlinked folders are not followed. `node_modules` is never
 * entered (it is never a DVC project's data, and it is large).
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { IGNORE_FILE, IgnoreRules } from './ignore.js';
import { diskFiles, readTextOf, type RepoFiles } from './files/repoFiles.js';

const NEVER_ENTER = new Set(['.git', '.dvc', 'node_modules', '.hg']);

export interface DvcFiles {
  readonly pipelines: string[];
  readonly dataFiles: string[];
  readonly ignore: IgnoreRules;
}

/** Every DVC root at or under `folder` (a folder holding `.dvc/`), plus the one above it if any. */
export async function findDvcRoots(folder: string, options: { signal?: AbortSignal } = {}): Promise<string[]> {
  const roots: string[] = [];
  const above = await enclosingRoot(folder);
  if (above !== undefined && above !== folder) roots.push(above);
  const walk = async (dir: string): Promise<void> => {
    options.signal?.throwIfAborted();
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    if (entries.some((e) => e.name === '.dvc' && e.isDirectory())) roots.push(dir);
    for (const entry of entries) if (entry.isDirectory() && !NEVER_ENTER.has(entry.name)) await walk(join(dir, entry.name));
  };
  await walk(folder);
  return roots;
}

async function enclosingRoot(folder: string): Promise<string | undefined> {
  for (let dir = folder; ; dir = dirname(dir)) {
    if (await isDir(join(dir, '.dvc'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

async function readLines(path: string, files: RepoFiles = diskFiles): Promise<string[] | undefined> {
  return (await readTextOf(files, path))?.split(/\r?\n/);
}

/**
 * Walks one DVC root. `outsOf` is called for every DVC file found, in walk order, and returns the
 * absolute paths of its local outputs, which the walk then does not enter.
 */
export async function collectDvcFiles(root: string, outsOf: (file: string) => Promise<readonly string[]>, signal?: AbortSignal, files: RepoFiles = diskFiles): Promise<DvcFiles> {
  const ignore = new IgnoreRules();
  const git = new IgnoreRules({ files: [] });
  const exclude = await readLines(join(root, '.git', 'info', 'exclude'));
  if (exclude) git.add('', exclude);
  const outs = new Set<string>();
  const result: DvcFiles = { pipelines: [], dataFiles: [], ignore };
  const walk = async (dir: string, rel: string): Promise<void> => {
    signal?.throwIfAborted();
    const entries = (await files.list(dir)).sort((a, b) => (a.name < b.name ? -1 : 1));
    // A folder with its own .dvc is another DVC repo (DVC skips subrepos).
    if (rel !== '' && entries.some((e) => e.name === '.dvc' && e.isDir)) return;
    const names = new Set(entries.map((e) => e.name));
    if (names.has(IGNORE_FILE)) ignore.add(rel, (await readLines(join(dir, IGNORE_FILE), files)) ?? []);
    if (names.has('.gitignore')) git.add(rel, (await readLines(join(dir, '.gitignore'), files)) ?? []);
    const subdirs: string[] = [];
    for (const entry of entries) {
      const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDir) {
        if (!ignore.matchesEntry(relPath, true) && !NEVER_ENTER.has(entry.name)) subdirs.push(entry.name);
        continue;
      }
      const isPipeline = entry.name === 'dvc.yaml';
      if (!isPipeline && !entry.name.endsWith('.dvc')) continue;
      if (ignore.matchesEntry(relPath, false) || git.matchesEntry(relPath, false)) continue;
      const path = join(dir, entry.name);
      (isPipeline ? result.pipelines : result.dataFiles).push(path);
      for (const out of await outsOf(path)) outs.add(out);
    }
    for (const name of subdirs) {
      const path = join(dir, name);
      const relPath = rel === '' ? name : `${rel}/${name}`;
      if (outs.has(path) || git.matchesEntry(relPath, true)) continue;
      await walk(path, relPath);
    }
  };
  await walk(root, '');
  return result;
}
