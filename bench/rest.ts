/**
 * The same 10,000 runs through a real `mlflow server` (SQLite backend, the listing store of
 * bench/generate.py): our REST client (the CLI, Node 20) against MLflow's Python client talking to
 * that server, both listing every run of the experiment. Written to bench/RESULTS.md between
 * `<!-- bench:rest:start -->` and `<!-- bench:rest:end -->`.
 *
 *   node --import tsx bench/rest.ts [--repeat N]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { measure, type Summary } from './measure.js';
import { startMlflowServer } from '../test/support/mlflowServer.js';
import { pythonEnv, REPO_ROOT } from '../test/support/python.js';

const CACHE = process.env['ML_WORKBENCH_CACHE'] ?? join(process.env['HOME'] ?? '', '.cache', 'ml-workbench');
const repeatArg = process.argv.indexOf('--repeat');
const REPEAT = repeatArg > 0 ? Number(process.argv[repeatArg + 1]) : 3;

async function main(): Promise<void> {
  const db = join(CACHE, 'bench', 'mlflow3.17.2', 'listing-v2-10000', 'mlflow.db');
  if (!existsSync(db)) throw new Error(`${db} is missing: run npm run bench first (bench/generate.py makes it)`);
  const python = await pythonEnv();
  const server = await startMlflowServer({ backendUri: `sqlite:///${db}`, startTimeoutMs: 180_000 });
  const rows: [string, Summary][] = [];
  try {
    const env = { ...process.env, MLFLOW_TRACKING_URI: server.url };
    const count = (file: string): number => (JSON.parse(readFileSync(file, 'utf8')) as { runs?: unknown[] }).runs?.length ?? 0;
    rows.push(['**ML Workbench CLI (REST client, Node 20)**, pages of 50,000 ·wall', await measure({ argv: [process.execPath, join(REPO_ROOT, 'dist', 'cli.js'), 'runs', '--experiment-id', '0', '--json'], env, timing: 'wall', count }, REPEAT, 1)]);
    for (const pageSize of [50_000, 1_000]) {
      rows.push([`MLflow \`search_runs\` against the server, pages of ${pageSize.toLocaleString('en')}, in-process`, await measure({ argv: [python.python, join(REPO_ROOT, 'bench', 'mlflow_peer.py'), 'listing', server.url, '0', '--page-size', String(pageSize)], env, timing: 'self' }, REPEAT, 1)]);
    }
  } finally {
    await server.stop();
  }
  const mlflow = rows[1]![1].median;
  const table = [
    '| | seconds (median) | min – max | peak RSS MB | runs | ours / MLflow (50,000-run pages) |',
    '|---|--:|--:|--:|--:|--:|',
    ...rows.map(([name, s], i) => `| ${name} | ${s.median.toFixed(3)} | ${s.min.toFixed(3)} – ${s.max.toFixed(3)} | ${s.peakRssKb ? Math.round(s.peakRssKb / 1024) : '?'} | ${s.count?.toLocaleString('en') ?? ''} | ${i === 0 ? `${(s.median / mlflow).toFixed(2)} ${s.median <= mlflow ? '✅' : '❌'}` : ''} |`),
  ].join('\n');
  const mlflowVersion = execFileSync(python.python, ['-c', 'import mlflow; print(mlflow.__version__)'], { encoding: 'utf8' }).trim();
  const block = `<!-- bench:rest:start -->
## MLflow tracking server (REST)

${new Date().toISOString().slice(0, 19)}Z — median of ${REPEAT} after 1 warm-up. Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 1024 ** 3)} GB. Node ${process.version}, MLflow ${mlflowVersion} (\`mlflow server\`, SQLite backend: the 10,000-run listing store).
Target: not slower than MLflow's client against the same server. Both sides mostly wait for the server to build each page. Our client asks for pages of 50,000 (MLflow's maximum: one page here) and holds the runs it prints; peak RSS is reported for both.

${table}
<!-- bench:rest:end -->`;
  const path = join(REPO_ROOT, 'bench', 'RESULTS.md');
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const next = /<!-- bench:rest:start -->[\s\S]*<!-- bench:rest:end -->/.test(existing)
    ? existing.replace(/<!-- bench:rest:start -->[\s\S]*<!-- bench:rest:end -->/, block)
    : `${existing.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
  console.log(block);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
