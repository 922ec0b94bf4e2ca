/**
 * Our remote status against real `dvc status -c --json` (the pinned venv's DVC 3.67.1) on a repo
 * real DVC built and changed: nothing pushed, a partial push, everything pushed, the cache gone,
 * a partial pull, a new version not pushed, an object in neither store, `dvc gc -c`, a directory
 * whose `.dir` nobody has. Twice: a local remote, and an S3 remote on moto's S3 API server
 * (test/support/teamServer.ts) read with our own SigV4 client. Ours runs first at every step:
 * DVC's own status fetches missing `.dir` objects into the cache, ours must write nothing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { remoteStatus, type RemoteStatus } from '../../src/core/dvc/remote/remoteStatus';
import { S3Client } from '../../src/core/dvc/remote/s3/client';
import { signRequest } from '../../src/core/dvc/remote/s3/sigv4';
import { dvcFetch, dvcPull, dvcPush } from '../../src/core/tasks/dvc';
import type { TaskSpec } from '../../src/core/tasks/spec';
import { runCli } from '../support/fixtures';
import { env, pythonEnv, type PythonEnv } from '../support/python';
import { startS3Server, type S3Server } from '../support/teamServer';

const run = promisify(execFile);

let python: PythonEnv;
let s3: S3Server | undefined;
let s3Starting: Promise<S3Server> | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'mlw-dvc-remote-'));

before(async () => {
  s3Starting = startS3Server();
  s3Starting.catch(() => undefined);
  python = await pythonEnv();
});

after(async () => {
  await (await s3Starting?.catch(() => undefined))?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

interface Remote {
  readonly label: string;
  /** Every step; else only those where the storage answers differently (CI time: each dvc call costs seconds). */
  readonly allSteps: boolean;
  /** Runs `dvc remote add` and friends in the repo. */
  configure(dvc: (...args: string[]) => Promise<string>): Promise<void>;
  /** What DVC and we get in the environment. */
  readonly env: () => NodeJS.ProcessEnv;
}

const localRemote: Remote = {
  label: 'a local remote',
  allSteps: true,
  async configure(dvc) {
    await dvc('remote', 'add', '-d', 'store', join(scratch, 'local-remote'));
  },
  env: () => ({}),
};

const s3Remote: Remote = {
  label: "an S3 remote (moto's S3 API server)",
  allSteps: false,
  async configure(dvc) {
    s3 = await s3Starting!;
    await dvc('remote', 'add', '-d', 'store', `${s3.dvcRemoteUrl}/project-${randomBytes(4).toString('hex')}`);
    await dvc('remote', 'modify', 'store', 'endpointurl', s3.s3.endpointUrl);
    await dvc('remote', 'modify', '--local', 'store', 'access_key_id', s3.s3.accessKeyId);
    await dvc('remote', 'modify', '--local', 'store', 'secret_access_key', s3.s3.secretAccessKey);
  },
  // No AWS_* variables: the credentials are the ones in .dvc/config.local.
  env: () => ({}),
};

