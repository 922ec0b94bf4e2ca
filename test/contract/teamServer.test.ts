/**
 * The team rig (test/support/teamServer.ts: `mlflow server` on PostgreSQL, artifacts proxied to
 * moto's S3): our REST writes (writesContract.ts) and large artifact downloads through the
 * server's artifact proxy — streamed to disk with progress, cancelled without leaving a partial
 * file. The read contract on the same rig is backends.test.ts's `team` backend.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { downloadArtifacts, type DownloadProgress } from '../../src/core/tracking/artifactDownload.js';
import { silentLogger } from '../../src/core/log.js';
import { RestTrackingStore } from '../../src/core/tracking/rest/restStore.js';
import { openTrackingWriter } from '../../src/core/tracking/writes/open.js';
import { env, pythonEnv } from '../support/python';
import { processesIn, startTeamServer, type TeamServer } from '../support/teamServer';
import { writesContract } from './writesContract';

const run = promisify(execFile);
let starting: Promise<TeamServer> | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'mlw-team-test-'));

before(() => {
  starting = startTeamServer();
  starting.catch(() => undefined);
});

after(async () => {
  await (await starting?.catch(() => undefined))?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

writesContract('the team server: PostgreSQL backend, artifacts proxied to S3 (REST)', async () => {
  const team = await starting!;
  return { uri: team.trackingUri, writer: openTrackingWriter(team.trackingUri, { cwd: scratch }), cleanup: async () => undefined };
});

/** Logs a file of random bytes as the artifact `big/blob.bin` of a new run, through the server's proxy. */
const LOG_BIG = `
import sys
from mlflow import MlflowClient
c = MlflowClient(sys.argv[1])
run = c.create_run(c.create_experiment("artifact-downloads"))
c.log_artifact(run.info.run_id, sys.argv[2], "big")
c.log_text(run.info.run_id, "small\\n", "notes/readme.txt")
print(run.info.run_id)
`;

describe('artifacts downloaded through the artifact proxy', { timeout: 600_000 }, () => {
  const size = 24 * 1024 * 1024 + 123;
  let runId = '';
  let digest = '';
  let store: RestTrackingStore;
  const requests: string[] = [];

  before(async () => {
    const team = await starting!;
    const python = await pythonEnv();
    const blob = join(scratch, 'blob.bin');
    const bytes = randomBytes(size);
    writeFileSync(blob, bytes);
    digest = createHash('sha256').update(bytes).digest('hex');
    // The client has no S3 credentials: the upload goes through the server, as a team's would.
    const { stdout } = await run(python.python, ['-c', LOG_BIG, team.trackingUri, blob], { env: env(python), maxBuffer: 1 << 20 });
    runId = stdout.trim().split('\n').at(-1)!;
    store = new RestTrackingStore(team.trackingUri, { logger: { ...silentLogger, trace: (line: string) => requests.push(line) } });
  });

  after(() => store?.dispose());

  test("a large file streams to disk with progress, via /api/2.0/mlflow-artifacts/artifacts/…, bytes equal to what was logged", async () => {
    const dest = mkdtempSync(join(scratch, 'dl-'));
    const progress: DownloadProgress[] = [];
    const result = await downloadArtifacts(store, runId, 'big/blob.bin', dest, { onProgress: (p) => progress.push(p) });
    assert.equal(result.localPath, join(dest, 'blob.bin'));
    assert.equal(result.bytes, size);
    assert.equal(createHash('sha256').update(readFileSync(result.localPath)).digest('hex'), digest);
    assert.ok(progress.length > 10, `only ${progress.length} progress reports`);
    assert.ok(progress.every((p, i) => i === 0 || p.bytes >= progress[i - 1]!.bytes));
    assert.deepEqual(
      { ...progress.at(-1) },
      { path: 'big/blob.bin', fileBytes: size, fileSize: size, bytes: size, totalBytes: size, filesDone: 1, totalFiles: 1 },
    );
    assert.ok(
      requests.some((line) => line.startsWith(`GET /api/2.0/mlflow-artifacts/artifacts/`) && line.includes(`/${runId}/artifacts/big/blob.bin 200`)),
      `no proxied download in:\n${requests.join('\n')}`,
    );
    assert.deepEqual(readdirSync(dest), ['blob.bin']);
  });

  test('a cancel mid-file rejects with the abort and leaves no partial file', async () => {
    const dest = mkdtempSync(join(scratch, 'cancel-'));
    const controller = new AbortController();
    await assert.rejects(
      downloadArtifacts(store, runId, undefined, dest, {
        signal: controller.signal,
        concurrency: 1,
        onProgress: (p) => {
          if (p.path === 'big/blob.bin' && p.fileBytes > 1 << 20) controller.abort(new Error('stopped by the user'));
        },
      }),
      /stopped by the user/,
    );
    const left = readdirSync(dest, { recursive: true }).map(String);
    assert.ok(!left.some((name) => name.includes('blob.bin') || name.includes('.mlw-partial-')), `left behind: ${left.join(', ')}`);
  });

  test('the whole run: every file, in its folder', async () => {
    const dest = mkdtempSync(join(scratch, 'all-'));
    const result = await downloadArtifacts(store, runId, undefined, dest);
    assert.deepEqual(
      result.files.map((f) => [f.path, f.bytes]),
      [
        ['big/blob.bin', size],
        ['notes/readme.txt', 6],
      ],
    );
    assert.equal(readFileSync(join(dest, 'notes', 'readme.txt'), 'utf8'), 'small\n');
  });
});

test('stopping the rig leaves no process in its folder (PostgreSQL, moto, mlflow) and removes the folder', async () => {
  const team = await starting!;
  assert.ok(processesIn(team.dir).length > 0, 'no server runs in the rig folder: nothing to check');
  await team.stop();
  assert.deepEqual(processesIn(team.dir), []);
  assert.equal(existsSync(team.dir), false, `${team.dir} is left behind`);
});
