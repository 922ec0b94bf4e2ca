/**
 * The team rig's own life cycle (scripts/team-server.mjs): a rig whose script is killed outright
 * (SIGKILL, no chance to stop its servers) leaves PostgreSQL, MLflow and moto running in its temp
 * folder; the next rig to start stops them and removes the folder, and a stop leaves nothing.
 * Processes are told apart by their working directory, which every server of a rig has inside
 * its folder (PostgreSQL's is its data directory).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { processesIn, startS3Server, startTeamServer } from '../support/teamServer';

const commandOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};

async function waitUntil(what: string, ready: () => boolean): Promise<void> {
  // A hang guard only: each check is cheap, the loop ends as soon as the condition holds.
  for (let i = 0; i < 600 && !ready(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(ready(), what);
}

describe('the team rig starts and stops cleanly', { timeout: 600_000 }, () => {
  test('a rig whose script was SIGKILLed is stopped and removed by the next start; a stop leaves no process and no folder', async () => {
    const abandoned = await startTeamServer();
    const servers = processesIn(abandoned.dir);
    const commands = servers.map(commandOf).join('\n');
    assert.match(commands, /postgres/, `no PostgreSQL in the rig's folder:\n${commands}`);
    assert.match(commands, /moto_server/, `no moto in the rig's folder:\n${commands}`);
    assert.match(commands, /mlflow/, `no mlflow server in the rig's folder:\n${commands}`);

    process.kill(abandoned.pid, 'SIGKILL');
    await waitUntil('the killed script is gone', () => !existsSync(`/proc/${abandoned.pid}`) || commandOf(abandoned.pid) === '');
    // What a killed script leaves behind: its servers, still running, and its folder.
    assert.ok(existsSync(join(abandoned.dir, 'pg', 'data', 'postmaster.pid')));
    assert.ok(processesIn(abandoned.dir).length > 0, 'the servers died with the script: nothing here to reap');

    const next = await startS3Server();
    try {
      assert.deepEqual(processesIn(abandoned.dir), [], 'servers of the killed rig still run');
      assert.equal(existsSync(abandoned.dir), false, `${abandoned.dir} was not removed`);
      assert.match(next.output(), /was killed/);
    } finally {
      await next.stop();
    }
    assert.deepEqual(processesIn(next.dir), []);
    assert.equal(existsSync(next.dir), false, `${next.dir} was not removed by the stop`);
    // The killed script's own stop never ran: the test process has nothing left to wait for.
    await abandoned.stop();
  });
});
