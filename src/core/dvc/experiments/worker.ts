/**
 * The experiments reader's thread: a DvcExperiments per repo, kept between requests (its commit
 * rows stay warm), answering `read` requests from ExperimentsThread. Git, the queue folder and
 * every YAML/JSON/TOML parse run here; the extension host's event loop only receives the result.
 */
import { parentPort } from 'node:worker_threads';
import { DvcExperiments } from './experiments.js';
import { ExperimentsError } from './model.js';
import type { ExperimentsReply, ExperimentsRequest } from './threadProtocol.js';

const readers = new Map<string, DvcExperiments>();
const running = new Map<number, AbortController>();

function readerFor(request: Extract<ExperimentsRequest, { kind: 'read' }>): DvcExperiments {
  const key = `${request.root}\n${request.rowCachePath ?? ''}\n${request.gitCommand ?? ''}`;
  let reader = readers.get(key);
  if (!reader) {
    reader = new DvcExperiments(request.root, { ...(request.rowCachePath ? { rowCachePath: request.rowCachePath } : {}), ...(request.gitCommand ? { gitCommand: request.gitCommand } : {}) });
    readers.set(key, reader);
  }
  return reader;
}

async function answer(request: ExperimentsRequest): Promise<void> {
  if (request.kind === 'abort') {
    running.get(request.id)?.abort(new Error('aborted'));
    return;
  }
  const controller = new AbortController();
  running.set(request.id, controller);
  let reply: ExperimentsReply;
  try {
    const result = await readerFor(request).read({ ...request.options, signal: controller.signal });
    reply = { id: request.id, result };
  } catch (error) {
    reply = {
      id: request.id,
      error: error instanceof ExperimentsError ? { reason: error.reason, message: error.message } : { message: error instanceof Error ? error.message : String(error), aborted: controller.signal.aborted },
    };
  } finally {
    running.delete(request.id);
  }
  parentPort!.postMessage(reply);
}

parentPort?.on('message', (request: ExperimentsRequest) => void answer(request));
