/** One error base: every typed core error is a WorkbenchError whose `reason` the host can switch on. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isWorkbenchError, reasonOf } from '../../src/core/errors.js';
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
