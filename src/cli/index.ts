#!/usr/bin/env node
/**
 * The CLI's launcher: it loads the bundle its command needs from beside itself. `exp-show` — what
 * an editor's refresh runs, where start-up is most of the time — has a bundle of its own
 * (cliExpShow.js) without the tracking stores, HTTP clients, drift and chart code of the rest
 * (cliMain.js).
 */
import { join } from 'node:path';
import type { Io } from './main.js';

type Main = (argv: readonly string[], io: Io) => Promise<number>;

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
    process.stderr.write(`ml-workbench: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
