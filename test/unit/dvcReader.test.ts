import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { inCache, objectPath } from '../../src/core/dvc/hashing/cachePresence.js';
import { dirListingText, pythonJsonString } from '../../src/core/dvc/hashing/dirListing.js';
import { HashEngine } from '../../src/core/dvc/hashing/engine.js';
import { HashService } from '../../src/core/dvc/hashing/service.js';
import { CHUNK_SIZE, hashBytes } from '../../src/core/dvc/hashing/md5.js';
import { hashFiles, type HashJob } from '../../src/core/dvc/hashing/reader.js';
import { StatCache } from '../../src/core/dvc/hashing/statCache.js';

const scratch = mkdtempSync(join(tmpdir(), 'mlw-reader-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const md5 = (data: string | Buffer): string => createHash('md5').update(data).digest('hex');
/** Descriptors this process holds on the test's files (others come and go: tsx's cache, the runner). */
const openFds = (): string[] =>
  readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(scratch) ? [target] : [];
    } catch {
      return [];
    }
  });
/** Bytes that are text to dos2unix in every chunk, with CRLFs at and across the 1 MiB boundaries. */
const crlfText = (length: number): Buffer => Buffer.from('ab\r\n'.repeat(Math.ceil((length + 1) / 4)).slice(1, length + 1), 'latin1');

function write(name: string, content: Buffer): HashJob & { content: Buffer } {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return { path, size: content.length, algorithm: 'md5', content };
}

test('many files in flight: every hash equals the file in memory, in order, at every chunk boundary', async () => {
  const sizes = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 3 * CHUNK_SIZE + 17, 5, 700_000];
  const files = sizes.map((size, i) => write(`sized${i}`, crlfText(size)));
  const jobs = files.flatMap((f) => [f, { ...f, algorithm: 'md5-dos2unix' as const }]);
  let bytes = 0;
  const done: number[] = [];
  for (const lanes of [1, 3, 8, 64]) {
    bytes = 0;
    done.length = 0;
    const hashes = await hashFiles(jobs, { checkpoint() {}, onChunk: (n) => (bytes += n), onFile: (i) => done.push(i) }, lanes);
    assert.deepEqual(hashes, jobs.map((j) => hashBytes(j.content, j.algorithm)), `lanes ${lanes}`);
    assert.equal(bytes, 2 * sizes.reduce((a, b) => a + b, 0));
    assert.deepEqual([...done].sort((a, b) => a - b), jobs.map((_, i) => i));
  }
  assert.notEqual(hashBytes(files[6]!.content, 'md5-dos2unix'), md5(files[6]!.content), 'the dos2unix cases do convert');
});

test('a file that fails stops every lane; no descriptor is left open, also when cancelled mid-file', async () => {
  const good = Array.from({ length: 12 }, (_, i) => write(`good${i}`, Buffer.alloc(2 * CHUNK_SIZE + 3, i)));
  assert.deepEqual(openFds(), []);
  const missing = { path: join(scratch, 'nope'), size: 10, algorithm: 'md5' as const };
  let read = 0;
  const counting = { checkpoint() {}, onChunk: () => void read++, onFile() {} };
  await assert.rejects(hashFiles([missing, ...good], counting, 4), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  assert.deepEqual(openFds(), []);
  // The three other lanes had a file open: they stop at their next chunk instead of reading its 3.
  assert.ok(read < 9, `${read} chunks read after the failure`);
  let chunks = 0;
  const cancel = { checkpoint: () => assert.ok(++chunks < 7, 'cancelled'), onChunk() {}, onFile() {} };
  await assert.rejects(hashFiles(good, cancel, 4), /cancelled/);
  assert.deepEqual(openFds(), []);
  assert.ok(chunks < 7 + 4, 'the other lanes stop at their next chunk');
});

test('the engine reads a file listed by two items once and remembers hashes for the next run', async () => {
  const dir = join(scratch, 'tree');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'sub', 'a.bin'), 'a');
  writeFileSync(join(dir, 'b.bin'), 'b');
  const later = (): number => Date.now() + 60_000;
  const engine = new HashEngine(join(scratch, 'stat.json'), { now: later });
  const files: number[] = [];
  const items = [{ path: dir, algorithm: 'md5' as const }, { path: join(dir, 'sub', 'a.bin'), algorithm: 'md5' as const }];
  const first = await engine.measure(items, { checkpoint() {}, progress: (p) => files.push(p.filesDone) });
  assert.deepEqual(first.map((m) => m.hash), [md5(dirListingText([{ relpath: 'b.bin', md5: md5('b') }, { relpath: 'sub/a.bin', md5: md5('a') }])) + '.dir', md5('a')]);
  assert.equal(files.at(-1), 3);
  // A new engine (a new worker, the CLI's next run) answers from the saved stat cache without reading.
  let bytes = 0;
  const second = await new HashEngine(join(scratch, 'stat.json'), { now: later }).measure(items, { checkpoint() {}, progress: (p) => (bytes = p.bytesHashed) });
  assert.deepEqual(second, first);
  assert.equal(bytes, 0);
});

