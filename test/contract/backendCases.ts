/**
 * The CLI calls the backend contract suite makes on every store, each with the query the MLflow
 * reference answers (test/support/mlflow_reference.py, batch). A case is a function of the
 * store's summary, since ids differ from one store to the next.
 */
import type { CliQuery, TrackingSummary } from '../support/fixtures';

export interface ContractCase {
  readonly name: string;
  readonly query: (summary: TrackingSummary) => CliQuery;
}

/** `pages: true`: the reference answers every page; the test follows next_page_token. */
export interface PagingCase extends ContractCase {
  /** The repeated field of one page. */
  readonly field: string;
}

const run = (summary: TrackingSummary, name: string): string => {
  const id = summary.runs[name];
  if (!id) throw new Error(`the fixture has no run ${name}`);
  return id;
};
const experiment = (summary: TrackingSummary, name: string): string => {
  const id = summary.experiments[name];
  if (!id) throw new Error(`the fixture has no experiment ${name}`);
  return id;
};

const experiments: ContractCase[] = [
  { name: 'experiments (active only by default)', query: () => ({ command: 'experiments' }) },
  { name: 'experiments --view-type ALL', query: () => ({ command: 'experiments', view_type: 'ALL' }) },
  { name: 'experiments --view-type DELETED_ONLY', query: () => ({ command: 'experiments', view_type: 'DELETED_ONLY' }) },
  { name: "experiments --filter \"name LIKE 'r%'\" (the restored one and the HTML name)", query: () => ({ command: 'experiments', filter: "name LIKE 'r%'" }) },
  { name: "experiments --filter \"tags.project = 'iris'\"", query: () => ({ command: 'experiments', filter: "tags.project = 'iris'" }) },
  { name: "experiments --filter \"tags.`team/owner` LIKE 'ml%'\"", query: () => ({ command: 'experiments', filter: "tags.`team/owner` LIKE 'ml%'" }) },
  { name: 'experiments --view-type ALL --order-by "name DESC"', query: () => ({ command: 'experiments', view_type: 'ALL', order_by: ['name DESC'] }) },
  { name: 'experiments --max-results 3', query: () => ({ command: 'experiments', max_results: 3 }) },
];

const runs: ContractCase[] = [
  { name: 'runs of every active experiment', query: () => ({ command: 'runs' }) },
  { name: 'runs --view-type ALL (deleted runs and experiments too)', query: () => ({ command: 'runs', view_type: 'ALL' }) },
  { name: 'runs --view-type DELETED_ONLY', query: () => ({ command: 'runs', view_type: 'DELETED_ONLY' }) },
  { name: 'runs of the lifecycle experiment (KILLED, restored)', query: (s) => ({ command: 'runs', experiment_id: [experiment(s, 'lifecycle')] }) },
  { name: 'runs of the restored experiment', query: (s) => ({ command: 'runs', experiment_id: [experiment(s, 'restored')] }) },
  { name: 'runs of two experiments, ALL', query: (s) => ({ command: 'runs', experiment_id: [experiment(s, 'iris-classifier'), experiment(s, 'lifecycle')], view_type: 'ALL' }) },
  { name: 'runs --filter "metrics.accuracy > 0.5"', query: () => ({ command: 'runs', filter: 'metrics.accuracy > 0.5' }) },
  { name: "runs --filter \"params.solver = 'lbfgs'\"", query: () => ({ command: 'runs', filter: "params.solver = 'lbfgs'" }) },
  { name: "runs --filter \"tags.`team/owner` LIKE 'ml%'\"", query: () => ({ command: 'runs', filter: "tags.`team/owner` LIKE 'ml%'" }) },
  { name: "runs --filter \"attributes.status = 'FAILED'\"", query: () => ({ command: 'runs', filter: "attributes.status = 'FAILED'" }) },
  { name: "runs --view-type ALL --filter \"attributes.status != 'FINISHED'\"", query: () => ({ command: 'runs', view_type: 'ALL', filter: "attributes.status != 'FINISHED'" }) },
  { name: "runs --filter \"attributes.run_name = 'ridge α=0.5'\"", query: () => ({ command: 'runs', filter: "attributes.run_name = 'ridge α=0.5'" }) },
  { name: "runs --filter \"metrics.accuracy >= 0.9 AND tags.`team/owner` = 'ml-platform'\"", query: () => ({ command: 'runs', filter: "metrics.accuracy >= 0.9 AND tags.`team/owner` = 'ml-platform'" }) },
  { name: 'runs --order-by "metrics.accuracy DESC"', query: () => ({ command: 'runs', order_by: ['metrics.accuracy DESC'] }) },
  { name: 'runs --order-by params.solver', query: () => ({ command: 'runs', order_by: ['params.solver'] }) },
  { name: 'runs --order-by "params.solver DESC" --order-by attributes.run_name', query: () => ({ command: 'runs', order_by: ['params.solver DESC', 'attributes.run_name'] }) },
  { name: 'runs --max-results 2 (first page and its token)', query: () => ({ command: 'runs', max_results: 2 }) },
  // Every run, printed as a server sends pages of 3 (the reference answers the whole listing).
  { name: 'runs --view-type ALL --page-size 3 (every run, streamed page by page)', query: () => ({ command: 'runs', view_type: 'ALL', page_size: 3 }) },
];

const single: ContractCase[] = [
  'baseline-logreg',
  'tuned-forest',
  'diverged-run',
  'deleted-run',
  'long-params',
  'with-dataset',
  'still-running',
  'rég-run <i>1</i>',
  'killed-run',
  'restored-run',
  'same-timestamp',
  'with-artifacts',
  'scorer-run',
  'sk-train',
].map((name) => ({ name: `run --run-id <${name}>`, query: (s: TrackingSummary) => ({ command: 'run', run_id: run(s, name) }) }));

