/**
 * What a new `exp-show` process does to start fast: the row cache file is read once however many
 * rows ask for it at once, and the exp-show bundle is loaded with a V8 code cache kept in our cache
 * folder, which a changed bundle, a corrupt file or a missing folder never turns into a wrong answer.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadBundle } from '../../src/cli/codeCache.js';
import { RowCache } from '../../src/core/dvc/experiments/rowCache.js';
import type { SerializableExp } from '../../src/core/dvc/experiments/model.js';

const dir = mkdtempSync(join(tmpdir(), 'mlwb-coldstart-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const row = (rev: string): SerializableExp => ({ rev, timestamp: null, params: {}, metrics: {}, deps: {}, outs: {}, meta: {} }) as unknown as SerializableExp;

describe('row cache', () => {
  it('rows asked for at once share one read of the file', async () => {
    const path = join(dir, 'rows.json');
    writeFileSync(path, JSON.stringify({ format: 1, rows: { a: row('a'), b: row('b') } }));
    let reads = 0;
    const cache = new RowCache(path, async (p) => {
      reads++;
      return readFileSync(p, 'utf8');
    });
    cache.preload();
    const got = await Promise.all(['a', 'b', 'c', 'a'].map((oid) => cache.get(oid)));
    assert.deepEqual(
      got.map((r) => r?.rev),
      ['a', 'b', undefined, 'a'],
    );
    assert.equal(reads, 1);
  });

  it('an unreadable or foreign file is an empty cache, and a save writes the rows added', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"format":1,"rows":{"a":');
    const cache = new RowCache(path);
    assert.equal(await cache.get('a'), undefined);
    await cache.set('x', row('x'));
    await cache.save();
    assert.equal((await new RowCache(path).get('x'))?.rev, 'x');
    writeFileSync(path, JSON.stringify({ format: 999, rows: { a: row('a') } }));
    assert.equal(await new RowCache(path).get('a'), undefined);
  });
});

describe('code cache of a bundle', () => {
  const bundle = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const source = (answer: number): string => `'use strict';\nconst { basename } = require('node:path');\nexports.answer = () => ${answer};\nexports.where = () => basename(__filename) + ' ' + (module.exports === exports);\n`;
  /** A load in a new process, as the CLI does (V8 keeps compiled code per process, whatever the cache file says). */
  const load = (path: string, folder: string | undefined): { cache: string; answer: number; where: string } =>
    JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'support', 'loadBundleOnce.ts'), path, folder ?? ''], { encoding: 'utf8' })) as { cache: string; answer: number; where: string };

  it('loads as require would, writes a cache once, and the next process accepts it', () => {
    const folder = join(dir, 'cache-a');
    const path = bundle('a.js', source(1));
    assert.deepEqual(load(path, folder), { cache: 'none', answer: 1, where: 'a.js true' });
    const files = readdirSync(folder);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^a-[0-9a-f]{32}\.bin$/);
    assert.deepEqual(load(path, folder), { cache: 'accepted', answer: 1, where: 'a.js true' });
    assert.deepEqual(readdirSync(folder), files);
  });

  it('a changed bundle of the same length never runs the old code, and its stale cache is removed', () => {
    const folder = join(dir, 'cache-b');
    const path = bundle('b.js', source(1));
    load(path, folder);
    const old = readdirSync(folder);
    writeFileSync(path, source(2));
    assert.deepEqual(load(path, folder), { cache: 'none', answer: 2, where: 'b.js true' });
    const now = readdirSync(folder);
    assert.equal(now.length, 1);
    assert.notDeepEqual(now, old);
    assert.equal(load(path, folder).cache, 'accepted');
  });

  it('a corrupt cache file is rejected (the bundle compiles from source) and replaced', () => {
    const folder = join(dir, 'cache-c');
    const path = bundle('c.js', source(3));
    load(path, folder);
    const file = join(folder, readdirSync(folder)[0]!);
    writeFileSync(file, Buffer.from('not a V8 code cache at all'));
    assert.deepEqual(load(path, folder), { cache: 'rejected', answer: 3, where: 'c.js true' });
    assert.equal(load(path, folder).cache, 'accepted');
  });

  it('a folder that cannot be written costs nothing but the cache; no folder turns caching off', () => {
    const blocker = bundle('blocker', 'a file where the folder would be');
    const path = bundle('d.js', source(4));
    const loaded = loadBundle<{ answer(): number }>(path, join(blocker, 'cache'));
    assert.equal(loaded.exports.answer(), 4);
    assert.doesNotThrow(() => loaded.saveCache());
    assert.deepEqual(load(path, undefined), { cache: 'none', answer: 4, where: 'd.js true' });
  });
});
