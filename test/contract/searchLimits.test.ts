/**
 * Searches MLflow refuses must be refused by us too, with MLflow's words, on both local stores:
 * max_results beyond each search's limit (50,000 runs or experiments, 1,000 registered models,
 * 200,000 model versions), and the CLI's answer to them — and to a bad filter or order_by — is
 * exit 2 (bad usage) with that message on one line. The stores are logged by real MLflow
 * (test/fixtures/make_tracking_store.py); the reference is MlflowClient on the same store.
 * Needs `npm run build` first (dist/cli.js).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { TrackingError } from '../../src/core/tracking/errors';
import { openTrackingStore } from '../../src/core/tracking/open';
import type { ModelRegistry, TrackingStore } from '../../src/core/tracking/store';
import { runCli, trackingFixture, type Backend, type TrackingFixture } from '../support/fixtures';
import { env, pythonEnv } from '../support/python';

const execFileAsync = promisify(execFile);

type Kind = 'runs' | 'experiments' | 'registered_models' | 'model_versions';
interface Query {
  readonly kind: Kind;
  readonly max_results?: number;
  readonly filter?: string;
  readonly order_by?: readonly string[];
}
type Answer = { readonly error: string } | { readonly count: number };

/** Python prints sets in hash-seed order; compare their members sorted. */
const sortSets = (message: string): string =>
  message.replace(/\{('[^{}']*'(, )?)+\}/g, (set) => `{${set.slice(1, -1).split(', ').sort().join(', ')}}`);

const QUERIES: readonly Query[] = [
  { kind: 'runs', max_results: 50_000 },
  { kind: 'runs', max_results: 50_001 },
  { kind: 'experiments', max_results: 50_000 },
  { kind: 'experiments', max_results: 50_001 },
  { kind: 'registered_models', max_results: 1_000 },
  { kind: 'registered_models', max_results: 1_001 },
  { kind: 'model_versions', max_results: 200_000 },
  { kind: 'model_versions', max_results: 200_001 },
  { kind: 'runs', order_by: ['`metrics.accuracy`'] },
  { kind: 'runs', order_by: ['`metrics.accuracy` DESC'] },
  { kind: 'runs', filter: 'metrics.accuracy == 1' },
];

async function reference(uri: string): Promise<Answer[]> {
  const python = await pythonEnv();
  const child = execFileAsync(python.python, [join(__dirname, 'fixtures', 'search_limits_reference.py'), uri], { env: env(python), maxBuffer: 1 << 24 });
  child.child.stdin!.end(JSON.stringify(QUERIES));
  return JSON.parse((await child).stdout) as Answer[];
}

async function ours(store: TrackingStore & ModelRegistry, query: Query): Promise<Answer> {
  const options = { maxResults: query.max_results, filter: query.filter, orderBy: query.order_by };
  try {
    if (query.kind === 'runs') {
      const experimentIds = (await store.searchExperiments({ viewType: 'ALL' })).items.map((e) => e.experiment_id);
      return { count: (await store.searchRuns({ experimentIds, viewType: 'ALL', ...options })).items.length };
    }
    if (query.kind === 'experiments') return { count: (await store.searchExperiments({ viewType: 'ALL', ...options })).items.length };
    if (query.kind === 'registered_models') return { count: (await store.searchRegisteredModels(options)).items.length };
    return { count: (await store.searchModelVersions(options)).items.length };
  } catch (error) {
    assert.ok(error instanceof TrackingError && error.reason === 'invalid-argument', `expected an 'invalid-argument' TrackingError, got ${String(error)}`);
    return { error: error.message };
  }
}

for (const backend of ['sqlite', 'file'] satisfies Backend[]) {
  describe(`${backend} store: searches MLflow refuses`, () => {
    let fixture: TrackingFixture;
    let expected: Answer[];
    let store: TrackingStore & ModelRegistry;

    before(async () => {
      fixture = await trackingFixture(backend);
      expected = await reference(fixture.uri);
      store = openTrackingStore(fixture.uri, { cwd: fixture.dir });
    });

    QUERIES.forEach((query, index) => {
      test(`${query.kind} ${JSON.stringify({ ...query, kind: undefined })}`, async () => {
        const theirs = expected[index]!;
        const answer = await ours(store, query);
        if ('error' in theirs) {
          assert.ok('error' in answer, `MLflow refuses with "${theirs.error}" but we answered ${JSON.stringify(answer)}`);
          assert.ok(sortSets(answer.error).startsWith(sortSets(theirs.error)), `ours: ${answer.error}\nMLflow: ${theirs.error}`);
        } else {
          assert.deepEqual(answer, theirs);
        }
      });
    });

    test('the CLI exits 2 with MLflow\'s message on one line for max_results, order_by and filter MLflow refuses', async () => {
      const cases: [string[], RegExp][] = [
        [['runs', '--max-results', '50001'], /must be at most 50000/],
        [['experiments', '--max-results', '50001'], /^ml-workbench: Invalid value 50001 for parameter 'max_results' supplied\. It must be at most 50000\n$/],
        [['models', '--max-results', '1001'], /^ml-workbench: Invalid value for request parameter max_results\. It must be at most 1000, but got value 1001\n$/],
        [['runs', '--order-by', '`metrics.accuracy`'], /^ml-workbench: Invalid entity type '`metrics'\. Valid values are/],
        [['runs', '--filter', 'metrics.accuracy == 1'], /^ml-workbench: Invalid comparator '==' not one of /],
        [['runs', '--page-token', 'not base64!'], /^ml-workbench: Invalid page token/],
      ];
      for (const [args, pattern] of cases) {
        const result = await runCli([...args, '--tracking-uri', fixture.uri, '--json']);
        assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
        assert.equal(result.stdout, '');
        assert.match(result.stderr, pattern);
        assert.equal(result.stderr.split('\n').length, 2, `one line:\n${result.stderr}`);
      }
    });
  });
}
