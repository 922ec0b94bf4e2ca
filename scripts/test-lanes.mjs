// Runs the contract and end-to-end suites in two lanes on two cores, file by file, and balances
// them: the contract lane runs its files one at a time, then helps with the end-to-end files; the
// e2e lane takes end-to-end files from the same queue from the start. So at most one contract file
// runs at once (they start servers and share fixtures), and never more than two files at once.
// The end-to-end queue is longest first, by the times this machine measured on its last run (in
// the cache), else those of scripts/test-file-seconds.json (a CI run's), so the lanes end close
// together; a file with no time at all goes first.
//
// Each file runs through scripts/run-tests.mjs (its own node --test process: skips are listed and
// a skip without a reason fails), with its lines prefixed by its suite and name ([e2e plots]). At the end: every
// file's time and result, and each failing test's TAP block again (a long log is read from its end).
// TEST_SERIAL=1 runs one file at a time. Arguments, if any, keep only the files whose path
// contains one of them (node scripts/test-lanes.mjs searchGrammar plots).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { testFilesUnder } from './testFiles.mjs';
import { homedir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const cache = process.env.ML_WORKBENCH_CACHE || join(homedir(), '.cache', 'ml-workbench');
const timesFile = join(cache, 'test-file-seconds.json');

const filesUnder = (dir) => testFilesUnder(join(ROOT, dir)).map((path) => relative(ROOT, path));

const readTimes = (path) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {}; // First run on this machine: no times yet.
  }
};
const times = { ...readTimes(join(ROOT, 'scripts', 'test-file-seconds.json')), ...readTimes(timesFile) };
const expected = (file) => (typeof times[file] === 'number' ? times[file] : Infinity);
const only = process.argv.slice(2);
const chosen = (file) => only.length === 0 || only.some((part) => file.includes(part));
const contract = filesUnder('test/contract').filter(chosen);
const e2e = filesUnder('test/e2e').filter(chosen).sort((a, b) => expected(b) - expected(a) || a.localeCompare(b));

const results = [];
const children = new Set();
const started = Date.now();

function runFile(kind, file) {
  return new Promise((resolve) => {
    const begun = Date.now();
    const lines = [];
    const prefix = `[${file.startsWith('test/e2e/') ? 'e2e' : 'contract'} ${basename(file, '.test.ts')}]`;
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'run-tests.mjs'), file, '--test-concurrency=1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        lines.push(line);
        process.stdout.write(`${prefix} ${line}\n`);
      });
    }
    child.on('close', (code, signal) => {
      children.delete(child);
      const seconds = (Date.now() - begun) / 1000;
      results.push({ kind, file, seconds, ok: code === 0, code: code ?? signal, lines });
      process.stdout.write(`${prefix} === ${file}: ${code === 0 ? 'passed' : `FAILED (${code ?? signal})`} in ${seconds.toFixed(0)}s\n`);
      resolve();
    });
  });
}

async function lane(kind, own) {
  for (const file of own) await runFile(kind, file);
  for (let file = e2e.shift(); file !== undefined; file = e2e.shift()) await runFile(kind, file);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    process.exit(130);
  });
}

if (process.env.TEST_SERIAL === '1') await lane('contract', contract);
else await Promise.all([lane('contract', contract), lane('e2e', [])]);

// Times for the next run's order (a failed file's too: it is what it cost).
mkdirSync(cache, { recursive: true });
writeFileSync(timesFile, JSON.stringify({ ...times, ...Object.fromEntries(results.map((r) => [r.file, Math.round(r.seconds)])) }, null, 1));

const failed = results.filter((r) => !r.ok);
console.log(`\n=== contract and e2e files (${((Date.now() - started) / 1000).toFixed(0)}s in all) ===`);
for (const kind of ['contract', 'e2e']) {
  const mine = results.filter((r) => r.kind === kind);
  console.log(`=== the ${kind} lane: ${mine.length} files, ${mine.reduce((s, r) => s + r.seconds, 0).toFixed(0)}s`);
}
for (const r of [...results].sort((a, b) => b.seconds - a.seconds)) console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${r.seconds.toFixed(0).padStart(5)}s  [${r.kind} lane] ${r.file}`);
for (const r of failed) {
  console.log(`\n=== ${r.file}: the failing tests again ===`);
  const tap = spawn(process.execPath, [join(ROOT, 'scripts', 'tap-failures.mjs')], { stdio: ['pipe', 'inherit', 'inherit'] });
  tap.stdin.end(`${r.lines.join('\n')}\n`);
  await new Promise((resolve) => tap.on('close', resolve));
}
process.exit(failed.length > 0 ? 1 : 0);
