/**
 * Images a run logged with `mlflow.log_image`: by key and step, as MLflow writes them
 * (mlflow/tracking/client.py `log_image`): `images/<key>+step+<step>+timestamp+<ms>+<uuid>.png`,
 * a `/` in the key written as `~`, each with a `…+compressed.webp` thumbnail beside it (older
 * MLflow used `%` for `+`). Images logged with `artifact_file` (and `log_figure`) are plain image
 * files anywhere in the artifacts: the first levels are looked through, within a bound.
 */
import type { FileInfo } from '../tracking/entities.js';
import type { TrackingStore } from '../tracking/store.js';

export interface LoggedImage {
  /** The image's key (`log_image(key=…)`), or its artifact path for a plain image file. */
  readonly key: string;
  readonly step?: number;
  readonly timestamp?: number;
  /** Artifact path of the full-size image. */
  readonly path: string;
  readonly bytes?: number;
}

const IMAGE_FILE = /\.(png|jpe?g|gif|svg)$/;
const STEPPED = /^images\/(.+)[+%]step[+%](\d+)[+%]timestamp[+%](\d+)[+%]([^+%/]+)\.png$/;

/** A stepped image's key, step and timestamp from its artifact path (undefined for anything else, thumbnails included). */
export function parseSteppedImagePath(path: string): { key: string; step: number; timestamp: number } | undefined {
  const match = STEPPED.exec(path);
  if (!match) return undefined;
  const step = Number(match[2]);
  const timestamp = Number(match[3]);
  if (!Number.isSafeInteger(step) || !Number.isSafeInteger(timestamp)) return undefined;
  return { key: match[1]!.replaceAll('~', '/'), step, timestamp };
}

/** Of several images at one key and step (logged twice), the last logged one, as MLflow's UI shows. */
export function imagesOf(files: readonly FileInfo[]): LoggedImage[] {
  const stepped = new Map<string, LoggedImage>();
  const plain: LoggedImage[] = [];
  for (const file of files) {
    if (file.is_dir) continue;
    const parsed = parseSteppedImagePath(file.path);
    if (parsed) {
      const id = `${parsed.key}\u0000${parsed.step}`;
      const previous = stepped.get(id);
      if (!previous || (previous.timestamp ?? 0) <= parsed.timestamp) stepped.set(id, { ...parsed, path: file.path, ...(file.file_size === undefined ? {} : { bytes: file.file_size }) });
    } else if (IMAGE_FILE.test(file.path.toLowerCase()) && !file.path.startsWith('images/')) {
      plain.push({ key: file.path, path: file.path, ...(file.file_size === undefined ? {} : { bytes: file.file_size }) });
    }
  }
  return [...[...stepped.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.step! - b.step!)), ...plain];
}

export interface ListImagesOptions {
  readonly signal?: AbortSignal;
  /** How many folders deep plain image files are looked for (default 2). */
  readonly depth?: number;
  /** How many folders are listed at most (default 50). */
  readonly maxFolders?: number;
}

/** A run's logged images: the whole `images/` folder, plain image files in the first levels. */
export async function listLoggedImages(store: TrackingStore, runId: string, options: ListImagesOptions = {}): Promise<LoggedImage[]> {
  const depth = options.depth ?? 2;
  let budget = options.maxFolders ?? 50;
  const files: FileInfo[] = [];
  let level: (string | undefined)[] = [undefined];
  for (let d = 0; d <= depth && level.length > 0; d++) {
    const next: string[] = [];
    for (const folder of level) {
      if (budget-- <= 0) break;
      options.signal?.throwIfAborted();
      const listing = await store.listArtifacts(runId, folder, options.signal ? { signal: options.signal } : {});
      for (const file of listing.files) {
        if (!file.is_dir) files.push(file);
        else if (file.path === 'images') files.push(...(await store.listArtifacts(runId, 'images', options.signal ? { signal: options.signal } : {})).files);
        else next.push(file.path);
      }
    }
    level = next;
  }
  return imagesOf(files);
}
