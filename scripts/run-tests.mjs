// Runs node's test runner on every *.test.ts under the given folders, or on the given test files
// (Node 20 has no --test globs), then lists every skipped and todo test with its reason, and fails
// the run when a test was skipped without one: a check that vanishes must say why, in CI's output.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testFilesUnder } from './testFiles.mjs';

const [, , ...args] = process.argv;
const folders = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--'));
const files = [];
for (const folder of folders) {
  if (statSync(folder).isDirectory()) testFilesUnder(folder, files);
  else files.push(folder);
}
if (files.length === 0) {
  console.error(`no test files under ${folders.join(', ')}`);
  process.exit(1);
}

// The runner's own default output (spec on a terminal, TAP otherwise before Node 23), plus ours.
const major = Number(process.versions.node.split('.')[0]);
const visible = flags.some((f) => f.startsWith('--test-reporter')) ? [] : ['--test-reporter', major >= 23 || process.stdout.isTTY ? 'spec' : 'tap', '--test-reporter-destination', 'stdout'];
const scratch = mkdtempSync(join(tmpdir(), 'mlw-skips-'));
const skipsFile = join(scratch, 'skips.jsonl');
const reporter = fileURLToPath(new URL('./skipReporter.mjs', import.meta.url));
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...visible, '--test-reporter', reporter, '--test-reporter-destination', skipsFile, ...flags, ...files], { stdio: 'inherit' });

let entries = [];
try {
  entries = readFileSync(skipsFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
} catch {
  // No file: the runner wrote nothing (it failed before any test ran); its status says so.
}
rmSync(scratch, { recursive: true, force: true });
const where = (e) => `${e.file ? relative(process.cwd(), e.file) : '?'} › ${e.name}`;
const hasReason = (e) => typeof e.reason === 'string' && e.reason.trim() !== '';
const skips = entries.filter((e) => e.kind === 'skip');
const todos = entries.filter((e) => e.kind === 'todo');
console.log(`\n=== skipped ${skips.length}, todo ${todos.length} (${folders.join(', ')}) ===`);
for (const e of skips) console.log(`SKIP ${where(e)}: ${hasReason(e) ? e.reason : 'NO REASON GIVEN'}`);
for (const e of todos) console.log(`TODO ${where(e)}: ${hasReason(e) ? e.reason : 'NO REASON GIVEN'}${e.failed ? ' (fails)' : ' (passes: remove the todo)'}`);
const unexplained = entries.filter((e) => !hasReason(e));
if (unexplained.length > 0) {
  console.error(`\n${unexplained.length} test(s) skipped or marked todo without a reason: give each a reason string ({ skip: 'why' }, t.skip('why')).`);
  process.exit(result.status || 1);
}
process.exit(result.status ?? 1);
