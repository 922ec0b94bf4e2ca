/**
 * The file store's floor for a Node reader: list the folder, read every file once, parse nothing.
 * Synchronous calls in one loop, the least a JavaScript reader can do per file. Prints
 * {"seconds", "count"} (count: files read).
 *
 *   node --import tsx bench/readAll.ts DIR
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: readAll.ts DIR');
const started = performance.now();
let count = 0;
let bytes = 0;
for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile()) continue;
  bytes += readFileSync(join(entry.parentPath, entry.name)).length;
  count++;
}
process.stdout.write(JSON.stringify({ seconds: (performance.now() - started) / 1000, count, bytes }) + '\n');
