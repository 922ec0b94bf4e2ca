/**
 * runsPageBytes reads a runs/search answer without making objects of its runs: it must accept
 * exactly JSON (never what JSON.parse refuses), give the same runs and token JSON.parse would,
 * and change nothing of an answer it refuses (the caller parses that one instead).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAX_JSON_DEPTH } from '../../src/core/tracking/rest/jsonDepth.js';
import { runsPageBytes } from '../../src/core/tracking/rest/runsPageBytes.js';

/** What the objects path reads from the same answer: the runs, as JSON.stringify prints them, and the token. */
function parsed(text: string): { runs: unknown[]; token: string | undefined } {
  const page = JSON.parse(text) as { runs?: unknown[] | null; next_page_token?: string | null };
  return { runs: page.runs ?? [], token: page.next_page_token || undefined };
}

function read(text: string | Buffer): { runs: unknown[]; count: number; token: string | undefined } | undefined {
  const body = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const page = runsPageBytes(body, MAX_JSON_DEPTH);
  if (!page) return undefined;
  return { runs: JSON.parse(`[${page.runs.toString('utf8')}]`) as unknown[], count: page.count, token: page.nextPageToken };
}

const page = fc.record(
  {
    runs: fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 6 }),
    next_page_token: fc.oneof(fc.string(), fc.constant(null)),
    other: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: [] },
);

test('any answer of runs and a token, however indented: the same runs, count and token as JSON.parse', () => {
  fc.assert(
    fc.property(page, fc.constantFrom(undefined, 0, 1, 2, '\t', ' \r\n'), (answer, indent) => {
      const text = JSON.stringify(answer, null, indent as string | number | undefined);
      const bytes = read(text);
      assert.ok(bytes, text);
      const expected = parsed(text);
      assert.deepEqual(bytes.runs, expected.runs);
      assert.equal(bytes.count, expected.runs.length);
      assert.equal(bytes.token, expected.token);
    }),
    { numRuns: 500 },
  );
});

test('never accepts what JSON.parse refuses, and agrees with it on what both accept (cut, changed or grown answers)', () => {
  const mutated = fc
    .tuple(page, fc.nat(), fc.constantFrom('cut', 'byte', 'insert'), fc.constantFrom(...'{}[]",:\\ 0-.eE+tfnu\u0001x'.split('')))
    .map(([answer, at, how, ch]) => {
      const text = JSON.stringify(answer, null, at % 3);
      const i = at % (text.length + 1);
      if (how === 'cut') return text.slice(0, i);
      if (how === 'byte') return text.slice(0, i) + ch + text.slice(i + 1);
      return text.slice(0, i) + ch + text.slice(i);
    });
  fc.assert(
    fc.property(fc.oneof(mutated, fc.string()), (text) => {
      let expected: ReturnType<typeof parsed> | undefined;
      try {
        const value = JSON.parse(text) as unknown;
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) expected = parsed(text);
      } catch {
        expected = undefined;
      }
      const body = Buffer.from(text, 'utf8');
      const before = Buffer.from(body);
      const bytes = runsPageBytes(body, MAX_JSON_DEPTH);
      if (bytes === undefined) {
        assert.ok(body.equals(before), 'a refused answer is left as it came');
        return;
      }
      assert.ok(expected, `accepted what JSON.parse refuses (or not an object): ${JSON.stringify(text)}`);
      if (!Array.isArray(expected.runs)) assert.fail(`accepted runs that are not a list: ${text}`);
      assert.deepEqual(JSON.parse(`[${bytes.runs.toString('utf8')}]`), expected.runs);
      assert.equal(bytes.nextPageToken, typeof expected.token === 'string' ? expected.token : undefined);
    }),
    { numRuns: 3000 },
  );
});

test("values are kept byte for byte: numbers (exact past 2^53), escapes, HTML and whitespace inside strings", () => {
  const text = '{ "runs" : [ { "info" : { "run_name" : "a  b\\n<script>\\u0041</script>" , "big" : 12345678901234567890123 , "small" : 1E-7 , "neg" : -0.50 } } ,\n [ ] , { } ] }';
  const result = runsPageBytes(Buffer.from(text), MAX_JSON_DEPTH);
  assert.ok(result);
  assert.equal(result.runs.toString(), '{"info":{"run_name":"a  b\\n<script>\\u0041</script>","big":12345678901234567890123,"small":1E-7,"neg":-0.50}},[],{}');
  assert.equal(result.count, 3);
});

