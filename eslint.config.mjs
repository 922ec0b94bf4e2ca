// Lint, and the architecture's fences. `layers` is the allow-list: each folder's files may import
// only what its entry names (scripts/eslint/layers.mjs enforces it; scripts/checkArchitecture.mjs
// also refuses import cycles and an allow-list that runs back up). In short: core never reaches
// VS Code or the host; tracking and DVC know nothing of each other (lineage joins them); the
// protocol is types shared with the browser; webviews share only src/protocol (and a few pure
// helpers: smoothing, colours, chart shape, metric column ids); host features import shared host pieces and services, never each other
// except where listed, and nothing imports a feature but activate().
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layersRule from './scripts/eslint/layers.mjs';

// In an async function, `return f()` inside `try` hands back f's promise: its rejection escapes the
// catch (the Runs view's root once showed a bare toast and an empty view this way). `return await f()`.
const noReturnPromiseInTry = {
  selector: ':function[async=true] > BlockStatement > TryStatement > BlockStatement.block ReturnStatement > CallExpression.argument',
  message: 'Inside try, write `return await …`: a returned promise that rejects escapes the catch.',
};
const noShellExecution = { selector: "NewExpression[callee.property.name='ShellExecution'], NewExpression[callee.name='ShellExecution']", message: 'Tasks run as ProcessExecution with argv arrays.' };
// spawn('git', …), execFile('git', …), cp.spawnSync('git', …): git is reached through src/core/git only.
const gitCall = '/^(spawn|spawnSync|exec|execSync|execFile|execFileSync|fork)$/';
const noGitSpawn = {
  selector: `CallExpression:matches([callee.name=${gitCall}], [callee.property.name=${gitCall}])[arguments.0.value=/^git(\\s|$)/]`,
  message: 'Only src/core/git runs git: use its Git port (argv, AbortSignal, typed errors).',
};

const CORE = 'src/core/*.ts'; // errors, event, lifecycle, clock, log, format
const core = (...folders) => [CORE, ...folders.map((f) => `src/core/${f}/**`)];
// The host's flat shared pieces (config, log, dispose, html, commands, …), not its composition files.
const HOST = ['src/host/*.ts', '!src/host/services.ts', '!src/host/extension.ts'];
const HOST_PACKAGES = ['node', 'vscode', '@vscode/python-extension'];
/** A host feature: the shared pieces, the services, its own folder, and the folders it lists. */
const feature = (name, ...uses) => ({
  name: `host/${name}`,
  files: [`src/host/${name}/**`],
  allow: [...HOST, 'src/host/services.ts', 'src/core/**', 'src/protocol/**', ...[name, ...uses].map((f) => `src/host/${f}/**`)],
  packages: HOST_PACKAGES,
});

