/**
 * The Runs view's first page of a big experiment, in real VS Code (the packaged extension in
 * code-server + Chromium, as the e2e tests run it): from the mouse-down on the experiment's
 * twistie to the first run row drawn, on the page's own clock (performance.now in the page), once
 * cold (the first expansion after the window opened) and again after Refresh Runs. Beside it, in
 * the same run: MLflow's own client asked for the same first page (search_runs, max_results=100,
 * in-process, its import and store set-up left out), and the ratio. The store: bench/generate.py's
 * listing store when it is cached (npm run bench makes it), else one logged with MlflowClient
 * (test/e2e/support/benchStore.ts). Writes the `bench:first-page` section of bench/RESULTS.md.
 *
 *   npm run bench:first-page [-- --runs 10000 --repeat 5 --no-write]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { benchStore, type BenchStore } from '../test/e2e/support/benchStore';
import { sleep } from '../test/e2e/support/processes';
import { childrenOf, collapseAll, rowLocator, rows, waitForPath } from '../test/e2e/support/runsTree';
import { ensureVsix } from '../test/e2e/support/vsix';
import { withWorkbench, type Workbench } from '../test/e2e/support/workbench';
import { env, pythonEnv } from '../test/support/python';
import { median, option, stamp, writeSection } from './section';

const execFileAsync = promisify(execFile);
const TARGET_MS = 1_000;
const PAGE = 100;
const VIEW = 'Runs';

const log = (message: string): void => void process.stderr.write(`bench first-page: ${message}\n`);

/** Browser-side script: records the mousedown time and when the Runs pane first shows a level-2 row. */
const IN_PAGE_CLOCK = `(() => {
  window.mlwClick = undefined;
  window.mlwFirst = undefined;
  document.addEventListener('mousedown', () => { if (window.mlwClick === undefined) window.mlwClick = performance.now(); }, { capture: true, once: true });
  const runs = [...document.querySelectorAll('.part.sidebar .pane')].find((p) => p.querySelector('.pane-header h3.title')?.textContent?.trim() === 'Runs');
  const observer = new MutationObserver(() => {
    if (window.mlwFirst !== undefined || window.mlwClick === undefined) return;
    if (runs?.querySelector('.monaco-list-row[role="treeitem"][aria-level="2"]')) {
      window.mlwFirst = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(runs ?? document.body, { childList: true, subtree: true, attributes: true });
})()`;

async function expandOnce(workbench: Workbench, experiment: string): Promise<{ ms: number; first: string }> {
  const { page } = workbench;
  const row = await waitForPath(workbench, VIEW, [experiment], 180_000);
  if (row.expanded === true) throw new Error('the experiment is expanded before the click');
  await page.evaluate(IN_PAGE_CLOCK);
  await rowLocator(workbench, VIEW, row).locator('.monaco-tl-twistie').click();
  await page.waitForFunction('window.mlwFirst !== undefined', undefined, { timeout: 180_000 });
  const ms = Number(await page.evaluate('window.mlwFirst - window.mlwClick'));
  return { ms, first: childrenOf(await rows(workbench, VIEW), [experiment])[0]?.label ?? '' };
}

