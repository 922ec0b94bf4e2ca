import * as vscode from 'vscode';
import { TrackingError } from '../../core/tracking/errors.js';
import { storeOf, type Store } from '../../core/tracking/storeState.js';
import type { TrackingService } from '../tracking/trackingService.js';

export const ARTIFACT_SCHEME = 'mlflow-artifact';
/** Files larger than this open only on request (VS Code holds a whole file in memory). */
const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/** `mlflow-artifact://<folder key>/<run id>/<path>`: one run's artifact, read through the store. */
export function artifactUri(trackingKey: string, runId: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: ARTIFACT_SCHEME, authority: trackingKey, path: `/${runId}/${path}` });
}

function parse(uri: vscode.Uri): { trackingKey: string; runId: string; path: string } {
  const [, runId = '', ...rest] = uri.path.split('/');
  return { trackingKey: uri.authority, runId, path: rest.join('/') };
}

/**
 * A read-only file system over run artifacts, so text, JSON, YAML, CSV, MLmodel files and images
 * open in VS Code's own editors. Every store kind works (local files, a server's proxied
 * artifacts). Nothing can be written.
 */
export class ArtifactFileSystem implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  constructor(
    private readonly tracking: TrackingService,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { runId, path } = parse(uri);
    const store = this.store(uri);
    if (path === '') return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0, permissions: vscode.FilePermission.Readonly };
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : undefined;
    const listing = await store.listArtifacts(runId, parent).catch(mapError(uri));
    const entry = listing.files.find((f) => f.path === path);
    if (!entry) throw vscode.FileSystemError.FileNotFound(uri);
    return { type: entry.is_dir ? vscode.FileType.Directory : vscode.FileType.File, ctime: 0, mtime: 0, size: entry.file_size ?? 0, permissions: vscode.FilePermission.Readonly };
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const { runId, path } = parse(uri);
    const listing = await this.store(uri).listArtifacts(runId, path || undefined).catch(mapError(uri));
    return listing.files.map((f) => [f.path.split('/').pop() ?? f.path, f.is_dir ? vscode.FileType.Directory : vscode.FileType.File]);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { runId, path } = parse(uri);
    return this.store(uri).readArtifact(runId, path, { maxBytes: this.maxBytes }).catch(mapError(uri));
  }

  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  private store(uri: vscode.Uri): Store {
    const store = storeOf(this.tracking.forKey(uri.authority));
    if (!store) throw vscode.FileSystemError.Unavailable(`No tracking store is open for ${uri.toString()}`);
    return store;
  }
}

function mapError(uri: vscode.Uri): (error: unknown) => never {
  return (error) => {
    if (error instanceof TrackingError && error.reason === 'not-found') throw vscode.FileSystemError.FileNotFound(uri);
    if (error instanceof TrackingError) throw vscode.FileSystemError.Unavailable(error.message);
    throw error;
  };
}
