import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { CsvError, readCsvHead, type CsvHead } from '../../core/onboarding/csv.js';
import { planProject, setupSteps } from '../../core/onboarding/newProject.js';
import { projectState } from '../../core/onboarding/projectState.js';
import { describePlan, writePlan } from '../../core/onboarding/scaffold.js';
import { suggestTarget } from '../../core/onboarding/schema.js';
import { loadTemplateSet, type TemplateInfo, type TemplateSet } from '../../core/onboarding/templates.js';
import { Commands } from '../constants.js';
import { runSteps } from '../runner/steps.js';
import { checkTrust } from '../trust.js';
import type { OnboardingFeature } from './feature.js';
import { setupFolder } from './setupCommands.js';

interface DataChoice {
  readonly path: string;
  readonly head: CsvHead;
  /** Known for a bundled sample: no column to ask for. */
  readonly target?: string;
}

/**
 * "New ML Project…": in the open folder (empty or not), a DVC pipeline that logs to MLflow, from
 * a template (classification or regression) and a CSV file (the user's, or a bundled sample).
 * The plan is shown before anything is written; an existing file the pipeline needs refuses it;
 * then git init / dvc init / dvc add run as tasks, and the pipeline is offered.
 */
export async function newProject(context: OnboardingFeature): Promise<void> {
  if (!checkTrust('Creating an ML project')) return;
  const folder = await setupFolder('New ML Project');
  if (!folder) return;
  const python = await context.services.python.ensure(folder, 'new-project', 'A new ML project', () => newProject(context));
  if (!python) return;
  const templates = await loadTemplateSet(join(context.extensionUri.fsPath, 'templates', 'ml-project'));
  const template = await pickTemplate(templates, folder);
  if (!template) return;
  const data = await pickData(templates, template, folder);
  if (!data) return;
  const target = data.target ?? (await pickTarget(data));
  if (!target) return;
  const root = folder.uri.fsPath;
  const planned = await planProject({ templates, template, root, dataSource: data.path, target, head: data.head });
  if (planned.targetWarning) {
    const go = await vscode.window.showWarningMessage(`${planned.targetWarning}`, { modal: true, detail: `The ${template.label.toLowerCase()} template predicts "${target}". Create the project anyway?` }, 'Create Anyway');
    if (go !== 'Create Anyway') return;
  }
  const { plan } = planned;
  if (plan.conflicts.length > 0) {
    void vscode.window.showErrorMessage(`New ML Project would overwrite files in ${folder.name}: nothing was written.`, {
      modal: true,
      detail: `${describePlan(plan)}\n\nMove those files aside, or create the project in an empty folder.`,
    });
    return;
  }
  const state = await projectState(root);
  const steps = setupSteps(state, python, root, planned.dataFile);
  const detail = `${describePlan(plan)}\n\nThen runs, as tasks: ${steps.map((s) => s.label).join(', ')}.\nExperiment "${planned.names.experiment}", registered model "${planned.names.model}".`;
  const answer = await vscode.window.showInformationMessage(`Create a ${template.taskLabel} project in ${root}?`, { modal: true, detail }, 'Create Project');
  if (answer !== 'Create Project') return;
  const written = await writePlan(root, plan);
  context.services.log.info(`new project in ${root}: wrote ${written.join(', ')}`);
  const ok = await runSteps(context.services.tasks, folder, steps, python);
  context.walkthrough.schedule();
  await vscode.window.showTextDocument(vscode.Uri.file(join(root, 'dvc.yaml')), { preview: false });
  if (!ok) return;
  const action = await vscode.window.showInformationMessage(`Project created: ${written.length} files, data in data/incoming/${planned.dataFile}. Run the pipeline (ingest → validate → prepare → train → evaluate → register)?`, 'Run Pipeline', 'Open Getting Started');
  if (action === 'Run Pipeline') await vscode.commands.executeCommand(Commands.runPipeline, { root });
  if (action === 'Open Getting Started') await vscode.commands.executeCommand(Commands.openWalkthrough);
}

async function pickTemplate(templates: TemplateSet, folder: vscode.WorkspaceFolder): Promise<TemplateInfo | undefined> {
  const items = templates.templates.map((template) => ({ label: template.label, detail: template.detail, template }));
  return (await vscode.window.showQuickPick(items, { title: `New ML Project in ${folder.name}`, placeHolder: 'What does the model predict?' }))?.template;
}

async function pickData(templates: TemplateSet, template: TemplateInfo, folder: vscode.WorkspaceFolder): Promise<DataChoice | undefined> {
  const sample = join(templates.root, 'samples', template.sample.file);
  const items = [
    { label: '$(file) Choose a CSV File…', detail: 'Your data: it is copied into data/incoming/ (the original stays where it is)', sample: false },
    { label: `$(beaker) Use the Sample: ${template.sample.file}`, detail: template.sample.label, sample: true },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: `New ML Project: data (${template.label})`, placeHolder: 'The data the pipeline starts from (a CSV file with a header line)' });
  if (!pick) return undefined;
  const path = pick.sample ? sample : (await vscode.window.showOpenDialog({ title: 'Data for the new project (CSV with a header line)', defaultUri: folder.uri, canSelectMany: false, filters: { 'CSV files': ['csv'], 'All files': ['*'] } }))?.[0]?.fsPath;
  if (!path) return undefined;
  try {
    const head = await readCsvHead(path);
    return { path, head, ...(pick.sample ? { target: template.sample.target } : {}) };
  } catch (error) {
    if (error instanceof CsvError) {
      void vscode.window.showErrorMessage(`${basename(path)} cannot be used: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}

async function pickTarget(data: DataChoice): Promise<string | undefined> {
  const suggested = suggestTarget(data.head.columns);
  const items = data.head.columns.map((column, index) => {
    const values = [...new Set(data.head.rows.slice(0, 50).map((row) => row[index] ?? ''))].slice(0, 4).join(', ');
    return { label: column, description: column === suggested ? 'suggested' : undefined, detail: `e.g. ${values}`, column };
  });
  items.sort((a, b) => Number(b.column === suggested) - Number(a.column === suggested));
  return (await vscode.window.showQuickPick(items, { title: `Which column of ${basename(data.path)} does the model predict?`, placeHolder: 'The target column' }))?.column;
}
