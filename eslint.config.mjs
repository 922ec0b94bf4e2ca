// Lint, and the architecture's fences: core and cli never reach VS Code or the host;
// the protocol is types only; webviews are browser code with no Node built-ins.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noVscode = { name: 'vscode', message: 'src/core and src/cli must not depend on VS Code: move this to src/host.' };
const noShellExecution = { selector: "NewExpression[callee.property.name='ShellExecution'], NewExpression[callee.name='ShellExecution']", message: 'Tasks run as ProcessExecution with argv arrays.' };
// spawn('git', …), execFile('git', …), cp.spawnSync('git', …): git is reached through src/core/git only.
const gitCall = '/^(spawn|spawnSync|exec|execSync|execFile|execFileSync|fork)$/';
const noGitSpawn = {
  selector: `CallExpression:matches([callee.name=${gitCall}], [callee.property.name=${gitCall}])[arguments.0.value=/^git(\\s|$)/]`,
  message: 'Only src/core/git runs git: use its Git port (argv, AbortSignal, typed errors).',
};
const noHost = { group: ['**/host/**', '../host', '../../host'], message: 'src/core and src/cli must not import src/host.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', '**/*.vsix', '.vscode-test/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', noShellExecution],
    },
  },
  {
    // The one git port: only core/git runs git (tests and benchmarks set up repositories as they like).
    files: ['src/**/*.ts'],
    ignores: ['src/core/git/**'],
    rules: { 'no-restricted-syntax': ['error', noShellExecution, noGitSpawn] },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [noHost] }] },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode, ...nodeBuiltins.map((name) => ({ name, message: 'The protocol is shared with the browser.' }))], patterns: [noHost] }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode, ...nodeBuiltins.map((name) => ({ name, message: 'Webviews run in the browser: no Node built-ins.' }))],
          // src/core/series is pure arithmetic on typed arrays (no I/O): the webview smooths with the host's code.
          patterns: [{ group: ['**/src/host/**', '**/src/core/*', '!**/src/core/series', '**/src/cli/**'], message: 'Webviews only share src/protocol (and the pure src/core/series) with the host.' }],
        },
      ],
    },
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
