import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { compareCodePoints, dirHash, dirListingText, parseDirListing } from '../../src/core/dvc/hashing/dirListing.js';
import { HashEngine } from '../../src/core/dvc/hashing/engine.js';
import { hashBytes, isTextBlock } from '../../src/core/dvc/hashing/md5.js';
import { hashFiles } from '../../src/core/dvc/hashing/reader.js';
import { HashingError, HashService } from '../../src/core/dvc/hashing/service.js';
import { StatCache } from '../../src/core/dvc/hashing/statCache.js';

const scratch = mkdtempSync(join(tmpdir(), 'mlw-hash-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string | Buffer>): string {
  const root = join(scratch, name);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  mkdirSync(root, { recursive: true });
  return root;
}

const md5 = (data: string | Buffer): string => createHash('md5').update(data).digest('hex');
const noHooks = { checkpoint() {}, onChunk() {}, onFile() {} };
const hashFile = async (path: string, algorithm: 'md5' | 'md5-dos2unix'): Promise<string> => (await hashFiles([{ path, size: statSync(path).size, algorithm }], noHooks))[0]!;

// Reference Appendix A; vector 1 is dvc-data's own test_build_directory expectation.
test('directory hashes: the test vectors of the reference (dvc-data test_build_directory among them)', async () => {
  const engine = new HashEngine(undefined);
  const cases: [Record<string, string>, string][] = [
    [{ foo: 'foo', bar: 'bar' }, '5ea40360f5b4ec688df672a4db9c17d1.dir'],
    [{ 'a/b.txt': '1', 'a-b.txt': '2', 'c.txt': '3' }, 'fc09db41bd9e1695b2f3050d16923f3a.dir'],
    [{ 'sub/é.txt': 'x' }, 'ef1577b31c2be41a97006071ce8ebd72.dir'],
  ];
  for (const [i, [files, expected]] of cases.entries()) {
    const [measured] = await engine.measure([{ path: tree(`vec${i}`, files), algorithm: 'md5' }]);
    assert.equal(measured!.hash, expected);
    assert.equal(measured!.nfiles, Object.keys(files).length);
  }
  assert.equal(dirListingText([{ relpath: 'sub/é.txt', md5: '9dd4e461268c8034f5c8564e155c67a6' }]), '[{"md5": "9dd4e461268c8034f5c8564e155c67a6", "relpath": "sub/\\u00e9.txt"}]');
  assert.equal(dirHash([]), `${md5('[]')}.dir`);
});

test('file hashes: plain md5 for DVC 3, md5-dos2unix per 1 MiB chunk for DVC 2 records', async () => {
  const file = (name: string, content: Buffer): string => {
    writeFileSync(join(scratch, name), content);
    return join(scratch, name);
  };
  const crlf = file('crlf', Buffer.from('foo\r\nbar\r\n'));
  assert.equal(await hashFile(crlf, 'md5'), '3dbec9c1b92200eb56349835275e00b9');
  assert.equal(await hashFile(crlf, 'md5-dos2unix'), 'f47c75614087a8dd938ba4acff252494');
  assert.equal(await hashFile(file('bin', Buffer.from('\x00a\r\n', 'latin1')), 'md5-dos2unix'), 'c2a5b9617479ff7c69c7b78434b5784a');
  assert.equal(await hashFile(file('utf8', Buffer.from('é'.repeat(100) + '\r\n')), 'md5-dos2unix'), '5e9181767b1c0a0c4fab80591cae9259');
  const split = Buffer.concat([Buffer.alloc((1 << 20) - 1, 'a'), Buffer.from('\r\n'), Buffer.alloc(10, 'b')]);
  assert.equal(await hashFile(file('split', split), 'md5-dos2unix'), '5213bf3456437aeb46e80040f7fb5786');
  assert.equal(await hashFile(file('empty', Buffer.alloc(0)), 'md5'), 'd41d8cd98f00b204e9800998ecf8427e');
});

test('property: md5 of any bytes is plain MD5; dos2unix changes nothing without CRLF', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
      assert.equal(hashBytes(bytes, 'md5'), md5(Buffer.from(bytes)));
      if (!Buffer.from(bytes).includes('\r\n')) assert.equal(hashBytes(bytes, 'md5-dos2unix'), md5(Buffer.from(bytes)));
    }),
  );
});

test('property: dos2unix of a text chunk is md5 of the text with CRLF replaced', () => {
  const text = fc.stringMatching(/^[a-z \r\n]{0,400}$/);
  fc.assert(fc.property(text, (s) => assert.equal(hashBytes(Buffer.from(s), 'md5-dos2unix'), md5(s.replaceAll('\r\n', '\n')))));
});

test('the text heuristic: NUL is binary, over 30 % non-ASCII is binary, empty is text', () => {
  assert.equal(isTextBlock(Buffer.alloc(0)), true);
  assert.equal(isTextBlock(Buffer.from('ab\x00')), false);
  assert.equal(isTextBlock(Buffer.from([0x80, 0x41, 0x41, 0x41])), true);
  assert.equal(isTextBlock(Buffer.from([0x80, 0x80, 0x41, 0x41])), false);
});

