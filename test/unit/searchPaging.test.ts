/** Page tokens are byte-for-byte MLflow's (`SearchUtils.create_page_token`), and bad ones fail as in MLflow. */
import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { createPageToken, paginate, parsePageToken } from '../../src/core/tracking/search/index';

test('tokens are base64 of json.dumps({"offset": N})', () => {
  assert.equal(createPageToken(100), 'eyJvZmZzZXQiOiAxMDB9');
  assert.deepEqual(paginate([0, 1, 2, 3, 4], undefined, 2), { items: [0, 1], nextPageToken: 'eyJvZmZzZXQiOiAyfQ==' });
  assert.deepEqual(paginate([0, 1, 2, 3, 4], createPageToken(4), 2), { items: [4] });
  fc.assert(fc.property(fc.nat({ max: 1e9 }).filter((n) => n > 0), (n) => parsePageToken(createPageToken(n)) === n));
});

test("invalid tokens raise MLflow's messages", () => {
  const messageOf = (token: string): string => {
    try {
      parsePageToken(token);
      return 'accepted';
    } catch (error) {
      return (error as Error).message;
    }
  };
  assert.deepEqual(['abc', 'bm90IGpzb24=', 'eyJmb28iOiAxfQ==', 'eyJvZmZzZXQiOiAiYWJjIn0=', 'eyJvZmZzZXQiOiAwfQ=='].map(messageOf), [
    'Invalid page token, could not base64-decode',
    "Invalid page token, decoded value=b'not json'",
    "Invalid page token, parsed value={'foo': 1}",
    'Invalid page token, not stringable abc',
    "Invalid page token, parsed value={'offset': 0}",
  ]);
});
