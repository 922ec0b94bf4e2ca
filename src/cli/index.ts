#!/usr/bin/env node
/**
 * The CLI's launcher: it loads the bundle its command needs from beside itself. `exp-show` — what
 * an editor's refresh runs, where start-up is most of the time — has a bundle of its own
 * (cliExpShow.js) without the tracking stores, HTTP clients, drift and chart code of the rest
 * (cliMain.js).
 */
import { join } from 'node:path';
import { unexpectedError } from './failure.js';
import type { Io } from './main.js';

type Main = (argv: readonly string[], io: Io) => Promise<number>;

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

const argv = process.argv.slice(2);
const bundle = argv[0] === 'exp-show' && !argv.includes('--help') ? 'cliExpShow.js' : 'cliMain.js';
// A computed path: the bundler leaves this require to run time instead of inlining the bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at run time on purpose
const { main } = require(join(__dirname, bundle)) as { main: Main };

main(argv, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(unexpectedError(error));
    process.exitCode = 1;
  },
);
