/**
 * A revision of a DVC repo loaded as DVC would see it after `git checkout`: the stages and
 * top-level sections of every dvc.yaml (templated with that revision's params) and `.dvc` file,
 * read from the commit's tree (or the workspace), and its files (revision/files.ts). One
 * `git cat-file --batch` serves every revision of a loader; dispose() ends it.
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { Git, ObjectStore, type BlobReader, type TreeEntry } from '../../git/index.js';
import { readDvcConfig, type DvcConfig } from '../files/config.js';
import { parseDvcFile } from '../files/dvcFile.js';
import { commitFiles as commitRepoFiles, readTextOf } from '../files/repoFiles.js';
import { loadPipeline, loadSnapshot } from '../load.js';
import type { DvcDiagnostic, PipelineFile, Stage } from '../entities.js';
import { CommitFiles, MAX_PLOT_FILE_BYTES, RevisionFileError, WorkspaceFiles, type FileRef, type RevisionFiles } from './files.js';
import type { RevisionInfo } from './resolve.js';

export interface LoadedRevision {
  readonly info: RevisionInfo;
  readonly files: RevisionFiles;
  readonly stages: readonly Stage[];
  readonly pipelines: readonly PipelineFile[];
  readonly diagnostics: readonly DvcDiagnostic[];
}

export class RevisionLoader {
  readonly git: Git;
  private reader: BlobReader | undefined;
  private objects: ObjectStore | undefined;
  private prefix: Promise<string> | undefined;
  private config: Promise<DvcConfig> | undefined;

  constructor(
    readonly root: string,
    git?: Git,
  ) {
    this.git = git ?? new Git(root);
  }

  async load(info: RevisionInfo, options: { signal?: AbortSignal; maxFileBytes?: number } = {}): Promise<LoadedRevision> {
    const config = await this.dvcConfig();
    const maxBytes = options.maxFileBytes ?? MAX_PLOT_FILE_BYTES;
    if (info.kind === 'workspace' || info.kind === 'recorded') {
      const files = new WorkspaceFiles(this.root, config.cacheDir, maxBytes, info.kind === 'recorded');
      const snapshot = await loadSnapshot(this.root, options.signal);
      files.useStages(snapshot.stages);
      return { info, files, stages: snapshot.stages, pipelines: snapshot.pipelines, diagnostics: snapshot.diagnostics };
    }
    const files = await this.commitFiles(info.commit!, config, maxBytes, options.signal);
    const loaded = await this.loadCommit(files, config);
    files.useStages(loaded.stages);
    return { info, files, ...loaded };
  }

  /** The bytes behind a reference (a git blob, or a file in the repo or the DVC cache). */
  async read(ref: FileRef): Promise<Buffer> {
    if (ref.kind === 'git') {
      const object = await this.blobs().read(ref.oid);
      if (!object || object.type !== 'blob') throw new RevisionFileError('missing', `git object ${ref.oid} is not in this clone`);
      return object.content;
    }
    await this.checkPath(ref);
    return readFile(ref.path);
  }

  /** Refuses a disk reference outside the repository or the DVC cache (it may come from a webview). */
  async checkPath(ref: FileRef): Promise<void> {
    if (ref.kind === 'git') return;
    const base = ref.kind === 'workspace' ? this.root : (await this.dvcConfig()).cacheDir;
    const inside = relative(base, resolve(ref.path));
    if (inside.startsWith('..') || inside.startsWith(sep) || resolve(ref.path) !== ref.path) throw new RevisionFileError('missing', `'${ref.path}' is not inside ${ref.kind === 'workspace' ? 'the repository' : 'the DVC cache'}`);
  }

  dispose(): void {
    this.reader?.dispose();
    this.reader = undefined;
    this.objects = undefined;
  }

  private blobs(): BlobReader {
    this.reader ??= this.git.blobReader();
    return this.reader;
  }

  /** Trees and blob texts through the same `cat-file --batch`, remembered by id across revisions. */
  private store(): ObjectStore {
    this.objects ??= new ObjectStore(this.blobs());
    return this.objects;
  }

  /** The DVC root inside the git work tree (POSIX, '' at the top). */
  gitPrefix(options: { signal?: AbortSignal } = {}): Promise<string> {
    this.prefix ??= this.git.topLevel(options).then(
      (top) => relative(top, this.root).split(sep).join('/'),
      (error: unknown) => {
        this.prefix = undefined;
        throw error;
      },
    );
    return this.prefix;
  }

  private dvcConfig(): Promise<DvcConfig> {
    this.config ??= readDvcConfig(this.root);
    return this.config;
  }

  /**
   * A commit's files under the DVC root, walked through the object store a tree level at a time
   * (one round trip to `cat-file` per level; trees shared with other revisions are read once).
   */
  private async commitFiles(commit: string, config: DvcConfig, maxBytes: number, signal?: AbortSignal): Promise<CommitFiles> {
    const prefix = await this.gitPrefix(signal ? { signal } : {});
    const objects = this.store();
    const info = await objects.commit(commit);
    if (!info) throw new RevisionFileError('missing', `commit ${commit} is not in this git repository`);
    const blobs = new Map<string, { oid: string; mode: string }>();
    const start = await objects.entry(info.tree, prefix);
    let level: { path: string; oid: string }[] = start?.kind === 'tree' ? [{ path: '', oid: start.oid }] : [];
    while (level.length > 0) {
      signal?.throwIfAborted();
      const trees = await Promise.all(level.map((t) => objects.tree(t.oid)));
      const next: { path: string; oid: string }[] = [];
      level.forEach((dir, i) => {
        for (const entry of trees[i]!) {
          const path = dir.path === '' ? entry.name : `${dir.path}/${entry.name}`;
          if (entry.kind === 'tree') next.push({ path, oid: entry.oid });
          else if (entry.kind === 'blob' || entry.kind === 'link') blobs.set(path, { oid: entry.oid, mode: modeOf(entry) });
        }
      });
      level = next;
    }
    return new CommitFiles(this.root, config.cacheDir, maxBytes, blobs, this.blobs(), commitRepoFiles(objects, info.tree, this.root, prefix));
  }

  private async loadCommit(files: CommitFiles, config: DvcConfig): Promise<{ stages: Stage[]; pipelines: PipelineFile[]; diagnostics: DvcDiagnostic[] }> {
    const stages: Stage[] = [];
    const pipelines: PipelineFile[] = [];
    const diagnostics: DvcDiagnostic[] = [];
    for (const file of await files.dvcFiles()) {
      const path = resolve(this.root, file);
      if (file.endsWith('.dvc')) {
        const text = await readTextOf(files.textFiles, path);
        const parsed = text === undefined ? undefined : parseDvcFile(this.root, path, text);
        if (parsed?.stage) stages.push(parsed.stage);
        diagnostics.push(...(parsed?.diagnostics ?? []));
        continue;
      }
      const loaded = await loadPipeline(this.root, path, config.parsing, undefined, files.textFiles);
      stages.push(...loaded.stages);
      if (loaded.pipeline) pipelines.push(loaded.pipeline);
      diagnostics.push(...loaded.diagnostics);
    }
    return { stages, pipelines, diagnostics };
  }
}

/** The mode `ls-tree` prints for a blob or a symlink entry. */
function modeOf(entry: TreeEntry): string {
  return entry.kind === 'link' ? '120000' : entry.executable ? '100755' : '100644';
}
