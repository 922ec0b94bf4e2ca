/**
 * What the benchmarks of bench/failures.ts, bench/firstPage.ts and bench/pipeline.ts share: one
 * section of bench/RESULTS.md each, between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`
 * (everything outside the markers is left alone), and the lines every section starts with.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

export const RESULTS = join(__dirname, 'RESULTS.md');

/** Replaces the section's block, or appends it at the end when the file has none. */
export function writeSection(name: string, body: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const existing = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmarks\n';
  const block = `${start}\n${body.trimEnd()}\n${end}`;
  const from = existing.indexOf(start);
  const to = existing.indexOf(end);
  writeFileSync(RESULTS, from >= 0 && to > from ? `${existing.slice(0, from)}${block}${existing.slice(to + end.length)}` : `${existing.trimEnd()}\n\n${block}\n`);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `2026-…Z; commit abc1234. Machine: 2 cores (…), 24 GB, load average 3.1 when measured.` */
export function stamp(): string {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: join(__dirname, '..'), encoding: 'utf8' }).trim() ? ' + uncommitted src changes' : '';
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GB, load average ${loadavg()[0]!.toFixed(1)} when measured`;
  return `${new Date().toISOString().slice(0, 19)}Z; commit ${commit}${dirty}. Machine: ${machine}.`;
}

export const option = (argv: readonly string[], name: string): string | undefined => {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : argv[index + 1];
};