for (const remote of [localRemote, s3Remote]) {
  describe(`remote status equals dvc status -c --json: ${remote.label}`, { timeout: 600_000 }, () => {
    let dir = '';
    const dvc = async (...args: string[]): Promise<string> => (await run('dvc', args, { cwd: dir, env: env(python, remote.env()), maxBuffer: 1 << 26 })).stdout;
    const cacheFiles = (): string[] => (existsSync(join(dir, '.dvc', 'cache')) ? readdirSync(join(dir, '.dvc', 'cache'), { recursive: true }).map(String).sort() : []);
    /** A push/pull/fetch task as the extension runs it: our argv (python -m dvc …), in its cwd, with its env. */
    const task = async (spec: TaskSpec): Promise<void> => {
      await run(spec.command, [...spec.args], { cwd: spec.cwd, env: { ...env(python, remote.env()), ...spec.env }, maxBuffer: 1 << 26 });
    };
    const base = () => ({ python: python.python, cwd: dir });
    const ours = (): Promise<RemoteStatus> => remoteStatus(dir, { env: { ...remote.env() }, dvc: { python: python.python, env: env(python, remote.env()) } });

    /** Ours first (it must not write to the cache), then DVC's; equal. Returns ours. */
    async function same(): Promise<RemoteStatus> {
      const cacheBefore = cacheFiles();
      const status = await ours();
      assert.deepEqual(cacheFiles(), cacheBefore, 'our remote status wrote to the cache');
      assert.equal(status.via, 'native', status.fallbackReason);
      const theirs = JSON.parse(await dvc('status', '--cloud', '--json')) as unknown;
      assert.deepStrictEqual(status.json, theirs);
      return status;
    }

    const write = (path: string, text: string): void => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    const objectOf = (md5: string): string => join(dir, '.dvc', 'cache', 'files', 'md5', md5.slice(0, 2), md5.slice(2));
    const recordedHash = async (dvcFile: string): Promise<string> => /md5: ([0-9a-f]+(?:\.dir)?)/.exec((await run('cat', [join(dir, dvcFile)])).stdout)![1]!;
    const state = (status: RemoteStatus, path: string) => status.outputs.find((o) => o.repoPath === path);

    before(async () => {
      dir = join(scratch, `repo-${randomBytes(3).toString('hex')} ü`);
      mkdirSync(dir);
      await run('git', ['init', '-q'], { cwd: dir });
      await dvc('init', '-q');
      write('data/raw.csv', 'x,y\n1,2\n');
      // Two files with the same content inside one directory: DVC names the object after the first.
      for (const [path, text] of [['a.txt', 'same\n'], ['b.txt', 'same\n'], ['sub/c.txt', 'c\n'], ['sub/ü d.txt', 'unicode\n']]) write(`data/images/${path}`, text!);
      // Enough objects that an S3 remote is listed rather than asked object by object.
      for (let i = 0; i < 40; i++) write(`data/many/${i}.txt`, `${i}\n`);
      await dvc('add', '-q', 'data/raw.csv', 'data/images', 'data/many');
      write(
        'dvc.yaml',
        [
          'stages:',
          '  prepare:',
          '    cmd: python -c "import os; os.makedirs(\'out\', exist_ok=True); [open(\'out/\' + n, \'w\').write(n) for n in (\'features.csv\', \'unpushed.txt\', \'uncached.txt\', \'metrics.json\')]"',
          '    deps: [data/raw.csv]',
          '    outs:',
          '      - out/features.csv',
          '      - out/unpushed.txt:',
          '          push: false',
          '      - out/uncached.txt:',
          '          cache: false',
          '    metrics:',
          '      - out/metrics.json',
          '  later:',
          '    cmd: python -c "open(\'out/later.txt\', \'w\').write(\'later\')"',
          '    deps: [out/features.csv]',
          '    outs: [out/later.txt]',
          '',
        ].join('\n'),
      );
      await dvc('repro', '-q', 'prepare');
      await remote.configure(dvc);
    });

    test('nothing pushed: every cached, pushable object is new; push: false, cache: false and never-run outputs are left out', async () => {
      const status = await same();
      assert.equal(status.json['data/raw.csv'], 'new');
      assert.equal(status.json['out/unpushed.txt'], undefined);
      assert.deepEqual(
        ['data/raw.csv', 'data/images', 'out/features.csv', 'out/unpushed.txt', 'out/uncached.txt', 'out/metrics.json', 'out/later.txt'].map((p) => [p, state(status, p)?.state, state(status, p)?.skipped]),
        [
          ['data/raw.csv', 'not pushed', undefined],
          ['data/images', 'not pushed', undefined],
          ['out/features.csv', 'not pushed', undefined],
          ['out/unpushed.txt', 'skipped', 'not pushed by config'],
          ['out/uncached.txt', 'skipped', 'not cached'],
          ['out/metrics.json', 'not pushed', undefined],
          ['out/later.txt', 'skipped', 'never committed'],
        ],
      );
      // The .dir and its five files: the two copies are one object, but each path counts.
      assert.deepEqual(state(status, 'data/images')?.counts, { ok: 0, new: 5, deleted: 0, missing: 0 });
    });

    test('a partial push (the dvcPush task of data/raw.csv.dvc)', async () => {
      await task(dvcPush({ ...base(), targets: ['data/raw.csv.dvc'] }));
      const status = await same();
      assert.equal(state(status, 'data/raw.csv')?.state, 'in sync');
    });

    test('everything pushed (the dvcPush task, no target, to the remote named): {}', async () => {
      await task(dvcPush({ ...base(), remote: 'store', jobs: 2 }));
      const status = await same();
      assert.deepEqual(status.json, {});
      assert.equal(state(status, 'data/images')?.state, 'in sync');
    });

    test('the cache removed: deleted, each directory listed from the remote without fetching its .dir', async () => {
      rmSync(join(dir, '.dvc', 'cache'), { recursive: true, force: true });
      const status = await same();
      assert.equal(status.json['data/images/sub/c.txt'], 'deleted');
      assert.equal(state(status, 'data/images')?.state, 'not in cache');
    });

    test('a partial pull (the dvcPull task of data/images)', async () => {
      await task(dvcPull({ ...base(), targets: ['data/images'], force: true }));
      const status = await same();
      assert.equal(state(status, 'data/images')?.state, 'in sync');
      assert.equal(state(status, 'out/features.csv')?.state, 'not in cache');
    });

    // Registered for the local remote only: the same rules, nothing the storage answers differently.
    const storageAgnostic = (name: string, body: () => Promise<void>): void => {
      if (remote.allSteps) test(name, body);
    };
    const refillCache = async (): Promise<void> => {
      // The stage's outputs go back into the cache from the workspace: a bare `dvc pull` fails on
      // out/unpushed.txt (push: false: on no remote), and DVC 3.67 crashes pulling a granular out.
      // A fetch: into the cache only (the workspace has these files).
      await task(dvcFetch({ ...base(), targets: ['data/raw.csv.dvc', 'data/many.dvc'] }));
      assert.equal((await ours()).outputs.find((o) => o.repoPath === 'data/many')?.state, 'in sync');
      await dvc('commit', '-q', '--force', 'prepare');
    };

    storageAgnostic('a new version not pushed, then its object gone from the cache too: missing', async () => {
      await refillCache();
      write('data/raw.csv', 'x,y\n1,2\n3,4\n');
      await dvc('add', '-q', 'data/raw.csv');
      assert.equal((await same()).json['data/raw.csv'], 'new');
      unlinkSync(objectOf(await recordedHash('data/raw.csv.dvc')));
      const status = await same();
      assert.equal(status.json['data/raw.csv'], 'missing');
      assert.equal(state(status, 'data/raw.csv')?.state, 'missing');
    });

    test('dvc gc --workspace --cloud removes the old versions from the remote', async () => {
      if (!remote.allSteps) await refillCache();
      write('data/raw.csv', 'x,y\n5,6\n');
      await dvc('add', '-q', 'data/raw.csv');
      await dvc('push', '-q');
      await dvc('gc', '-q', '--workspace', '--cloud', '--force');
      assert.deepEqual((await same()).json, {});
    });

    storageAgnostic('a directory version whose .dir is in neither store is left out, as DVC leaves it', async () => {
      write('data/images/new.txt', 'new\n');
      await dvc('add', '-q', 'data/images');
      const hash = await recordedHash('data/images.dvc');
      unlinkSync(objectOf(hash));
      const status = await same();
      assert.equal(state(status, 'data/images')?.skipped, 'no directory listing');
    });

    storageAgnostic('the CLI prints the same JSON (node dist/cli.js remote-status --repo DIR --json)', async () => {
      const result = await runCli(['remote-status', '--repo', dir, '--json', '--python', python.python], { env: env(python, remote.env()) });
      assert.equal(result.code, 0, result.stderr);
      assert.deepStrictEqual(JSON.parse(result.stdout), JSON.parse(await dvc('status', '--cloud', '--json')));
    });
  });
}

