/**
 * A full runs listing from a server is printed page by page: the CLI writes a page before it has
 * asked for more than the next one, and the printed JSON is byte for byte the one-piece answer.
 * A throwaway node:http server pages 11 runs by the page size asked (no MLflow: the contract suite
 * checks the same listing against MLflow's answer on real servers).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import type { Run } from '../../src/core/tracking/entities.js';
import { RestTrackingStore } from '../../src/core/tracking/rest/restStore.js';

const RUNS: Run[] = Array.from({ length: 11 }, (_, i) => ({
  info: { run_id: `r${i}`, run_uuid: `r${i}`, experiment_id: '0', status: 'FINISHED', start_time: 1_700_000_000_000 - i, lifecycle_stage: 'active', run_name: `run <${i}>` },
  data: { metrics: [{ key: 'm', value: i, timestamp: 1, step: 0 }], params: [{ key: 'p', value: 'ü\n"' }] },
})) as unknown as Run[];

let server: Server;
let url: string;
let searches: { pageSize: number; token: string | undefined; filter?: string; orderBy?: string[] }[];
let empty: boolean;
/** Tokens as MLflow's SearchUtils makes them (base64 of {"offset": N}), answered after a delay; `tokenFrom` breaks the pattern from that offset on. */
let mlflowTokens: { delayMs: number; tokenFrom?: number } | undefined;
/** Answers as MLflow's server prints them (indented), or this page's bytes instead of the answer. */
let indent: number | undefined;
let rawPage: { offset: number; body: Buffer } | undefined;
let inFlight = 0;
let mostInFlight = 0;
const mlflowToken = (offset: number): string => Buffer.from(`{"offset": ${offset}}`).toString('base64');

