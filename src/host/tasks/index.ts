import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { TASK_TYPE } from '../../core/tasks/index.js';
import { Views } from '../constants.js';
import { Disposable } from '../dispose.js';
import type { VirtualDocuments } from '../documents/virtualDocuments.js';
import type { Projects } from '../dvc/projects.js';
import type { PythonService } from '../python.js';
import { registerModelTaskCommands } from '../serving/modelCommands.js';
import { registerServerCommands } from '../serving/serverCommands.js';
import { ServerManager } from '../serving/servers.js';
import { ServingTreeProvider } from '../serving/tree.js';
import type { TrackingService } from '../tracking.js';
import type { RunsTreeProvider } from '../trees/runs/tree.js';
import { readTaskSettings, TaskEnvironment } from './environment.js';
import { TaskFeedback } from './feedback.js';
import { WorkbenchTaskProvider } from './provider.js';
import { TaskRunner } from './runner.js';
import { registerTrainingCommands } from './trainingCommands.js';

export interface TasksContext {
  readonly context: vscode.ExtensionContext;
  readonly log: Logger;
  readonly tracking: TrackingService;
  readonly python: PythonService;
  readonly runsTree: RunsTreeProvider;
  readonly documents: VirtualDocuments;
  readonly dvc: Projects;
}

/**
 * Training and deployment: the `mlWorkbench` task provider, the commands that run and debug stages,
 * entry points and scripts, the Models view's Serve / Predict / Build Image, and the Serving view.
 */
export class Tasks extends Disposable {
  readonly runner: TaskRunner;
  readonly servers: ServerManager;

  constructor({ context, log, tracking, python, runsTree, documents, dvc }: TasksContext) {
    super();
    const environment = new TaskEnvironment(python, tracking);
    this.runner = this.register(new TaskRunner(environment, dvc, log));
    const runner = this.runner;
    this.register(new TaskFeedback(runner, tracking, runsTree, documents, log));
    this.register(vscode.tasks.registerTaskProvider(TASK_TYPE, new WorkbenchTaskProvider(runner, dvc, log)));
    this.register(
      runner.onDidEnd((end) => {
        // A stage run as a task: the projects are checked again at once (their watchers would, a moment later).
        if (end.definition.task === 'dvcRepro' || end.definition.task === 'dvcExpRun') void dvc.refreshAll();
      }),
    );

    const logDir = join((context.storageUri ?? context.globalStorageUri).fsPath, 'serving');
    this.servers = this.register(new ServerManager(context.workspaceState, logDir, () => readTaskSettings().keepServers, log));
    const servingTree = this.register(new ServingTreeProvider(this.servers));
    const servingView = this.register(vscode.window.createTreeView(Views.serving, { treeDataProvider: servingTree, showCollapseAll: true }));
    servingTree.attach(servingView);
    const revealServing = (): Thenable<void> => vscode.commands.executeCommand(`${Views.serving}.focus`);

    this.register(registerTrainingCommands({ log, runner, environment, dvc }));
    this.register(registerModelTaskCommands({ log, tracking, environment, runner, servers: this.servers, revealServing }));
    this.register(registerServerCommands({ log, tracking, servers: this.servers, documents }));
  }
}

/** The composition root's one call: everything of issue 7, owned by the returned disposable. */
export function registerTasks(context: TasksContext): Tasks {
  return new Tasks(context);
}
