import { relative } from 'node:path';
import * as vscode from 'vscode';
import { entryPointDebugConfig, resolveEntryPoint, stageDebugConfig, TASK_TYPE, trackingEnv, type WorkbenchTaskDefinition } from '../../core/tasks/index.js';
import type { CommandTable } from '../commands.js';
import { Commands } from '../constants.js';
import { folderOf } from '../runner/environment.js';
import { promptEntryPointParameters } from '../runner/prompts.js';
import type { Services } from '../services.js';
import { checkTrust } from '../trust.js';
import { startPythonDebugging } from './debug.js';
import { loadStage, pickDvcRoot, pickEntryPoint, pickStage, stageFromArguments, type StageTarget } from './targets.js';

/**
 * Training from the palette and the views: a stage (alone or with what depends on it), the whole
 * pipeline, an experiment with overrides, an MLproject entry point, the active Python file — each
 * as a task — and the same stage or entry point under the Python debugger.
 */
export const trainingCommands: CommandTable<Services> = {
  [Commands.runStage]: (services, first?: unknown, second?: unknown) => runStage(services, false, first, second),
  [Commands.runStageDownstream]: (services, first?: unknown, second?: unknown) => runStage(services, true, first, second),
  [Commands.runPipeline]: (services, hint?: unknown) => runPipeline(services, false, hint),
  [Commands.runExperiment]: (services, hint?: unknown) => runPipeline(services, true, hint),
  [Commands.debugStage]: debugStage,
  [Commands.runEntryPoint]: runEntryPoint,
  [Commands.debugEntryPoint]: debugEntryPoint,
  [Commands.runPythonFile]: runPythonFile,
};

const cwdOf = (folder: vscode.WorkspaceFolder, dir: string): string => relative(folder.uri.fsPath, dir) || '.';

/**
 * Training from the palette and the views: a stage (alone or with what depends on it), the whole
 * pipeline, an experiment with overrides, an MLproject entry point, the active Python file — each
 * as a task — and the same stage or entry point under the Python debugger.
 */
/** The stage the arguments name (a Pipeline row, CodeLens, a keybinding), else one picked. */
async function stage({ dvc }: Services, first: unknown, second: unknown, title: string): Promise<StageTarget | undefined> {
  return (await stageFromArguments(dvc, first, second)) ?? (await pickStage(dvc, title));
}

async function runStage(services: Services, downstream: boolean, first?: unknown, second?: unknown): Promise<void> {
  if (!checkTrust('Running a pipeline stage')) return;
  const target = await stage(services, first, second, downstream ? 'Run a stage and its downstream stages' : 'Run a stage');
  if (!target) return;
  const definition: WorkbenchTaskDefinition = { type: TASK_TYPE, task: 'dvcRepro', cwd: cwdOf(target.folder, target.root), targets: [target.address], ...(downstream ? { downstream } : {}) };
  await services.tasks.run(definition, target.folder);
}

async function runPipeline(services: Services, experiment: boolean, hint?: unknown): Promise<void> {
  if (!checkTrust(experiment ? 'Running an experiment' : 'Running the pipeline')) return;
  const project = await pickDvcRoot(services.dvc, experiment ? 'Run an experiment in which DVC project?' : 'Run which pipeline?', hint);
  if (!project) return;
  await services.tasks.run({ type: TASK_TYPE, task: experiment ? 'dvcExpRun' : 'dvcRepro', cwd: cwdOf(project.folder, project.root) }, project.folder);
}

async function debugStage(services: Services, first?: unknown, second?: unknown): Promise<void> {
  if (!checkTrust('Debugging a pipeline stage')) return;
  const target = await stage(services, first, second, 'Debug a stage');
  if (!target) return;
  const found = await loadStage(services.dvc, target);
  const { environment } = services.tasks;
  const tracking = environment.trackingTarget(target.folder, { withExperiment: false });
  const config = stageDebugConfig({ stage: found.name, cmd: found.cmd ?? '', dvcYamlDir: target.root, wdir: found.wdir || '.', env: trackingEnv({ trackingUri: tracking.trackingUri, allowFileStore: tracking.allowFileStore }), home: process.env['HOME'] });
  const { python } = await environment.interpreter(target.folder, 'python-script', 'Debugging a stage');
  await startPythonDebugging(target.folder, config, python, `stage ${found.address}`);
}

async function runEntryPoint(services: Services, hint?: unknown): Promise<void> {
  if (!checkTrust('Running an MLproject entry point')) return;
  const target = await pickEntryPoint('Run an MLproject entry point', hint);
  if (!target) return;
  const parameters = await promptEntryPointParameters(resolveEntryPoint(target.project, target.entryPoint), target.projectDir);
  if (!parameters) return;
  await services.tasks.run({ type: TASK_TYPE, task: 'mlflowRun', cwd: cwdOf(target.folder, target.projectDir), entryPoint: target.entryPoint, parameters }, target.folder);
}

async function debugEntryPoint(services: Services, hint?: unknown): Promise<void> {
  if (!checkTrust('Debugging an MLproject entry point')) return;
  const target = await pickEntryPoint('Debug an MLproject entry point', hint);
  if (!target) return;
  const parameters = await promptEntryPointParameters(resolveEntryPoint(target.project, target.entryPoint), target.projectDir);
  if (!parameters) return;
  const { environment } = services.tasks;
  const tracking = environment.trackingTarget(target.folder, { withExperiment: true });
  const config = entryPointDebugConfig({ project: target.project, projectDir: target.projectDir, entryPoint: target.entryPoint, parameters, tracking, home: process.env['HOME'] });
  const { python } = await environment.interpreter(target.folder, 'python-script', 'Debugging an entry point');
  await startPythonDebugging(target.folder, config, python, `entry point ${target.entryPoint}`);
}

/** The active (or chosen) Python file as a task, with the folder's MLflow store. */
async function runPythonFile(services: Services, resource?: vscode.Uri): Promise<void> {
  if (!checkTrust('Running a Python file')) return;
  const uri = resource instanceof vscode.Uri ? resource : vscode.window.activeTextEditor?.document.uri;
  const folder = uri?.scheme === 'file' ? folderOf(uri.fsPath) : undefined;
  if (!uri || !folder || !uri.fsPath.endsWith('.py')) {
    void vscode.window.showInformationMessage('Open a Python file of the workspace (or choose one in the Explorer) to run it with the workspace\'s MLflow store.');
    return;
  }
  if (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() && vscode.window.activeTextEditor.document.isDirty) await vscode.window.activeTextEditor.document.save();
  await services.tasks.run({ type: TASK_TYPE, task: 'pythonScript', script: relative(folder.uri.fsPath, uri.fsPath) }, folder);
}
