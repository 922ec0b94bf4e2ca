import assert from 'node:assert/strict';
import test from 'node:test';
import type { DownloadProgress } from '../../src/core/tracking/artifactDownload.js';
import { downloadProgressStep } from '../../src/core/tracking/downloadProgress.js';

const at = (bytes: number, totalBytes: number, filesDone = 0, totalFiles = 1): DownloadProgress => ({ path: 'model.pkl', fileBytes: bytes, fileSize: totalBytes, bytes, totalBytes, filesDone, totalFiles });

test('one file: bytes of its size, and the percentage of it', () => {
  assert.deepEqual(downloadProgressStep(at(10 * 1024 * 1024, 40 * 1024 * 1024), 0), { message: '10 MB of 40 MB', percent: 25 });
});

test('several files name how many are done', () => {
  assert.deepEqual(downloadProgressStep(at(512, 2048, 1, 4), 0), { message: '512 B of 2.0 KB · 1 of 4 files', percent: 25 });
});

test('the bar never goes back when a retried file counts its bytes again from zero', () => {
  assert.equal(downloadProgressStep(at(100, 1000), 60).percent, 60);
});

test('unknown sizes (the listing gave none): bytes so far, progress by files', () => {
  assert.deepEqual(downloadProgressStep(at(3000, 0, 2, 4), 0), { message: '2.9 KB · 2 of 4 files', percent: 50 });
});

test('more bytes than listed (a file grew) stop at 100 %', () => {
  assert.deepEqual(downloadProgressStep(at(3000, 1000), 0), { message: '1000 B of 1000 B', percent: 100 });
});
