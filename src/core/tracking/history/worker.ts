/**
 * A history reader thread: reads one metric's history into typed columns with the same store code
 * the extension host would run, and hands the buffers over (transferred, not copied). The host's
 * event loop stays free while a million rows are read and parsed.
 */
import { parentPort } from 'node:worker_threads';
import { isTrackingError } from '../errors.js';
import { FileTrackingStore } from '../fileStore.js';
import { SqliteTrackingStore } from '../sqliteStore.js';
import { parseTrackingUri } from '../uri.js';
import type { ColumnsReply, ColumnsRequest } from './historyWorkerMessages.js';

const stores = new Map<string, FileTrackingStore | SqliteTrackingStore>();

function storeFor(uri: string): FileTrackingStore | SqliteTrackingStore {
  let store = stores.get(uri);
  if (!store) {
    const location = parseTrackingUri(uri, '/');
    if (location.kind === 'server') throw new Error('history workers read local stores only');
    store = location.kind === 'sqlite' ? new SqliteTrackingStore(location.uri, location.path) : new FileTrackingStore(location.uri, location.path);
    stores.set(uri, store);
  }
  return store;
}

async function answer(request: ColumnsRequest): Promise<void> {
  try {
    const store = storeFor(request.uri);
    if (request.sample !== undefined) {
      const sample = await store.getMetricSample(request.runId, request.key, request.sample);
      if (!sample) {
        const reply: ColumnsReply = { id: request.id, none: true };
        parentPort!.postMessage(reply);
        return;
      }
      const reply: ColumnsReply = { id: request.id, ...sample };
      parentPort!.postMessage(reply, [sample.step.buffer as ArrayBuffer, sample.timestamp.buffer as ArrayBuffer, sample.value.buffer as ArrayBuffer]);
      return;
    }
    if (request.bounds || request.steps) {
      if (!(store instanceof SqliteTrackingStore)) throw new Error('histories are read in parts from SQLite stores only');
      if (request.bounds) {
        const reply: ColumnsReply = { id: request.id, bounds: (await store.getMetricStepBounds(request.runId, request.key)) ?? null };
        parentPort!.postMessage(reply);
        return;
      }
    }
    const columns = request.steps && store instanceof SqliteTrackingStore ? await store.getMetricColumnsIn(request.runId, request.key, request.steps) : await store.getMetricColumns(request.runId, request.key);
    const reply: ColumnsReply = { id: request.id, ...columns };
    parentPort!.postMessage(reply, [columns.step.buffer as ArrayBuffer, columns.timestamp.buffer as ArrayBuffer, columns.value.buffer as ArrayBuffer]);
  } catch (error) {
    const reply: ColumnsReply = {
      id: request.id,
      error: isTrackingError(error) ? { reason: error.reason, message: error.message, subject: error.subject } : { message: (error as Error).message },
    };
    parentPort!.postMessage(reply);
  }
}

parentPort?.on('message', (request: ColumnsRequest) => void answer(request));
