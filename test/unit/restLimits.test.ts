/**
 * The REST client's bounds against servers that misbehave in ways no real MLflow does: a
 * node:http server on 127.0.0.1 plays the part (test/contract has the real server). Each case
 * would page, wait or recurse for ever without its bound; each must end with a clear error that
 * names the server.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { TrackingError, type TrackingErrorReason } from '../../src/core/tracking/errors.js';
import { restOptionsFromEnvironment } from '../../src/core/tracking/rest/environment.js';
import { RestClient, type RestOptions } from '../../src/core/tracking/rest/http.js';
import { RestTrackingStore } from '../../src/core/tracking/rest/restStore.js';

type Handler = (request: IncomingMessage & { body: string }, response: ServerResponse, index: number) => void;

let server: Server;
let base: string;
let host: string;
let handler: Handler;
let requests: { method: string; url: string; body: string }[];
const open = new Set<ServerResponse>();

before(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: request.method ?? '', url: request.url ?? '', body });
      open.add(response);
      response.on('close', () => open.delete(response));
      handler(Object.assign(request, { body }), response, requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = `http://${host}`;
});

after(async () => {
  for (const response of open) response.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
});

const FAST: RestOptions = { retry: { baseDelayMs: 5, maxDelayMs: 20, maxRetries: 2 } };
const store = (options: RestOptions = {}): RestTrackingStore => new RestTrackingStore(base, { ...FAST, ...options });

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
}

function rejectsWith(reason: TrackingErrorReason, pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof TrackingError, `expected a TrackingError, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

const experiment = (id: number) => ({ experiment_id: String(id), name: `e${id}`, lifecycle_stage: 'active' });
const run = (id: number) => ({ info: { run_id: `r${id}`, run_uuid: `r${id}`, experiment_id: '1', status: 'FINISHED', lifecycle_stage: 'active' }, data: {} });

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main([...argv, '--tracking-uri', base], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

test('a server that repeats next_page_token ends experiments, runs and metric-history with an error naming it, not a loop', { timeout: 30_000 }, async () => {
  handler = (request, response) => {
    if (request.url!.includes('experiments/search')) json(response, 200, { experiments: [experiment(1)], next_page_token: 'same' });
    else if (request.url!.includes('runs/search')) json(response, 200, { runs: [run(requests.length)], next_page_token: 'same' });
    else json(response, 200, { metrics: [{ key: 'loss', value: 1, timestamp: requests.length, step: requests.length }], next_page_token: 'same' });
  };
  const rest = store();
  const endless = rejectsWith('bad-response', new RegExp(`^MLflow server ${host} sent a next_page_token it had already sent while paging`));
  await assert.rejects(rest.searchExperiments(), endless);
  assert.equal(requests.length, 2);
  await assert.rejects(rest.searchRuns({ experimentIds: ['1'] }), endless);
  await assert.rejects(rest.getMetricHistory('r1', 'loss'), rejectsWith('bad-response', /while paging GET \/api\/2.0\/mlflow\/metrics\/get-history \(page 2\)/));
  assert.equal(requests.length, 6);
  rest.dispose();
});

test('a page token given back as the next one, a cycle of tokens, and fresh tokens over the same page all end', { timeout: 30_000 }, async () => {
  const rest = store();
  handler = (_request, response) => json(response, 200, { experiments: [experiment(1)], next_page_token: 'start' });
  await assert.rejects(rest.searchExperiments({ pageToken: 'start' }), rejectsWith('bad-response', /already sent/));
  assert.equal(requests.length, 1);

  requests = [];
  handler = (_request, response, index) => json(response, 200, { experiments: [experiment(index)], next_page_token: ['a', 'b', 'c'][index % 3] });
  await assert.rejects(rest.searchExperiments(), rejectsWith('bad-response', /already sent .*\(page 4\)/));
  assert.equal(requests.length, 4);

  requests = [];
  handler = (_request, response, index) => json(response, 200, { experiments: [experiment(1)], next_page_token: `t${index}` });
  await assert.rejects(rest.searchExperiments(), rejectsWith('bad-response', /sent the same page again under a new next_page_token/));
  assert.equal(requests.length, 2);

  requests = [];
  handler = (_request, response, index) => json(response, 200, { next_page_token: `t${index}` });
  await assert.rejects(rest.searchRuns({ experimentIds: ['1'] }), rejectsWith('bad-response', /sent empty pages that still promised more/));
  assert.equal(requests.length, 2);
  rest.dispose();
});

test('a server that pages properly is read to the end', { timeout: 30_000 }, async () => {
  handler = (request, response) => {
    const token = JSON.parse(request.body).page_token as string | undefined;
    const page = token === undefined ? 0 : Number(token);
    json(response, 200, page < 3 ? { runs: [run(page * 2), run(page * 2 + 1)], next_page_token: String(page + 1) } : { runs: [run(6)] });
  };
  const rest = store();
  const listing = await rest.searchRuns({ experimentIds: ['1'] });
  assert.deepEqual(
    listing.items.map((r) => r.info.run_id),
    ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'],
  );
  rest.dispose();
});

test('the CLI ends endless paging with exit 1 and one line naming the server', { timeout: 30_000 }, async () => {
  handler = (_request, response) => json(response, 200, { experiments: [experiment(1)], next_page_token: 'same' });
  const { code, out, err } = await cli('experiments', '--json');
  assert.equal(code, 1);
  assert.equal(out, '');
  assert.match(err, new RegExp(`^ml-workbench: MLflow server ${host} sent a next_page_token it had already sent .*\\n$`));
});

test('a trickle that never goes silent ends at the deadline per request, not at the silence timeout', { timeout: 30_000 }, async () => {
  handler = (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.write('{"experiments": [');
    const drip = setInterval(() => (response.destroyed ? clearInterval(drip) : response.write(' ')), 20);
    response.on('close', () => clearInterval(drip));
  };
  const client = new RestClient(base, { ...FAST, timeoutMs: 10_000, deadlineMs: 400 });
  await assert.rejects(
    client.json('POST', '/api/2.0/mlflow/experiments/search', { body: {} }),
    rejectsWith('timeout', new RegExp(`^MLflow server ${host} did not finish its answer to POST /api/2.0/mlflow/experiments/search within 0.4 s .*ML_WORKBENCH_HTTP_REQUEST_DEADLINE`)),
  );
  assert.equal(requests.length, 1, 'a deadline is not retried');
  client.dispose();
});

test('ML_WORKBENCH_HTTP_REQUEST_DEADLINE sets the deadline in seconds; unset leaves the default; nonsense is refused', () => {
  assert.equal(restOptionsFromEnvironment({ ML_WORKBENCH_HTTP_REQUEST_DEADLINE: '30' }).deadlineMs, 30_000);
  assert.equal(restOptionsFromEnvironment({}).deadlineMs, undefined);
  for (const value of ['0', '-5', 'soon']) {
    assert.throws(() => restOptionsFromEnvironment({ ML_WORKBENCH_HTTP_REQUEST_DEADLINE: value }), rejectsWith('invalid-argument', /ML_WORKBENCH_HTTP_REQUEST_DEADLINE/));
  }
});

test("a redirect loop ends with 'too many redirects' after a bounded number of hops", { timeout: 30_000 }, async () => {
  handler = (request, response) => response.writeHead(302, { Location: request.url!.startsWith('/a') ? '/b?x=1' : '/a' }).end();
  const client = new RestClient(base, FAST);
  await assert.rejects(client.json('GET', '/a'), rejectsWith('bad-response', new RegExp(`^MLflow server ${host} redirected GET /a more than 5 times \\(too many redirects; the last went to /[ab]\\)`)));
  assert.equal(requests.length, 6);
  client.dispose();
});

test('a 401 to credentials that were sent says they were refused, and never shows them even when the server echoes them', { timeout: 30_000 }, async () => {
  handler = (request, response) => {
    const [scheme, value] = (request.headers.authorization ?? ' ').split(' ');
    const decoded = scheme === 'Basic' ? Buffer.from(value!, 'base64').toString('utf8') : value;
    json(response, 401, { error_code: 'UNAUTHENTICATED', message: `bad credentials ${request.headers.authorization} (${decoded})` });
  };
  const withPassword = new RestClient(base, { ...FAST, auth: { username: 'ada', password: 's3cret-pw' } });
  const refused = (pattern: RegExp) => (error: unknown): boolean => {
    rejectsWith('unauthenticated', pattern)(error);
    assert.doesNotMatch((error as Error).message, /s3cret|tok-123|YWRh/);
    return true;
  };
  await assert.rejects(withPassword.json('GET', '/api/2.0/mlflow/runs/get'), refused(/answered 401 to GET \/api\/2.0\/mlflow\/runs\/get: the server refused the credentials from MLFLOW_TRACKING_USERNAME\/PASSWORD\/TOKEN or ~\/.mlflow\/credentials \(a user name and password\); check them/));
  const withToken = new RestClient(base, { ...FAST, auth: { token: 'tok-123' } });
  await assert.rejects(withToken.json('GET', '/x'), refused(/the server refused the credentials from MLFLOW_TRACKING_USERNAME\/PASSWORD\/TOKEN or ~\/.mlflow\/credentials \(the token, MLFLOW_TRACKING_TOKEN\); check them/));
  const withNothing = new RestClient(base, FAST);
  await assert.rejects(withNothing.json('GET', '/x'), refused(/the server needs a user name and password \(MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD\), and none were sent/));
  for (const client of [withPassword, withToken, withNothing]) client.dispose();
});

test('an answer nested 200,000 deep is a clear error, in the client and in the CLI, never a stack overflow', { timeout: 30_000 }, async () => {
  const depth = 200_000;
  handler = (_request, response) => json(response, 200, `{"experiments": [{"experiment_id": "1", "name": "deep", "tags": ${'['.repeat(depth)}${']'.repeat(depth)}}]}`);
  const rest = store();
  await assert.rejects(rest.searchExperiments(), rejectsWith('bad-response', new RegExp(`^MLflow server ${host} answered POST /api/2.0/mlflow/experiments/search with JSON nested more than 256 levels deep`)));
  rest.dispose();
  const { code, out, err } = await cli('experiments', '--json');
  assert.equal(code, 1);
  assert.equal(out, '');
  assert.doesNotMatch(err, /RangeError|unexpected error|\n\s+at /);
  assert.match(err, /nested more than 256 levels deep/);
});

test('a deep answer within the bound, and strings full of brackets, are read as they came', { timeout: 30_000 }, async () => {
  const nested = JSON.parse(`${'['.repeat(200)}1${']'.repeat(200)}`) as unknown;
  handler = (_request, response) => json(response, 200, { experiments: [{ experiment_id: '1', name: '[[[{{{'.repeat(100), extra: nested }] });
  const rest = store();
  const listing = await rest.searchExperiments();
  assert.deepEqual(listing.items, [{ experiment_id: '1', name: '[[[{{{'.repeat(100), extra: nested }]);
  rest.dispose();
});

test("runs --json (the server's pages read as text) refuses an answer nested 200,000 deep with the same clear error", { timeout: 30_000 }, async () => {
  const depth = 200_000;
  handler = (_request, response) => json(response, 200, `{"runs": [{"info": {"run_id": "r1"}, "data": {"tags": ${'['.repeat(depth)}${']'.repeat(depth)}}}]}`);
  const { code, out, err } = await cli('runs', '--experiment-id', '1', '--json');
  assert.equal(code, 1);
  assert.equal(out, '');
  assert.doesNotMatch(err, /RangeError|unexpected error|\n\s+at /);
  assert.match(err, /answered POST \/api\/2\.0\/mlflow\/runs\/search with JSON nested more than 256 levels deep/);
});

test('a Content-Length the body never reaches (10 GB declared, or 1,000 bytes) is a network error, never a buffer of that size or a cut answer', { timeout: 30_000 }, async () => {
  for (const declared of ['10000000000', '1000']) {
    handler = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': declared });
      response.write('{"runs": [');
      setTimeout(() => response.destroy(), 20);
    };
    const rest = store({ retry: { baseDelayMs: 1, maxDelayMs: 1, maxRetries: 0 } });
    await assert.rejects(
      (async () => {
        for await (const page of rest.searchRunPagesJson({ experimentIds: ['1'] })) void page;
      })(),
      (error: unknown) => {
        rejectsWith('network', new RegExp(`^Cannot reach MLflow server ${host} for POST /api/2.0/mlflow/runs/search: ECONNRESET`))(error);
        assert.doesNotMatch((error as Error).message, /range|alloc|size/i);
        return true;
      },
      declared,
    );
    await assert.rejects(rest.searchRuns({ experimentIds: ['1'] }), rejectsWith('network', /./), declared);
    rest.dispose();
  }
});