async function ours(store: BenchStore, repeat: number): Promise<{ cold: number; warm: number[]; first: string }> {
  const workspace = mkdtempSync(join(tmpdir(), 'mlw-bench-first-page-'));
  try {
    return await withWorkbench('bench-first-page', { workspace, vsix: ensureVsix(), settings: { 'mlWorkbench.trackingUri': `sqlite:///${store.dbPath}` } }, async (workbench) => {
      await workbench.openContainer('ML Workbench');
      const cold = await expandOnce(workbench, store.experimentName);
      log(`cold ${cold.ms.toFixed(0)} ms, first row ${cold.first}`);
      await workbench.screenshot(`bench-first-page-${store.runs}`);
      const warm: number[] = [];
      for (let i = 0; i < repeat; i++) {
        await collapseAll(workbench, VIEW);
        await workbench.runCommand('ML Workbench: Refresh Runs');
        await sleep(2_000);
        const again = await expandOnce(workbench, store.experimentName);
        log(`after Refresh Runs ${again.ms.toFixed(0)} ms`);
        warm.push(again.ms);
      }
      return { cold: cold.ms, warm, first: cold.first };
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

const PEER = `
import json, sys, time, warnings
warnings.simplefilter("ignore")
from mlflow.tracking import MlflowClient
client = MlflowClient(tracking_uri=sys.argv[1])
experiment = client.get_experiment_by_name(sys.argv[2])
client.search_experiments()
seconds, first = [], None
for _ in range(int(sys.argv[3]) + 1):
    started = time.perf_counter()
    page = client.search_runs([experiment.experiment_id], max_results=${PAGE})
    seconds.append(time.perf_counter() - started)
    first = page[0].info.run_name
print(json.dumps({"ms": [s * 1000 for s in seconds[1:]], "first": first}))
`;

/** MLflow's client asked for the same first page, in-process (the first call is a warm-up). */
async function peer(store: BenchStore, repeat: number): Promise<{ ms: number[]; first: string }> {
  const python = await pythonEnv();
  const { stdout } = await execFileAsync(python.python, ['-c', PEER, `sqlite:///${store.dbPath}`, store.experimentName, String(repeat)], { env: env(python), maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { ms: number[]; first: string };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runs = Number(option(argv, '--runs') ?? 10_000);
  const repeat = Number(option(argv, '--repeat') ?? 5);
  const store = await benchStore(runs);
  log(`store: ${store.runs} runs (${store.source}) ${store.dbPath}`);
  const measured = await ours(store, repeat);
  const reference = await peer(store, repeat);
  if (measured.first !== reference.first) throw new Error(`the first row is ${measured.first}, MLflow lists ${reference.first} first`);
  const warm = median(measured.warm);
  const mlflow = median(reference.ms);
  const verdict = (ms: number): string => (ms < TARGET_MS ? '✅' : '❌');
  const section = [
    `## Runs view in real VS Code: first page of a ${store.runs.toLocaleString('en-US')}-run experiment`,
    '',
    'Written by `npm run bench:first-page` (bench/firstPage.ts): the packaged extension in code-server 4.139.1 (extension host on Node 24, node:sqlite) and Debian Chromium. **ours**: from the mouse-down on the experiment row\'s twistie to the first run row drawn, on the page\'s clock (the store opened, the first page of 100 read, sent to VS Code and drawn). **MLflow**: its client\'s `search_runs(max_results=100)` on the same store, in-process, import and store set-up left out (which favours it).',
    `Target: under ${TARGET_MS.toLocaleString('en-US')} ms. Store: ${store.runs.toLocaleString('en-US')} runs, ${store.source}. Median of ${repeat} after Refresh Runs; the cold row is the first expansion after the window opened.`,
    '',
    stamp(),
    '',
    '| | ms | min – max | run shown first | ours / MLflow | target |',
    '|---|--:|--:|---|--:|:-:|',
    `| **ours, cold** (first expansion in the window) | ${measured.cold.toFixed(0)} | | ${measured.first} | ${(measured.cold / mlflow).toFixed(2)} | ${verdict(measured.cold)} |`,
    `| **ours, after Refresh Runs** | ${warm.toFixed(0)} | ${Math.min(...measured.warm).toFixed(0)} – ${Math.max(...measured.warm).toFixed(0)} | ${measured.first} | ${(warm / mlflow).toFixed(2)} | ${verdict(warm)} |`,
    `| MLflow \`search_runs\`, first page of 100, in-process | ${mlflow.toFixed(0)} | ${Math.min(...reference.ms).toFixed(0)} – ${Math.max(...reference.ms).toFixed(0)} | ${reference.first} | | |`,
  ].join('\n');
  console.log(section);
  if (!argv.includes('--no-write')) writeSection('first-page', section);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
