import { join, relative } from 'node:path';
import * as vscode from 'vscode';
import { gatherBatchStageContext } from '../../core/deploy/batchContext.js';
import { planBatchStage } from '../../core/deploy/batchStage.js';
import { batchInputCandidates, batchStageDefaults, takenBatchNames } from '../../core/deploy/editorInfo.js';
import { TASK_TYPE } from '../../core/tasks/index.js';
import { checkTrust } from '../trust.js';
import { applyWithConsent } from './consent.js';
import type { DeployFeature } from './feature.js';
import { deployTarget } from './target.js';

/**
 * Precompute: a dvc.yaml stage predicting a DVC-tracked table with the chosen model, shown as
 * diffs (dvc.yaml, params.yaml, the script) before anything is written; then offered as a task.
 */
export async function addBatchStage(feature: DeployFeature, element?: unknown): Promise<void> {
  if (!checkTrust('Adding a batch prediction stage')) return;
  const { services } = feature;
  const target = await deployTarget(feature, element, 'Batch predictions with which model version?');
  if (!target) return;
  await services.dvc.discovered();
  const project = services.dvc.projectFor(target.folder.uri.fsPath);
  if (!project) {
    void vscode.window.showWarningMessage(`${target.folder.name} is not a DVC project: a batch prediction stage goes into dvc.yaml. Run "dvc init" (ML Workbench: Initialize DVC) and track the input table first.`);
    return;
  }
  const root = project.root;
  const base = { dvcRoot: root, dvcDir: root, templateDir: feature.templateDir };
  const first = await gatherBatchStageContext({ ...base, paths: ['batch_predict.py'] });
  const inputs = batchInputCandidates(first.tracked);
  if (inputs.length === 0) {
    void vscode.window.showWarningMessage('Nothing in this project is tracked by DVC yet: track the table to predict on (`dvc add data/table.csv`, or make it a stage output), then add the stage.');
    return;
  }
  const title = `Add Batch Prediction Stage: ${target.uri}`;
  const input = await vscode.window.showQuickPick(
    inputs.map((path) => ({ label: path, description: /\.(csv|parquet|jsonl|json)$/i.test(path) ? undefined : 'not a table file' })),
    { title, placeHolder: 'The DVC-tracked table to predict on (step 1/3)' },
  );
  if (!input) return;
  const defaults = batchStageDefaults(target.resolved.model.name, takenBatchNames(first.dvcYaml, first.params), first.existing);
  const output = await vscode.window.showInputBox({ title, prompt: 'Where the predictions go, relative to the DVC project (.csv, .parquet or .jsonl; step 2/3)', value: defaults.outputPath, validateInput: (value) => (/\.(csv|parquet|jsonl)$/i.test(value.trim()) ? undefined : 'End it in .csv, .parquet or .jsonl') });
  if (!output) return;
  const stageName = await vscode.window.showInputBox({ title, prompt: 'The stage name (also its params.yaml section; step 3/3)', value: defaults.stageName, validateInput: (value) => (/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/.test(value) ? undefined : 'Letters, digits, "_" and "-", starting with a letter or "_"') });
  if (!stageName) return;
  const context = await gatherBatchStageContext({ ...base, paths: [output.trim(), defaults.scriptPath] });
  const trackingUri = services.tasks.environment.trackingTarget(target.folder, { withExperiment: false }).trackingUri;
  const plan = planBatchStage(
    { stageName, modelUri: target.uri, resolvedVersion: target.resolved.version.version, inputPath: input.label, outputPath: output.trim(), scriptPath: defaults.scriptPath, ...(trackingUri ? { trackingUri } : {}) },
    context,
  );
  const applied = await applyWithConsent(services.documents, vscode.Uri.file(root), plan.edits, `Add the stage "${stageName}" to dvc.yaml`);
  if (!applied) return;
  await vscode.window.showTextDocument(vscode.Uri.file(join(root, 'dvc.yaml')), { preview: false });
  services.log.info(`batch stage ${stageName}: ${target.uri} (version ${target.resolved.version.version}) over ${input.label} → ${output.trim()}`);
  const run = await vscode.window.showInformationMessage(`Added the stage "${stageName}": it predicts ${input.label} with ${target.uri} (version ${target.resolved.version.version}) into ${output.trim()}.`, 'Run Stage');
  if (run) {
    const cwd = relative(target.folder.uri.fsPath, root);
    await services.tasks.run({ type: TASK_TYPE, task: 'dvcRepro', targets: [stageName], ...(cwd ? { cwd } : {}) }, target.folder);
  }
}
