import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { TrackingError } from '../../src/core/tracking/errors.js';
import { hasExperimentData, parseTrackingUri, resolveTrackingUri } from '../../src/core/tracking/uri.js';

const workspace = (): string => mkdtempSync(join(tmpdir(), 'mlw-uri-'));

test('the setting wins over MLFLOW_TRACKING_URI, which wins over the defaults', () => {
  const cwd = workspace();
  assert.deepEqual(resolveTrackingUri({ cwd, explicitUri: 'sqlite:///a.db', environmentUri: 'sqlite:///b.db' }), { uri: 'sqlite:///a.db', source: 'setting' });
  assert.deepEqual(resolveTrackingUri({ cwd, explicitUri: '  ', environmentUri: 'sqlite:///b.db' }), { uri: 'sqlite:///b.db', source: 'environment' });
});

test('the default is ./mlruns only when it holds an experiment, else ./mlflow.db', () => {
  const cwd = workspace();
  assert.deepEqual(resolveTrackingUri({ cwd }), { uri: `sqlite:///${join(cwd, 'mlflow.db')}`, source: 'default-sqlite' });
  // Artifacts of an SQLite store live in ./mlruns too: without <digits>/meta.yaml it is not a file store.
  mkdirSync(join(cwd, 'mlruns', '1', 'abc', 'artifacts'), { recursive: true });
  assert.equal(hasExperimentData(join(cwd, 'mlruns')), false);
  assert.equal(resolveTrackingUri({ cwd }).source, 'default-sqlite');
  writeFileSync(join(cwd, 'mlruns', '1', 'meta.yaml'), 'name: x\n');
  assert.deepEqual(resolveTrackingUri({ cwd }), { uri: `file://${join(cwd, 'mlruns')}`, source: 'default-mlruns' });
});

test('every local URI form MLflow accepts maps to the right store and path', () => {
  const cwd = '/work/project';
  assert.deepEqual(parseTrackingUri('sqlite:///mlflow.db', cwd), { kind: 'sqlite', uri: 'sqlite:///mlflow.db', path: '/work/project/mlflow.db' });
  assert.deepEqual(parseTrackingUri('sqlite:////data/runs.db', cwd), { kind: 'sqlite', uri: 'sqlite:////data/runs.db', path: '/data/runs.db' });
  assert.equal((parseTrackingUri('sqlite:////data/runs.db?timeout=20', cwd) as { path: string }).path, '/data/runs.db');
  assert.deepEqual(parseTrackingUri('./mlruns', cwd), { kind: 'file', uri: 'file:///work/project/mlruns', path: '/work/project/mlruns' });
  assert.deepEqual(parseTrackingUri('/abs/mlruns', cwd), { kind: 'file', uri: 'file:///abs/mlruns', path: '/abs/mlruns' });
  assert.deepEqual(parseTrackingUri('file:///abs/my%20runs', cwd), { kind: 'file', uri: 'file:///abs/my%20runs', path: '/abs/my runs' });
  assert.equal(parseTrackingUri('http://127.0.0.1:5000', cwd).kind, 'server');
  assert.equal(parseTrackingUri('HTTPS://mlflow.example.com/prefix', cwd).kind, 'server');
});

test('unusable URIs are typed errors that name the URI', () => {
  const cases: [string, TrackingError['reason']][] = [
    ['ftp://host/x', 'unsupported-uri'],
    ['databricks', 'unsupported-uri'],
    ['sqlite://', 'invalid-uri'],
    ['sqlite:///:memory:', 'invalid-uri'],
    ['sqlite:relative.db', 'invalid-uri'],
    ['', 'invalid-uri'],
  ];
  for (const [uri, reason] of cases) {
    assert.throws(
      () => parseTrackingUri(uri, '/w'),
      (error: unknown) => error instanceof TrackingError && error.reason === reason && (uri === '' || error.message.includes(uri)),
      uri,
    );
  }
});
