import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TrackingError } from './errors.js';

/** Where a tracking URI points, as MLflow reads it (mlflow/tracking/_tracking_service/utils.py). */
export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly uri: string; readonly path: string }
  | { readonly kind: 'file'; readonly uri: string; readonly path: string }
  | { readonly kind: 'server'; readonly uri: string; readonly url: URL };

/** How the URI in use was chosen: the same precedence MLflow applies. */
export type UriSource = 'setting' | 'environment' | 'default-mlruns' | 'default-sqlite';

export interface ResolvedTrackingUri {
  readonly uri: string;
  readonly source: UriSource;
}

export interface ResolveInput {
  /** The workspace folder (MLflow resolves its defaults against the process's working directory). */
  readonly cwd: string;
  /** `mlWorkbench.trackingUri` (or the CLI's `--tracking-uri`). */
  readonly explicitUri?: string;
  /** `MLFLOW_TRACKING_URI` from the environment. */
  readonly environmentUri?: string;
}

/** setting, else MLFLOW_TRACKING_URI, else ./mlruns when it holds experiments, else ./mlflow.db. */
export function resolveTrackingUri(input: ResolveInput): ResolvedTrackingUri {
  const explicit = input.explicitUri?.trim();
  if (explicit) return { uri: explicit, source: 'setting' };
  const fromEnvironment = input.environmentUri?.trim();
  if (fromEnvironment) return { uri: fromEnvironment, source: 'environment' };
  const mlruns = join(input.cwd, 'mlruns');
  if (hasExperimentData(mlruns)) return { uri: pathToFileURL(mlruns).href, source: 'default-mlruns' };
  return { uri: `sqlite:///${join(input.cwd, 'mlflow.db')}`, source: 'default-sqlite' };
}

/**
 * MLflow's `_has_existing_mlruns_data`: an all-digit sub-folder holding meta.yaml. A `mlruns`
 * folder that only holds artifacts of an SQLite store does not count.
 */
export function hasExperimentData(mlruns: string): boolean {
  try {
    return readdirSync(mlruns, { withFileTypes: true }).some(
      (entry) => entry.isDirectory() && /^\d+$/.test(entry.name) && existsSync(join(mlruns, entry.name, 'meta.yaml')),
    );
  } catch {
    return false;
  }
}

/** Parses every form of tracking URI MLflow accepts for the stores we read; relative paths against `cwd`. */
export function parseTrackingUri(uri: string, cwd: string): StoreLocation {
  const trimmed = uri.trim();
  if (trimmed === '') throw new TrackingError('invalid-uri', 'The tracking URI is empty', uri);
  if (/^databricks(-uc)?$/i.test(trimmed)) {
    throw new TrackingError('unsupported-uri', `The tracking URI '${trimmed}' points at Databricks, which ML Workbench cannot read yet.`, uri);
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined || (scheme.length === 1 && process.platform === 'win32')) {
    const path = resolve(cwd, trimmed);
    return { kind: 'file', uri: pathToFileURL(path).href, path };
  }
  switch (scheme) {
    case 'file':
      return parseFileUri(trimmed, cwd);
    case 'sqlite':
      return parseSqliteUri(trimmed, cwd);
    case 'http':
    case 'https':
      return { kind: 'server', uri: trimmed, url: new URL(trimmed) };
    default:
      throw new TrackingError(
        'unsupported-uri',
        `Unsupported tracking URI scheme '${scheme}:' in ${uri}. Use sqlite:///path/to/mlflow.db, a path or file:// URI of an mlruns folder, or http(s)://host of an MLflow server.`,
        uri,
      );
  }
}

function parseFileUri(uri: string, cwd: string): StoreLocation {
  if (uri.startsWith('file://')) {
    try {
      const path = fileURLToPath(uri);
      return { kind: 'file', uri, path };
    } catch (error) {
      throw new TrackingError('invalid-uri', `Invalid file URI ${uri}: ${(error as Error).message}`, uri, { cause: error });
    }
  }
  const path = resolve(cwd, decodeURIComponent(uri.slice('file:'.length)));
  return { kind: 'file', uri: pathToFileURL(path).href, path };
}

/** SQLAlchemy's form: `sqlite:///relative.db`, `sqlite:////absolute.db`; `sqlite://` alone is in-memory. */
function parseSqliteUri(uri: string, cwd: string): StoreLocation {
  const rest = uri.slice('sqlite:'.length);
  if (!rest.startsWith('//')) throw new TrackingError('invalid-uri', `Invalid SQLite URI ${uri}: expected sqlite:///path/to/file.db`, uri);
  const database = rest.slice(3).split('?')[0] ?? '';
  if (rest.length <= 2 || database === '' || database === ':memory:') {
    throw new TrackingError('invalid-uri', `The SQLite URI ${uri} names an in-memory database, which holds no runs to read`, uri);
  }
  const path = isAbsolute(database) ? database : resolve(cwd, database);
  return { kind: 'sqlite', uri, path };
}
