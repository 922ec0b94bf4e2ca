/**
 * Refs and the repository's place read from git's files (core/git/refFiles.ts), checked against
 * real git on repositories made here: where the reader answers, it answers exactly what
 * `git for-each-ref` and `git rev-parse` print; where git's own rules are needed (linked worktrees,
 * bare repositories, GIT_DIR, odd ref names, an unknown packed-refs line, extensions), it answers
 * undefined so the caller asks git.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Git, locateRepo, readRefFiles } from '../../src/core/git/index.js';
import { parseHead, parseLoose, parsePackedRefs, validRefName } from '../../src/core/git/refFiles.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'mlw-reffiles-')));
after(() => rmSync(base, { recursive: true, force: true }));
const ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

function repo(name: string): { dir: string; git: (...args: string[]) => string } {
  const dir = join(base, name);
  mkdirSync(dir);
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'a.txt'), '1\n');
  git('add', '.');
  git('commit', '-q', '-m', 'one');
  return { dir, git };
}

/** What git says, beside what the files say. */
async function both(dir: string): Promise<{ native: unknown; git: unknown; headOid: string | undefined }> {
  const location = await locateRepo(dir);
  assert.ok(location, 'the plain repository is read from its files');
  const [top, gitDir] = (await new Git(dir).text(['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir'])).trim().split('\n');
  assert.deepEqual(location, { top, gitDir });
  const read = await readRefFiles(location.gitDir);
  // The commit HEAD names is what the files add to git's listing (for-each-ref does not list HEAD).
  const { headOid, ...native } = read ?? {};
  return { native: read && native, git: await new Git(dir).forEachRef([]), headOid };
}

