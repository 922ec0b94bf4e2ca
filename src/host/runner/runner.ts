import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { actionOfTask, type PythonAction } from '../../core/python/packages.js';
import {
  definitionLabel,
  interpreterPath,
  loadMlProject,
  overridableParams,
  PYTHON_PROBLEM_MATCHER_REFERENCES,
  readTaskDefinition,
  resolveEntryPoint,
  specForDefinition,
  type TaskSpec,
  type WorkbenchTaskDefinition,
} from '../../core/tasks/index.js';
import { Disposable } from '../dispose.js';
import type { Projects } from '../dvc/projects.js';
import { readConfig } from '../config.js';
import type { PythonService } from '../python.js';
import type { TrackingService } from '../tracking/trackingService.js';
import { Refused, restrictedModeText } from '../trust.js';
import { TaskEnvironment } from './environment.js';
import { MessageTerminal, ProcessTerminal, type ProcessOutcome } from './processTerminal.js';
import { promptEntryPointParameters, promptExperimentParams } from './prompts.js';

/** A task the extension ran, from start to end. */
export interface TaskRun {
  readonly id: number;
  readonly definition: WorkbenchTaskDefinition;
  readonly folder: vscode.WorkspaceFolder;
  readonly label: string;
  readonly startedAt: number;
  /** The process's terminal: "stop" for the status bar. */
  readonly terminal: ProcessTerminal;
}

export interface TaskEnd extends TaskRun {
  readonly outcome: ProcessOutcome;
}

const SOURCE = 'ML Workbench';

/**
 * Turns `mlWorkbench` definitions into VS Code tasks whose execution runs the argv the core
 * builders make (asking first for values the definition leaves open), and reports each run's start
 * and end. Restricted Mode runs nothing.
 */
export class TaskRunner extends Disposable {
  private readonly startEmitter = this.register(new vscode.EventEmitter<TaskRun>());
  private readonly endEmitter = this.register(new vscode.EventEmitter<TaskEnd>());
  readonly onDidStart = this.startEmitter.event;
  readonly onDidEnd = this.endEmitter.event;
  private nextId = 1;
  /** The interpreter and the store every task of a folder runs with. */
  readonly environment: TaskEnvironment;

  constructor(
    python: PythonService,
    tracking: TrackingService,
    private readonly dvc: Projects,
    private readonly log: Logger,
  ) {
    super();
    this.environment = new TaskEnvironment(python, tracking);
  }

