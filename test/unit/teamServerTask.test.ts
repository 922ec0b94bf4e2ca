import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskError, teamServerTask } from '../../src/core/tasks/index.js';

const base = { node: '/usr/bin/node', script: '/ext/dist/team-server.mjs', python: '/venv/bin/python', cwd: '/ws' };

test('the Start Team Server task runs the script with the user interpreter, as argv', () => {
  assert.deepEqual(teamServerTask(base), {
    command: '/usr/bin/node',
    args: ['/ext/dist/team-server.mjs', '--python', '/venv/bin/python'],
    cwd: '/ws',
    env: {},
    label: 'Start Team Server (local)',
  });
  const spec = teamServerTask({ ...base, port: 5000, env: { ELECTRON_RUN_AS_NODE: '1' } });
  assert.deepEqual(spec.args.slice(3), ['--port', '5000']);
  assert.deepEqual(spec.env, { ELECTRON_RUN_AS_NODE: '1' });
  // A path with spaces or quotes stays one argument.
  assert.equal(teamServerTask({ ...base, python: "/my envs/it's/python" }).args[2], "/my envs/it's/python");
});

test('bad values are refused before anything runs', () => {
  for (const port of [0, 65_536, 1.5, Number.NaN]) assert.throws(() => teamServerTask({ ...base, port }), TaskError);
  assert.throws(() => teamServerTask({ ...base, python: '--version' }), TaskError);
  assert.throws(() => teamServerTask({ ...base, python: '' }), TaskError);
  assert.throws(() => teamServerTask({ ...base, script: '-e' }), TaskError);
});
