/**
 * The git port against a real git repository made here: argv calls, typed errors, the batch object
 * reader (many reads in flight, missing objects, binary content, a huge object refused, restart).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BlobReader, Git, GitError } from '../../src/core/git/index.js';

describe('core/git', () => {
  let repo: string;
  let first: string;
  let second: string;
  const binary = Buffer.from([0, 1, 2, 255, 10, 13, 0, 10]);

  before(() => {
    repo = mkdtempSync(join(tmpdir(), 'mlw-git-'));
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'a.txt'), 'one\n');
    writeFileSync(join(repo, 'bin.dat'), binary);
    writeFileSync(join(repo, 'name with space; $(touch x).txt'), 'odd\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    first = git('rev-parse', 'HEAD');
    writeFileSync(join(repo, 'a.txt'), 'two\n');
    git('commit', '-q', '-am', 'second');
    second = git('rev-parse', 'HEAD');
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  it('runs argv commands and resolves revisions', async () => {
    const git = new Git(repo);
    assert.equal(await git.resolveCommit('HEAD'), second);
    assert.equal(await git.resolveCommit('HEAD~1'), first);
    assert.equal(await git.resolveCommit('no-such-branch'), undefined);
    assert.equal(await git.resolveCommit('--output=/tmp/x'), undefined);
    assert.equal(await git.text(['show', `${first}:a.txt`]), 'one\n');
    assert.equal(await git.tryText(['show', `${first}:missing.txt`]), undefined);
    assert.equal(await git.text(['show', `${first}:name with space; $(touch x).txt`]), 'odd\n');
  });

  it('types its failures', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'mlw-nogit-'));
    try {
      await assert.rejects(new Git(outside).topLevel(), (e: unknown) => e instanceof GitError && e.reason === 'not-a-repo');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    await assert.rejects(new Git(repo, 'no-such-git-binary').topLevel(), (e: unknown) => e instanceof GitError && e.reason === 'git-missing');
    await assert.rejects(new Git(repo).text(['show', 'nope:nothing']), (e: unknown) => e instanceof GitError && e.reason === 'not-found');
    await assert.rejects(new Git(repo).text(['cat-file', '-p', `${first}:bin.dat`], { maxBytes: 4 }), (e: unknown) => e instanceof GitError && e.reason === 'too-large');
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(new Git(repo).text(['log'], { signal: aborted.signal }));
  });

  it('lists a commit\'s blobs with sizes, refs under a prefix, tracked changes, and streams a blob to a file', async () => {
    const git = new Git(repo);
    const tree = await git.listTree(first);
    assert.deepEqual(tree.map((e) => [e.path, e.size]).sort(), [['a.txt', 4], ['bin.dat', binary.length], ['name with space; $(touch x).txt', 4]]);
    assert.deepEqual((await git.listTree(second, 'a.txt')).map((e) => e.path), ['a.txt']);
    execFileSync('git', ['update-ref', `refs/exps/ab/${'c'.repeat(38)}/exp-one`, first], { cwd: repo });
    assert.deepEqual((await git.forEachRef(['refs/exps/'])).refs, [{ oid: first, ref: `refs/exps/ab/${'c'.repeat(38)}/exp-one` }]);
    assert.equal(await git.hasTrackedChanges(), false);
    const out = mkdtempSync(join(tmpdir(), 'mlw-blob-'));
    try {
      const oid = tree.find((e) => e.path === 'bin.dat')!.oid;
      await git.writeBlob(oid, join(out, 'bin'));
      assert.deepEqual(readFileSync(join(out, 'bin')), binary);
      await assert.rejects(git.writeBlob('0'.repeat(40), join(out, 'none')), (e: unknown) => e instanceof GitError);
      await assert.rejects(git.writeBlob('--output=x', join(out, 'x')), (e: unknown) => e instanceof GitError && e.reason === 'not-found');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('reads many objects through one batch process, in order, missing ones as undefined', async () => {
    const reader = new Git(repo).blobReader();
    try {
      const names = [`${first}:a.txt`, `${second}:a.txt`, `${first}:missing`, `${first}:bin.dat`, 'not-a-rev:a.txt', `${second}:a.txt`];
      const objects = await Promise.all(names.map((name) => reader.read(name)));
      assert.deepEqual(
        objects.map((o) => o && o.content.toString('latin1')),
        ['one\n', 'two\n', undefined, binary.toString('latin1'), undefined, 'two\n'],
      );
      assert.equal(objects[0]?.type, 'blob');
      assert.equal((await reader.read(first))?.type, 'commit');
      assert.equal(await reader.text(`${first}:`), undefined, 'a tree is not text');
      await assert.rejects(reader.read('a\nb'), (e: unknown) => e instanceof GitError && e.reason === 'not-found');
    } finally {
      reader.dispose();
    }
    await assert.rejects(reader.read(`${first}:a.txt`), (e: unknown) => e instanceof GitError && e.reason === 'aborted');
  });

  it('refuses an object over its limit and goes on answering the reads after it', async () => {
    const reader = new BlobReader(repo, 'git', 5);
    try {
      const [big, small] = await Promise.allSettled([reader.read(`${first}:bin.dat`), reader.read(`${first}:a.txt`)]);
      assert.equal(big.status, 'rejected');
      assert.ok(big.status === 'rejected' && big.reason instanceof GitError && big.reason.reason === 'too-large');
      assert.equal(small.status === 'fulfilled' ? small.value?.content.toString() : undefined, 'one\n');
    } finally {
      reader.dispose();
    }
  });
});
