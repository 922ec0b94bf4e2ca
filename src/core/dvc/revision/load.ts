/**
 * A revision of a DVC repo loaded as DVC would see it after `git checkout`: the stages and
 * top-level sections of every dvc.yaml (templated with that revision's params) and `.dvc` file,
 * read from the commit's tree (or the workspace), and its files (revision/files.ts). One
 * `git cat-file --batch` serves every revision of a loader; dispose() ends it.
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { Git, type BlobReader } from '../../git/index.js';
import { readDvcConfig, type DvcConfig } from '../files/config.js';
import { parseDvcFile } from '../files/dvcFile.js';
import { readTextOf } from '../files/repoFiles.js';
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
    if (info.kind === 'workspace') {
      const files = new WorkspaceFiles(this.root, config.cacheDir, maxBytes);
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
  }

  private blobs(): BlobReader {
    this.reader ??= this.git.blobReader();
    return this.reader;
  }

  private dvcConfig(): Promise<DvcConfig> {
    this.config ??= readDvcConfig(this.root);
    return this.config;
  }

  private async commitFiles(commit: string, config: DvcConfig, maxBytes: number, signal?: AbortSignal): Promise<CommitFiles> {
    const options = signal ? { signal } : {};
    const top = await this.git.topLevel(options);
    const prefix = relative(top, this.root).split(sep).join('/');
    const blobs = new Map<string, { oid: string; mode: string; size?: number }>();
    for (const entry of await this.git.listTree(commit, prefix, options)) {
      if (prefix && !entry.path.startsWith(`${prefix}/`)) continue;
      blobs.set(prefix ? entry.path.slice(prefix.length + 1) : entry.path, entry);
    }
    return new CommitFiles(this.root, config.cacheDir, maxBytes, blobs, this.blobs());
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
