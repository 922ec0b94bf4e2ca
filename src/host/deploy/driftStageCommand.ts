import { join, relative } from 'node:path';
import * as vscode from 'vscode';
import { gatherBatchStageContext } from '../../core/deploy/batchContext.js';
import { planDriftCheckStage } from '../../core/deploy/driftStage.js';
import { driftStageDefaults, driftTableCandidates, listFilesBounded } from '../../core/deploy/editorInfo.js';
import { TASK_TYPE } from '../../core/tasks/index.js';
import { checkTrust } from '../trust.js';
import { applyWithConsent } from './consent.js';
import type { DeployFeature } from './feature.js';

/**
 * Add Drift Check Stage…: a dvc.yaml stage comparing a current table with the reference data by
 * Evidently, failing (and so stopping `dvc repro`) when the dataset drifted; shown as diffs
 * (dvc.yaml, the script) before anything is written, then offered as a task.
 */
export async function addDriftCheckStage(feature: DeployFeature): Promise<void> {
  if (!checkTrust('Adding a drift check stage')) return;
  const { services } = feature;
  await services.dvc.discovered();
  const projects = services.dvc.projects;
  if (projects.length === 0) {
    void vscode.window.showWarningMessage('No DVC project in this workspace: a drift check stage goes into dvc.yaml. Run "dvc init" (ML Workbench: Initialize DVC) and track the data first.');
    return;
  }
  const title = 'Add Drift Check Stage';
  // A wizard of three steps, as the others: a glance at another window (or a panel that takes the
  // focus as it loads) does not throw away the steps already taken. Escape still cancels.
  const project = projects.length === 1 ? projects[0]! : (await vscode.window.showQuickPick(projects.map((p) => ({ label: relative(p.folder.workspaceFolder.uri.fsPath, p.root) || p.folder.workspaceFolder.name, description: p.root, project: p })), { title, placeHolder: 'Which DVC project?', ignoreFocusOut: true }))?.project;
  if (!project) return;
  const root = project.root;
  const base = { dvcRoot: root, dvcDir: root, templateDir: feature.templateDir, template: 'checkDrift' } as const;
  const first = await gatherBatchStageContext({ ...base, paths: ['check_drift.py'] });
  // A tracked folder's tables too (in the work tree; at most 5,000 entries looked at per folder).
  const tables = await driftTableCandidates(first.tracked, (path) => listFilesBounded(join(root, path), 5_000));
  if (tables.length < 2) {
    void vscode.window.showWarningMessage(`A drift check compares two tables DVC tracks (.csv, .tsv, .parquet, .jsonl); this project tracks ${tables.length === 0 ? 'none' : `only ${tables[0]}`}. Track the reference and the current data (\`dvc add\`, or make them stage outputs), then add the stage.`);
    return;
  }
  const reference = await vscode.window.showQuickPick(tables.map((path) => ({ label: path })), { title, placeHolder: 'The reference data: what the model learned from (step 1/3)', ignoreFocusOut: true });
  if (!reference) return;
  const current = await vscode.window.showQuickPick(tables.filter((path) => path !== reference.label).map((path) => ({ label: path })), { title, placeHolder: `The current data, compared with ${reference.label} (step 2/3)`, ignoreFocusOut: true });
  if (!current) return;
  const defaults = driftStageDefaults(first.dvcYaml, first.existing);
  const stageName = await vscode.window.showInputBox({ title, prompt: 'The stage name (step 3/3)', value: defaults.stageName, ignoreFocusOut: true, validateInput: (value) => (/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/.test(value) ? undefined : 'Letters, digits, "_" and "-", starting with a letter or "_"') });
  if (!stageName) return;
  const scriptPath = defaults.scriptPath;
  const reportPath = `drift/${stageName}.json`;
  const context = await gatherBatchStageContext({ ...base, paths: [scriptPath, reportPath, reportPath.replace(/\.json$/, '.html')] });
  const plan = planDriftCheckStage({ stageName, referencePath: reference.label, currentPath: current.label, scriptPath, reportPath }, context);
  const applied = await applyWithConsent(services.documents, vscode.Uri.file(root), plan.edits, `Add the stage "${stageName}" to dvc.yaml`);
  if (!applied) return;
  await vscode.window.showTextDocument(vscode.Uri.file(join(root, 'dvc.yaml')), { preview: false });
  services.log.info(`drift check stage ${stageName}: ${current.label} against ${reference.label}`);
  const run = await vscode.window.showInformationMessage(`Added the stage "${stageName}": it fails when Evidently finds ${current.label} drifted from ${reference.label}, which stops \`dvc repro\` there. It runs in the project's Python, which needs pandas and evidently.`, 'Run Stage');
  if (run) {
    const folder = project.folder.workspaceFolder;
    const cwd = relative(folder.uri.fsPath, root);
    await services.tasks.run({ type: TASK_TYPE, task: 'dvcRepro', targets: [stageName], ...(cwd ? { cwd } : {}) }, folder);
  }
}