const histories: [run: string, key: string][] = [
  ['baseline-logreg', 'accuracy'],
  ['diverged-run', 'loss'],
  ['diverged-run', 'offset'],
  ['diverged-run', 'nan_only'],
  ['same-timestamp', 'burst'],
  ['same-timestamp', 'same_step'],
  ['same-timestamp', 'neg_steps'],
  ['same-timestamp', 'curve'],
  ['scorer-run', 'rmse'],
  ['baseline-logreg', 'no-such-metric'],
];

const metricHistory: ContractCase[] = [
  ...histories.map(([name, key]) => ({ name: `metric-history <${name}> ${key}`, query: (s: TrackingSummary) => ({ command: 'metric-history', run_id: run(s, name), key }) })),
  ...histories.map(([name, key]) => ({
    name: `metric-history <${name}> ${key} --max-points 5`,
    query: (s: TrackingSummary) => ({ command: 'metric-history', run_id: run(s, name), key, max_points: 5 }),
  })),
  { name: 'metric-history <same-timestamp> curve --max-points 1', query: (s) => ({ command: 'metric-history', run_id: run(s, 'same-timestamp'), key: 'curve', max_points: 1 }) },
  { name: 'metric-history <same-timestamp> curve --max-points 7', query: (s) => ({ command: 'metric-history', run_id: run(s, 'same-timestamp'), key: 'curve', max_points: 7 }) },
];

const registry: ContractCase[] = [
  { name: 'models', query: () => ({ command: 'models' }) },
  { name: "models --filter \"name LIKE 'iris%'\"", query: () => ({ command: 'models', filter: "name LIKE 'iris%'" }) },
  { name: "models --filter \"tags.team = 'ml-platform'\"", query: () => ({ command: 'models', filter: "tags.team = 'ml-platform'" }) },
  { name: 'models --max-results 1 (first page and its token)', query: () => ({ command: 'models', max_results: 1 }) },
  { name: 'model-versions', query: () => ({ command: 'model-versions' }) },
  { name: 'model-versions --name iris-prod (the deleted version is gone)', query: () => ({ command: 'model-versions', name: 'iris-prod' }) },
  { name: 'model-versions --name sk-iris (registered by sklearn.log_model)', query: () => ({ command: 'model-versions', name: 'sk-iris' }) },
  { name: 'model-versions --name empty-model', query: () => ({ command: 'model-versions', name: 'empty-model' }) },
  { name: "model-versions --filter \"run_id = '<tuned-forest>'\"", query: (s) => ({ command: 'model-versions', filter: `run_id = '${run(s, 'tuned-forest')}'` }) },
  { name: 'logged-models of every active experiment', query: () => ({ command: 'logged-models' }) },
  { name: 'logged-models --experiment-id <registry>', query: (s) => ({ command: 'logged-models', experiment_id: [experiment(s, 'registry')] }) },
  { name: 'logged-models --experiment-id <iris-classifier>', query: (s) => ({ command: 'logged-models', experiment_id: [experiment(s, 'iris-classifier')] }) },
];

const artifacts: ContractCase[] = [
  ...(
    [
      ['with-artifacts', undefined],
      ['with-artifacts', 'data'],
      ['with-artifacts', 'data/deep'],
      ['with-artifacts', 'config'],
      ['with-artifacts', 'no-such-folder'],
      ['baseline-logreg', undefined],
      ['baseline-logreg', 'notes'],
      ['sk-train', undefined],
      ['fold-1', undefined],
    ] as const
  ).map(([name, path]) => ({
    name: `artifacts <${name}>${path === undefined ? '' : ` --path ${path}`}`,
    query: (s: TrackingSummary) => ({ command: 'artifacts', run_id: run(s, name), ...(path === undefined ? {} : { path }) }),
  })),
];

/**
 * `artifacts --download DIR` against `mlflow.artifacts.download_artifacts(dst_path=DIR)`: the same
 * files with the same bytes at the same places (`dst` is filled in by the test, one folder each).
 */
export const DOWNLOAD_CASES: readonly ContractCase[] = (
  [
    ['with-artifacts', undefined],
    ['with-artifacts', 'data'],
    ['with-artifacts', 'data/deep'],
    ['with-artifacts', 'data/deep/b.txt'],
    ['with-artifacts', 'config/params.json'],
    ['baseline-logreg', 'notes'],
  ] as const
).map(([name, path]) => ({
  name: `artifacts <${name}>${path === undefined ? '' : ` --path ${path}`} --download DIR`,
  query: (s: TrackingSummary) => ({ command: 'download', run_id: run(s, name), ...(path === undefined ? {} : { path }) }),
}));

export const CASES: readonly ContractCase[] = [...experiments, ...runs, ...single, ...metricHistory, ...registry, ...artifacts];

export const PAGING_CASES: readonly PagingCase[] = [
  { name: 'runs --view-type ALL --max-results 2, token after token', field: 'runs', query: () => ({ command: 'runs', view_type: 'ALL', max_results: 2 }) },
  {
    name: 'runs --filter "metrics.accuracy > 0.5" --order-by "metrics.accuracy DESC" --max-results 2, token after token',
    field: 'runs',
    query: () => ({ command: 'runs', filter: 'metrics.accuracy > 0.5', order_by: ['metrics.accuracy DESC'], max_results: 2 }),
  },
  { name: 'experiments --view-type ALL --max-results 2, token after token', field: 'experiments', query: () => ({ command: 'experiments', view_type: 'ALL', max_results: 2 }) },
  { name: 'models --max-results 1, token after token', field: 'registered_models', query: () => ({ command: 'models', max_results: 1 }) },
];
