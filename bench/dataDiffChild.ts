/**
 * One measured run for bench/dataDiff.ts, in its own process (its peak RSS is the run's):
 *   read A B            the floor: both files read once through Node streams (1 MiB chunks)
 *   key A B             diff summary by key `id` (no stats)
 *   position A B        diff summary by position (no stats)
 *   key-stats A B       diff by key and every column's stats of both files
 * Prints {"seconds", "cpuSeconds", "count"} for the work alone (not Node's start-up).
 */
import { createReadStream } from 'node:fs';
import { diffTables } from '../src/core/tabular/tableDiff';

async function main(): Promise<void> {
  const [mode, a, b] = process.argv.slice(2) as [string, string, string];
  const cpu = process.cpuUsage();
  const started = performance.now();
  let count = 0;
  if (mode === 'read') {
    for (const file of [a, b]) for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) count += (chunk as Buffer).length;
  } else {
    const diff = await diffTables({ before: a, after: b, format: 'csv', ...(mode === 'position' ? {} : { key: 'id' }), stats: mode === 'key-stats', limit: 20 });
    count = diff.rows.changed + diff.rows.added + diff.rows.removed;
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, count }) + '\n');
}

void main();
