/**
 * One HTML document served on 127.0.0.1 at a secret path, for as long as its viewer is open.
 *
 * Evidently's report is a self-contained page that runs only inline scripts (several MB of
 * them). Shown from a webview, those scripts would need the webview's CSP to allow inline
 * scripts and eval. Served from here, the webview's page needs no script at all: it frames this
 * URL, and the report runs in a document of its own, whose policy is set by this server:
 *
 * - `Content-Security-Policy: sandbox allow-scripts` puts the document in an opaque origin
 *   wherever it is opened (a webview frame or a browser tab): it reaches no other page, no
 *   cookie, no storage;
 * - the same policy allows no network (`default-src 'none'`; the report's own inline scripts by
 *   their hashes, no eval; styles, data: images and fonts): it cannot load or send anything;
 * - only GET/HEAD of the one path with the random 128-bit token answer; anything else is 404.
 *   The token is matched at the end of the path, so a path proxy in front (code-server's
 *   `/proxy/<port>/…` and `/absproxy/<port>/…`) may keep or strip its prefix.
 *
 * The document is held in memory (read once): the file behind it can be pruned meanwhile.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The policy of the served document itself (not of any webview): its own inline scripts run, each
 * allowed by its SHA-256 (no `'unsafe-inline'`, no eval); nothing else runs, loads or sends.
 * Styles may be inline (the report's charts add style elements as they draw).
 */
export function reportDocumentCsp(html: string): string {
  const scripts = inlineScripts(html).map((text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`);
  return [
    'sandbox allow-scripts',
    "default-src 'none'",
    `script-src ${scripts.length > 0 ? [...new Set(scripts)].join(' ') : "'none'"}`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    'font-src data:',
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * The text of each inline `<script>` element, as a browser hashes it: from the end of its start
 * tag to the first `</script` (HTML ends a script there, whatever the script means). A script with
 * `src` is not inline; the policy allows no source, so it does not run.
 */
export function inlineScripts(html: string): string[] {
  const texts: string[] = [];
  const start = /<script\b([^>]*)>/gi;
  for (let match = start.exec(html); match; match = start.exec(html)) {
    const from = match.index + match[0].length;
    const end = html.slice(from).search(/<\/script/i);
    const to = end < 0 ? html.length : from + end;
    if (!/\bsrc\s*=/i.test(match[1] ?? '')) texts.push(html.slice(from, to));
    start.lastIndex = to;
  }
  return texts;
}

export interface ServedReport {
  /** `http://127.0.0.1:<port>/<token>/`: the only URL that answers. */
  readonly url: string;
  readonly port: number;
  /** Stops serving: the URL answers nothing after this. */
  close(): Promise<void>;
}

export async function serveReport(html: string | Buffer): Promise<ServedReport> {
  const body = typeof html === 'string' ? Buffer.from(html, 'utf8') : html;
  const csp = reportDocumentCsp(body.toString('utf8'));
  const token = randomBytes(16).toString('hex');
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => answer(req, res, token, body, csp));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // Slow or stuck clients do not keep sockets forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      if (typeof address === 'object' && address) resolve(address.port);
      else reject(new Error('the report server has no port'));
    });
  });
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/${token}/`,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      })),
  };
}

function answer(req: IncomingMessage, res: ServerResponse, token: string, body: Buffer, csp: string): void {
  const path = (req.url ?? '').split(/[?#]/, 1)[0]!;
  const ours = path.endsWith(`/${token}/`) || path.endsWith(`/${token}`) || path.endsWith(`/${token}/index.html`);
  const common = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };
  if (!ours) {
    res.writeHead(404, { ...common, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...common, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
    return;
  }
  res.writeHead(200, {
    ...common,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': body.length,
    'Content-Security-Policy': csp,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
