import assert from 'node:assert/strict';
import test from 'node:test';
import { isRemoteConfigFile, outputBadge, pullWouldReplace, remoteBadge, type RemoteLookup } from '../../src/core/dvc/remote/badges.js';
import type { RemoteStatus } from '../../src/core/dvc/remote/remoteStatus.js';
import type { RemoteOutput } from '../../src/core/dvc/remote/status.js';

const counts = (ok: number, added = 0, deleted = 0, missing = 0): RemoteOutput['counts'] => ({ ok, new: added, deleted, missing });
const out = (repoPath: string, state: RemoteOutput['state'], extra: Partial<RemoteOutput> = {}): RemoteOutput => ({ repoPath, stage: `${repoPath}.dvc`, isDir: false, hash: 'abc', state, counts: counts(state === 'in sync' ? 1 : 0, state === 'not pushed' ? 1 : 0, state === 'not in cache' ? 1 : 0, state === 'missing' ? 1 : 0), ...extra });
const status = (outputs: RemoteOutput[]): RemoteStatus => ({ remote: { name: 'storage', url: 's3://dvc-remote', label: 's3://dvc-remote' }, via: 'native', json: {}, outputs, diagnostics: [] });

test('each state of dvc status -c has its word, tone and remedy', () => {
  const cases: [RemoteOutput['state'], string, string, string | undefined, string | undefined][] = [
    ['in sync', 'remote: in sync', 'ok', undefined, '✓'],
    ['not pushed', 'remote: not pushed', 'warning', 'push', '↑'],
    ['not in cache', 'remote: not in cache', 'warning', 'pull', '↓'],
    ['missing', 'remote: missing', 'error', undefined, '✗'],
    ['skipped', 'remote: —', 'muted', undefined, undefined],
  ];
  for (const [state, word, tone, remedy, letter] of cases) {
    const badge = outputBadge(out('data/raw.csv', state), 'storage');
    assert.equal(badge.word, word, state);
    assert.equal(badge.letter, letter, state);
    // VS Code refuses a decoration badge longer than two characters.
    assert.ok(letter === undefined || [...letter].length <= 2);
    assert.equal(badge.tone, tone, state);
    assert.equal(badge.remedy, remedy, state);
  }
});

test("a directory's detail counts its objects; a file's does not", () => {
  const dir = out('data/images', 'not pushed', { isDir: true, counts: counts(3, 2) });
  assert.equal(outputBadge(dir, 'storage').detail, 'Only in the local cache (2 objects of 5 objects): Push sends it to the remote "storage".');
  assert.equal(outputBadge(out('a.csv', 'not pushed'), 'storage').detail, 'Only in the local cache: Push sends it to the remote "storage".');
  assert.equal(outputBadge(out('a.csv', 'in sync', { isDir: true, counts: counts(1) }), '').detail, 'Pushed: the remote holds what the cache holds (1 object).');
});

test('a skipped output says why it is not in dvc status -c', () => {
  assert.equal(outputBadge(out('m.pkl', 'skipped', { skipped: 'not cached' }), 'r').detail, 'Not in dvc status -c: the output is not cached (cache: false).');
  assert.equal(outputBadge(out('m.pkl', 'skipped', { skipped: 'another remote' }), 'r').detail, 'Not in dvc status -c: the output names its own remote.');
});

test('the lookup before an answer: checking and no remote (nothing shown: no flicker), Restricted Mode, an error', () => {
  assert.equal(remoteBadge({ kind: 'checking' }, 'a'), undefined);
  assert.equal(remoteBadge({ kind: 'restricted' }, 'a')?.word, 'remote: not checked');
  assert.equal(remoteBadge({ kind: 'no-remote' }, 'a'), undefined);
  const error = remoteBadge({ kind: 'error', message: 'S3 said 403' }, 'a')!;
  assert.deepEqual([error.word, error.tone, error.detail], ['remote: unknown', 'error', 'The remote status could not be read: S3 said 403']);
});

test('a ready lookup finds the path by its exact repo path; a path the status does not list gets no badge', () => {
  const lookup: RemoteLookup = { kind: 'ready', status: status([out('data/raw.csv', 'not pushed'), out('data/raw.csv.bak', 'in sync')]) };
  assert.equal(remoteBadge(lookup, 'data/raw.csv')?.word, 'remote: not pushed');
  assert.equal(remoteBadge(lookup, 'data/raw.csv.bak')?.word, 'remote: in sync');
  assert.equal(remoteBadge(lookup, 'data/raw'), undefined);
});

test("DVC's config files (and only they) make the remote status be read again", () => {
  for (const path of ['.dvc/config', 'sub/.dvc/config.local', 'C:\\repo\\.dvc\\config']) assert.equal(isRemoteConfigFile(path), true, path);
  for (const path of ['.dvc/config.bak', '.dvc/tmp/config', 'dvc/config', 'data.dvc']) assert.equal(isRemoteConfigFile(path), false, path);
});

test('a pull would replace only the paths modified in the workspace', () => {
  assert.deepEqual(pullWouldReplace([{ repoPath: 'a', state: 'modified' }, { repoPath: 'b', state: 'in sync' }, { repoPath: 'c', state: 'not in cache' }, { repoPath: 'd', state: 'deleted' }]), ['a']);
  // Not in cache over an edited copy: dvc pull refuses to remove it without --force.
  assert.deepEqual(pullWouldReplace([{ repoPath: 'e', state: 'not in cache', workspaceDiffers: true }, { repoPath: 'f', state: 'not in cache', workspaceDiffers: false }]), ['e']);
});