  createTask(definition: WorkbenchTaskDefinition, folder: vscode.WorkspaceFolder, name = definitionLabel(definition)): vscode.Task {
    const execution = new vscode.CustomExecution(async (resolved) => this.terminalFor(resolved, folder, name));
    const task = new vscode.Task(definition, folder, name, SOURCE, execution, [...PYTHON_PROBLEM_MATCHER_REFERENCES]);
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true, showReuseMessage: false };
    return task;
  }

  /** Runs a definition now (the values it leaves open are asked for first, so a cancel starts nothing). */
  async run(definition: WorkbenchTaskDefinition, folder: vscode.WorkspaceFolder, name?: string): Promise<void> {
    const filled = await this.fill(definition, folder);
    if (!filled) return;
    await vscode.tasks.executeTask(this.createTask(filled, folder, name ?? definitionLabel(filled)));
  }

  /**
   * The values a definition leaves open, asked for: an entry point's parameters, the overrides of
   * `dvc exp run`. Undefined when the user cancels.
   */
  async fill(definition: WorkbenchTaskDefinition, folder: vscode.WorkspaceFolder): Promise<WorkbenchTaskDefinition | undefined> {
    const cwd = resolve(folder.uri.fsPath, definition.cwd ?? '.');
    if (definition.task === 'mlflowRun' && definition.parameters === undefined) {
      const entry = resolveEntryPoint(await loadMlProject(cwd), definition.entryPoint ?? 'main');
      const parameters = await promptEntryPointParameters(entry, cwd);
      return parameters && { ...definition, parameters };
    }
    if (definition.task === 'dvcExpRun' && definition.setParams === undefined) {
      await this.dvc.discovered();
      const project = this.dvc.projectFor(cwd);
      if (!project) throw new Error(`${cwd} is not inside a DVC project (no .dvc folder there or above).`);
      const { stages } = await project.pipeline();
      const tracked = stages.flatMap((stage) => stage.params.map((dep) => ({ repoPath: dep.repoPath, keys: dep.keys })));
      const choices = overridableParams(tracked, (path) => {
        try {
          return readFileSync(join(cwd, path), 'utf8');
        } catch {
          return undefined;
        }
      });
      const setParams = await promptExperimentParams(choices, definitionLabel(definition));
      return setParams && { ...definition, setParams };
    }
    return definition;
  }

  /**
   * The folder's interpreter for an action (DVC for a DVC command, say); Refused after telling the
   * user what it lacks, with a pick and an install: the chosen interpreter is never swapped.
   */
  async interpreter(folder: vscode.WorkspaceFolder, action?: PythonAction, purpose?: string, retry?: () => unknown): Promise<string> {
    return (await this.environment.interpreter(folder, action, purpose, retry)).python;
  }

  /**
   * Runs one argv as a task of `definition`'s type (a step of a data checkout, say) and resolves
   * with how it ended; unlike a training task, its start and end are not announced.
   */
  async runStep(spec: TaskSpec, folder: vscode.WorkspaceFolder, definition: vscode.TaskDefinition, token?: vscode.CancellationToken): Promise<ProcessOutcome> {
    if (!vscode.workspace.isTrusted) throw new Error(restrictedModeText(`"${spec.label}"`));
    let outcome: ProcessOutcome | undefined;
    const finished = new Promise<ProcessOutcome>((resolve) => {
      const execution = new vscode.CustomExecution(async () => new ProcessTerminal(spec, (ended) => resolve((outcome = ended))));
      const task = new vscode.Task(definition, folder, spec.label, SOURCE, execution, []);
      task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true, showReuseMessage: false };
      // A task terminated before its terminal opened reports no outcome: it was stopped.
      const ends: vscode.TaskExecution[] = [];
      let started: vscode.TaskExecution | undefined;
      const onEnd = (ended: vscode.TaskExecution): void => {
        if (ended !== started) return;
        subscription.dispose();
        if (!outcome) resolve({ exitCode: undefined, stopped: true, output: '', durationMs: 0 });
      };
      const subscription = vscode.tasks.onDidEndTask((event) => (started ? onEnd(event.execution) : ends.push(event.execution)));
      void vscode.tasks.executeTask(task).then(
        (execution) => {
          started = execution;
          // A cancelled progress (its Cancel button) stops the task as Terminate Task would.
          token?.onCancellationRequested(() => execution.terminate());
          if (token?.isCancellationRequested) execution.terminate();
          ends.forEach(onEnd);
        },
        (error: unknown) => {
          subscription.dispose();
          resolve({ exitCode: undefined, stopped: false, output: (error as Error).message, durationMs: 0 });
        },
      );
    });
    return finished;
  }

  /** The argv of a definition for a folder: its interpreter (first on PATH too), the folder's store. */
  async spec(definition: WorkbenchTaskDefinition, folder: vscode.WorkspaceFolder): Promise<TaskSpec> {
    const { python } = await this.environment.interpreter(folder, actionOfTask(definition.task), `The task "${definitionLabel(definition)}"`);
    const cwd = resolve(folder.uri.fsPath, definition.cwd ?? '.');
    const settings = readConfig(folder);
    const withExperiment = definition.task === 'mlflowRun' || definition.task === 'pythonScript';
    const project = definition.task === 'mlflowRun' ? await loadMlProject(cwd) : undefined;
    const spec = specForDefinition(definition, { python, folder: folder.uri.fsPath, tracking: this.environment.trackingTarget(folder, { withExperiment }), project, envManager: settings.envManager });
    return { ...spec, env: { ...interpreterPath(python, process.env['PATH']), ...spec.env } };
  }

  private async terminalFor(resolved: vscode.TaskDefinition, folder: vscode.WorkspaceFolder, name: string): Promise<vscode.Pseudoterminal> {
    if (!vscode.workspace.isTrusted) return new MessageTerminal(restrictedModeText(`The task "${name}"`), 1);
    let spec: TaskSpec;
    let definition: WorkbenchTaskDefinition | undefined;
    try {
      definition = await this.fill(readTaskDefinition(resolved), folder);
      if (!definition) return new MessageTerminal('Cancelled: the task did not start.', 0);
      spec = await this.spec(definition, folder);
    } catch (error) {
      if (error instanceof Refused) return new MessageTerminal('The task did not start: its Python interpreter lacks what it needs (see the notification).', 1);
      this.log.warn(`task ${name} did not start: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`${name} did not start: ${(error as Error).message}`);
      return new MessageTerminal(`${name} did not start: ${(error as Error).message}`, 1);
    }
    const run: Omit<TaskRun, 'terminal'> = { id: this.nextId++, definition, folder, label: name, startedAt: Date.now() };
    const terminal: ProcessTerminal = new ProcessTerminal(spec, (outcome) => {
      this.log.info(`task ${name} ended: exit ${outcome.exitCode ?? outcome.signal ?? '?'}${outcome.stopped ? ' (stopped)' : ''} after ${outcome.durationMs} ms`);
      this.endEmitter.fire({ ...run, terminal, outcome });
    });
    this.log.info(`task ${name}: ${[spec.command, ...spec.args].join(' ')} (in ${spec.cwd})`);
    this.startEmitter.fire({ ...run, terminal });
    return terminal;
  }
}
