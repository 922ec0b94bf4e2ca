/**
 * TrackingWriter against MLflow itself (writesContract.ts): MLflow's Python client in the venv's
 * interpreter for copies of real SQLite and file stores, the REST API for a real `mlflow server`.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTrackingWriter } from '../../src/core/tracking/writes/open.js';
import { trackingFixture, type Backend } from '../support/fixtures';
import { startMlflowServer, type MlflowServer } from '../support/mlflowServer';
import { env, pythonEnv } from '../support/python';
import { writesContract, type Target } from './writesContract';

/** A copy of the fixture store: the writes must not change the fixture other suites read. */
async function copyOf(backend: Backend): Promise<Target> {
  const python = await pythonEnv();
  const fixture = await trackingFixture(backend);
  const dir = mkdtempSync(join(tmpdir(), `mlw-writes-${backend}-`));
  cpSync(fixture.dir, dir, { recursive: true });
  const uri = fixture.uri.replace(fixture.dir, dir);
  assert.notEqual(uri, fixture.uri);
  const writer = openTrackingWriter(uri, { cwd: dir, python: python.python, env: env(python) });
  return { uri, writer, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

writesContract('a copy of a real SQLite store (Python client)', () => copyOf('sqlite'));
writesContract('a copy of a real file store (Python client)', () => copyOf('file'));
writesContract('a real mlflow server (REST)', async () => {
  const server: MlflowServer = await startMlflowServer();
  const writer = openTrackingWriter(server.url, { cwd: server.dir });
  return { uri: server.url, writer, cleanup: () => server.stop() };
});
