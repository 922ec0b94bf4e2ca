/**
 * bench/team.ts's in-process remote-status row: `DIR REMOTE` → one `remoteStatus()` call as the
 * extension makes it (modules loaded, first call of the process), timed by itself.
 * stdout: {"seconds", "count"} (count: entries of the `dvc status -c` JSON).
 */
import { remoteStatus } from '../src/core/dvc/remote/remoteStatus';

async function main(): Promise<void> {
  const [dir, remote] = process.argv.slice(2);
  const started = performance.now();
  const status = await remoteStatus(dir!, { remote: remote!, env: process.env });
  const seconds = (performance.now() - started) / 1000;
  if (status.via !== 'native') throw new Error(`not read natively: ${status.fallbackReason}`);
  process.stdout.write(`${JSON.stringify({ seconds, count: Object.keys(status.json).length })}\n`);
}

void main();
