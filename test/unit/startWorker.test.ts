/**
 * startWorker (src/core/worker.ts): the worker module beside its caller, in each of the three
 * ways our code runs: bundled (the caller is `dist/x.js`: the worker's bundle beside it), from
 * source under tsx (the caller is a `.ts` file: the worker's TypeScript source beside it), or an
 * explicit script. Real threads, each answering one message with where it ran and its workerData.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../src/core/worker.js';

const dir = mkdtempSync(join(tmpdir(), 'mlwb-start-worker-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const body = (name: string) => `const { parentPort, workerData } = require('node:worker_threads');\nparentPort.postMessage({ name: ${JSON.stringify(name)}, workerData });\n`;
writeFileSync(join(dir, 'bundled.js'), body('bundle'));
writeFileSync(join(dir, 'explicit.js'), body('explicit'));
// TypeScript only tsx can load: a type annotation.
writeFileSync(join(dir, 'source.ts'), `const who: string = 'source';\n${body('x').replace('"x"', 'who')}`);

function first(worker: Worker): Promise<{ name: string; workerData: unknown }> {
  return new Promise((resolve, reject) => {
    worker.once('message', (m) => {
      void worker.terminate();
      resolve(m as { name: string; workerData: unknown });
    });
    worker.once('error', reject);
  });
}

test('bundled: the worker bundle beside the caller', async () => {
  assert.deepEqual(await first(startWorker({ caller: join(dir, 'extension.js'), source: 'source.ts', bundle: 'bundled.js', workerData: { a: 1 } })), { name: 'bundle', workerData: { a: 1 } });
});

test('from source: the TypeScript worker beside the caller, through tsx', async () => {
  assert.deepEqual(await first(startWorker({ caller: join(dir, 'runner.ts'), source: 'source.ts', bundle: 'bundled.js', workerData: 'w' })), { name: 'source', workerData: 'w' });
});

test('an explicit script wins over both; no workerData is undefined', async () => {
  assert.deepEqual(await first(startWorker({ caller: join(dir, 'runner.ts'), source: 'source.ts', bundle: 'bundled.js', workerPath: join(dir, 'explicit.js') })), { name: 'explicit', workerData: undefined });
});
