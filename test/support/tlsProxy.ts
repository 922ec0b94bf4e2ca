/**
 * HTTPS in front of a plain server, with a certificate authority made for the test by `openssl`:
 * `ca.pem` (what MLFLOW_TRACKING_SERVER_CERT_PATH points at) signs a certificate for 127.0.0.1,
 * which a node:https proxy presents while it forwards every request to `upstream` unchanged.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsProxy {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  /** The CA that signed the proxy's certificate (PEM). */
  readonly caPath: string;
  /** Requests forwarded so far (to see that a test went through it). */
  readonly forwarded: () => number;
  stop(): Promise<void>;
}

export async function startTlsProxy(upstream: string): Promise<TlsProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'mlw-tls-'));
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=ML Workbench test CA');
  await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(file('san.cnf'), 'subjectAltName = IP:127.0.0.1, DNS:localhost\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\n');
  await openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '2', '-extfile', file('san.cnf'));
  const target = new URL(upstream);
  let forwarded = 0;
  const server = https.createServer({ key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')) }, (request, response) => {
    forwarded++;
    const outgoing = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: { ...request.headers, host: target.host } },
      (incoming) => {
        response.writeHead(incoming.statusCode ?? 502, incoming.headers);
        incoming.pipe(response);
      },
    );
    outgoing.on('error', () => response.destroy());
    request.pipe(outgoing);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caPath: file('ca.pem'),
    forwarded: () => forwarded,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
