/**
 * The capturing front of a model server: a Node HTTP server on 127.0.0.1 that streams every
 * request to `mlflow models serve` (on a private port) and its answer back unchanged, and keeps a
 * bounded copy of each `POST /invocations` pair to write its rows to the capture log once the
 * server answered 200. A body over the bound is still forwarded whole, just not captured. Nothing
 * of a request goes anywhere but the log (no logger line holds a body).
 */
import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Disposable } from '../lifecycle.js';
import { silentLogger, type Logger } from '../log.js';
import type { CaptureLog } from './captureLog.js';
import { captureLines, type CaptureSkip } from './captureRows.js';

export interface CaptureProxyOptions {
  readonly upstreamPort: number;
  readonly log: CaptureLog;
  readonly modelUri: string;
  readonly modelVersion?: string;
  /** Bodies larger than this (each side) are forwarded but not captured. Default 8 MB. */
  readonly maxBodyBytes?: number;
  readonly now?: () => Date;
  readonly logger?: Logger;
}

const MAX_BODY = 8 << 20;
/** Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own, not forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade']);

export interface CaptureCounts {
  readonly captured: number;
  readonly skipped: number;
  readonly lastSkip?: CaptureSkip | { readonly reason: 'too-large' | 'not-ok'; readonly message: string };
}

export class CaptureProxy extends Disposable {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly logger: Logger;
  private counts: CaptureCounts = { captured: 0, skipped: 0 };

  constructor(private readonly options: CaptureProxyOptions) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Requests captured and skipped since the proxy started. */
  get captureCounts(): CaptureCounts {
    return this.counts;
  }

  get port(): number | undefined {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : undefined;
  }

  /** Listens on 127.0.0.1 (`port` 0: one the system picks); resolves with the port. */
  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve(this.port!);
      });
    });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
    super.dispose();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const captured = req.method === 'POST' && (req.url ?? '').split('?')[0] === '/invocations';
    const limit = this.options.maxBodyBytes ?? MAX_BODY;
    const requestCopy = captured ? new BoundedCopy(limit) : undefined;
    const upstream = request({ host: '127.0.0.1', port: this.options.upstreamPort, method: req.method, path: req.url, headers: forwarded(req.headers), agent: false });
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`The model server behind this capture proxy did not answer: ${error.code ?? error.message}\n`);
      } else res.destroy();
    });
    upstream.once('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwarded(answer.headers));
      const responseCopy = captured ? new BoundedCopy(limit) : undefined;
      answer.on('data', (chunk: Buffer) => responseCopy?.add(chunk));
      answer.pipe(res);
      answer.once('end', () => {
        if (requestCopy && responseCopy) this.capture(requestCopy, responseCopy, answer.statusCode ?? 0);
      });
      answer.once('error', () => res.destroy());
    });
    req.on('data', (chunk: Buffer) => requestCopy?.add(chunk));
    req.pipe(upstream);
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
  }

  private capture(request: BoundedCopy, response: BoundedCopy, status: number): void {
    if (status !== 200) return this.skip({ reason: 'not-ok', message: `the server answered ${status}` });
    if (request.overflowed || response.overflowed) return this.skip({ reason: 'too-large', message: `a body over ${this.options.maxBodyBytes ?? MAX_BODY} bytes` });
    const outcome = captureLines(request.text(), response.text(), {
      modelUri: this.options.modelUri,
      ...(this.options.modelVersion !== undefined ? { modelVersion: this.options.modelVersion } : {}),
      requestId: randomUUID(),
      timestamp: (this.options.now ?? (() => new Date()))(),
    });
    if ('skipped' in outcome) return this.skip(outcome.skipped);
    this.counts = { ...this.counts, captured: this.counts.captured + 1 };
    this.options.log.append(outcome.lines).catch((error: Error) => this.logger.warn(`capture log ${this.options.log.path}: ${error.message}`));
  }

  private skip(why: NonNullable<CaptureCounts['lastSkip']>): void {
    this.counts = { ...this.counts, skipped: this.counts.skipped + 1, lastSkip: why };
    this.logger.trace(`request to ${this.options.modelUri} not captured: ${why.message}`);
  }
}

function forwarded(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/** The first `limit` bytes of a body, and whether there was more. */
class BoundedCopy {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  overflowed = false;
  constructor(private readonly limit: number) {}
  add(chunk: Buffer): void {
    if (this.overflowed) return;
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.overflowed = true;
      this.chunks.length = 0;
    } else this.chunks.push(chunk);
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
