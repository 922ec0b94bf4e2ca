#!/usr/bin/env node
/**
 * The CLI's launcher: it loads the bundle its command needs from beside itself. `exp-show` — what
 * an editor's refresh runs, where start-up is most of the time — has a bundle of its own
 * (cliExpShow.js) without the tracking stores, HTTP clients, drift and chart code of the rest
 * (cliMain.js).
 */
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { cacheRoot, loadBundle } from './codeCache.js';
import { unexpectedError } from './failure.js';
import type { Io } from './main.js';
import { Reclaimer } from './reclaim.js';

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

/**
 * A long output lets go of its parts (a server's pages of runs): from the first, the CLI looks
 * after each part and every RECLAIM_LOOK_MS whether its dead buffers should be collected now
 * (reclaim.ts), with V8's gc() in a context made after --expose-gc is set: the process's own
 * collection, on demand. Only the CLI does this: it owns its process.
 */
const RECLAIM_LOOK_MS = 50;
let reclaimer: Reclaimer | undefined;
function released(): void {
  if (!reclaimer) {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const looker = new Reclaimer(() => process.memoryUsage().arrayBuffers, gc);
    setInterval(() => looker.check(), RECLAIM_LOOK_MS).unref();
    reclaimer = looker;
  }
  reclaimer.check();
}

const cancel = new AbortController();
// The first Ctrl-C cancels (partial downloads are removed); a second one ends the process at once.
process.once('SIGINT', () => {
  cancel.abort(new Error('cancelled'));
  process.once('SIGINT', () => process.exit(130));
});

const argv = process.argv.slice(2);
const expShow = argv[0] === 'exp-show' && !argv.includes('--help');
let saveCache = (): void => undefined;
let main: Main;
if (expShow) {
  // What an editor's refresh runs: its bundle is loaded with a V8 code cache (ML_WORKBENCH_CODE_CACHE=0 turns it off).
  const loaded = loadBundle<{ main: Main }>(join(__dirname, 'cliExpShow.js'), process.env['ML_WORKBENCH_CODE_CACHE'] === '0' ? undefined : join(cacheRoot(), 'v8-code'));
  main = loaded.exports.main;
  saveCache = loaded.saveCache;
} else {
  // A computed path: the bundler leaves this require to run time instead of inlining the bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at run time on purpose
  main = (require(join(__dirname, 'cliMain.js')) as { main: Main }).main;
}

main(argv, {
  // A slow reader of stdout holds the listing back instead of letting it pile up in memory.
  out: (s) => (process.stdout.write(s) ? undefined : once(process.stdout, 'drain').then(() => undefined)),
  outBytes: (bytes) => (process.stdout.write(bytes) ? undefined : once(process.stdout, 'drain').then(() => undefined)),
  released,
  err: (s) => process.stderr.write(s),
  interactive: process.stderr.isTTY === true,
  signal: cancel.signal,
}).then(
  (code) => {
    process.exitCode = code;
    saveCache();
  },
  (error: unknown) => {
    process.stderr.write(unexpectedError(error));
    process.exitCode = 1;
  },
);