test('the root keys alone count: a run holding "runs" or "next_page_token" is a run; the last of a repeated key wins; an escaped key is its text', () => {
  assert.deepEqual(read('{"runs":[{"runs":[1,2],"next_page_token":"no"}],"next_page_token":"yes"}'), { runs: [{ runs: [1, 2], next_page_token: 'no' }], count: 1, token: 'yes' });
  assert.deepEqual(read('{"runs":[1],"runs":[2,3],"next_page_token":"a","next_page_token":"b"}'), { runs: [2, 3], count: 2, token: 'b' });
  assert.deepEqual(read('{"run\\u0073":[{"a":1}],"next_page_token":"t\\u00fc"}'), { runs: [{ a: 1 }], count: 1, token: 'tü' });
});

test('no runs, null runs, an empty or null token: no runs and no token, as the objects path reads them', () => {
  assert.deepEqual(read('{}'), { runs: [], count: 0, token: undefined });
  assert.deepEqual(read('{"runs":null,"next_page_token":null}'), { runs: [], count: 0, token: undefined });
  assert.deepEqual(read('{"runs":[],"next_page_token":""}'), { runs: [], count: 0, token: undefined });
});

test('refused, for the caller to parse and report: not UTF-8, too deep, not an object, runs not a list, a token not a string', () => {
  const invalidUtf8 = Buffer.concat([Buffer.from('{"runs":[{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]);
  assert.equal(runsPageBytes(invalidUtf8, MAX_JSON_DEPTH), undefined);
  const deep = `{"runs":[${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}]}`;
  assert.equal(runsPageBytes(Buffer.from(deep), MAX_JSON_DEPTH), undefined);
  const deepest = `{"runs":[${'['.repeat(MAX_JSON_DEPTH - 2)}${']'.repeat(MAX_JSON_DEPTH - 2)}]}`;
  assert.ok(runsPageBytes(Buffer.from(deepest), MAX_JSON_DEPTH), 'exactly the limit deep is read');
  const notJson = ['{"runs":[01]}', '{"runs":[1.]}', '{"runs":[.5]}', '{"runs":[1e]}', '{"runs":[-]}', '{"runs":[+1]}', '{"runs":["\\x"]}', '{"runs":["\\u12G4"]}', '{"runs":[tru]}', '{"runs":[1,]}', '{"a":1,}', '{"runs":["a\tb"]}', "{'runs':[]}", '{"runs":[NaN]}'];
  for (const text of notJson) assert.throws(() => JSON.parse(text), text);
  for (const text of [...notJson, '[]', '"runs"', '', '   ', '{"runs":{"a":1}}', '{"runs":"x"}', '{"runs":[],"next_page_token":7}', '<html>login</html>', '{"runs":[]} {}']) {
    assert.equal(runsPageBytes(Buffer.from(text), MAX_JSON_DEPTH), undefined, text);
  }
});

test('a page of 1,000 runs with 2-space indents (as MLflow prints) reads in one pass: compacted, counted, the token decoded', () => {
  const runs = Array.from({ length: 1000 }, (_, i) => ({ info: { run_id: `r${i}`, run_name: `run ${i}` }, data: { metrics: [{ key: 'm', value: i / 3, timestamp: 1, step: 0 }], params: [{ key: 'p', value: 'x' }] } }));
  const text = JSON.stringify({ runs, next_page_token: Buffer.from('{"offset": 1000}').toString('base64') }, null, 2);
  const result = runsPageBytes(Buffer.from(text), MAX_JSON_DEPTH);
  assert.ok(result);
  assert.equal(result.count, 1000);
  assert.equal(result.runs.toString(), runs.map((run) => JSON.stringify(run)).join(','));
  assert.equal(result.nextPageToken, 'eyJvZmZzZXQiOiAxMDAwfQ==');
});
