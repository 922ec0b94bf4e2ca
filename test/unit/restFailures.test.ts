/**
 * Failure injection for the REST client: a throwaway node:http server on 127.0.0.1 answers what
 * a broken proxy or an overloaded server would. Not a stand-in for MLflow (test/contract has the
 * real server); every answer here is one MLflow's client has to survive.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import type { Logger } from '../../src/core/log.js';
import { TrackingError, type TrackingErrorReason } from '../../src/core/tracking/errors.js';
import { MAX_CREDENTIAL_ASKS, RestClient, type CredentialsRequest, type RestOptions } from '../../src/core/tracking/rest/http.js';
import { RestTrackingStore } from '../../src/core/tracking/rest/restStore.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: string;
}

type Handler = (request: Seen, response: ServerResponse, index: number) => void;

let server: Server;
let base: string;
let handler: Handler;
let seen: Seen[];
const hanging = new Set<ServerResponse>();

before(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: Seen = {
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization,
        contentType: request.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(entry);
      handler(entry, response, seen.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const response of hanging) response.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
});

const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20 };
const client = (options: RestOptions = {}): RestClient => new RestClient(base, { retry: FAST_RETRY, ...options });

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function recording(lines: string[]): Logger {
  const push = (message: string | Error): void => void lines.push(String(message));
  return { trace: push, info: push, warn: push, error: push };
}

const hang: Handler = (_request, response) => {
  hanging.add(response);
};

function rejectsWith(reason: TrackingErrorReason, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof TrackingError, `expected a TrackingError, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

test("an HTML page with status 200 is a 'bad-response' naming the host and endpoint", async () => {
  handler = (_request, response) => response.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><body>Sign in</body></html>');
  const host = new URL(base).host;
  await assert.rejects(
    client().json('GET', '/api/2.0/mlflow/runs/get', { query: { run_id: 'r' } }),
    rejectsWith('bad-response', new RegExp(`MLflow server ${host} answered GET /api/2.0/mlflow/runs/get with an HTML page .*Sign in`)),
  );
  assert.equal(seen.length, 1);
});

test('a 500 then a 200 is retried once and succeeds', async () => {
  handler = (_request, response, index) => (index === 0 ? json(response, 500, { error_code: 'INTERNAL_ERROR', message: 'boom' }) : json(response, 200, { ok: true }));
  assert.deepEqual(await client().json('GET', '/x'), { ok: true });
  assert.equal(seen.length, 2);
});

test("503 on every try is a 'server-error' after exactly the retry budget", async () => {
  handler = (_request, response) => json(response, 503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' });
  await assert.rejects(
    client({ retry: { ...FAST_RETRY, maxRetries: 2 } }).json('POST', '/api/2.0/mlflow/runs/search', { body: {} }),
    rejectsWith('server-error', /answered 503 to POST \/api\/2.0\/mlflow\/runs\/search: TEMPORARILY_UNAVAILABLE: busy/),
  );
  assert.equal(seen.length, 3);
});

test('429 with Retry-After: 1 waits that second, not the short back-off', { timeout: 30_000 }, async () => {
  handler = (_request, response, index) => (index === 0 ? json(response, 429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }, { 'Retry-After': '1' }) : json(response, 200, {}));
  const lines: string[] = [];
  await client({ logger: recording(lines) }).json('GET', '/x');
  assert.equal(seen.length, 2);
  // The wait it chose: the server's second, where the back-off alone would be at most 20 ms.
  assert.deepEqual(lines.filter((line) => line.includes('retrying')), ['GET /x: 429, retrying in 1000 ms']);
});

test("a server that never answers is a 'timeout' naming the configured timeout, without retries", { timeout: 30_000 }, async () => {
  handler = hang;
  await assert.rejects(client({ timeoutMs: 300 }).json('GET', '/api/2.0/mlflow/experiments/search'), rejectsWith('timeout', /did not answer GET \/api\/2.0\/mlflow\/experiments\/search within 0.3 s/));
  assert.equal(seen.length, 1);
});

// The client's own timeout is far beyond the test's: only the abort can end these requests, and a
// client that ignored it would hit the test's hang guard. How fast an abort settles: npm run bench:failures.
test('an abort mid-request rejects with AbortError and closes the connection', { timeout: 30_000 }, async () => {
  const closed = new Promise<void>((resolve) => {
    handler = (request, response, index) => {
      hang(request, response, index);
      response.once('close', () => resolve());
    };
  });
  const controller = new AbortController();
  const pending = client({ timeoutMs: 600_000 }).json('GET', '/x', { signal: controller.signal });
  while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  controller.abort();
  await assert.rejects(pending, { name: 'AbortError' });
  await closed;
});

test('an abort during the back-off stops the retries', { timeout: 10_000 }, async () => {
  handler = (_request, response) => json(response, 503, {}, { 'Retry-After': '30' });
  const lines: string[] = [];
  const controller = new AbortController();
  const pending = client({ logger: recording(lines) }).json('GET', '/x', { signal: controller.signal });
  while (!lines.some((line) => line.includes('retrying'))) await new Promise((resolve) => setTimeout(resolve, 10));
  controller.abort();
  await assert.rejects(pending, { name: 'AbortError' });
  assert.equal(seen.length, 1);
});

const ADA = `Basic ${Buffer.from('ada:pw').toString('base64')}`;

test('a 401 asks the credentials callback once, then succeeds and keeps the answer for later calls', async () => {
  handler = (request, response) => (request.authorization === ADA ? json(response, 200, { ok: 1 }) : json(response, 401, { error_code: 'UNAUTHENTICATED', message: 'who?' }));
  let asked = 0;
  const rest = client({ credentials: async () => (asked++, { username: 'ada', password: 'pw' }) });
  assert.deepEqual(await rest.json('GET', '/x'), { ok: 1 });
  assert.deepEqual(await rest.json('GET', '/y'), { ok: 1 });
  assert.equal(asked, 1);
  assert.deepEqual(
    seen.map((s) => s.authorization),
    [undefined, ADA, ADA],
  );
});

test("a refused answer is asked for again, told so, up to 3 times a request; then the 401 is 'unauthenticated' (typed: challenge, what was sent)", async () => {
  handler = (_request, response) => response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="mlflow"' }).end('You are not authenticated.');
  const requests: CredentialsRequest[] = [];
  const rest = client({ credentials: async (request) => (requests.push(request), { username: 'ada', password: 'wrong' }) });
  await assert.rejects(rest.json('GET', '/api/2.0/mlflow/runs/get'), (error: unknown) => {
    rejectsWith('unauthenticated', /answered 401 to GET \/api\/2.0\/mlflow\/runs\/get: the server refused the credentials entered/)(error);
    assert.deepEqual((error as TrackingError).authentication, { scheme: 'Basic', realm: 'mlflow', sent: 'asked' });
    return true;
  });
  const asked = { host: new URL(base).host, scheme: 'Basic', realm: 'mlflow' };
  assert.deepEqual(requests, [{ ...asked, refused: false }, { ...asked, refused: true }, { ...asked, refused: true }]);
  assert.equal(requests.length, MAX_CREDENTIAL_ASKS);
  assert.equal(seen.length, 1 + MAX_CREDENTIAL_ASKS, 'the request, then once per answer');
  // The next call (a password changed mid-session): asked again, told the last answer was refused.
  await assert.rejects(rest.json('GET', '/x'), rejectsWith('unauthenticated'));
  assert.deepEqual(requests.slice(MAX_CREDENTIAL_ASKS).map((r) => r.refused), [true, true, true]);
});

test('a wrong password then the right one: the request goes through on the second answer; no answer stops asking', async () => {
  handler = (request, response) => {
    if (request.authorization === `Basic ${Buffer.from('ada:right').toString('base64')}`) response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    else response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="mlflow"' }).end();
  };
  const answers = [{ username: 'ada', password: 'wrong' }, { username: 'ada', password: 'right' }];
  const refused: boolean[] = [];
  const rest = client({ credentials: async (request) => (refused.push(request.refused), answers.shift()) });
  assert.deepEqual(await rest.json('GET', '/x'), { ok: true });
  assert.deepEqual(refused, [false, true]);
  // The user cancels (no answer): no further question within the request.
  let cancelledAsks = 0;
  const cancelling = client({ credentials: async () => (cancelledAsks++, undefined) });
  await assert.rejects(cancelling.json('GET', '/x'), rejectsWith('unauthenticated'));
  assert.equal(cancelledAsks, 1);
});

test("no callback: a 401 is 'unauthenticated' with what the server challenged and that nothing was sent", async () => {
  handler = (_request, response) => response.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="a \\"quoted\\" realm", error="invalid_token"' }).end();
  await assert.rejects(client().json('GET', '/x'), (error: unknown) => {
    rejectsWith('unauthenticated', /needs a user name and password/)(error);
    assert.deepEqual((error as TrackingError).authentication, { scheme: 'Bearer', realm: 'a "quoted" realm', sent: 'nothing' });
    return true;
  });
});

test('given credentials are never replaced by asking; Basic wins over Bearer, Bearer alone is sent', async () => {
  handler = (_request, response) => json(response, 401, { error_code: 'UNAUTHENTICATED', message: 'no' });
  let asked = 0;
  const credentials = async () => (asked++, { username: 'x', password: 'y' });
  const givenRefused = (error: unknown): boolean => {
    rejectsWith('unauthenticated', /refused the credentials from MLFLOW_TRACKING_USERNAME\/PASSWORD\/TOKEN or ~\/.mlflow\/credentials/)(error);
    assert.equal((error as TrackingError).authentication?.sent, 'given');
    return true;
  };
  await assert.rejects(client({ auth: { username: 'ada', password: 'pw', token: 't' }, credentials }).json('GET', '/x'), givenRefused);
  await assert.rejects(client({ auth: { token: 't' }, credentials }).json('GET', '/x'), givenRefused);
  assert.equal(asked, 0);
  assert.deepEqual(
    seen.map((s) => s.authorization),
    [ADA, 'Bearer t'],
  );
});

test('MLflow errors map to reasons and keep its message', async () => {
  handler = (request, response) => {
    if (request.url.includes('bad')) json(response, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid value 'x' for parameter 'max_results'" });
    else if (request.url.includes('missing')) json(response, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Run 'r' not found" });
    else response.writeHead(403, { 'Content-Type': 'text/plain' }).end('Invalid Host header');
  };
  const rest = client();
  await assert.rejects(rest.json('GET', '/bad'), rejectsWith('invalid-argument', /INVALID_PARAMETER_VALUE: Invalid value 'x' for parameter 'max_results'$/));
  await assert.rejects(rest.json('GET', '/missing'), rejectsWith('not-found', /RESOURCE_DOES_NOT_EXIST: Run 'r' not found$/));
  await assert.rejects(rest.json('GET', '/forbidden'), rejectsWith('forbidden', /--allowed-hosts/));
});

test("nobody listening is a 'network' error without a retry", { timeout: 10_000 }, async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const lines: string[] = [];
  await assert.rejects(new RestClient(`http://127.0.0.1:${port}`, { logger: recording(lines) }).json('GET', '/x'), rejectsWith('network', /ECONNREFUSED/));
  assert.deepEqual(lines.filter((line) => line.includes('retrying')), []);
});

test('the store keeps the path prefix, posts JSON and sends repeated query keys', async () => {
  handler = (_request, response) => json(response, 200, {});
  const store = new RestTrackingStore(`${base}/mlflow-prefix/`, { retry: FAST_RETRY });
  assert.equal(store.label, `server: ${new URL(base).host}`);
  await store.searchRuns({ experimentIds: ['1'], filter: 'metrics.acc > 0.5', maxResults: 5 });
  await store.getMetricHistoryBulkInterval({ runIds: Array.from({ length: 150 }, (_, i) => `r${i}`), metricKey: 'loss', maxResults: 10 });
  assert.equal(seen[0]!.method, 'POST');
  assert.equal(seen[0]!.url, '/mlflow-prefix/api/2.0/mlflow/runs/search');
  assert.equal(seen[0]!.contentType, 'application/json');
  assert.deepEqual(JSON.parse(seen[0]!.body), { experiment_ids: ['1'], filter: 'metrics.acc > 0.5', max_results: 5 });
  const batches = seen.slice(1).map((s) => new URL(s.url, base).searchParams.getAll('run_ids').length);
  assert.deepEqual(batches, [100, 50]);
  assert.equal(new URL(seen[1]!.url, base).pathname, '/mlflow-prefix/api/2.0/mlflow/metrics/get-history-bulk-interval');
  store.dispose();
});

test("readArtifact refuses more than maxBytes, by Content-Length and by counting a chunked body", async () => {
  handler = (request, response) => {
    if (request.url.includes('declared')) response.writeHead(200, { 'Content-Length': '1000' }).end(Buffer.alloc(1000));
    else {
      response.writeHead(200);
      response.write(Buffer.alloc(600));
      response.end(Buffer.alloc(600));
    }
  };
  const store = new RestTrackingStore(base, { retry: FAST_RETRY });
  await assert.rejects(store.readArtifact('r', 'declared.bin', { maxBytes: 999 }), rejectsWith('too-large', /1000 bytes .*the limit is 999 bytes/));
  await assert.rejects(store.readArtifact('r', 'chunked.bin', { maxBytes: 1_000 }), rejectsWith('too-large', /more than 1000 bytes/));
  assert.equal((await store.readArtifact('r', 'chunked.bin', { maxBytes: 1_200 })).byteLength, 1_200);
  assert.equal(new URL(seen[0]!.url, base).pathname, '/get-artifact');
  store.dispose();
});

test('the log gets method, path, status and duration, never credentials or the query', async () => {
  handler = (_request, response, index) => (index === 0 ? json(response, 502, {}) : json(response, 200, {}));
  const lines: string[] = [];
  const logger = { trace: (m: string) => lines.push(m), info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string | Error) => lines.push(String(m)) };
  await client({ auth: { username: 'ada', password: 'secret-pw', token: 'secret-token' }, logger }).json('GET', '/api/x', { query: { run_id: 'secret-query' } });
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^GET \/api\/x 502 \d+ ms$/);
  assert.match(lines[1]!, /^GET \/api\/x: 502, retrying in \d+ ms$/);
  assert.match(lines[2]!, /^GET \/api\/x 200 \d+ ms$/);
  assert.doesNotMatch(lines.join('\n'), /secret|YWRh/);
});

test('redirects are followed: 307 keeps the method, body and credentials; another origin gets no credentials', async () => {
  const other = createServer((request, response) => json(response, 200, { elsewhere: request.url, authorization: request.headers.authorization ?? null }));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  handler = (request, response) => {
    if (request.url === '/old') response.writeHead(307, { Location: '/new' }).end();
    else if (request.url === '/away') response.writeHead(302, { Location: `${otherOrigin}/landing` }).end();
    else json(response, 200, { at: request.url });
  };
  try {
    const rest = client({ auth: { token: 't' } });
    assert.deepEqual(await rest.json('POST', '/old', { body: { a: 1 } }), { at: '/new' });
    assert.deepEqual(await rest.json('GET', '/away'), { elsewhere: '/landing', authorization: null });
    assert.deepEqual(
      seen.map((s) => [s.method, s.url, s.authorization, s.body]),
      [
        ['POST', '/old', 'Bearer t', '{"a":1}'],
        ['POST', '/new', 'Bearer t', '{"a":1}'],
        ['GET', '/away', 'Bearer t', ''],
      ],
    );
    rest.dispose();
  } finally {
    other.closeAllConnections();
    await new Promise((resolve) => other.close(resolve));
  }
});
