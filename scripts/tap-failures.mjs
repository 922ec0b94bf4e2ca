// Reads TAP (node --test's default reporter output) on stdin and prints each failing test's block:
// its "not ok" line and the indented YAML diagnostics under it (error, location, stack), capped so a
// huge diagnostic cannot flood the end of a CI log. Used by scripts/test.sh after a failing lane.
import { createInterface } from 'node:readline';

const MAX_LINES_PER_FAILURE = 60;
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
let block = null; // { indent, lines }
let printed = 0;
const flush = () => {
  if (!block) return;
  const { lines } = block;
  const shown = lines.slice(0, MAX_LINES_PER_FAILURE);
  console.log(shown.join('\n'));
  if (lines.length > shown.length) console.log(`${' '.repeat(block.indent)}  … ${lines.length - shown.length} more lines`);
  printed++;
  block = null;
};
for await (const line of rl) {
  const notOk = /^(\s*)not ok \d+ - /.exec(line);
  if (notOk) {
    flush();
    block = { indent: notOk[1].length, lines: [line] };
    continue;
  }
  if (block) {
    const indent = /^\s*/.exec(line)[0].length;
    // The block's diagnostics are indented deeper than its "not ok" line; anything else ends it.
    if (line.trim() !== '' && indent <= block.indent) flush();
    else block.lines.push(line);
  }
}
flush();
if (printed === 0) console.log('(no "not ok" line in the output: the lane failed outside a test; see its lines above)');
