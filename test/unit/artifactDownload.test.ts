/**
 * downloadArtifacts on a store that answers what a hostile or broken server could: paths that
 * leave the download folder are refused before a byte is written; a failing file stops the
 * others and leaves no partial file. (The real thing, through MLflow's artifact proxy:
 * test/contract/teamServer.test.ts; against `mlflow artifacts download`: backends.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { asWritable, downloadArtifacts } from '../../src/core/tracking/artifactDownload.js';
import { TrackingError } from '../../src/core/tracking/errors.js';
import type { FileInfo } from '../../src/core/tracking/entities.js';
import type { ArtifactSink, TrackingStore } from '../../src/core/tracking/store.js';

const scratch = mkdtempSync(join(tmpdir(), 'mlw-download-unit-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A store whose artifacts are `files` (path → content) listed as `listed` says. */
function store(listed: Record<string, FileInfo[]>, content: (path: string) => string | Error): TrackingStore {
  const fake: Pick<TrackingStore, 'listArtifacts' | 'streamArtifact'> = {
    async listArtifacts(_runId, path) {
      return { root_uri: 'mlflow-artifacts:/0/r/artifacts', files: listed[path ?? ''] ?? [] };
    },
    async streamArtifact(_runId, path, sink: ArtifactSink, options = {}) {
      const body = content(path);
      const out = asWritable(sink(undefined));
      if (body instanceof Error) {
        out.write('partial bytes');
        out.destroy();
        throw body;
      }
      await new Promise<void>((resolve, reject) => out.end(body, (error?: Error | null) => (error ? reject(error) : resolve())));
      options.onData?.(body.length);
      return body.length;
    },
  };
  return fake as TrackingStore;
}

const file = (path: string, size = 1): FileInfo => ({ path, is_dir: false, file_size: size });

for (const hostile of ['../escape.txt', 'a/../../escape.txt', '/etc/passwd', 'C:/Windows/x', 'a\\..\\..\\x', 'a//b']) {
  test(`a listed path '${hostile}' is refused before anything is written`, async () => {
    const dest = join(mkdtempSync(join(scratch, 'hostile-')), 'dest');
    const fake = store({ '': [file('ok.txt'), file(hostile)] }, () => 'x');
    await assert.rejects(downloadArtifacts(fake, 'r', undefined, dest), (error: unknown) => error instanceof TrackingError && error.reason === 'invalid-argument');
    assert.deepEqual(readdirSync(join(dest, '..')), []);
  });
}

test('a path asked for that would leave the folder is refused too', async () => {
  const dest = mkdtempSync(join(scratch, 'asked-'));
  await assert.rejects(downloadArtifacts(store({}, () => 'x'), 'r', '../../x', dest), (error: unknown) => error instanceof TrackingError && error.reason === 'invalid-argument');
});

test('a file failing mid-way stops the download: no partial file under any name, the error as thrown', async () => {
  const dest = mkdtempSync(join(scratch, 'fail-'));
  mkdirSync(join(dest, 'keep'));
  const listed = { '': [file('a.txt'), { path: 'sub', is_dir: true }, file('z.txt')], sub: [file('sub/b.txt')] };
  // Listed breadth first: a.txt, z.txt, then sub/b.txt.
  const fake = store(listed, (path) => (path === 'z.txt' ? new TrackingError('network', 'connection reset') : `content of ${path}`));
  await assert.rejects(downloadArtifacts(fake, 'r', undefined, dest, { concurrency: 1 }), /connection reset/);
  const left = readdirSync(dest, { recursive: true }).map(String).sort();
  assert.deepEqual(left, ['a.txt', 'keep'], 'no partial z.txt, and sub/b.txt after the failure is not fetched');
});

test('a stream the store destroyed before its file opened leaves no partial file either (30 downloads failing at once)', async () => {
  // createWriteStream opens its file later: a store that destroys the stream and throws at once
  // had the partial file created after the download removed it.
  const dests = Array.from({ length: 30 }, (_, i) => mkdtempSync(join(scratch, `race-${i}-`)));
  const fake = store({ '': [file('a.bin'), file('b.bin'), file('c.bin'), file('d.bin')] }, () => new TrackingError('network', 'connection reset'));
  await Promise.all(dests.map((dest) => assert.rejects(downloadArtifacts(fake, 'r', undefined, dest, { concurrency: 4 }), /connection reset/)));
  const left = dests.flatMap((dest) => readdirSync(dest).map(String));
  assert.deepEqual(left, []);
});

test('a missing file is a typed not-found; an empty folder is made, as MLflow makes it', async () => {
  const dest = mkdtempSync(join(scratch, 'missing-'));
  const fake = store({ '': [{ path: 'empty', is_dir: true }], empty: [] }, () => 'x');
  await assert.rejects(downloadArtifacts(fake, 'r', 'nope.txt', dest), (error: unknown) => error instanceof TrackingError && error.reason === 'not-found');
  const result = await downloadArtifacts(fake, 'r', 'empty', dest);
  assert.deepEqual(result.files, []);
  assert.deepEqual(readdirSync(dest), ['empty']);
});

test('a listing of a folder that names files outside it is refused; a folder lands as DEST/basename', async () => {
  const dest = mkdtempSync(join(scratch, 'outside-'));
  const sneaky = store({ 'a/b': [file('a/b/ok.txt'), file('a/other.txt')] }, () => 'x');
  await assert.rejects(downloadArtifacts(sneaky, 'r', 'a/b', dest), (error: unknown) => error instanceof TrackingError && error.reason === 'invalid-argument' && /listed it under 'a\/b'/.test(error.message));
  assert.deepEqual(readdirSync(dest), []);
  const fine = store({ 'a/b': [file('a/b/ok.txt')] }, (path) => `content of ${path}`);
  const result = await downloadArtifacts(fine, 'r', 'a/b', dest);
  assert.equal(result.localPath, join(dest, 'b'));
  assert.deepEqual(result.files.map((f) => f.file), [join(dest, 'b', 'ok.txt')]);
});
