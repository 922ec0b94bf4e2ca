/**
 * `npm run bench:datadiff`: the diff of a 1 GiB CSV pair against the floor of reading both files
 * once, measured in the same run, in rounds (each round runs every tool once; ratios are taken
 * within a round, medians reported). Files: bench/datadiff_generate.py, cached under
 * ~/.cache/ml-workbench/bench/datadiff-v2 (a.csv; b.csv a refresh of it — changed, deleted,
 * appended and moved rows — diffed by key; c.csv in-place edits, diffed by position).
 * Floors: `cat A B > /dev/null` and a Node stream read of both. Each tool runs in its own process
 * (GNU time gives its peak RSS); our runs time the work alone. The page cache is warm (both files
 * fit in memory and are read once before the rounds). Wall time and CPU time are both reported:
 * on a machine shared with other work, CPU time is the steadier measure.
 *
 *   npm run bench:datadiff [-- --repeat 3 --no-write]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { env as pythonChildEnv, pythonEnv, REPO_ROOT } from '../test/support/python';

const BENCH = join(process.env['ML_WORKBENCH_CACHE'] ?? join(homedir(), '.cache', 'ml-workbench'), 'bench');
const DATA = join(BENCH, 'datadiff-v2');
const RESULTS = join(REPO_ROOT, 'bench', 'RESULTS.md');
const TIME = '/usr/bin/time';
const START = '<!-- bench:datadiff start -->';
const END = '<!-- bench:datadiff end -->';

const log = (message: string): void => void process.stderr.write(`bench:datadiff: ${message}\n`);

interface Run {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly rssMb: number | undefined;
  readonly count: number | undefined;
}

interface Tool {
  readonly name: string;
  readonly argv: readonly string[];
  /** The child prints its own {"seconds","cpuSeconds","count"}. */
  readonly self: boolean;
}

function runOnce(tool: Tool): Run {
  const scratch = mkdtempSync(join(tmpdir(), 'mlw-bench-dd-'));
  try {
    const timeFile = join(scratch, 'time');
    const hasTime = existsSync(TIME);
    const argv = hasTime ? [TIME, '-f', '%e %U %S %M', '-o', timeFile, '--', ...tool.argv] : [...tool.argv];
    const started = performance.now();
    const result = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', tool.self ? 'pipe' : 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 20 });
    const wall = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`${tool.name} failed (${result.status}): ${result.stderr.slice(-2000)}`);
    const [, user, system, rss] = hasTime ? readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) : [];
    if (tool.self) {
      const own = JSON.parse(result.stdout.trim().split('\n').pop()!) as { seconds: number; cpuSeconds: number; count: number };
      return { seconds: own.seconds, cpuSeconds: own.cpuSeconds, rssMb: rss === undefined ? undefined : rss / 1024, count: own.count };
    }
    return { seconds: wall, cpuSeconds: (user ?? 0) + (system ?? 0), rssMb: rss === undefined ? undefined : rss / 1024, count: undefined };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function ensureData(): Promise<void> {
  if (existsSync(join(DATA, '.complete'))) return;
  log(`generating the CSV files in ${DATA} (once; a few minutes)`);
  const python = await pythonEnv();
  execFileSync(python.python, [join(REPO_ROOT, 'bench', 'datadiff_generate.py'), '--out', DATA], { stdio: 'inherit', env: pythonChildEnv(python) });
}

function child(mode: string, a: string, b: string): Tool {
  return { name: mode, argv: [process.execPath, '--import', 'tsx', join(REPO_ROOT, 'bench', 'dataDiffChild.ts'), mode, a, b], self: true };
}

interface Row {
  readonly name: string;
  readonly runs: Run[];
  /** Per round: this tool's wall and CPU seconds over the cat floor's and the Node-read floor's. */
  readonly ratios: { cat: number[]; node: number[]; catCpu: number[]; nodeCpu: number[] };
}

function rounds(pairs: readonly { label: string; a: string; b: string; ours: Tool[] }[], repeat: number): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const pair of pairs) {
    const floors = [
      { name: '`cat A B > /dev/null`', argv: ['cat', pair.a, pair.b], self: false },
      child('read', pair.a, pair.b),
    ];
    for (const tool of floors) runOnce(tool); // warm the page cache
    const rows: Row[] = [...floors, ...pair.ours].map((tool) => ({ name: tool === floors[1] ? 'Node stream read of A and B' : tool.name, runs: [], ratios: { cat: [], node: [], catCpu: [], nodeCpu: [] } }));
    for (let round = 0; round < repeat; round++) {
      const runs = [...floors, ...pair.ours].map((tool) => {
        const run = runOnce(tool);
        log(`${pair.label} round ${round + 1}: ${tool.name} ${run.seconds.toFixed(2)} s (CPU ${run.cpuSeconds.toFixed(2)} s, ${run.rssMb?.toFixed(0) ?? '?'} MB)`);
        return run;
      });
      runs.forEach((run, i) => {
        const row = rows[i]!;
        row.runs.push(run);
        row.ratios.cat.push(run.seconds / runs[0]!.seconds);
        row.ratios.node.push(run.seconds / runs[1]!.seconds);
        row.ratios.catCpu.push(run.cpuSeconds / Math.max(runs[0]!.cpuSeconds, 1e-3));
        row.ratios.nodeCpu.push(run.cpuSeconds / runs[1]!.cpuSeconds);
      });
    }
    out.set(pair.label, rows);
  }
  return out;
}

