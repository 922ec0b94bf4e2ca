import { relative } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { entryPointDebugConfig, resolveEntryPoint, stageDebugConfig, TASK_TYPE, trackingEnv, type WorkbenchTaskDefinition } from '../../core/tasks/index.js';
import { registerCommand } from '../commands/register.js';
import { Commands } from '../constants.js';
import { startPythonDebugging } from './debug.js';
import { checkTrust, folderOf, type TaskEnvironment } from './environment.js';
import { promptEntryPointParameters } from './prompts.js';
import type { Projects } from '../dvc/projects.js';
import type { TaskRunner } from './runner.js';
import { loadStage, pickDvcRoot, pickEntryPoint, pickStage, stageFromArguments, type StageTarget } from './targets.js';

export interface TrainingCommandsContext {
  readonly log: Logger;
  readonly runner: TaskRunner;
  readonly environment: TaskEnvironment;
  readonly dvc: Projects;
}

const cwdOf = (folder: vscode.WorkspaceFolder, dir: string): string => relative(folder.uri.fsPath, dir) || '.';

/**
 * Training from the palette and the views: a stage (alone or with what depends on it), the whole
 * pipeline, an experiment with overrides, an MLproject entry point, the active Python file — each
 * as a task — and the same stage or entry point under the Python debugger.
 */
export function registerTrainingCommands(context: TrainingCommandsContext): vscode.Disposable {
  const { log, runner, environment, dvc } = context;

  const stage = async (first: unknown, second: unknown, title: string): Promise<StageTarget | undefined> => (await stageFromArguments(dvc, first, second)) ?? (await pickStage(dvc, title));

  const runStage = (downstream: boolean) => async (first?: unknown, second?: unknown): Promise<void> => {
    if (!checkTrust('Running a pipeline stage')) return;
    const target = await stage(first, second, downstream ? 'Run a stage and its downstream stages' : 'Run a stage');
    if (!target) return;
    const definition: WorkbenchTaskDefinition = { type: TASK_TYPE, task: 'dvcRepro', cwd: cwdOf(target.folder, target.root), targets: [target.address], ...(downstream ? { downstream } : {}) };
    await runner.run(definition, target.folder);
  };

  const runPipeline = (experiment: boolean) => async (hint?: unknown): Promise<void> => {
    if (!checkTrust(experiment ? 'Running an experiment' : 'Running the pipeline')) return;
    const project = await pickDvcRoot(dvc, experiment ? 'Run an experiment in which DVC project?' : 'Run which pipeline?', hint);
    if (!project) return;
    await runner.run({ type: TASK_TYPE, task: experiment ? 'dvcExpRun' : 'dvcRepro', cwd: cwdOf(project.folder, project.root) }, project.folder);
  };

  const debugStage = async (first?: unknown, second?: unknown): Promise<void> => {
    if (!checkTrust('Debugging a pipeline stage')) return;
    const target = await stage(first, second, 'Debug a stage');
    if (!target) return;
    const found = await loadStage(dvc, target);
    const tracking = environment.trackingTarget(target.folder, { withExperiment: false });
    const config = stageDebugConfig({ stage: found.name, cmd: found.cmd ?? '', dvcYamlDir: target.root, wdir: found.wdir || '.', env: trackingEnv({ trackingUri: tracking.trackingUri, allowFileStore: tracking.allowFileStore }), home: process.env['HOME'] });
    const { python } = await environment.interpreter(target.folder);
    await startPythonDebugging(target.folder, config, python, `stage ${found.address}`);
  };

  const runEntryPoint = async (hint?: unknown): Promise<void> => {
    if (!checkTrust('Running an MLproject entry point')) return;
    const target = await pickEntryPoint('Run an MLproject entry point', hint);
    if (!target) return;
    const parameters = await promptEntryPointParameters(resolveEntryPoint(target.project, target.entryPoint), target.projectDir);
    if (!parameters) return;
    await runner.run({ type: TASK_TYPE, task: 'mlflowRun', cwd: cwdOf(target.folder, target.projectDir), entryPoint: target.entryPoint, parameters }, target.folder);
  };

  const debugEntryPoint = async (hint?: unknown): Promise<void> => {
    if (!checkTrust('Debugging an MLproject entry point')) return;
    const target = await pickEntryPoint('Debug an MLproject entry point', hint);
    if (!target) return;
    const parameters = await promptEntryPointParameters(resolveEntryPoint(target.project, target.entryPoint), target.projectDir);
    if (!parameters) return;
    const tracking = environment.trackingTarget(target.folder, { withExperiment: true });
    const config = entryPointDebugConfig({ project: target.project, projectDir: target.projectDir, entryPoint: target.entryPoint, parameters, tracking, home: process.env['HOME'] });
    const { python } = await environment.interpreter(target.folder);
    await startPythonDebugging(target.folder, config, python, `entry point ${target.entryPoint}`);
  };

  const runPythonFile = async (resource?: vscode.Uri): Promise<void> => {
    if (!checkTrust('Running a Python file')) return;
    const uri = resource instanceof vscode.Uri ? resource : vscode.window.activeTextEditor?.document.uri;
    const folder = uri?.scheme === 'file' ? folderOf(uri.fsPath) : undefined;
    if (!uri || !folder || !uri.fsPath.endsWith('.py')) {
      void vscode.window.showInformationMessage('Open a Python file of the workspace (or choose one in the Explorer) to run it with the workspace\'s MLflow store.');
      return;
    }
    if (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() && vscode.window.activeTextEditor.document.isDirty) await vscode.window.activeTextEditor.document.save();
    await runner.run({ type: TASK_TYPE, task: 'pythonScript', script: relative(folder.uri.fsPath, uri.fsPath) }, folder);
  };

  return vscode.Disposable.from(
    registerCommand(log, Commands.runStage, runStage(false)),
    registerCommand(log, Commands.runStageDownstream, runStage(true)),
    registerCommand(log, Commands.runPipeline, runPipeline(false)),
    registerCommand(log, Commands.runExperiment, runPipeline(true)),
    registerCommand(log, Commands.debugStage, debugStage),
    registerCommand(log, Commands.runEntryPoint, runEntryPoint),
    registerCommand(log, Commands.debugEntryPoint, debugEntryPoint),
    registerCommand(log, Commands.runPythonFile, runPythonFile),
  );
}