describe('remote status of remotes read through dvc', () => {
  test('a remote:// remote (based on another remote) is answered by dvc status -c itself, with per-path states', async () => {
    const python = await pythonEnv();
    const dir = join(scratch, 'via-dvc');
    mkdirSync(join(dir, 'data'), { recursive: true });
    const dvc = async (...args: string[]): Promise<string> => (await run('dvc', args, { cwd: dir, env: env(python), maxBuffer: 1 << 24 })).stdout;
    await run('git', ['init', '-q'], { cwd: dir });
    await dvc('init', '-q');
    writeFileSync(join(dir, 'data', 'a.txt'), 'a\n');
    writeFileSync(join(dir, 'data', 'b.txt'), 'b\n');
    await dvc('add', '-q', 'data/a.txt', 'data/b.txt');
    await dvc('remote', 'add', 'base', join(scratch, 'via-dvc-remote'));
    await dvc('remote', 'add', '-d', 'sub', 'remote://base/project');
    await dvc('push', '-q', 'data/a.txt.dvc');
    const status = await remoteStatus(dir, { dvc: { python: python.python, env: env(python) } });
    assert.equal(status.via, 'dvc');
    assert.match(status.fallbackReason ?? '', /remote:\/\/ remotes are read through dvc/);
    assert.deepStrictEqual(status.json, JSON.parse(await dvc('status', '--cloud', '--json')));
    assert.deepEqual(
      status.outputs.map((o) => [o.repoPath, o.state]),
      [
        ['data/a.txt', 'in sync'],
        ['data/b.txt', 'not pushed'],
      ],
    );
  });
});

