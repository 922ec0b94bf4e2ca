/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by file, and
 * total (inclusive) time of the functions named on the command line.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/cli.js runs --tracking-uri ... --json > /dev/null
 *   node --import tsx bench/profileSummary.ts /tmp/prof/*.cpuprofile [--top 25] [--inclusive name,...]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function summarise(path: string, top: number, inclusive: readonly string[]): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const name = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const node = byId.get(id)!;
    byFunction.set(name(node), (byFunction.get(name(node)) ?? 0) + ms);
    const file = shortUrl(node.callFrame.url) || `(${node.callFrame.functionName})`;
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
  }
  console.log(`${path}: ${total.toFixed(0)} ms sampled`);
  print('self time by function', byFunction, total, top);
  print('self time by file', byFile, total, top);
  for (const wanted of inclusive) {
    let ms = 0;
    for (const [id, self] of selfMs) {
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        if (byId.get(at)!.callFrame.functionName === wanted) {
          ms += self;
          break;
        }
      }
    }
    console.log(`  inclusive ${wanted}: ${ms.toFixed(0)} ms (${((100 * ms) / total).toFixed(1)}%)`);
  }
}

function print(title: string, map: ReadonlyMap<string, number>, total: number, top: number): void {
  console.log(`  ${title}:`);
  for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`    ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
}

const shortUrl = (url: string): string => url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '~/').replace(/^.*\/(src|dist|bench)\//, '$1/');

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const top = topIndex === -1 ? 20 : Number(args[topIndex + 1]);
const inclusiveIndex = args.indexOf('--inclusive');
const inclusive = inclusiveIndex === -1 ? [] : args[inclusiveIndex + 1]!.split(',');
const files = args.filter((a, i) => !a.startsWith('--') && i !== topIndex + 1 && i !== inclusiveIndex + 1);
for (const file of files) summarise(file, top, inclusive);
