/**
 * The Pipeline view in real VS Code (the packaged extension in code-server + Chromium, on a copy of
 * the demo project): from a file write to the stage's row showing the change, for params.yaml
 * edits and a dependency edit, stamped inside the page on the animation frame that shows it
 * (Date.now there is the same machine clock as the write's). Beside it, in the same run: what the
 * DVC extension runs to learn the same thing, `dvc status --json` on the same project (a whole
 * process, timed from outside), and our engine's own check in-process (cold and warm), so the
 * rest is VS Code's watcher delivery and drawing. Writes the `bench:pipeline` section of
 * bench/RESULTS.md.
 *
 *   npm run bench:pipeline [-- --repeat 5 --no-write]
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { demoProject, toolEnv } from '../test/e2e/support/dvcProject';
import { setPaneExpanded } from '../test/e2e/support/interactions';
import { rowShows, statusTimings } from '../test/e2e/support/pipelineViews';
import { sleep } from '../test/e2e/support/processes';
import { pane } from '../test/e2e/support/runsTree';
import { ensureVsix } from '../test/e2e/support/vsix';
import { withWorkbench, type Workbench } from '../test/e2e/support/workbench';
import { pythonEnv } from '../test/support/python';
import { median, option, stamp, writeSection } from './section';

const execFileAsync = promisify(execFile);
const TARGET_MS = 500;
const PIPELINE = 'Pipeline';
const log = (message: string): void => void process.stderr.write(`bench pipeline: ${message}\n`);

interface Change {
  readonly label: string;
  readonly stage: string;
  /** Writes the change number `i`; returns what the row must then show. */
  readonly write: (i: number) => string;
}

function changes(project: string): Change[] {
  const params = join(project, 'params.yaml');
  const script = join(project, 'src', 'evaluate.py');
  const originalParams = readFileSync(params, 'utf8');
  const originalScript = readFileSync(script, 'utf8');
  return [
    {
      label: 'params.yaml: `train.alpha` set to a new value',
      stage: 'train',
      write: (i) => {
        // Values the row prints as written (YAML floats shown as Python's repr: no trailing zero).
        const value = `0.0${2 + (i % 8)}`;
        writeFileSync(params, originalParams.replace('alpha: 0.01', `alpha: ${value}`));
        return `param train.alpha 0.01→${value}`;
      },
    },
    {
      label: 'src/evaluate.py (a dependency) edited',
      stage: 'evaluate',
      write: (i) => {
        // Each edit a new content, after a revert the row has shown, so every sample is a change.
        writeFileSync(script, `${originalScript}\n# edit ${i}\n`);
        return 'dep src/evaluate.py changed';
      },
    },
    {
      label: 'both reverted: the stages up to date again',
      stage: 'train',
      write: () => {
        writeFileSync(params, originalParams);
        writeFileSync(script, originalScript);
        return 'up to date';
      },
    },
  ];
}

async function timeChange(workbench: Workbench, change: Change, i: number): Promise<number> {
  const written = Date.now();
  const expected = change.write(i);
  const seen = await rowShows(workbench, PIPELINE, change.stage, expected);
  return seen - written;
}

async function dvcStatusMs(project: string, repeat: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < repeat + 1; i++) {
    const started = performance.now();
    await execFileAsync('dvc', ['status', '--json'], { cwd: project, env: toolEnv(), maxBuffer: 1 << 24 });
    if (i > 0) samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const repeat = Number(option(argv, '--repeat') ?? 5);
  const python = (await pythonEnv()).python;
  const project = await demoProject();
  const samples = new Map<string, number[]>();
  let peer: number[] = [];
  try {
    const settings = { 'mlWorkbench.python': python, 'workbench.view.alwaysShowHeaderActions': true };
    await withWorkbench('bench-pipeline', { workspace: project, vsix: ensureVsix(), settings }, async (workbench) => {
      await workbench.openContainer('ML Workbench');
      await setPaneExpanded(workbench, 'Runs', false);
      await setPaneExpanded(workbench, PIPELINE, true);
      await pane(workbench, PIPELINE).locator('.monaco-list-row').first().waitFor({ timeout: 120_000 });
      await rowShows(workbench, PIPELINE, 'evaluate', 'up to date', 120_000);
      const all = changes(project);
      for (let i = 0; i < repeat + 1; i++) {
        for (const change of all) {
          const ms = await timeChange(workbench, change, i);
          // The first round warms the watcher and the hashing worker: not counted.
          if (i > 0) samples.set(change.label, [...(samples.get(change.label) ?? []), ms]);
          log(`${change.label}: ${ms} ms${i === 0 ? ' (warm-up)' : ''}`);
          await sleep(500);
        }
      }
      await workbench.screenshot('bench-pipeline');
      // The peer, on the project as the last change left it (up to date), and after an edit.
      all[0]!.write(repeat + 1);
      peer = await dvcStatusMs(project, repeat);
      all[2]!.write(0);
    });
    const engine = await statusTimings(project);
    const dvc = median(peer);
    const rows = [...samples].map(([label, values]) => {
      const m = median(values);
      return `| ${label} | **${m.toFixed(0)}** | ${Math.min(...values)} – ${Math.max(...values)} | ${(m / dvc).toFixed(2)} | ${m < TARGET_MS ? '✅' : '❌'} |`;
    });
    const section = [
      '## Pipeline view in real VS Code: from a file write to the changed row',
      '',
      'Written by `npm run bench:pipeline` (bench/pipeline.ts): the packaged extension in code-server + Chromium on a copy of the demo project (4 stages). **write → row**: from the file write to the animation frame in which the stage\'s row shows the new status, on the machine\'s clock. **dvc status**: `dvc status --json` on the same project as a whole process (what the DVC extension runs to learn the same), timed from outside; **ours / dvc status** divides the two medians. The engine\'s own check, in-process through the hashing worker (the rest of write → row is VS Code\'s file watcher and drawing):',
      `cold (empty stat cache) ${engine.coldMs.toFixed(1)} ms, warm (nothing changed) ${engine.warmMs.toFixed(1)} ms.`,
      `Target: under ${TARGET_MS} ms. Median of ${repeat} after a warm-up round.`,
      '',
      stamp(),
      '',
      '| change | write → row ms (median) | min – max | ours / dvc status | target |',
      '|---|--:|--:|--:|:-:|',
      ...rows,
      `| \`dvc status --json\` (the peer) | ${dvc.toFixed(0)} | ${Math.min(...peer).toFixed(0)} – ${Math.max(...peer).toFixed(0)} | | |`,
    ].join('\n');
    console.log(section);
    if (!argv.includes('--no-write')) writeSection('pipeline', section);
  } finally {
    rmSync(dirname(project), { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
