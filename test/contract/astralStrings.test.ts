/**
 * Names, params and tags with characters outside the BMP (emoji, mathematical letters) beside BMP
 * characters above the surrogates (U+E000, U+FB01, U+FF46): MLflow orders strings by code point
 * (SQLite's BINARY collation, Python's str order), where JavaScript's `<` orders UTF-16 code units
 * and puts every astral character before U+E000. Sorted and filtered by the CLI on a SQLite and a
 * file store logged by real MLflow (fixtures/astral_store.py), against MLflow's REST handler's
 * answer for the same store (test/support/mlflow_reference.py). Needs `npm run build` first.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { mlflowReferenceBatch, runCli, type CliQuery } from '../support/fixtures';
import { env, pythonEnv } from '../support/python';
import { jsonDiff } from './jsonDiff';

const execFileAsync = promisify(execFile);

interface AstralStore {
  readonly tracking_uri: string;
  readonly experiments: Readonly<Record<string, string>>;
  readonly runs: Readonly<Record<string, string>>;
}

const RUN_ORDERS: readonly (readonly string[])[] = [
  ['attributes.run_name'], ['attributes.run_name DESC'], ['params.p'], ['params.p DESC'], ['tags.t'], ['tags.t DESC'], ['tags.t', 'params.p DESC'],
];

const RUN_FILTERS: readonly string[] = [
  "attributes.run_name LIKE '_'", "attributes.run_name LIKE '_ %'", "attributes.run_name LIKE '𝔘%'", "attributes.run_name = '😀'",
  "params.p LIKE '_'", "params.p LIKE '%😀%'", "params.p != '🚀'", "params.p = '\u{10fffd} last plane'", "tags.t LIKE '_ _'", "tags.t LIKE '%\u{e000}%'",
  "tags.t = '\u{ff46}' AND params.p LIKE '_ %'",
];

const EXPERIMENT_QUERIES: readonly CliQuery[] = [
  { command: 'experiments', order_by: ['name'] },
  { command: 'experiments', order_by: ['name DESC'] },
  { command: 'experiments', filter: "name LIKE '_ %'", order_by: ['name'] },
];

function runQueries(experimentId: string): CliQuery[] {
  return [
    ...RUN_ORDERS.map((order_by) => ({ command: 'runs', experiment_id: [experimentId], order_by })),
    ...RUN_FILTERS.map((filter) => ({ command: 'runs', experiment_id: [experimentId], filter, order_by: ['attributes.run_name'] })),
    { command: 'runs', experiment_id: [experimentId], filter: "params.p LIKE '%'", order_by: ['params.p'], max_results: 4 },
  ];
}

function cliArgs(query: CliQuery, uri: string): string[] {
  const args = [query.command, '--tracking-uri', uri, '--json'];
  const options: Record<string, string> = { experiment_id: '--experiment-id', filter: '--filter', order_by: '--order-by', max_results: '--max-results' };
  for (const [key, value] of Object.entries(query)) {
    if (key === 'command') continue;
    for (const item of Array.isArray(value) ? value : [value]) args.push(options[key]!, String(item));
  }
  return args;
}

for (const backend of ['sqlite', 'file'] as const) {
  describe(`${backend} store: strings outside the BMP sort and filter as MLflow's do`, () => {
    let dir: string;
    let store: AstralStore;
    let queries: CliQuery[];
    let expected: unknown[];

    before(
      async () => {
        const python = await pythonEnv();
        dir = mkdtempSync(join(tmpdir(), `mlw-astral-${backend}-`));
        const { stdout } = await execFileAsync(python.python, [join(__dirname, 'fixtures', 'astral_store.py'), '--backend', backend, '--out', dir], { env: env(python), maxBuffer: 1 << 20 });
        store = JSON.parse(stdout) as AstralStore;
        queries = [...runQueries(store.experiments['🚀 rockets']!), ...EXPERIMENT_QUERIES];
        expected = await mlflowReferenceBatch(store.tracking_uri, queries);
      },
      { timeout: 120_000 },
    );

    after(() => rmSync(dir, { recursive: true, force: true }));

    test('every order and filter answers what MLflow answers, in its order', async () => {
      const names = new Map(Object.entries(store.runs).map(([name, id]) => [id, name]));
      const differences: string[] = [];
      let compared = 0;
      for (const [index, query] of queries.entries()) {
        const args = cliArgs(query, store.tracking_uri);
        const result = await runCli(args);
        assert.equal(result.code, 0, `ml-workbench ${args.join(' ')}:\n${result.stderr}`);
        const ours = JSON.parse(result.stdout) as unknown;
        const theirs = expected[index];
        const items = (theirs as { runs?: unknown[]; experiments?: unknown[] }).runs ?? (theirs as { experiments?: unknown[] }).experiments ?? [];
        compared += items.length;
        if (JSON.stringify(ours) === JSON.stringify(theirs)) continue;
        const order = (answer: unknown): string[] =>
          ((answer as { runs?: { info: { run_id: string } }[] }).runs?.map((r) => names.get(r.info.run_id) ?? r.info.run_id) ??
            (answer as { experiments?: { name: string }[] }).experiments?.map((e) => e.name) ??
            []);
        differences.push(`${args.slice(0, 1).concat(args.slice(4)).join(' ')}\n    ours:   ${JSON.stringify(order(ours))}\n    MLflow: ${JSON.stringify(order(theirs))}\n    ${jsonDiff(ours, theirs).slice(0, 5).join('\n    ')}`);
      }
      assert.deepEqual(differences, [], `differs from MLflow's:\n  ${differences.join('\n  ')}`);
      // The store and the queries must give MLflow something to order: not a comparison of empty lists.
      assert.ok(compared >= 100, `only ${compared} items compared`);
    });
  });
}
