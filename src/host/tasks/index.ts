import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { TASK_TYPE } from '../../core/tasks/index.js';
import { Views } from '../constants.js';
import { Disposable } from '../dispose.js';
import type { VirtualDocuments } from '../documents/virtualDocuments.js';
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
}

/** A DVC task ended: the Pipeline view re-checks the stages. */
export interface DvcTaskEnd {
  /** The DVC root the task ran in. */
  readonly root: string;
  readonly folder: vscode.WorkspaceFolder;
  /** `dvc repro` targets (none: the whole pipeline). */
  readonly targets: readonly string[];
  readonly exitCode: number | undefined;
  readonly experiment: boolean;
}

/**
 * Training and deployment: the `mlWorkbench` task provider, the commands that run and debug stages,
 * entry points and scripts, the Models view's Serve / Predict / Build Image, and the Serving view.
 */
export class Tasks extends Disposable {
  private readonly dvcEndEmitter = this.register(new vscode.EventEmitter<DvcTaskEnd>());
  /** For the Pipeline view: fires when a `dvc repro` / `dvc exp run` task ends (however it ended). */
  readonly onDidEndDvcTask = this.dvcEndEmitter.event;
  readonly runner: TaskRunner;
  readonly servers: ServerManager;

  constructor({ context, log, tracking, python, runsTree, documents }: TasksContext) {
    super();
    const environment = new TaskEnvironment(python, tracking);
    this.runner = this.register(new TaskRunner(environment, log));
    const runner = this.runner;
    this.register(new TaskFeedback(runner, tracking, runsTree, documents, log));
    this.register(vscode.tasks.registerTaskProvider(TASK_TYPE, new WorkbenchTaskProvider(runner, log)));
    this.register(
      runner.onDidEnd((end) => {
        if (end.definition.task !== 'dvcRepro' && end.definition.task !== 'dvcExpRun') return;
        const root = join(end.folder.uri.fsPath, end.definition.cwd ?? '.');
        this.dvcEndEmitter.fire({ root, folder: end.folder, targets: end.definition.targets ?? [], exitCode: end.outcome.exitCode, experiment: end.definition.task === 'dvcExpRun' });
      }),
    );

    const logDir = join((context.storageUri ?? context.globalStorageUri).fsPath, 'serving');
    this.servers = this.register(new ServerManager(context.workspaceState, logDir, () => readTaskSettings().keepServers, log));
    const servingTree = this.register(new ServingTreeProvider(this.servers));
    const servingView = this.register(vscode.window.createTreeView(Views.serving, { treeDataProvider: servingTree, showCollapseAll: true }));
    servingTree.attach(servingView);
    const revealServing = (): Thenable<void> => vscode.commands.executeCommand(`${Views.serving}.focus`);

    this.register(registerTrainingCommands({ log, runner, environment }));
    this.register(registerModelTaskCommands({ log, tracking, environment, runner, servers: this.servers, revealServing, python }));
    this.register(registerServerCommands({ log, tracking, servers: this.servers, documents }));
  }
}

/** The composition root's one call: everything of issue 7, owned by the returned disposable. */
export function registerTasks(context: TasksContext): Tasks {
  return new Tasks(context);
}
