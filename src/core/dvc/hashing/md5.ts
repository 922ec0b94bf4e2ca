/**
 * File hashes exactly as dvc-data computes them (dvc_data/hashfile/hash.py): `md5` is the MD5 of
 * the raw bytes; `md5-dos2unix` (DVC 2 records) reads 1 MiB chunks and, for each chunk whose first
 * 512 bytes look like text (istextfile.py: no NUL, at most 30 % bytes outside printable ASCII and
 * \n\r\t\f\b), hashes it with CRLF turned into LF — so a CRLF split across chunks stays.
 * Files are read by reader.ts, in the hashing worker, never on the extension host's thread.
 */
import { createHash, type Hash } from 'node:crypto';
import type { HashAlgorithm } from '../entities.js';

export const CHUNK_SIZE = 1 << 20;
const TEXT_PROBE = 512;

/** Adds one chunk (as read, at most CHUNK_SIZE bytes: dos2unix decides per chunk). */
export function updateHash(hash: Hash, chunk: Buffer, algorithm: HashAlgorithm): void {
  if (algorithm === 'md5' || !isTextBlock(chunk.subarray(0, TEXT_PROBE))) hash.update(chunk);
  else hash.update(dos2unix(chunk));
}

/** The hash of bytes held in memory (tests, `.dir` listings). */
export function hashBytes(bytes: Uint8Array, algorithm: HashAlgorithm = 'md5'): string {
  const hash = createHash('md5');
  for (let offset = 0; offset < bytes.length || offset === 0; offset += CHUNK_SIZE) {
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset + offset, Math.min(CHUNK_SIZE, bytes.length - offset));
    if (chunk.length > 0) updateHash(hash, chunk, algorithm);
    if (bytes.length === 0) break;
  }
  return hash.digest('hex');
}

export function isTextBlock(block: Uint8Array): boolean {
  if (block.length === 0) return true;
  let nonText = 0;
  for (const byte of block) {
    if (byte === 0) return false;
    const text = (byte >= 32 && byte <= 126) || byte === 10 || byte === 13 || byte === 9 || byte === 12 || byte === 8;
    if (!text) nonText++;
  }
  return nonText / block.length <= 0.3;
}

function dos2unix(chunk: Buffer): Buffer {
  let crlf = chunk.indexOf('\r\n');
  if (crlf === -1) return chunk;
  const out = Buffer.allocUnsafe(chunk.length);
  let written = 0;
  let from = 0;
  while (crlf !== -1) {
    written += chunk.copy(out, written, from, crlf);
    from = crlf + 1;
    crlf = chunk.indexOf('\r\n', from);
  }
  written += chunk.copy(out, written, from);
  return out.subarray(0, written);
}
