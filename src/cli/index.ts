#!/usr/bin/env node
import { once } from 'node:events';
import { main } from './main.js';

const cancel = new AbortController();
// The first Ctrl-C cancels (partial downloads are removed); a second one ends the process at once.
process.once('SIGINT', () => {
  cancel.abort(new Error('cancelled'));
  process.once('SIGINT', () => process.exit(130));
});

main(process.argv.slice(2), {
  // A slow reader of stdout holds the listing back instead of letting it pile up in memory.
  out: (s) => (process.stdout.write(s) ? undefined : once(process.stdout, 'drain').then(() => undefined)),
  err: (s) => process.stderr.write(s),
  interactive: process.stderr.isTTY === true,
  signal: cancel.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ml-workbench: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