export const layers = [
  { name: 'core', files: [CORE], allow: [CORE], packages: ['node'] },
  { name: 'core/util', files: ['src/core/util/**'], allow: core('util'), packages: ['node'] },
  { name: 'core/sqlite', files: ['src/core/sqlite/**'], allow: core('util', 'sqlite'), packages: ['node', 'sql.js'] },
  { name: 'core/git', files: ['src/core/git/**'], allow: core('git'), packages: ['node', 'simple-git'] },
  { name: 'core/python', files: ['src/core/python/**'], allow: core('util', 'python'), packages: ['node'] },
  // MLflow's side: no DVC.
  { name: 'core/tracking', files: ['src/core/tracking/**'], allow: core('util', 'sqlite', 'python', 'tracking'), packages: ['node', 'yaml'] },
  // Tables (CSV, TSV, JSONL, Parquet): read, summarised and diffed, whoever tracks them.
  { name: 'core/tabular', files: ['src/core/tabular/**'], allow: core('tabular'), packages: ['node', 'hyparquet'] },
  // DVC's side: no MLflow.
  { name: 'core/dvc', files: ['src/core/dvc/**'], allow: core('util', 'git', 'python', 'tabular', 'dvc'), packages: ['node', 'yaml', 'js-yaml', 'smol-toml', '@dagrejs/dagre'] },
  { name: 'core/series', files: ['src/core/series/**'], allow: core('series', 'tracking'), packages: [] },
  { name: 'core/models', files: ['src/core/models/**'], allow: core('tracking', 'models'), packages: ['node', 'yaml'] },
  { name: 'core/tasks', files: ['src/core/tasks/**'], allow: core('util', 'python', 'tracking', 'models', 'tasks'), packages: ['node', 'yaml'] },
  { name: 'core/charts', files: ['src/core/charts/**'], allow: core('series', 'tracking', 'charts'), packages: [] },
  // Column statistics and drift tests of tables (CSV, JSONL, Parquet): knows no store.
  { name: 'core/drift', files: ['src/core/drift/**'], allow: core('drift'), packages: ['node', 'hyparquet'] },
  // Serving capture and monitoring checks: what a served model was asked, drift over time.
  { name: 'core/monitoring', files: ['src/core/monitoring/**'], allow: core('drift', 'dvc', 'lineage', 'python', 'tracking', 'monitoring'), packages: ['node'] },
  // The one room that joins runs, data and git.
  { name: 'core/lineage', files: ['src/core/lineage/**'], allow: core('git', 'tracking', 'dvc', 'models', 'lineage'), packages: ['node', 'js-yaml'] },
  // Deployment patterns (batch stage, Docker, Kubernetes, snippets): a registered model into a DVC stage or a manifest.
  { name: 'core/deploy', files: ['src/core/deploy/**'], allow: core('util', 'tracking', 'dvc', 'tasks', 'models', 'deploy'), packages: ['node', 'yaml'] },
  // The Plots panel's model: DVC plots and MLflow logged images of a set of revisions, side by side.
  { name: 'core/plots', files: ['src/core/plots/**'], allow: core('tracking', 'dvc', 'git', 'plots'), packages: ['node'] },
  // A new project and the walkthrough's state: templates, a CSV's columns, the setup commands' argv.
  { name: 'core/onboarding', files: ['src/core/onboarding/**'], allow: core('dvc', 'tasks', 'onboarding'), packages: ['node'] },
  // The Experiments table's row model: MLflow runs and DVC experiments side by side (filter, sort, group).
  { name: 'core/experimentsTable', files: ['src/core/experimentsTable/**'], allow: core('tracking', 'dvc', 'experimentsTable'), packages: [] },
  { name: 'cli', files: ['src/cli/**'], allow: ['src/core/**', 'src/cli/**'], packages: ['node'] },
  { name: 'protocol', files: ['src/protocol/**'], allow: ['src/protocol/**'], allowTypes: ['src/core/tracking/**', 'src/core/plots/model.ts', 'src/core/lineage/graph.ts', 'src/core/lineage/gateReport.ts', 'src/core/lineage/model.ts', 'src/core/experimentsTable/**', 'src/core/drift/**', 'src/core/monitoring/**'], packages: [] },
  // Browser code: the protocol, and TensorBoard's smoothing (pure arithmetic) shared with the host.
  { name: 'webview', files: ['webview/**'], allow: ['webview/**', 'src/protocol/**', 'src/core/series/ema.ts', 'src/core/series/colors.ts', 'src/core/charts/chartShape.ts', 'src/core/experimentsTable/metricViewColumns.ts'], packages: ['uplot', '@vscode-elements/elements', '@vscode/codicons'] },
  // The host: the composition root may import anything; services only shared pieces; features as listed.
  { name: 'host/extension', files: ['src/host/extension.ts'], allow: ['src/host/**', 'src/core/**'], packages: HOST_PACKAGES },
  { name: 'host/services', files: ['src/host/services.ts'], allow: [...HOST, 'src/host/tracking/**', 'src/host/dvc/**', 'src/host/runner/**', 'src/core/**'], packages: HOST_PACKAGES },
  { name: 'host (shared)', files: ['src/host/*.ts'], allow: [...HOST, 'src/core/**', 'src/protocol/**'], packages: HOST_PACKAGES },
  { name: 'host/tracking', files: ['src/host/tracking/**'], allow: [...HOST, 'src/host/tracking/**', 'src/core/**'], packages: HOST_PACKAGES },
  { name: 'host/dvc', files: ['src/host/dvc/**'], allow: [...HOST, 'src/host/dvc/**', 'src/core/**'], packages: HOST_PACKAGES },
  { name: 'host/runner', files: ['src/host/runner/**'], allow: [...HOST, 'src/host/tracking/**', 'src/host/dvc/**', 'src/host/runner/**', 'src/core/**'], packages: HOST_PACKAGES },
  feature('runs', 'tracking'),
  feature('models', 'tracking', 'runs'),
  feature('charts', 'tracking', 'runs'),
  feature('pipeline', 'dvc'),
  feature('data', 'tracking', 'dvc'),
  feature('tasks', 'tracking', 'dvc', 'runner'),
  feature('serving', 'tracking', 'runner', 'models'),
  feature('onboarding', 'tracking', 'runner'),
  feature('plots', 'tracking', 'dvc', 'runs'),
  feature('lineage', 'tracking'),
  feature('deploy', 'tracking', 'runner', 'serving'),
  feature('experiments', 'tracking', 'dvc', 'runner', 'runs'),
  feature('monitoring', 'tracking', 'runner'),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', '**/*.vsix', '.vscode-test/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', noShellExecution, noReturnPromiseInTry],
    },
  },
  {
    // The one git port: only core/git runs git (tests and benchmarks set up repositories as they like).
    files: ['src/**/*.ts'],
    ignores: ['src/core/git/**'],
    rules: { 'no-restricted-syntax': ['error', noShellExecution, noGitSpawn, noReturnPromiseInTry] },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    plugins: { architecture: { rules: { layers: layersRule } } },
    rules: { 'architecture/layers': ['error', { layers }] },
  },
  {
    files: ['webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['scripts/**/*.mjs', '*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
