/**
 * Big SQLite stores for the Runs view: the paging e2e test's (a few thousand runs, made here with
 * MlflowClient and cached under ML_WORKBENCH_CACHE/e2e) and the first-page benchmark's (the
 * listing store bench/generate.py caches under ML_WORKBENCH_CACHE/bench when there is one, else
 * one made here). Logging one run is three SQLite commits; on disk each waits for fsync (~0.13 s
 * a run on a busy 2-core machine), on tmpfs it does not (~0.04 s), so stores are logged in
 * /dev/shm when there is one and copied into the cache when complete.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { env, pythonEnv } from '../../support/python';

const execFileAsync = promisify(execFile);

export interface BenchStore {
  readonly dbPath: string;
  readonly experimentName: string;
  readonly runs: number;
  /** Who made it: 'bench/generate.py' or 'e2e'. */
  readonly source: string;
}

export function cacheRoot(): string {
  return process.env.ML_WORKBENCH_CACHE ?? join(homedir(), '.cache', 'ml-workbench');
}

/** A finished listing store of `runs` runs from bench/generate.py, if any. */
export function findBenchStore(runs = 10_000): BenchStore | undefined {
  const bench = join(cacheRoot(), 'bench');
  if (!existsSync(bench)) return undefined;
  // bench/generate.py's stores live in bench/mlflow<version>/; other benchmarks keep files beside them.
  for (const version of readdirSync(bench, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name.startsWith('mlflow'))) {
    const dir = join(bench, version.name);
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.') || !name.startsWith('listing-')) continue;
      const manifestPath = join(dir, name, 'manifest.json');
      const dbPath = join(dir, name, 'mlflow.db');
      if (!existsSync(manifestPath) || !existsSync(dbPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { runs?: number; sqlite_experiment_id?: string };
      if (manifest.runs !== runs) continue;
      return { dbPath, experimentName: manifest.sqlite_experiment_id === '0' || manifest.sqlite_experiment_id === undefined ? 'Default' : manifest.sqlite_experiment_id, runs, source: 'bench/generate.py' };
    }
  }
  return undefined;
}

const GENERATE = `
import os, sys, time, warnings
warnings.simplefilter("ignore")
from mlflow.tracking import MlflowClient
from mlflow.entities import Metric, Param, RunTag
out, count = sys.argv[1], int(sys.argv[2])
os.chdir(out)
client = MlflowClient(tracking_uri=f"sqlite:///{out}/mlflow.db")
base = 1_735_689_600_000
started = time.time()
for i in range(count):
    start = base + i * 1000
    run = client.create_run("0", start_time=start, run_name=f"run-{i:05d}")
    rid = run.info.run_id
    client.log_batch(rid, metrics=[Metric("accuracy", (i % 1000) / 1000, start + 10, 0), Metric("loss", 1 / (i + 1), start + 10, 0)],
                     params=[Param("lr", str(0.001 * (1 + i % 10))), Param("seed", str(i))], tags=[RunTag("bench", "e2e")])
    client.set_terminated(rid, "FINISHED", end_time=start + 500)
    if i % 1000 == 0:
        print(f"{i} runs, {time.time() - started:.0f} s", file=sys.stderr, flush=True)
`;

/** The benchmark's listing store of `runs` runs when bench/generate.py made one, else a generated one. */
export async function benchStore(runs = 10_000): Promise<BenchStore> {
  return findBenchStore(runs) ?? generatedStore(runs);
}

/**
 * `runs` runs in the Default experiment, logged with MlflowClient (two metrics, two params, a tag;
 * one second apart, named run-00000 up), made once and cached. Reading it logs nothing: the
 * store's artifact root points into the build folder, and nothing here reads artifacts.
 */
export async function generatedStore(runs: number): Promise<BenchStore> {
  const dir = join(cacheRoot(), 'e2e', `runs-${runs}`);
  const dbPath = join(dir, 'mlflow.db');
  const store = { dbPath, experimentName: 'Default', runs, source: 'e2e (MlflowClient)' };
  if (existsSync(join(dir, 'done'))) return store;
  const scratch = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'mlw-store-'));
  try {
    const python = await pythonEnv();
    console.error(`[e2e] logging a ${runs}-run store with MlflowClient (once; cached in ${dir})`);
    await execFileAsync(python.python, ['-c', GENERATE, scratch, String(runs)], { env: env(python), maxBuffer: 16 << 20, timeout: 60 * 60_000 });
    const building = `${dir}.build`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(join(dir, '..'), { recursive: true });
    cpSync(join(scratch, 'mlflow.db'), join(building, 'mlflow.db'));
    rmSync(dir, { recursive: true, force: true });
    renameSync(building, dir);
    writeFileSync(join(dir, 'done'), new Date().toISOString());
    return store;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
