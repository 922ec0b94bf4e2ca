#!/usr/bin/env node
import { unexpectedError } from './failure.js';
import { main } from './main.js';

// Whatever escapes main (a worker's error, an emitter without a listener) is still reported, not traced.
process.on('uncaughtException', (error) => {
  process.stderr.write(unexpectedError(error));
  process.exit(1);
});
// `ml-workbench runs --json | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(unexpectedError(error));
    process.exitCode = 1;
  },
);
