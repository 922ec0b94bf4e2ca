/**
 * A file store migrated to SQLite by MLflow's own `mlflow migrate-filestore` keeps its 18-digit
 * experiment ids: beyond 2^53, so a reader that takes them as JavaScript numbers gets them wrong
 * (sql.js) or fails (node:sqlite). Both SQLite paths must answer exactly as MLflow does.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { promisify } from 'node:util';
import { mlflowReference, trackingFixture } from '../support/fixtures.js';
import { node24 } from '../support/node24.js';
import { env, pythonEnv, REPO_ROOT } from '../support/python.js';

const execFileAsync = promisify(execFile);
let uri: string;

before(async () => {
  const fixture = await trackingFixture('file');
  const python = await pythonEnv();
  const db = join(mkdtempSync(join(tmpdir(), 'mlw-migrated-')), 'mlflow.db');
  await execFileAsync(join(python.bin, 'mlflow'), ['migrate-filestore', '--source', join(fixture.dir, 'mlruns'), '--target', `sqlite:///${db}`], { env: env(python), maxBuffer: 16 << 20 });
  uri = `sqlite:///${db}`;
});

/**
 * Node 20 reads SQLite with sql.js; the Node 24 that runs code-server has node:sqlite. Both always
 * run: a missing Node 24 fails the node:sqlite case instead of leaving it out.
 */
const NODES: readonly { name: string; node: () => Promise<string>; driver: string }[] = [
  { name: 'sql.js', node: async () => process.execPath, driver: 'sql.js' },
  { name: 'node:sqlite', node: node24, driver: 'node:sqlite' },
];

async function cli(node: string, driver: string, args: string[]): Promise<unknown> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ML_WORKBENCH_SQLITE_DRIVER: driver, NODE_NO_WARNINGS: '1' };
  delete childEnv['MLFLOW_TRACKING_URI'];
  const { stdout } = await execFileAsync(node, [join(REPO_ROOT, 'dist', 'cli.js'), ...args, '--tracking-uri', uri, '--json'], { env: childEnv, maxBuffer: 64 << 20 });
  return JSON.parse(stdout);
}

for (const { name, node: findNode, driver } of NODES) {
  test(`${name}: experiments and runs of a migrated store equal MLflow's, 18-digit ids intact`, async () => {
    const node = await findNode();
    const experiments = (await mlflowReference('experiments', uri, { viewType: 'ALL' })) as { experiments: { experiment_id: string }[] };
    assert.ok(experiments.experiments.some((e) => e.experiment_id.length >= 17), 'the migrated store keeps the file store\'s long ids');
    assert.deepEqual(await cli(node, driver, ['experiments', '--view-type', 'ALL']), experiments);
    const long = experiments.experiments.find((e) => e.experiment_id.length >= 17)!.experiment_id;
    assert.deepEqual(await cli(node, driver, ['runs', '--experiment-id', long, '--view-type', 'ALL']), await mlflowReference('runs', uri, { experimentIds: [long], viewType: 'ALL' }));
  });
}