/** botocore's S3SigV4Auth on the same requests at the same instant: the Authorization it computes. */
const BOTOCORE_SIGN = `
import datetime, json, sys
import botocore.auth
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
out = []
for c in json.load(sys.stdin):
    instant = datetime.datetime.strptime(c["timestamp"], "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda: instant
    request = AWSRequest(method=c["method"], url=c["url"], params=c["params"])
    auth = S3SigV4Auth(Credentials(c["key"], c["secret"], c.get("token")), "s3", c["region"])
    auth.add_auth(request)
    out.append({"authorization": request.headers["Authorization"], "date": request.headers["X-Amz-Date"]})
print(json.dumps(out))
`;

/** boto3's list_objects_v2 paginator: every key under a prefix, in S3's order. */
const BOTO3_LIST = `
import json, sys
import boto3
c = json.loads(sys.argv[1])
s3 = boto3.client("s3", endpoint_url=c["endpoint"], aws_access_key_id=c["key"], aws_secret_access_key=c["secret"], region_name="us-east-1")
keys = []
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=c["bucket"], Prefix=c["prefix"]):
    keys.extend(item["Key"] for item in page.get("Contents", []))
print(json.dumps(keys))
`;

async function pythonJson(script: string, args: readonly string[], input?: string): Promise<unknown> {
  const python = await pythonEnv();
  const child = execFile(python.python, ['-c', script, ...args], { env: env(python), maxBuffer: 1 << 24 });
  if (input !== undefined) child.stdin?.end(input);
  const stdout = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: string) => (text += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`python exited ${code}`))));
  });
  return JSON.parse(stdout) as unknown;
}

describe('our S3 client against boto', () => {
  test("SigV4: the Authorization header equals botocore's S3SigV4Auth, for tricky keys, queries and a session token", async () => {
    const cases = [
      { method: 'GET', url: 'http://127.0.0.1:9000/dvc-remote/', params: { 'list-type': '2', prefix: 'pro ject/files/md5/', 'max-keys': '1000', 'encoding-type': 'url' }, region: 'us-east-1' },
      { method: 'GET', url: 'http://127.0.0.1:9000/dvc-remote/', params: { 'list-type': '2', prefix: 'a+b/ü~*', 'continuation-token': '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=' }, region: 'eu-west-3' },
      { method: 'HEAD', url: 'http://127.0.0.1:9000/dvc-remote/files/md5/ab/cdef0123456789', params: {}, region: 'us-east-1', token: 'FwoGZXIvYXdzEJr//////////wEaDH+token=' },
      { method: 'GET', url: 'https://bucket.s3.us-east-1.amazonaws.com/proj/files/md5/0a/1b2c.dir', params: {}, region: 'us-east-1' },
    ].map((c) => ({ ...c, key: 'AKIDEXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', timestamp: '20260301T101112Z' }));
    const theirs = (await pythonJson(BOTOCORE_SIGN, [], JSON.stringify(cases))) as { authorization: string }[];
    const mine = cases.map((c) => {
      const url = new URL(c.url);
      for (const [name, value] of Object.entries(c.params)) url.searchParams.set(name, value);
      const credentials = { accessKeyId: c.key, secretAccessKey: c.secret, ...(c.token ? { sessionToken: c.token } : {}) };
      return signRequest({ method: c.method, url, region: c.region, credentials, now: new Date('2026-03-01T10:11:12Z') })['authorization'];
    });
    assert.deepEqual(
      mine,
      theirs.map((t) => t.authorization),
    );
  });

  test("ListObjectsV2 page by page (7 keys a page) lists what boto3's paginator lists", async () => {
    const server = await s3Starting!;
    const bucket = server.dvcRemoteUrl.replace('s3://', '');
    const credentials = { accessKeyId: server.s3.accessKeyId, secretAccessKey: server.s3.secretAccessKey };
    const client = new S3Client({ endpoint: new URL(server.s3.endpointUrl), region: 'us-east-1', credentials, listPageSize: 7 });
    const pages: string[][] = [];
    await client.listKeys(bucket, '', (keys) => pages.push([...keys]));
    client.dispose();
    const theirs = (await pythonJson(BOTO3_LIST, [JSON.stringify({ endpoint: server.s3.endpointUrl, key: credentials.accessKeyId, secret: credentials.secretAccessKey, bucket, prefix: '' })])) as string[];
    assert.ok(theirs.length > 20, `the bucket holds ${theirs.length} objects after the S3 scenario`);
    assert.deepEqual(pages.flat(), theirs);
    assert.ok(pages.length >= 3 && pages.slice(0, -1).every((page) => page.length === 7));
  });
});