test('property: the .dir listing is sorted by code point and is JSON of exactly the entries', () => {
  const entry = fc.record({ relpath: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), md5: fc.stringMatching(/^[0-9a-f]{32}$/) });
  fc.assert(
    fc.property(fc.uniqueArray(entry, { selector: (e) => e.relpath, maxLength: 20 }), (entries) => {
      const text = dirListingText(entries);
      assert.ok(/^[\x20-\x7e]*$/.test(text), 'ensure_ascii output');
      const parsed = parseDirListing(text)!;
      const byCodePoints = [...entries].sort((a, b) => {
        const x = [...a.relpath].map((c) => c.codePointAt(0)!);
        const y = [...b.relpath].map((c) => c.codePointAt(0)!);
        for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
        return x.length - y.length;
      });
      assert.deepEqual(parsed, byCodePoints.map((e) => ({ md5: e.md5, relpath: e.relpath })));
      assert.ok(compareCodePoints('\uffff', '😀') < 0);
    }),
  );
});

test('directory walks skip symlinked folders, follow file symlinks, and apply .dvcignore rules', async () => {
  const root = tree('walk', { 'a.txt': 'a', 'skip.log': 'x', 'keep/skip.log': 'y', 'outside/o.txt': 'o' });
  symlinkSync(join(root, 'a.txt'), join(root, 'link.txt'));
  symlinkSync(join(root, 'outside'), join(root, 'dirlink'));
  const engine = new HashEngine(undefined);
  const spec = { files: [{ dir: '', lines: ['*.log', '!keep/skip.log'] }] };
  const [measured] = await engine.measure([{ path: root, algorithm: 'md5', ignore: { spec, relPath: '.' } }]);
  const expected = [
    { relpath: 'a.txt', md5: md5('a') },
    { relpath: 'keep/skip.log', md5: md5('y') },
    { relpath: 'link.txt', md5: md5('a') },
    { relpath: 'outside/o.txt', md5: md5('o') },
  ];
  assert.equal(measured!.hash, dirHash(expected));
});

test('the stat cache answers for an unchanged file and forgets a rewritten one; it survives a restart', async () => {
  const path = join(scratch, 'cache.json');
  const file = join(scratch, 'cached.txt');
  writeFileSync(file, 'one');
  const old = { ino: 1, mtimeMs: 1_000.25, ctimeMs: 1_000.25, size: 3 };
  const now = 10_000;
  const cache = new StatCache(path);
  cache.set(file, old, 'md5', md5('one'), now);
  cache.save();
  const reloaded = new StatCache(path);
  assert.equal(reloaded.get(file, old, 'md5'), md5('one'));
  assert.equal(reloaded.get(file, old, 'md5-dos2unix'), undefined);
  // Same inode, size and mtime (restored by cp -p / touch -r) but a new ctime: not trusted.
  assert.equal(reloaded.get(file, { ...old, ctimeMs: 2_000 }, 'md5'), undefined);
  assert.equal(reloaded.get(file, { ...old, mtimeMs: 1_000.5 }, 'md5'), undefined);
  assert.equal(reloaded.get(file, { ...old, ino: 2 }, 'md5'), undefined);
  assert.equal(reloaded.get(file, { ...old, size: 4 }, 'md5'), undefined);
  // The engine reuses a remembered hash without reading the file.
  utimesSync(file, 1_000_000, 1_000_000);
  const engine = new HashEngine(join(scratch, 'engine.json'));
  assert.equal((await engine.measure([{ path: file, algorithm: 'md5' }]))[0]!.hash, md5('one'));
});

test('a file modified within the racy window is hashed but not remembered', async () => {
  const path = join(scratch, 'racy.json');
  const file = join(scratch, 'fresh.txt');
  writeFileSync(file, 'fresh');
  await new HashEngine(path).measure([{ path: file, algorithm: 'md5' }]);
  assert.equal(new StatCache(path).size, 0);
});

test('the worker reports progress and stops when the signal aborts', async () => {
  const big = join(scratch, 'big.bin');
  writeFileSync(big, Buffer.alloc(64 << 20, 7));
  const service = new HashService({ idleMs: 1000 });
  try {
    const progress: number[] = [];
    const [measured] = await service.measure([{ path: big, algorithm: 'md5' }], { onProgress: (p) => progress.push(p.bytesHashed) });
    assert.equal(measured!.hash, md5(Buffer.alloc(64 << 20, 7)));
    assert.ok(progress.length >= 1 && progress.at(-1) === 64 << 20);
    const controller = new AbortController();
    const pending = service.measure([{ path: big, algorithm: 'md5-dos2unix' }], { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, (error: unknown) => error instanceof HashingError && error.reason === 'cancelled');
    assert.equal((await service.measure([{ path: join(scratch, 'missing'), algorithm: 'md5' }]))[0]!.exists, false);
  } finally {
    await service.dispose();
  }
});
