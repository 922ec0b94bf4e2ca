/**
 * bench/team.ts's in-process remote-status rows: `DIR REMOTE [CALLS]` → CALLS `remoteStatus()`
 * calls (default 1) as the extension makes them (modules loaded), the last one timed by itself:
 * 1 is the first call of a process (its code not yet compiled by V8's optimising tiers), 2 a
 * refresh (the Data view asks again when the cache, the remote's config or a .dvc file changes).
 * stdout: {"seconds", "count"} (count: entries of the `dvc status -c` JSON).
 */
import { remoteStatus } from '../src/core/dvc/remote/remoteStatus';

async function main(): Promise<void> {
  const [dir, remote, calls] = process.argv.slice(2);
  for (let i = 1; i < Number(calls ?? 1); i++) await remoteStatus(dir!, { remote: remote!, env: process.env });
  const started = performance.now();
  const status = await remoteStatus(dir!, { remote: remote!, env: process.env });
  const seconds = (performance.now() - started) / 1000;
  if (status.via !== 'native') throw new Error(`not read natively: ${status.fallbackReason}`);
  process.stdout.write(`${JSON.stringify({ seconds, count: Object.keys(status.json).length })}\n`);
}

void main();