function table(rows: readonly Row[]): string[] {
  const lines = ['| | wall s (median) | min – max | CPU s (median) | peak RSS MB | wall / cat | wall / Node read | CPU / Node read |', '|---|---|---|---|---|---|---|---|'];
  for (const row of rows) {
    const wall = row.runs.map((r) => r.seconds);
    const rss = row.runs.map((r) => r.rssMb).filter((v): v is number => v !== undefined);
    lines.push(
      `| ${row.name} | ${median(wall).toFixed(2)} | ${Math.min(...wall).toFixed(2)} – ${Math.max(...wall).toFixed(2)} | ${median(row.runs.map((r) => r.cpuSeconds)).toFixed(2)} | ${rss.length ? Math.max(...rss).toFixed(0) : 'n/a'} | ${median(row.ratios.cat).toFixed(2)} | ${median(row.ratios.node).toFixed(2)} | ${median(row.ratios.nodeCpu).toFixed(2)} |`,
    );
  }
  return lines;
}

function report(results: Map<string, Row[]>, sizes: string, repeat: number): string {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const lines = [
    START,
    '## Data diff: a 1 GiB CSV pair',
    '',
    `\`npm run bench:datadiff\` (${new Date().toISOString().slice(0, 10)}, ${repeat} rounds, page cache warm, load average ${load} on 2 cores). Files (bench/datadiff_generate.py): ${sizes}. Target: the diff summary (schema, rows added/removed/changed/unchanged, the first 20 changed rows) ≤ 2 × the time to read both files once. Ratios are medians of per-round ratios.`,
    '',
  ];
  for (const [label, rows] of results) lines.push(`### ${label}`, '', ...table(rows), '');
  lines.push(
    'How: stretches that are byte-identical in both files are compared with memcmp in growing blocks and their records counted 4 bytes at a time — never split into fields; only differing rows are parsed. By key, a differing row waits in a table until its key turns up on the other side (an inserted, deleted or moved block is caught up by reading the side that is behind alone); past 256 MiB of waiting rows they spill to 64 partition files (an external hash join), so memory stays bounded whatever the files hold. Peak RSS includes Node and tsx (about 60 MB).',
    '',
    'Wall times depend on the machine\'s load (other sessions share its 2 cores): a process that waits for a CPU loses more wall time the longer it runs, so the CPU ratios are the comparable measure. Stats (count, missing, min/max/mean/std, distinct/top per column) need every field of every row: that pass parses both files in full and is reported on its own row; a worker per file would halve its wall time on two idle cores.',
    END,
  );
  return lines.join('\n');
}

function updateResults(section: string): void {
  const text = readFileSync(RESULTS, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  writeFileSync(RESULTS, start >= 0 && end > start ? text.slice(0, start) + section + text.slice(end + END.length) : `${text.trimEnd()}\n\n${section}\n`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const repeatAt = argv.indexOf('--repeat');
  const repeat = repeatAt >= 0 ? Number(argv[repeatAt + 1]) : 3;
  await ensureData();
  const [a, b, c] = ['a.csv', 'b.csv', 'c.csv'].map((f) => join(DATA, f)) as [string, string, string];
  const gib = (path: string): string => `${(statSync(path).size / 2 ** 30).toFixed(2)} GiB`;
  const sizes = `a.csv ${gib(a)}, b.csv ${gib(b)}, c.csv ${gib(c)}`;
  const results = rounds(
    [
      { label: 'By key (`id`): a.csv → b.csv, a refresh', a, b, ours: [{ ...child('key', a, b), name: 'ours: diff summary by key' }, { ...child('key-stats', a, b), name: 'ours: diff by key + stats of every column' }] },
      { label: 'By position: a.csv → c.csv, edits in place', a, b: c, ours: [{ ...child('position', a, c), name: 'ours: diff summary by position' }] },
    ],
    repeat,
  );
  const section = report(results, sizes, repeat);
  process.stdout.write(section + '\n');
  if (!argv.includes('--no-write')) updateResults(section);
}

void main();
