// Every *.test.ts under a folder, in a stable order (names sorted, folders walked in place): the one
// walk run-tests.mjs and test-lanes.mjs both use.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function testFilesUnder(dir, found = []) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) testFilesUnder(path, found);
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}
