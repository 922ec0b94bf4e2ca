/**
 * The team rig's own life cycle (scripts/team-server.mjs): a rig whose script is killed outright
 * (SIGKILL, no chance to stop its servers) leaves PostgreSQL, MLflow and moto running in its temp
 * folder; the next rig to start stops them and removes the folder. That next rig is the
 * *Start Team Server (local)* task as the extension builds it (core teamServerTask: the script
 * with the user's interpreter), stopped as a task terminal stops it (SIGINT): nothing is left.
 * Processes are told apart by their working directory, which every server of a rig has inside
 * its folder (PostgreSQL's is its data directory).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { teamServerTask } from '../../src/core/tasks/teamServer';
import { pythonEnv, REPO_ROOT } from '../support/python';
import { processesIn, startTeamServer } from '../support/teamServer';

const commandOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};

async function waitUntil(what: () => string, ready: () => boolean, guardMs = 60_000): Promise<void> {
  // A hang guard only: each check is cheap, the loop ends as soon as the condition holds.
  for (let waited = 0; waited < guardMs && !ready(); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(ready(), what());
}

describe('the team rig starts and stops cleanly', { timeout: 600_000 }, () => {
  test('a rig whose script was SIGKILLed is stopped and removed by the next start (the Start Team Server task); Ctrl-C leaves no process and no folder', async () => {
    const abandoned = await startTeamServer();
    const servers = processesIn(abandoned.dir);
    const commands = servers.map(commandOf).join('\n');
    assert.match(commands, /postgres/, `no PostgreSQL in the rig's folder:\n${commands}`);
    assert.match(commands, /moto\.server/, `no moto in the rig's folder:\n${commands}`);
    assert.match(commands, /mlflow/, `no mlflow server in the rig's folder:\n${commands}`);

    process.kill(abandoned.pid, 'SIGKILL');
    await waitUntil(() => 'the killed script is gone', () => !existsSync(`/proc/${abandoned.pid}`) || commandOf(abandoned.pid) === '');
    // What a killed script leaves behind: its servers, still running, and its folder.
    assert.ok(existsSync(join(abandoned.dir, 'pg', 'data', 'postmaster.pid')));
    assert.ok(processesIn(abandoned.dir).length > 0, 'the servers died with the script: nothing here to reap');

    const python = await pythonEnv();
    const spec = teamServerTask({ node: process.execPath, script: join(REPO_ROOT, 'scripts', 'team-server.mjs'), python: python.python, cwd: REPO_ROOT });
    const task = spawn(spec.command, [...spec.args], { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => task.once('exit', (code) => resolve(code)));
    let stdout = '';
    let stderr = '';
    task.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    task.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    let dir = '';
    try {
      // As long as startTeamServer's own guard: MLflow makes its schema in PostgreSQL first.
      const started = () => /tracking server\s+http:\/\/127\.0\.0\.1:\d+/.test(stdout) || task.exitCode !== null;
      await waitUntil(() => `the task printed no tracking URI:\n${stderr}`, started, 240_000);
      const trackingUri = /tracking server\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      assert.ok(trackingUri, `no tracking URI in:\n${stdout}\n${stderr}`);
      dir = /everything it stored \(([^)]+)\)/.exec(stdout)![1]!;
      assert.equal((await fetch(`${trackingUri}/health`)).status, 200);
      assert.match(stderr, /was killed/);
      assert.deepEqual(processesIn(abandoned.dir), [], 'servers of the killed rig still run');
      assert.equal(existsSync(abandoned.dir), false, `${abandoned.dir} was not removed`);
      assert.ok(processesIn(dir).length > 0);
    } finally {
      task.kill('SIGINT');
      assert.equal(await exited, 0, stderr);
    }
    assert.deepEqual(processesIn(dir), [], 'servers left running after Ctrl-C');
    assert.equal(existsSync(dir), false, `${dir} was not removed by the stop`);
    // The killed script's own stop never ran: the test process has nothing left to wait for.
    await abandoned.stop();
  });
});
