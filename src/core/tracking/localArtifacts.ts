import { open, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { asWritable } from './artifactDownload.js';
import { TrackingError } from './errors.js';
import type { FileInfo } from './entities.js';
import type { ArtifactListing, ArtifactSink, StreamArtifactOptions } from './store.js';

/** MLflow's local repository hides files it is still uploading (local_artifact_repo.py). */
const UPLOADING_PREFIX = '.artifact.uploading.';

/** The folder behind a run's artifact URI, when it is on this machine. */
export function localArtifactRoot(artifactUri: string): string {
  if (artifactUri.startsWith('file:')) return fileURLToPath(artifactUri.startsWith('file://') ? artifactUri : `file://${artifactUri.slice(5)}`);
  if (isAbsolute(artifactUri)) return artifactUri;
  const scheme = /^([a-zA-Z][\w+.-]*):/.exec(artifactUri)?.[1];
  throw new TrackingError(
    'unsupported-uri',
    `Artifacts at ${artifactUri} are not on this machine${scheme === 'mlflow-artifacts' ? ' (they are served by the tracking server)' : ''}.`,
    artifactUri,
  );
}

/**
 * Resolves `path` inside `root`, refusing anything that leaves it (`..`, absolute paths, symlinks
 * pointing out), as MLflow's validate_path_within_directory does.
 */
async function within(root: string, path: string | undefined): Promise<string> {
  const relativePath = (path ?? '').replace(/^\/+/, '');
  if (relativePath.split(/[\\/]/).includes('..') || isAbsolute(path ?? '')) {
    throw new TrackingError('invalid-argument', `Invalid artifact path '${path}': it must stay inside the run's artifacts`, path);
  }
  const target = join(root, relativePath);
  let real: string;
  try {
    real = await realpath(target);
  } catch {
    return target; // Does not exist: the caller reports it.
  }
  const realRoot = await realpath(root).catch(() => root);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) {
    throw new TrackingError('invalid-argument', `Artifact path '${path}' resolves outside the run's artifacts`, path);
  }
  return target;
}

/** The direct children of `path`, sorted by path, as MLflow's list_artifacts returns them. */
export async function listLocalArtifacts(artifactUri: string, path?: string): Promise<ArtifactListing> {
  const root = localArtifactRoot(artifactUri);
  const dir = await within(root, path);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { root_uri: artifactUri, files: [] };
    throw error;
  }
  const files = await Promise.all(
    entries
      .filter((entry) => !entry.name.startsWith(UPLOADING_PREFIX))
      .map(async (entry): Promise<FileInfo> => {
        const full = join(dir, entry.name);
        const rel = relative(root, full).split(sep).join('/');
        const info = await stat(full);
        return info.isDirectory() ? { path: rel, is_dir: true } : { path: rel, is_dir: false, file_size: info.size };
      }),
  );
  return { root_uri: artifactUri, files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

export async function readLocalArtifact(artifactUri: string, path: string, maxBytes = Number.POSITIVE_INFINITY): Promise<Uint8Array> {
  const root = localArtifactRoot(artifactUri);
  const file = await within(root, path);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TrackingError('not-found', `No such artifact: '${path}'`, path, { cause: error });
    throw error;
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new TrackingError('invalid-argument', `Artifact '${path}' is a folder`, path);
    if (info.size > maxBytes) throw new TrackingError('too-large', `Artifact '${path}' is ${info.size} bytes, more than the ${maxBytes} allowed`, path);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** One local artifact file copied into `sink` chunk by chunk (see TrackingStore.streamArtifact). */
export async function streamLocalArtifact(artifactUri: string, path: string, sink: ArtifactSink, options: StreamArtifactOptions = {}): Promise<number> {
  const root = localArtifactRoot(artifactUri);
  const file = await within(root, path);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TrackingError('not-found', `No such artifact: '${path}'`, path, { cause: error });
    throw error;
  }
  const info = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  if (info.isDirectory()) {
    await handle.close();
    throw new TrackingError('invalid-argument', `Artifact '${path}' is a folder`, path);
  }
  const source = handle.createReadStream();
  let received = 0;
  source.on('data', (chunk) => {
    received += chunk.length;
    options.onData?.(received);
  });
  await pipeline(source, asWritable(sink(info.size)), { signal: options.signal });
  return received;
}