before(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.url?.startsWith('/api/2.0/mlflow/experiments/search')) {
        response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ experiments: [{ experiment_id: '0', name: 'Default' }] }));
        return;
      }
      const query = JSON.parse(body) as { max_results: number; page_token?: string; filter?: string; order_by?: string[] };
      searches.push({ pageSize: query.max_results, token: query.page_token, ...(query.filter ? { filter: query.filter } : {}), ...(query.order_by ? { orderBy: query.order_by } : {}) });
      const token = query.page_token;
      const offset = token === undefined ? 0 : token.startsWith('x') ? Number(token.slice(1)) : mlflowTokens ? (JSON.parse(Buffer.from(token, 'base64').toString()) as { offset: number }).offset : Number(token);
      const runs = empty ? [] : RUNS.slice(offset, offset + query.max_results);
      const end = offset + query.max_results;
      const next = end < (empty ? 0 : RUNS.length) ? (mlflowTokens ? (mlflowTokens.tokenFrom !== undefined && end >= mlflowTokens.tokenFrom ? `x${end}` : mlflowToken(end)) : String(end)) : undefined;
      const text = JSON.stringify({ ...(runs.length ? { runs } : {}), ...(next ? { next_page_token: next } : {}) }, null, indent);
      const answer = (): void => void response.writeHead(200, { 'Content-Type': 'application/json' }).end(rawPage?.offset === offset ? rawPage.body : text);
      if (!mlflowTokens) return answer();
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      setTimeout(() => (inFlight--, answer()), mlflowTokens.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

beforeEach(() => {
  searches = [];
  empty = false;
  indent = undefined;
  rawPage = undefined;
  mlflowTokens = undefined;
  mostInFlight = 0;
});

test('the CLI prints each page before asking past the next one, and prints exactly the one-piece JSON', async () => {
  const chunks: { text: string; searchesSoFar: number }[] = [];
  const code = await main(['runs', '--tracking-uri', url, '--json', '--page-size', '3'], {
    out: async (text: string) => {
      chunks.push({ text, searchesSoFar: searches.length });
      // A slow reader: the listing waits for it.
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
    err: () => undefined,
  });
  assert.equal(code, 0);
  assert.equal(chunks.map((c) => c.text).join(''), `${JSON.stringify({ runs: RUNS })}\n`);
  assert.deepEqual(
    searches.map((s) => [s.pageSize, s.token]),
    [
      [3, undefined],
      [3, '3'],
      [3, '6'],
      [3, '9'],
    ],
  );
  // Page k (0-based) is written when at most pages 0..k+1 have been asked for: never the whole listing first.
  const written = chunks.slice(0, 4).map((c) => c.searchesSoFar);
  assert.ok(
    written.every((count, k) => count <= k + 2),
    `requests seen when each page was written: ${written.join(', ')}`,
  );
});

test('no runs: {} as MLflow answers it', async () => {
  empty = true;
  let printed = '';
  const code = await main(['runs', '--tracking-uri', url, '--json'], { out: (text: string) => (printed += text), err: () => undefined });
  assert.equal(code, 0);
  assert.equal(printed, '{}\n');
  assert.deepEqual(searches, [{ pageSize: 1000, token: undefined }]);
});

test('a caller that stops after the first page: the one request asked for ahead is aborted, nothing dangling', async () => {
  const store = new RestTrackingStore(url);
  const seen: string[] = [];
  for await (const page of store.searchRunPages({ experimentIds: ['0'], pageSize: 2 })) {
    seen.push(...page.items.map((run) => run.info.run_id));
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(seen, ['r0', 'r1']);
  // The page ahead was asked for while the first was read, and aborted when the caller stopped (before or after it reached the server).
  assert.ok(searches.length >= 1 && searches.length <= 2, `${searches.length} searches`);
  store.dispose();
});

test('a filter and an order go to the server with every page (pushed down, never applied here)', async () => {
  let printed = '';
  const code = await main(['runs', '--tracking-uri', url, '--json', '--page-size', '5', '--filter', 'metrics.m > 1', '--order-by', 'metrics.m DESC'], {
    out: (text: string) => (printed += text),
    err: () => undefined,
  });
  assert.equal(code, 0);
  // The fake server ignores the filter: whatever it answers is printed as it came.
  assert.equal(printed, `${JSON.stringify({ runs: RUNS })}\n`);
  assert.deepEqual(
    searches.map((s) => [s.filter, s.orderBy, s.token]),
    [
      ['metrics.m > 1', ['metrics.m DESC'], undefined],
      ['metrics.m > 1', ['metrics.m DESC'], '5'],
      ['metrics.m > 1', ['metrics.m DESC'], '10'],
    ],
  );
});

test("MLflow's offset tokens: the next pages are asked for side by side (3 at a time), and the listing is the same, in order", async () => {
  mlflowTokens = { delayMs: 30 };
  const store = new RestTrackingStore(url);
  const seen: string[] = [];
  for await (const page of store.searchRunPages({ experimentIds: ['0'], pageSize: 2 })) seen.push(...page.items.map((run) => run.info.run_id));
  assert.deepEqual(seen, RUNS.map((run) => run.info.run_id));
  assert.equal(mostInFlight, 3, 'three pages in flight at most');
  // The pages asked for ahead past the end come back empty and are not shown.
  assert.deepEqual(searches.slice(0, 4).map((s) => s.token), [undefined, mlflowToken(2), mlflowToken(4), mlflowToken(6)]);
  store.dispose();
});

test('a token that is not the offset foreseen: the pages asked for ahead are dropped and the rest comes in turn, the listing unchanged', async () => {
  mlflowTokens = { delayMs: 10, tokenFrom: 6 };
  const store = new RestTrackingStore(url);
  const seen: string[] = [];
  for await (const page of store.searchRunPages({ experimentIds: ['0'], pageSize: 2 })) seen.push(...page.items.map((run) => run.info.run_id));
  assert.deepEqual(seen, RUNS.map((run) => run.info.run_id));
  assert.ok(searches.some((s) => s.token === 'x6'), 'went on from the server\'s own token');
  store.dispose();
});

/** The CLI's --json listing of every run, through main() as the command line runs it. */
async function cliListing(extra: string[] = []): Promise<{ code: number; printed: string; errors: string; released: number; byteWrites: number }> {
  let printed = '';
  let errors = '';
  let released = 0;
  let byteWrites = 0;
  const code = await main(['runs', '--tracking-uri', url, '--json', '--page-size', '3', ...extra], {
    out: (text: string) => (printed += text),
    outBytes: (bytes: Uint8Array) => {
      byteWrites++;
      printed += Buffer.from(bytes).toString('utf8');
    },
    err: (text: string) => (errors += text),
    released: () => released++,
  });
  return { code, printed, errors, released, byteWrites };
}

test("a server's answers printed as their own JSON text, compacted (no run made an object): MLflow's indented pages print as the one-piece JSON, and each page printed is let go", async () => {
  indent = 2;
  const listing = await cliListing();
  assert.equal(listing.code, 0, listing.errors);
  assert.equal(listing.printed, `${JSON.stringify({ runs: RUNS })}\n`);
  assert.equal(listing.byteWrites, 4, 'each page written as bytes');
  assert.equal(listing.released, 3, 'each page let go when the next one is there: between the 4 pages');
});

test('the pages as JSON text are the pages searchRunPages reads, with MLflow\'s offset tokens three in flight', async () => {
  mlflowTokens = { delayMs: 10 };
  indent = 1;
  const store = new RestTrackingStore(url);
  const objects: unknown[][] = [];
  for await (const page of store.searchRunPages({ experimentIds: ['0'], pageSize: 4 })) objects.push([...page.items]);
  mostInFlight = 0;
  const texts: unknown[][] = [];
  for await (const page of store.searchRunPagesJson({ experimentIds: ['0'], pageSize: 4 })) {
    const runs = JSON.parse(`[${Buffer.from(page.json).toString('utf8')}]`) as unknown[];
    assert.equal(page.count, runs.length);
    texts.push(runs);
  }
  assert.deepEqual(texts, objects);
  assert.deepEqual(texts.flat(), RUNS);
  assert.equal(mostInFlight, 3);
  store.dispose();
});

test('a page that is not UTF-8 is parsed as before (U+FFFD in place of the bad bytes), the rest printed as text', async () => {
  const page = JSON.stringify({ runs: RUNS.slice(3, 6), next_page_token: '6' });
  const at = page.indexOf('run <3>') + 4;
  rawPage = { offset: 3, body: Buffer.concat([Buffer.from(page.slice(0, at)), Buffer.from([0xff]), Buffer.from(page.slice(at))]) };
  const listing = await cliListing();
  assert.equal(listing.code, 0, listing.errors);
  const expected = structuredClone(RUNS) as unknown as { info: { run_name: string } }[];
  expected[3]!.info.run_name = 'run \ufffd<3>';
  assert.equal(listing.printed, `${JSON.stringify({ runs: expected })}\n`);
});

test('a page that is not JSON, or whose runs are not a list: the listing stops with the error the objects path gives, on both paths', async () => {
  for (const [body, message] of [
    ['{"runs": [{"info": ', /answered POST \/api\/2\.0\/mlflow\/runs\/search with text that is not JSON/],
    ['<html>sign in</html>', /with text that is not JSON/],
    ['{"runs": {"info": {}}}', /with JSON whose runs is not a list/],
  ] as const) {
    rawPage = { offset: 3, body: Buffer.from(body) };
    const listing = await cliListing();
    assert.equal(listing.code, 1, body);
    assert.match(listing.errors, message);
    assert.ok(listing.printed.startsWith('{"runs":['), 'the first page was printed before');
    const store = new RestTrackingStore(url);
    await assert.rejects(async () => {
      for await (const page of store.searchRunPages({ experimentIds: ['0'], pageSize: 3 })) void page;
    }, message);
    store.dispose();
  }
});

test('a listing that ends aborts the pages it asked for ahead: none is retried or asked again after the end', async () => {
  mlflowTokens = { delayMs: 150 };
  // Retries quickly, so that one would be seen here.
  const store = new RestTrackingStore(url, { retry: { maxRetries: 4, baseDelayMs: 20, maxDelayMs: 50, maxRetryAfterMs: 50 } });
  const seen: string[] = [];
  for await (const page of store.searchRunPagesJson({ experimentIds: ['0'], pageSize: 5 })) seen.push(...(JSON.parse(`[${Buffer.from(page.json).toString('utf8')}]`) as Run[]).map((run) => run.info.run_id));
  assert.deepEqual(seen, RUNS.map((run) => run.info.run_id));
  // The pages asked for past the end were still with the server: dispose() closes the connections under them.
  store.dispose();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const tokens = searches.map((s) => s.token ?? '');
  assert.equal(new Set(tokens).size, tokens.length, `each page asked for once, none retried after the end: ${tokens.join(', ')}`);
});