describe('ref files', () => {
  it('packed and loose refs, a peeled annotated tag, a symbolic ref, HEAD on a branch: as git lists them', async () => {
    const { dir, git } = repo('packed');
    git('tag', '-a', 'v1', '-m', 'annotated');
    git('tag', 'light');
    git('branch', 'feature');
    git('update-ref', 'refs/exps/ab/cdef/exp-1', 'HEAD');
    git('pack-refs', '--all');
    writeFileSync(join(dir, 'a.txt'), '2\n');
    git('commit', '-q', '-am', 'two');
    // A loose ref over its packed line, a new loose ref, a symbolic ref to a branch, a dangling one.
    git('update-ref', 'refs/heads/feature', 'HEAD');
    git('update-ref', 'refs/exps/ab/cdef/exp-2', 'HEAD~1');
    git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/heads/main');
    git('symbolic-ref', 'refs/heads/dangling', 'refs/heads/nothing');
    const { native, git: theirs, headOid } = await both(dir);
    assert.deepEqual(native, theirs);
    assert.equal(headOid, git('rev-parse', 'HEAD'));
    const listing = native as { refs: { ref: string; oid: string }[]; head: string };
    assert.equal(listing.head, 'refs/heads/main');
    assert.equal(listing.refs.find((r) => r.ref === 'refs/tags/v1')?.oid, git('rev-parse', 'v1'), 'the tag object, not the commit (as %(objectname))');
    assert.ok(!listing.refs.some((r) => r.ref === 'refs/heads/dangling'));
  });

  it('a detached HEAD, a broken ref file and an empty one: no branch, the broken refs named', async () => {
    const { dir, git } = repo('detached');
    git('checkout', '-q', '--detach', 'HEAD');
    writeFileSync(join(dir, '.git', 'refs', 'heads', 'garbage'), 'not an id\n');
    writeFileSync(join(dir, '.git', 'refs', 'heads', 'empty'), '');
    const { native, git: theirs, headOid } = await both(dir);
    assert.deepEqual(native, theirs);
    assert.equal(headOid, git('rev-parse', 'HEAD'), 'a detached HEAD: the id in its file');
    assert.equal((native as { head: unknown }).head, undefined);
    assert.deepEqual((native as { broken: string[] }).broken, ['refs/heads/empty', 'refs/heads/garbage']);
  });

  it('HEAD on a branch not born yet names no listed branch', async () => {
    const { dir, git } = repo('unborn');
    git('symbolic-ref', 'HEAD', 'refs/heads/later');
    const { native, git: theirs, headOid } = await both(dir);
    assert.deepEqual(native, theirs);
    assert.equal(headOid, undefined);
  });

  it('answers undefined where git must decide', async () => {
    const { dir, git } = repo('odd');
    const gitDir = join(dir, '.git');
    // A linked worktree: its .git is a file.
    git('worktree', 'add', '-q', join(base, 'odd-worktree'), '-b', 'wt');
    assert.equal(await locateRepo(join(base, 'odd-worktree')), undefined);
    // GIT_DIR and the like.
    assert.equal(await locateRepo(dir, { GIT_DIR: gitDir }), undefined);
    // Inside the .git folder, and a bare repository.
    assert.equal(await locateRepo(gitDir), undefined);
    execFileSync('git', ['init', '-q', '--bare', join(base, 'bare.git')]);
    assert.equal(await locateRepo(join(base, 'bare.git')), undefined);
    // Not a repository at all, and a folder that does not exist.
    mkdirSync(join(base, 'plain'));
    assert.equal(await locateRepo(join(base, 'nowhere')), undefined);
    // A ref name git refuses, then an unknown packed-refs line.
    writeFileSync(join(gitDir, 'refs', 'heads', 'x.lock'), `${git('rev-parse', 'HEAD')}\n`);
    assert.equal(await readRefFiles(gitDir), undefined);
    rmSync(join(gitDir, 'refs', 'heads', 'x.lock'));
    assert.ok(await readRefFiles(gitDir));
    writeFileSync(join(gitDir, 'packed-refs'), 'what is this\n');
    assert.equal(await readRefFiles(gitDir), undefined);
    rmSync(join(gitDir, 'packed-refs'));
    // A config with extensions (reftable, worktreeConfig, another object format).
    const { dir: ext, git: extGit } = repo('extensions');
    extGit('config', 'extensions.worktreeConfig', 'true');
    assert.equal(await locateRepo(ext), undefined);
  });

  it('parses ref file contents as git does; bad input is broken, never a throw', () => {
    const oid = 'a'.repeat(40);
    assert.deepEqual(parseLoose(`${oid}\n`), { kind: 'oid', oid });
    assert.deepEqual(parseLoose(`${oid} trailing`), { kind: 'oid', oid });
    assert.deepEqual(parseLoose(`${oid}x\n`), { kind: 'broken' });
    assert.deepEqual(parseLoose('ref: refs/heads/main\n'), { kind: 'symbolic', target: 'refs/heads/main' });
    assert.deepEqual(parseLoose('ref:'), { kind: 'broken' });
    assert.deepEqual(parseLoose('\u0000\u00ff'), { kind: 'broken' });
    assert.deepEqual(parseHead('ref: refs/heads/main\n'), { kind: 'symbolic', target: 'refs/heads/main' });
    assert.deepEqual(parseHead(`${oid}\n`), { kind: 'detached', oid });
    assert.equal(parseHead('ref: HEAD\n'), undefined);
    assert.equal(parseHead('garbage'), undefined);
    const packed = `# pack-refs with: peeled fully-peeled sorted \n${oid} refs/tags/v1\n^${'b'.repeat(40)}\n${oid} refs/heads/main\n`;
    assert.deepEqual([...parsePackedRefs(packed)!], [['refs/tags/v1', oid], ['refs/heads/main', oid]]);
    assert.equal(parsePackedRefs(`^${oid}\n`), undefined, 'a peeled line with no ref before it');
    assert.equal(parsePackedRefs(`${oid} refs/heads/a b\n`), undefined);
    assert.equal(parsePackedRefs(`${oid} refs/heads/..\n`), undefined);
    assert.equal(parsePackedRefs(`${oid.slice(1)} refs/heads/short\n`), undefined);
    for (const bad of ['refs/heads/a..b', 'refs/heads/.hidden', 'refs/heads/x.lock', 'refs/heads/a b', 'refs/heads/a~1', 'refs/heads/a@{0}', 'refs/heads/', 'main', 'refs/heads/ü']) assert.equal(validRefName(bad), false, bad);
    assert.equal(validRefName('refs/exps/ab/cdef/exp-1'), true);
  });
});
