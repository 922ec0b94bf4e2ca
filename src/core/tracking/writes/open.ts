/**
 * The one place that maps a tracking URI to a writer, next to openTrackingStore: a server gets
 * its REST API; a local store (SQLite, mlruns) gets MLflow's Python client in the interpreter
 * the host chose (src/core/python/interpreter.ts).
 */
import { pathToFileURL } from 'node:url';
import { TrackingError } from '../errors.js';
import type { RestClient, RestOptions } from '../rest/http.js';
import { parseTrackingUri } from '../uri.js';
import { PythonTrackingWriter } from './pythonWriter.js';
import { RestTrackingWriter } from './restWriter.js';
import type { TrackingWriter } from './writer.js';

export interface OpenWriterOptions {
  /** Relative paths in the URI are resolved against this folder; the Python child runs in it. */
  readonly cwd: string;
  /** Auth, TLS, timeout and retries for an http(s) tracking URI. */
  readonly rest?: RestOptions;
  /** Share the read store's client (connections, asked credentials) for a server. */
  readonly restClient?: RestClient;
  /** The interpreter for local stores; without it, opening a local store's writer throws 'unsupported-uri'. */
  readonly python?: string;
  /** The environment of the Python child (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Per Python write; default 60 s. */
  readonly pythonTimeoutMs?: number;
}

export function openTrackingWriter(uri: string, options: OpenWriterOptions): TrackingWriter {
  const location = parseTrackingUri(uri, options.cwd);
  if (location.kind === 'server') return new RestTrackingWriter(location.uri, options.rest, options.restClient);
  if (!options.python) {
    throw new TrackingError('unsupported-uri', `Writing to the local store ${location.path} needs a Python interpreter with MLflow installed`, uri);
  }
  // MLflow gets an absolute URI: its working directory must not change which store is written.
  const absolute = location.kind === 'sqlite' ? `sqlite:///${location.path}${queryOf(location.uri)}` : pathToFileURL(location.path).href;
  return new PythonTrackingWriter(absolute, { python: options.python, cwd: options.cwd, env: options.env, timeoutMs: options.pythonTimeoutMs });
}

/** SQLAlchemy options such as `?timeout=30` stay with the database. */
function queryOf(uri: string): string {
  const start = uri.indexOf('?');
  return start < 0 ? '' : uri.slice(start);
}
