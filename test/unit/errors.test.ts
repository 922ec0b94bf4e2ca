/** One error base: every typed core error is a WorkbenchError whose `reason` the host can switch on. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isWorkbenchError, reasonOf, remedyFor } from '../../src/core/errors.js';
import { PythonError } from '../../src/core/python/interpreter.js';
import { CancelledError } from '../../src/core/dvc/hashing/engine.js';
import { HashingError } from '../../src/core/dvc/hashing/service.js';
import { VersionsError } from '../../src/core/dvc/versions.js';
import { GitError } from '../../src/core/git/index.js';
import { TaskError } from '../../src/core/tasks/spec.js';
import { TrackingError } from '../../src/core/tracking/errors.js';
import { WriteError } from '../../src/core/tracking/writes/errors.js';

test('each core error family extends the one base and carries its reason', () => {
  const errors = [
    [new TrackingError('unauthenticated', 'who are you'), 'unauthenticated'],
    [new WriteError('mlflow-not-installed', 'no mlflow', 'python3'), 'mlflow-not-installed'],
    [new GitError('not-a-repo', 'no repo'), 'not-a-repo'],
    [new TaskError('unavailable', 'no docker'), 'unavailable'],
    [new VersionsError('not tracked', 'not-tracked'), 'not-tracked'],
    [new HashingError('stopped', 'cancelled'), 'cancelled'],
    [new CancelledError('stopped'), 'cancelled'],
  ] as const;
  for (const [error, reason] of errors) {
    assert.ok(isWorkbenchError(error), error.constructor.name);
    assert.ok(error instanceof Error);
    assert.equal(reasonOf(error), reason);
  }
  assert.equal(reasonOf(new Error('plain')), undefined);
  assert.equal(reasonOf('a string'), undefined);
});

test('a failure offers the remedy of its reason: credentials for a 401, a retry for a locked store, an interpreter when MLflow is missing', () => {
  assert.equal(remedyFor(new TrackingError('unauthenticated', 'who are you', 'http://127.0.0.1:5000/api/2.0/mlflow/runs/get')), 'set-credentials');
  assert.equal(remedyFor(new TrackingError('busy', 'locked')), 'retry');
  assert.equal(remedyFor(new WriteError('mlflow-not-installed', 'no mlflow', 'python3')), 'select-interpreter');
  assert.equal(remedyFor(new WriteError('mlflow-too-old', 'old', 'python3')), 'select-interpreter');
  assert.equal(remedyFor(new WriteError('python-not-found', 'none', 'python3')), 'select-interpreter');
  assert.equal(remedyFor(new PythonError('python-not-found', 'none runs', 'python3')), 'select-interpreter');
  assert.equal(remedyFor(new PythonError('mlflow-not-installed', 'no mlflow', '/venv/bin/python')), 'select-interpreter');
  assert.equal(remedyFor(new WriteError('python-failed', 'traceback', 'python3')), undefined);
  assert.equal(remedyFor(new TrackingError('not-found', 'gone')), undefined);
  assert.equal(remedyFor(new TrackingError('no-store', 'none')), undefined);
  assert.equal(remedyFor(new Error('busy')), undefined, 'a message is never parsed');
});
