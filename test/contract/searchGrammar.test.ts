/**
 * Our in-memory search (src/core/tracking/search) must give the runs and experiments, in the same
 * order, that MLflow's own SQL store gives for the same SQLite store and the same filter/order_by,
 * and fail with MLflow's message where MLflow fails. The store and the reference answers come from
 * real MLflow (fixtures/search_reference.py).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { before, describe } from 'node:test';
import { promisify } from 'node:util';
import { searchExperimentsInMemory, searchRunsInMemory } from '../../src/core/tracking/search/index';
import { SqliteTrackingStore } from '../../src/core/tracking/sqliteStore';
import type { Experiment, Run } from '../../src/core/tracking/entities';
import { env, pythonEnv } from '../support/python';

const execFileAsync = promisify(execFile);

interface Query {
  readonly kind: 'runs' | 'experiments';
  readonly filter?: string;
  readonly order_by?: readonly string[];
}

const RUN_FILTERS = [
  "metrics.acc > 0.5", 'metrics.acc >= 0.9', 'metrics.acc = 0.9', 'metrics.acc != 0.9', 'metrics.acc < 1e9', 'metrics.loss <= 0',
  'metrics.loss != 0.3', 'metrics.acc > -1', 'metrics.missing > 0', 'metrics.acc > 0 AND metrics.loss < 1',
  "params.model = 'rf'", "params.model != 'rf'", "params.model LIKE 'rf%'", "params.model LIKE 'RF'", "params.model ILIKE 'rf'",
  "params.model ILIKE 'éclair'", "params.model LIKE '%\\%'", "params.model LIKE 'rf_v_'", "params.model like 'r_'", 'params.lr IS NULL',
  'params.lr IS NOT NULL', "params.lr = '0.1' AND tags.team = 'Core'", "tags.team ILIKE 'core'", "tags.team = ''", "tags.team != 'Core'",
  'tags.team IS NULL', "tags.note = 'it''s'", "tags.note = \"it's\"", "tags.`mlflow.runName` LIKE '%\\_%'", "tags.mlflow.runName = 'alpha'",
  "attributes.run_name = 'alpha'", "run_name LIKE '%\\%%'", "run_name ILIKE 'GAMMA'", "\"run name\" = 'x_y'", "status = 'FINISHED'",
  "attr.status != 'RUNNING'", 'start_time > 1000', 'created >= 1500 AND created < 5000', 'end_time > 0', 'end_time <= 2500',
  "user_id != 'nobody'", "artifact_uri LIKE '%artifacts'", "dataset.name = 'train'", "dataset.context = 'training' AND dataset.digest = 'd3'",
  "dataset.name IN ('eval', 'none')", "dataset.digest NOT IN ('d1')", "dataset.context LIKE 'eval%'",
  // From MLflow's own search tests: a run that ended at 0 is compared as 0, not as a missing value.
  'attribute.end_time >= 0', 'attribute.end_time <= 0', 'end_time = 0', 'end_time != 0', 'end_time < 600',
];

const RUN_ORDERS: readonly (readonly string[])[] = [
  [], ['metrics.acc'], ['metrics.acc DESC'], ['metrics.loss ASC'], ['metrics.loss DESC'], ['params.lr'], ['params.lr DESC'],
  ['tags.team'], ['tags.team DESC', 'metrics.acc'], ['start_time ASC'], ['created'], ['end_time DESC'], ['run_name'],
  ['attributes.run_name DESC'], ['status', 'params.model DESC'], ['metrics.`acc` desc'], ['run_id'],
  ['end_time'], ['`start_time`'], ['`metrics.acc` DESC'], ['`params.lr` ASC'],
];

const INVALID_RUN_FILTERS = [
  "metrics.acc > 1 OR params.model = 'rf'", 'metrics.acc > 1 AND (metrics.loss < 1)', "NOT params.model = 'rf'", "metrics.acc = 'x'",
  'params.model = rf', "foo.bar = 'x'", "lifecycle_stage = 'active'", "run_name IN ('a')", "status = 'A'; status = 'B'", 'metrics.acc IS NULL',
  "params.model > 'a'", 'metrics.acc LIKE 1', 'start_time LIKE 1', "dataset.foo = 'x'", 'run_id IN ()', "params.model = 'unterminated",
  'metrics.acc', "tags.team IN ('a')", 'metrics.acc == 1',
];

const INVALID_RUN_ORDERS: readonly (readonly string[])[] = [
  ['metrics.acc DOWN'], ['metrics.acc DESC extra'], ['foo.acc'], ['lifecycle_stage'], ['metrics.acc', 'metrics.acc DESC'], ['dataset.name'],
  ['created', 'start_time'], [' metrics.acc'],
  // Backticks around the whole identifier: MLflow keeps them when no ASC/DESC follows.
  ['`metrics.acc`'], ['`params.lr`'], ['`tags.team`'],
];

const EXPERIMENT_QUERIES: readonly Query[] = [
  { kind: 'experiments' }, { kind: 'experiments', filter: "name = 'search'" }, { kind: 'experiments', filter: "name LIKE 'search%'" },
  { kind: 'experiments', filter: "name ILIKE 'search%'" }, { kind: 'experiments', filter: "tags.team = 'core'" },
  { kind: 'experiments', filter: 'tags.team IS NULL' }, { kind: 'experiments', filter: "experiment_id IN ('1', '3')" },
  { kind: 'experiments', filter: 'creation_time > 0' }, { kind: 'experiments', order_by: ['name'] },
  { kind: 'experiments', order_by: ['name DESC'] }, { kind: 'experiments', order_by: ['experiment_id DESC'] },
  { kind: 'experiments', filter: "name like 'x'" }, { kind: 'experiments', filter: "attributes.name = 'x'" },
  { kind: 'experiments', filter: "name = 'a' OR name = 'b'" }, { kind: 'experiments', filter: "experiment_id > '1'" },
  { kind: 'experiments', filter: 'name IS NULL' }, { kind: 'experiments', order_by: ['tags.team'] },
];

const QUERIES: readonly Query[] = [
  ...RUN_FILTERS.map((filter): Query => ({ kind: 'runs', filter })),
  ...RUN_ORDERS.map((order_by): Query => ({ kind: 'runs', order_by })),
  ...RUN_FILTERS.slice(0, 12).map((filter, i): Query => ({ kind: 'runs', filter, order_by: RUN_ORDERS[i + 1] })),
  ...INVALID_RUN_FILTERS.map((filter): Query => ({ kind: 'runs', filter })),
  ...INVALID_RUN_ORDERS.map((order_by): Query => ({ kind: 'runs', order_by })),
  ...EXPERIMENT_QUERIES,
];

interface Reference {
  readonly tracking_uri: string;
  readonly experiment_ids: readonly string[];
  readonly runs: Readonly<Record<string, string>>;
  readonly answers: readonly ({ readonly ids: readonly string[] } | { readonly error: string })[];
}

/** Python prints sets in hash-seed order; compare their members sorted. */
const sortSets = (message: string): string =>
  message.replace(/\{('[^{}']*'(, )?)+\}/g, (set) => `{${set.slice(1, -1).split(', ').sort().join(', ')}}`);

function answer(run: () => readonly string[]): { ids: readonly string[] } | { error: string } {
  try {
    return { ids: run() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('in-memory search matches MlflowClient on a SQLite store', () => {
  let reference: Reference;
  let runs: readonly Run[];
  let experiments: readonly Experiment[];

  before(async () => {
    const python = await pythonEnv();
    const db = join(mkdtempSync(join(tmpdir(), 'mlwb-search-')), 'mlflow.db');
    const child = execFileAsync(python.python, [join(__dirname, 'fixtures', 'search_reference.py'), db], { env: env(python), maxBuffer: 1 << 24 });
    child.child.stdin!.end(JSON.stringify(QUERIES));
    reference = JSON.parse((await child).stdout) as Reference;
    const store = new SqliteTrackingStore(reference.tracking_uri, db);
    runs = (await store.searchRuns({ experimentIds: reference.experiment_ids, viewType: 'ALL' })).items;
    experiments = (await store.searchExperiments({ viewType: 'ALL' })).items;
  });

  QUERIES.forEach((query, index) => {
    test(`${query.kind} filter=${JSON.stringify(query.filter ?? '')} order_by=${JSON.stringify(query.order_by ?? [])}`, () => {
      const options = { filter: query.filter, orderBy: query.order_by };
      const ours =
        query.kind === 'runs'
          ? answer(() => searchRunsInMemory(runs, options).map((run) => run.info.run_id))
          : answer(() => searchExperimentsInMemory(experiments, options).map((experiment) => experiment.experiment_id));
      const expected = reference.answers[index]!;
      if ('error' in expected) {
        assert.ok('error' in ours, `MLflow fails with "${expected.error}" but we answered ${JSON.stringify(ours)}`);
        assert.ok(sortSets(ours.error).startsWith(sortSets(expected.error)), `ours: ${ours.error}\nMLflow: ${expected.error}`);
      } else {
        const names = Object.fromEntries(Object.entries(reference.runs).map(([name, id]) => [id, name]));
        const label = (ids: readonly string[]): string[] => ids.map((id) => names[id] ?? id);
        assert.deepEqual('ids' in ours ? label(ours.ids) : ours, label(expected.ids));
      }
    });
  });
});