test('cache presence of a directory: remembered by its shard folders, forgotten when an object leaves', () => {
  const cacheDir = join(scratch, 'cache');
  const put = (hash: string, content: string): void => {
    mkdirSync(join(objectPath(cacheDir, hash, 'md5'), '..'), { recursive: true });
    writeFileSync(objectPath(cacheDir, hash, 'md5'), content);
  };
  const entries = ['x', 'y', 'z'].map((c) => ({ relpath: `${c}.txt`, md5: md5(c) }));
  entries.forEach((e, i) => put(e.md5, 'xyz'[i]!));
  const dirHash = md5(dirListingText(entries)) + '.dir';
  put(dirHash, JSON.stringify(entries));
  const memoPath = join(scratch, 'presence.json');
  const memo = new StatCache(memoPath);
  const query = { cacheDir, hash: dirHash, algorithm: 'md5' as const };
  // Shards written just now: present, but not remembered (an unlink in the same tick would not show).
  assert.equal(inCache(query, memo), true);
  assert.equal(memo.presenceStamp(objectPath(cacheDir, dirHash, 'md5')), undefined);
  const later = Date.now() + 60_000;
  assert.equal(inCache(query, memo, later), true);
  const stamp = memo.presenceStamp(objectPath(cacheDir, dirHash, 'md5'));
  assert.match(stamp ?? '', /^[0-9a-f]{2}(,[0-9a-f]{2})*\|[0-9a-f]{32}$/);
  memo.save();
  assert.equal(new StatCache(memoPath).presenceStamp(objectPath(cacheDir, dirHash, 'md5')), stamp);
  rmSync(objectPath(cacheDir, entries[1]!.md5, 'md5'));
  assert.equal(inCache(query, new StatCache(memoPath), later), false);
  assert.equal(inCache(query, memo, later), false);
  assert.equal(memo.presenceStamp(objectPath(cacheDir, dirHash, 'md5')), undefined);
  put(entries[1]!.md5, 'y');
  assert.equal(inCache(query, memo, later), true);
  assert.equal(inCache({ ...query, hash: md5('nothing') + '.dir' }, memo, later), false);
  assert.equal(statSync(objectPath(cacheDir, entries[0]!.md5, 'md5')).size, 1);
});

test('property: the no-escape shortcut of the .dir JSON gives what full escaping gives', () => {
  const full = (value: string): string => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  const chars = fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\t', '\x7f', '\x1f', 'é', '😀', '~', '-');
  fc.assert(fc.property(fc.array(chars).map((a) => a.join('')), (value) => assert.equal(pythonJsonString(value), full(value))));
  assert.equal(pythonJsonString('d/f 1.txt'), '"d/f 1.txt"');
});

test('one engine, one folder measured again: an edit, a rename, an added file each give a new .dir hash', async () => {
  const dir = join(scratch, 'again');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'a'), 'a');
  writeFileSync(join(dir, 'b'), 'b');
  const engine = new HashEngine(undefined);
  const hashOf = async (): Promise<string> => (await engine.measure([{ path: dir, algorithm: 'md5' }]))[0]!.hash!;
  const listing = (files: Record<string, string>): string => md5(dirListingText(Object.entries(files).map(([relpath, c]) => ({ relpath, md5: md5(c) })))) + '.dir';
  assert.equal(await hashOf(), listing({ a: 'a', b: 'b' }));
  assert.equal(await hashOf(), listing({ a: 'a', b: 'b' }));
  writeFileSync(join(dir, 'b'), 'B');
  assert.equal(await hashOf(), listing({ a: 'a', b: 'B' }));
  rmSync(join(dir, 'b'));
  writeFileSync(join(dir, 'c'), 'B');
  assert.equal(await hashOf(), listing({ a: 'a', c: 'B' }));
  writeFileSync(join(dir, 'd'), '');
  assert.equal(await hashOf(), listing({ a: 'a', c: 'B', d: '' }));
});

test('the worker answers a cache query while a measure is reading, and both answers are right', async () => {
  const dir = join(scratch, 'concurrent');
  mkdirSync(dir, { recursive: true });
  const contents = Array.from({ length: 20 }, (_, i) => Buffer.alloc(CHUNK_SIZE + i, i));
  contents.forEach((c, i) => writeFileSync(join(dir, `f${i}`), c));
  const cacheDir = join(scratch, 'concurrent-cache');
  mkdirSync(join(objectPath(cacheDir, md5('x'), 'md5'), '..'), { recursive: true });
  writeFileSync(objectPath(cacheDir, md5('x'), 'md5'), 'x');
  const service = new HashService({ idleMs: 1000 });
  try {
    const order: string[] = [];
    const measuring = service.measure([{ path: dir, algorithm: 'md5' }]).then((m) => (order.push('measure'), m));
    const querying = service.inCache([{ cacheDir, hash: md5('x'), algorithm: 'md5' }, { cacheDir, hash: md5('y'), algorithm: 'md5' }]).then((p) => (order.push('inCache'), p));
    const [measured, present] = await Promise.all([measuring, querying]);
    assert.deepEqual(present, [true, false]);
    const entries = contents.map((c, i) => ({ relpath: `f${i}`, md5: md5(c) }));
    assert.equal(measured[0]!.hash, md5(dirListingText(entries)) + '.dir');
    assert.deepEqual(order, ['inCache', 'measure']);
  } finally {
    await service.dispose();
  }
});
