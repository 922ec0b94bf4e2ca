/**
 * Reading a server's reply: into memory within a limit (JSON, a small artifact, an error page),
 * or, for a 2xx download, piped into the caller's writable with its back-pressure.
 */
import type * as http from 'node:http';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ServerReply } from './serverErrors.js';

export interface Reply extends ServerReply {
  readonly headers: http.IncomingHttpHeaders;
  /** Bytes written to the request's stream (2xx replies of RestClient.stream() only). */
  readonly streamed?: number;
}

export interface BodySink {
  /** A fresh writable for this try; `size` is the Content-Length when the server sent one. */
  readonly open: (size: number | undefined) => Writable;
  readonly onData?: (received: number) => void;
}

/** The largest declared Content-Length a buffer is made for before its bytes arrive. */
const PREALLOCATED_MAX = 64 * 1024 * 1024;

/** The whole body, refused past `limit` bytes (by Content-Length first, else by counting) when it is a 2xx. */
export function readBody(incoming: http.IncomingMessage, limit: number | undefined, ok: boolean, onData: () => void, tooLarge: (limit: number, size?: number) => Error): Promise<Reply> {
  const status = incoming.statusCode ?? 0;
  const declared = Number(incoming.headers['content-length']);
  if (ok && limit !== undefined && declared > limit) {
    incoming.destroy();
    return Promise.reject(tooLarge(limit, declared));
  }
  // A declared length (MLflow's answers have one) is read straight into one buffer of that size,
  // so a page of runs is held once rather than as its chunks and then their copy. Not trusted
  // past PREALLOCATED_MAX: a larger answer is gathered as it comes (and refused past `limit`).
  const sized = ok && Number.isSafeInteger(declared) && declared > 0 && declared <= PREALLOCATED_MAX ? Buffer.allocUnsafeSlow(declared) : undefined;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      onData();
      if (sized && chunks.length === 0 && size + chunk.length <= sized.length) {
        chunk.copy(sized, size);
        size += chunk.length;
        return;
      }
      // More than was declared: gathered from here on (the HTTP parser does not let this happen).
      if (sized && chunks.length === 0) chunks.push(sized.subarray(0, size));
      size += chunk.length;
      if (limit === undefined || size <= limit) chunks.push(chunk);
      else if (ok) {
        incoming.destroy();
        reject(tooLarge(limit));
      }
    });
    incoming.on('error', reject);
    incoming.on('end', () => {
      const contentType = String(incoming.headers['content-type'] ?? '');
      const body = sized && chunks.length === 0 ? sized.subarray(0, size) : Buffer.concat(chunks);
      resolve({ status, contentType, body, headers: incoming.headers });
    });
  });
}

/** pipeline() gives the writable's back-pressure to the socket and destroys both on failure; a short body is a reset. */
export async function streamBody(incoming: http.IncomingMessage, sink: BodySink, onData: () => void): Promise<Reply> {
  const declared = Number(incoming.headers['content-length']);
  const known = Number.isFinite(declared) && declared >= 0;
  const writable = sink.open(known ? declared : undefined);
  let received = 0;
  incoming.on('data', (chunk: Buffer) => {
    onData();
    received += chunk.length;
    sink.onData?.(received);
  });
  try {
    await pipeline(incoming, writable);
  } catch (error) {
    writable.destroy();
    throw error;
  }
  if (known && received !== declared) throw Object.assign(new Error(`the body ended after ${received} of ${declared} bytes`), { code: 'ECONNRESET' });
  const contentType = String(incoming.headers['content-type'] ?? '');
  return { status: incoming.statusCode ?? 0, contentType, body: Buffer.alloc(0), headers: incoming.headers, streamed: received };
}

export function header(reply: Reply, name: string): string | undefined {
  const value = reply.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function isRedirect(reply: Reply): boolean {
  return [301, 302, 303, 307, 308].includes(reply.status) && header(reply, 'location') !== undefined;
}
