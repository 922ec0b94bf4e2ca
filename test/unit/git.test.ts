/**
 * The git port against a real git repository made here: argv calls, typed errors, the batch object
 * reader (many reads in flight, missing objects, binary content, a huge object refused, restart).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BlobReader, Git, GitError, parseRemotes } from '../../src/core/git/index.js';

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
    mkdirSync(join(repo, 'dir', 'sub'), { recursive: true });
    writeFileSync(join(repo, 'dir', 'sub', 'ünï "q".txt'), 'nested and non-ASCII\n');
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

  it('lists the remotes as `git remote -v` names them (fetch URL; names and URLs with spaces kept)', async () => {
    const git = new Git(repo);
    assert.deepEqual(await git.remotes(), []);
    execFileSync('git', ['remote', 'add', 'origin', 'https://example.invalid/team/repo.git'], { cwd: repo });
    execFileSync('git', ['remote', 'add', 'backup', '/srv/git/a repo with spaces.git'], { cwd: repo });
    execFileSync('git', ['remote', 'set-url', '--push', 'origin', 'ssh://push.example.invalid/repo.git'], { cwd: repo });
    assert.deepEqual(await git.remotes(), [
      { name: 'backup', url: '/srv/git/a repo with spaces.git' },
      { name: 'origin', url: 'https://example.invalid/team/repo.git' },
    ]);
    assert.deepEqual(parseRemotes('odd line\nx\thttps://h/r (push)\n'), [{ name: 'x', url: 'https://h/r' }]);
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
    // git's own answers, path by path: the paths it tracks, each one's object id and size.
    const gitSays = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    const paths = gitSays('ls-files', '-z', '--with-tree', first).split('\0').filter(Boolean).sort();
    assert.deepEqual(tree.map((e) => e.path).sort(), paths);
    for (const entry of tree) {
      assert.equal(entry.oid, gitSays('rev-parse', `${first}:${entry.path}`).trim(), entry.path);
      assert.equal(entry.size, Number(gitSays('cat-file', '-s', entry.oid)), entry.path);
    }
    assert.ok(paths.includes('dir/sub/ünï "q".txt') && paths.includes('bin.dat'));
    assert.deepEqual((await git.listTree(second, 'a.txt')).map((e) => [e.path, e.oid]), [['a.txt', gitSays('rev-parse', `${second}:a.txt`).trim()]]);
    assert.deepEqual((await git.listTree(second, 'dir')).map((e) => e.path), ['dir/sub/ünï "q".txt']);
    execFileSync('git', ['update-ref', `refs/exps/ab/${'c'.repeat(38)}/exp-one`, first], { cwd: repo });
    execFileSync('git', ['update-ref', `refs/exps/ab/${'c'.repeat(38)}/exp-two`, second], { cwd: repo });
    const showRef = gitSays('show-ref').split('\n').filter((line) => line.includes(' refs/exps/')).map((line) => ({ oid: line.split(' ')[0], ref: line.split(' ')[1] }));
    assert.equal(showRef.length, 2);
    assert.deepEqual((await git.forEachRef(['refs/exps/'])).refs, showRef);
    // The branch HEAD is on, from the same listing (undefined when detached or not listed).
    assert.equal((await git.forEachRef()).head, 'refs/heads/main');
    assert.equal((await git.forEachRef(['refs/exps/'])).head, undefined);
    execFileSync('git', ['checkout', '-q', '--detach', 'HEAD'], { cwd: repo });
    assert.equal((await git.forEachRef()).head, undefined);
    execFileSync('git', ['checkout', '-q', 'main'], { cwd: repo });
    // Tracked changes as `git diff HEAD` sees them (exit 1 when any): an untracked file is none.
    const gitSeesChanges = (): boolean => spawnSync('git', ['diff', '--quiet', 'HEAD'], { cwd: repo }).status === 1;
    writeFileSync(join(repo, 'untracked.txt'), 'new\n');
    assert.equal(await git.hasTrackedChanges(), gitSeesChanges());
    assert.equal(await git.hasTrackedChanges(), false);
    writeFileSync(join(repo, 'a.txt'), 'edited\n');
    assert.equal(await git.hasTrackedChanges(), gitSeesChanges());
    assert.equal(await git.hasTrackedChanges(), true);
    writeFileSync(join(repo, 'a.txt'), 'two\n');
    rmSync(join(repo, 'untracked.txt'));
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

  it('reads a blob of many pipe chunks whole between small ones; info() gives type and size past the read limit', { timeout: 60_000 }, async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 10)) & 0xff;
    const oid = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo, input: big, encoding: 'utf8' }).trim();
    const reader = new BlobReader(repo, 'git', 8 << 20);
    const limited = new BlobReader(repo, 'git', 5);
    try {
      const [before, whole, after] = await Promise.all([reader.read(`${first}:a.txt`), reader.read(oid), reader.read(`${second}:a.txt`)]);
      assert.equal(before?.content.toString(), 'one\n');
      assert.ok(whole && whole.size === big.length && whole.content.equals(big));
      assert.equal(after?.content.toString(), 'two\n');
      assert.deepEqual(await limited.info(`${first}:bin.dat`), { oid: execFileSync('git', ['rev-parse', `${first}:bin.dat`], { cwd: repo, encoding: 'utf8' }).trim(), type: 'blob', size: binary.length });
      assert.deepEqual(await limited.info(oid), { oid, type: 'blob', size: big.length });
      assert.equal(await limited.info(`${first}:missing`), undefined);
      assert.equal((await limited.info(first))?.type, 'commit');
    } finally {
      reader.dispose();
      limited.dispose();
    }
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

describe('BlobReader and the end of the program', () => {
  it('an idle reader never disposed does not keep its program alive (its git process waits unreferenced)', () => {
    const blobReader = join(__dirname, '..', '..', 'src', 'core', 'git', 'blobReader.ts');
    const script = `import { BlobReader } from ${JSON.stringify(blobReader)};\n` +
      `const reader = new BlobReader(${JSON.stringify(join(__dirname, '..', '..'))});\n` +
      `reader.read('HEAD').then((o) => reader.info('HEAD').then((i) => console.log(o?.type, i?.type)));\n`;
    const file = join(mkdtempSync(join(tmpdir(), 'mlw-blobexit-')), 'read.mts');
    writeFileSync(file, script);
    // The timeout is a hang guard: without the fix the program never ends.
    const result = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 60_000 });
    rmSync(join(file, '..'), { recursive: true, force: true });
    assert.equal(result.signal, null, 'the program did not end by itself');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'commit commit');
  });
});
