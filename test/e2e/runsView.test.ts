/**
 * The packaged extension in a real VS Code (code-server + Chromium): the Runs view lists what
 * MLflow's own client lists for a real SQLite store, and "Show Run…" opens the run's panel.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { trackingFixture } from '../support/fixtures';
import { experimentRuns, logRun, type ExperimentRuns } from './support/mlflowClient';
import { ensureVsix } from './support/vsix';
import { withWorkbench, type TreeItem, type Workbench } from './support/workbench';

const EXPERIMENT = 'iris-classifier';
const RUN = 'baseline-logreg';
const NEW_RUN = 'logged-while-open';
const CONTAINER = 'ML Workbench';
const VIEW = 'Runs';

let workspace: string;
let uri: string;
let expected: ExperimentRuns;
let vsix: string;

before(async () => {
  vsix = ensureVsix();
  // The store is made by real MLflow in a fresh temp folder per test process; it is the workspace.
  const fixture = await trackingFixture('sqlite');
  workspace = fixture.dir;
  uri = fixture.uri;
  expected = await experimentRuns(uri, EXPERIMENT);
  assert.ok(expected.topLevel.includes(RUN), `fixture has no run ${RUN}: ${JSON.stringify(expected)}`);
});

/** Labels of the rows directly under the row labelled `parent`. */
function childLabels(items: readonly TreeItem[], parent: string): string[] {
  const index = items.findIndex((item) => item.label === parent);
  assert.notEqual(index, -1, `no row ${parent} in ${JSON.stringify(items.map((i) => i.label))}`);
  const level = items[index]!.level;
  const children: string[] = [];
  for (const item of items.slice(index + 1)) {
    if (item.level <= level) break;
    if (item.level === level + 1) children.push(item.label);
  }
  return children;
}

async function runsUnderExperiment(workbench: Workbench): Promise<string[]> {
  return childLabels(await workbench.treeItems(VIEW), EXPERIMENT);
}

test('Runs view lists the runs MLflow lists (children nested), shows a newly logged run after Refresh Runs, and Show Run opens the run panel', { timeout: 240_000 }, async () => {
  await withWorkbench('runs-view', { workspace, vsix }, async (workbench) => {
    await workbench.openContainer(CONTAINER);
    await workbench.expandRow(EXPERIMENT, VIEW);
    assert.deepEqual(await runsUnderExperiment(workbench), expected.topLevel);

    // A run's row also holds its detail groups (params, metrics, tags): compare the runs among them.
    const runNames = new Set([...expected.topLevel, ...Object.values(expected.children).flat()]);
    // Parents before their children, so every row to expand is visible.
    const parents = expected.topLevel.filter((name) => name in expected.children);
    for (let parent = parents.shift(); parent !== undefined; parent = parents.shift()) {
      const children = expected.children[parent] ?? [];
      await workbench.expandRow(parent, VIEW);
      const runsUnderParent = childLabels(await workbench.treeItems(VIEW), parent).filter((label) => runNames.has(label));
      assert.deepEqual(runsUnderParent, children, `child runs of ${parent}`);
      parents.push(...children.filter((name) => name in expected.children));
    }
    await workbench.screenshot('runs-view');

    await logRun(uri, EXPERIMENT, NEW_RUN);
    const afterLogging = await experimentRuns(uri, EXPERIMENT);
    await workbench.runCommand('ML Workbench: Refresh Runs');
    await workbench.treeRow(NEW_RUN, VIEW).waitFor({ state: 'visible' });
    assert.deepEqual(await runsUnderExperiment(workbench), afterLogging.topLevel, 'runs after logging one and Refresh Runs');

    await workbench.runCommand('ML Workbench: Show Run…');
    await workbench.pickQuickItem(RUN);
    await workbench.tab(`Run: ${RUN}`).waitFor({ state: 'visible' });
    const content = workbench.webviewFrame();
    await content.getByText(RUN, { exact: true }).first().waitFor({ state: 'visible' });
    assert.match(await content.locator('body').innerText(), new RegExp(RUN));
    await workbench.screenshot('run-panel');
  });
});
