// Bundles the extension (Node, CommonJS), the CLI and the webviews (browser) with esbuild.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = { bundle: true, sourcemap: production ? false : 'linked', minify: production, logLevel: 'info', legalComments: 'none' };
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

const webviewEntries = existsSync('webview')
  ? readdirSync('webview', { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join('webview', e.name, 'main.ts')))
      .map((e) => ({ in: join('webview', e.name, 'main.ts'), out: e.name }))
  : [];

const builds = [
  { ...node, entryPoints: ['src/host/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The CLI: a launcher that loads the bundle of its command (exp-show has a small one of its own).
  { ...node, entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cliMain.js' },
  { ...node, entryPoints: ['src/cli/expShowMain.ts'], outfile: 'dist/cliExpShow.js' },
  // DVC hashing runs in a worker thread; the extension and the CLI load it from beside themselves.
  { ...node, entryPoints: ['src/core/dvc/hashing/worker.ts'], outfile: 'dist/dvcHashWorker.js' },
  { ...node, entryPoints: ['src/core/tracking/history/worker.ts'], outfile: 'dist/historyWorker.js' },
  { ...node, entryPoints: ['src/core/dvc/experiments/worker.ts'], outfile: 'dist/dvcExpWorker.js' },
  { ...node, entryPoints: ['src/core/monitoring/driftWorker.ts'], outfile: 'dist/driftWorker.js' },
  { ...node, entryPoints: ['src/core/dvc/contentDiffWorker.ts'], outfile: 'dist/contentDiffWorker.js' },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: webviewEntries, outdir: 'dist/webview' },
];

mkdirSync('dist', { recursive: true });
// sql.js is the SQLite engine where the host's Node has no node:sqlite; its wasm ships beside the bundles.
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), 'dist/sql-wasm.wasm');
// The webviews' third-party styles and the codicon font, served from dist/webview (the panels' only resource root).
mkdirSync('dist/webview', { recursive: true });
copyFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'dist/webview/uPlot.min.css');
for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(require.resolve(`@vscode/codicons/dist/${file}`), `dist/webview/${file}`);
// The deployment scaffolds' Python templates (src/core/deploy/templates.ts reads them from dist/templates).
mkdirSync('dist/templates', { recursive: true });
for (const file of readdirSync('templates').filter((name) => name.endsWith('.py'))) copyFileSync(`templates/${file}`, `dist/templates/${file}`);

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
