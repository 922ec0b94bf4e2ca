/**
 * Params and metrics files parsed by content key: a file read from git (or the DVC cache) with a
 * key is parsed once for every commit that shares it, and each caller still gets a value of its
 * own (templating merges into what it gets); a file that cannot be parsed fails the same way each
 * time; a file without a key (the work tree) is parsed every time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseValues, ValuesFileError } from '../../src/core/dvc/files/values.js';

describe('params and metrics files memoised by content key', () => {
  it('each caller gets its own copy of a shared parse', () => {
    const file = { text: 'train:\n  lr: 0.1\n  layers: [8, 4]\n', utf8: true, oid: 'a'.repeat(40) };
    const first = parseValues('params.yaml', file) as { train: { lr: number; layers: bigint[] } };
    first.train.lr = 99;
    first.train.layers.push(1n);
    assert.deepEqual(parseValues('params.yaml', file), { train: { lr: 0.1, layers: [8n, 4n] } });
  });

  it('an unreadable file fails each time with the same type and its own path in the message', () => {
    const file = { text: '{"depth": ', utf8: true, oid: 'b'.repeat(40) };
    for (const path of ['config.json', 'config.json', 'other/config.json']) {
      assert.throws(
        () => parseValues(path, file),
        (error: unknown) => error instanceof ValuesFileError && error.type === 'JSONFileCorruptedError' && error.message.includes(`'${path}'`),
      );
    }
  });

  it('the key is the content: two keys, two parses; no key, a parse of the text given', () => {
    assert.deepEqual(parseValues('m.json', { text: '{"acc": 1}', utf8: true, oid: 'md5:1' }), { acc: 1n });
    assert.deepEqual(parseValues('m.json', { text: '{"acc": 2}', utf8: true, oid: 'md5:2' }), { acc: 2n });
    assert.deepEqual(parseValues('m.json', { text: '{"acc": 3}', utf8: true }), { acc: 3n });
    assert.deepEqual(parseValues('m.json', { text: '{"acc": 4}', utf8: true }), { acc: 4n });
  });
});
