/**
 * DVC remotes without DVC: the config as DVC reads it, S3 settings (which remotes we read
 * natively, which go to `dvc`), SigV4 against AWS's published example, the status rules on
 * in-memory stores (hostile listings, the `.dir` that vouches for its files, first-name-wins), the
 * S3 client's paging and errors against a throwaway HTTP server, and the push/pull/fetch argv.
 * The same code against real DVC and a real S3 API server: test/contract/dvcRemote.test.ts.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { parseConfigText } from '../../src/core/dvc/files/config.js';
import type { Stage } from '../../src/core/dvc/entities.js';
import { remoteFromSections, remoteLocation, RemoteConfigError } from '../../src/core/dvc/remote/config.js';
import { S3Client, S3Error } from '../../src/core/dvc/remote/s3/client.js';
import { signRequest } from '../../src/core/dvc/remote/s3/sigv4.js';
import { s3Settings } from '../../src/core/dvc/remote/s3/storage.js';
import { computeCloudStatus } from '../../src/core/dvc/remote/status.js';
import { objectKey, type ObjectStorage } from '../../src/core/dvc/remote/storage.js';
import { dvcFetch, dvcPull, dvcPush } from '../../src/core/tasks/dvc.js';
import { TaskError } from '../../src/core/tasks/spec.js';

const sections = (config: string, local = ''): ReturnType<typeof parseConfigText> => parseConfigText(local, parseConfigText(config));

test('remotes: the default from [core], a named one, config.local adding credentials; typed errors when there is none', () => {
  const config = `[core]\n    remote = store\n['remote "store"']\n    url = s3://bucket/project/\n    endpointurl = http://127.0.0.1:9000\n['remote "backup"']\n    url = ../../backup\n`;
  const local = `['remote "store"']\n    access_key_id = AKID\n    secret_access_key = SECRET\n`;
  const store = remoteFromSections(sections(config, local));
  assert.equal(store.name, 'store');
  assert.equal(store.options.get('access_key_id'), 'AKID');
  assert.equal(store.options.get('endpointurl'), 'http://127.0.0.1:9000');
  assert.equal(remoteFromSections(sections(config), 'backup').url, '../../backup');
  assert.throws(() => remoteFromSections(sections(config), 'nope'), (e: unknown) => e instanceof RemoteConfigError && e.reason === 'unknown-remote');
  assert.throws(
    () => remoteFromSections(sections(`['remote "a"']\n    url = /x\n`)),
    (e: unknown) => e instanceof RemoteConfigError && e.reason === 'no-remote' && /dvc remote default NAME.*\(a\)/.test(e.message),
  );
  assert.throws(() => remoteFromSections(sections('')), (e: unknown) => e instanceof RemoteConfigError && /dvc remote add -d NAME URL/.test(e.message));
});

test('remote locations: a relative folder is relative to .dvc/, s3 buckets and prefixes, other schemes go to dvc', () => {
  const at = (url: string) => remoteLocation('/work/repo', { name: 'r', url, options: new Map() });
  assert.deepEqual(at('../../backup'), { kind: 'local', path: '/work/backup' });
  assert.deepEqual(at('/srv/dvc'), { kind: 'local', path: '/srv/dvc' });
  assert.deepEqual(at('file:///srv/d%20v'), { kind: 'local', path: '/srv/d v' });
  assert.deepEqual(at('s3://bucket/a/b/'), { kind: 's3', bucket: 'bucket', prefix: 'a/b' });
  assert.deepEqual(at('s3://bucket'), { kind: 's3', bucket: 'bucket', prefix: '' });
  assert.deepEqual(at('gs://bucket/x'), { kind: 'other', scheme: 'gs' });
  assert.deepEqual(at('remote://base/sub'), { kind: 'other', scheme: 'remote' });
});

test("S3 settings: DVC's config wins over the environment; what only boto's other sources could answer goes to dvc", () => {
  const remote = (options: Record<string, string>) => ({ name: 'r', url: 's3://b', options: new Map(Object.entries(options)) });
  const env = { AWS_ACCESS_KEY_ID: 'ENVKEY', AWS_SECRET_ACCESS_KEY: 'ENVSECRET', AWS_SESSION_TOKEN: 'TOKEN', AWS_DEFAULT_REGION: 'eu-west-1', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' };
  const fromConfig = s3Settings(remote({ access_key_id: 'K', secret_access_key: 'S', endpointurl: 'http://127.0.0.1:9000', region: 'us-west-2', ssl_verify: 'false' }), env);
  assert.ok('settings' in fromConfig);
  assert.deepEqual(fromConfig.settings.credentials, { accessKeyId: 'K', secretAccessKey: 'S' });
  assert.equal(fromConfig.settings.endpoint?.href, 'http://127.0.0.1:9000/');
  assert.equal(fromConfig.settings.region, 'us-west-2');
  assert.equal(fromConfig.settings.insecure, true);
  const fromEnv = s3Settings(remote({}), env);
  assert.ok('settings' in fromEnv);
  assert.deepEqual(fromEnv.settings.credentials, { accessKeyId: 'ENVKEY', secretAccessKey: 'ENVSECRET', sessionToken: 'TOKEN' });
  assert.equal(fromEnv.settings.endpoint?.href, 'http://127.0.0.1:1/');
  assert.equal(fromEnv.settings.region, 'eu-west-1');
  const unsupported = (options: Record<string, string>, environment = {}) => {
    const settings = s3Settings(remote(options), environment);
    return 'unsupported' in settings ? settings.unsupported : undefined;
  };
  assert.match(unsupported({}) ?? '', /no access_key_id\/secret_access_key .* and no AWS_ACCESS_KEY_ID/);
  assert.match(unsupported({ profile: 'dev' }, env) ?? '', /'profile' option/);
  assert.match(unsupported({ credentialpath: '/x' }, env) ?? '', /'credentialpath' option/);
  assert.match(unsupported({ listobjects: 'true' }, env) ?? '', /ListObjects v1/);
  assert.match(unsupported({ version_aware: 'true' }, env) ?? '', /version-aware/);
  assert.match(unsupported({ endpointurl: 'not a url' }, env) ?? '', /not a URL/);
});

test("SigV4: AWS's published S3 examples (GET Object with Range, ListObjects)", () => {
  const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  const now = new Date('2013-05-24T00:00:00Z');
  const get = signRequest({ method: 'GET', url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'), region: 'us-east-1', credentials, headers: { range: 'bytes=0-9' }, now });
  assert.equal(get['authorization'], 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  const list = signRequest({ method: 'GET', url: new URL('https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J'), region: 'us-east-1', credentials, now });
  assert.match(list['authorization']!, /Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7$/);
});

// ---------------------------------------------------------------- the status rules, in memory

class MemoryStorage implements ObjectStorage {
  readonly label = 'memory';
  readonly asked: string[] = [];
  constructor(private readonly objects: Map<string, string>) {}
  async existing(keys: readonly string[]): Promise<Set<string>> {
    this.asked.push(...keys);
    return new Set(keys.filter((key) => this.objects.has(key)));
  }
  async read(key: string): Promise<Uint8Array | undefined> {
    const text = this.objects.get(key);
    return text === undefined ? undefined : Buffer.from(text);
  }
}

const md5 = (n: number): string => n.toString(16).padStart(32, '0');
const listing = (entries: [string, string][]): string => JSON.stringify(entries.map(([hash, relpath]) => ({ md5: hash, relpath })));

function dataStage(path: string, hash: string, flags: Partial<Stage['outs'][number]['flags']> = {}, algorithm: 'md5' | 'md5-dos2unix' = 'md5'): Stage {
  const out = { defPath: path, repoPath: path, absPath: `/r/${path}`, position: { line: 1, column: 1 }, kind: 'outs' as const, flags: { cache: true, persist: false, push: true, ...flags } };
  return {
    address: `${path}.dvc`,
    kind: 'data',
    name: `${path}.dvc`,
    file: `${path}.dvc`,
    position: { line: 1, column: 1 },
    cmd: undefined,
    wdir: '',
    deps: [],
    params: [],
    outs: [out],
    frozen: false,
    alwaysChanged: false,
    lock: { cmd: undefined, deps: new Map(), outs: new Map([[path, { algorithm, hash }]]), params: new Map() },
  };
}

const key = (hash: string, algorithm: 'md5' | 'md5-dos2unix' = 'md5') => objectKey(hash, algorithm);

test('status rules: new / deleted / missing, copies named by the first path, a remote .dir vouching for its files', async () => {
  const dir = `${md5(100)}.dir`;
  const files: [string, string][] = [
    [md5(1), 'a.txt'],
    [md5(1), 'b.txt'],
    [md5(2), 'c.txt'],
  ];
  const cache = new MemoryStorage(new Map([[key(dir), listing(files)], [key(md5(1)), ''], [key(md5(3)), '']]));
  const remote = new MemoryStorage(new Map([[key(dir), listing(files)], [key(md5(4)), '']]));
  const stages = [dataStage('data/dir', dir), dataStage('data/new.txt', md5(3)), dataStage('data/gone.txt', md5(4)), dataStage('data/lost.txt', md5(5))];
  const status = await computeCloudStatus({ stages, repoImports: new Set(), cache, remote });
  assert.deepEqual(status.json, { 'data/dir/c.txt': 'deleted', 'data/gone.txt': 'deleted', 'data/new.txt': 'new', 'data/lost.txt': 'missing' });
  // The remote's .dir vouches for a.txt, b.txt and c.txt: they are never asked about.
  assert.deepEqual(remote.asked.sort(), [key(dir), key(md5(3)), key(md5(4)), key(md5(5))].sort());
  assert.deepEqual(
    status.outputs.map((o) => [o.repoPath, o.state, o.counts]),
    [
      ['data/dir', 'not in cache', { ok: 3, new: 0, deleted: 1, missing: 0 }],
      ['data/new.txt', 'not pushed', { ok: 0, new: 1, deleted: 0, missing: 0 }],
      ['data/gone.txt', 'not in cache', { ok: 0, new: 0, deleted: 1, missing: 0 }],
      ['data/lost.txt', 'missing', { ok: 0, new: 0, deleted: 0, missing: 1 }],
    ],
  );
});

test('status rules: a hostile or missing .dir leaves the output out; skipped outputs say why; DVC 2 objects keep their layout', async () => {
  const bad = `${md5(7)}.dir`;
  const absent = `${md5(8)}.dir`;
  const cache = new MemoryStorage(new Map([[key(md5(9), 'md5-dos2unix'), '']]));
  const remote = new MemoryStorage(new Map([[key(bad), '{"not": "a listing"'], [key(md5(9), 'md5-dos2unix'), '']]));
  const stages = [
    dataStage('bad', bad),
    dataStage('absent', absent),
    dataStage('legacy.txt', md5(9), {}, 'md5-dos2unix'),
    dataStage('uncached', md5(10), { cache: false }),
    dataStage('unpushed', md5(11), { push: false }),
    dataStage('elsewhere', md5(12), { remote: 'other' }),
    dataStage('imported', md5(13)),
  ];
  const status = await computeCloudStatus({ stages, repoImports: new Set(['imported.dvc']), cache, remote });
  assert.deepEqual(status.json, {});
  assert.equal(key(md5(9), 'md5-dos2unix'), `00/${md5(9).slice(2)}`);
  assert.deepEqual(
    status.outputs.map((o) => [o.repoPath, o.state, o.skipped]),
    [
      ['bad', 'skipped', 'no directory listing'],
      ['absent', 'skipped', 'no directory listing'],
      ['legacy.txt', 'in sync', undefined],
      ['uncached', 'skipped', 'not cached'],
      ['unpushed', 'skipped', 'not pushed by config'],
      ['elsewhere', 'skipped', 'another remote'],
      ['imported', 'skipped', 'import'],
    ],
  );
});

// ---------------------------------------------------------------- the S3 client, against a throwaway server

let server: Server;
let endpoint: URL;
let reply: (url: URL, method: string) => { status: number; body: string; headers?: Record<string, string> };
const seen: { method: string; url: string; authorization: string | undefined }[] = [];

before(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization });
    const answer = reply(url, request.method ?? '');
    response.writeHead(answer.status, { 'Content-Type': 'application/xml', ...answer.headers }).end(request.method === 'HEAD' ? undefined : answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

after(() => new Promise((resolve) => server.close(resolve)));

const client = () => new S3Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'K', secretAccessKey: 'S' } });
const listPage = (keys: string[], next?: string) =>
  `<?xml version="1.0"?><ListBucketResult><IsTruncated>${next ? 'true' : 'false'}</IsTruncated>${keys.map((k) => `<Contents><Key>${k}</Key></Contents>`).join('')}${next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ''}</ListBucketResult>`;

test('S3 listing: path-style, signed, url-encoded keys decoded, pages followed by their (entity-encoded) tokens', async () => {
  seen.length = 0;
  reply = (url) => {
    const token = url.searchParams.get('continuation-token');
    if (!token) return { status: 200, body: listPage(['p/files/md5/aa/b%20c', 'p/files/md5/aa/d%2Be'], 'tok&amp;1') };
    assert.equal(token, 'tok&1');
    return { status: 200, body: listPage(['p/files/md5/ff/%C3%BC']) };
  };
  const pages: string[][] = [];
  const s3 = client();
  await s3.listKeys('bucket', 'p/files/md5/', (keys) => pages.push([...keys]));
  s3.dispose();
  assert.deepEqual(pages, [['p/files/md5/aa/b c', 'p/files/md5/aa/d+e'], ['p/files/md5/ff/ü']]);
  assert.match(seen[0]!.url, /^\/bucket\/\?list-type=2&prefix=p%2Ffiles%2Fmd5%2F&max-keys=1000&encoding-type=url$/);
  assert.match(seen[0]!.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=K\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
});

test("S3 errors are typed from S3's error codes; a missing object is no error", async () => {
  const s3 = client();
  reply = () => ({ status: 404, body: '' });
  assert.equal(await s3.exists('bucket', 'files/md5/aa/bb'), false);
  assert.equal(await s3.get('bucket', 'files/md5/aa/bb', 100), undefined);
  const cases: [number, string, string][] = [
    [403, 'AccessDenied', 'forbidden'],
    [403, 'SignatureDoesNotMatch', 'unauthenticated'],
    [403, 'InvalidAccessKeyId', 'unauthenticated'],
    [404, 'NoSuchBucket', 'not-found'],
  ];
  for (const [status, code, reason] of cases) {
    reply = () => ({ status, body: `<Error><Code>${code}</Code><Message>no &lt;way&gt;</Message></Error>` });
    await assert.rejects(
      s3.listKeys('bucket', '', () => undefined),
      (error: unknown) => error instanceof S3Error && error.reason === reason && error.code === code && /no <way>/.test(error.message),
    );
  }
  reply = () => ({ status: 200, body: '<html>a login page</html>' });
  await assert.rejects(
    s3.listKeys('bucket', '', () => undefined),
    (error: unknown) => error instanceof S3Error && error.reason === 'bad-response',
  );
  reply = () => ({ status: 200, body: 'x'.repeat(200) });
  await assert.rejects(s3.get('bucket', 'big', 100), (error: unknown) => error instanceof S3Error && error.reason === 'too-large');
  s3.dispose();
});

// ---------------------------------------------------------------- tasks

test('push / pull / fetch: argv for a path or everything; a target that looks like an option is refused', () => {
  const base = { python: '/venv/bin/python', cwd: '/repo' };
  assert.deepEqual(dvcPush(base), { command: '/venv/bin/python', args: ['-m', 'dvc', 'push'], cwd: '/repo', env: {}, label: 'dvc push' });
  assert.deepEqual(dvcPush({ ...base, targets: ['data/raw.csv'], remote: 'team', jobs: 4 }).args, ['-m', 'dvc', 'push', '--remote', 'team', '--jobs', '4', 'data/raw.csv']);
  assert.deepEqual(dvcPull({ ...base, targets: ['data/images.dvc', 'train'], force: true }).args, ['-m', 'dvc', 'pull', '--force', 'data/images.dvc', 'train']);
  assert.equal(dvcPull({ ...base, targets: ['a b.csv'] }).label, 'dvc pull a b.csv');
  assert.deepEqual(dvcFetch({ ...base, targets: ['data'], recursive: true }).args, ['-m', 'dvc', 'fetch', '--recursive', 'data']);
  assert.throws(() => dvcPush({ ...base, targets: ['--all-commits'] }), TaskError);
  assert.throws(() => dvcFetch({ ...base, remote: '-x' }), TaskError);
  assert.throws(() => dvcPull({ ...base, jobs: 0 }), TaskError);
});
