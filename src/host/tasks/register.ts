import * as vscode from 'vscode';
import { TASK_TYPE } from '../../core/tasks/index.js';
import type { DisposableLike } from '../dispose.js';
import type { Services } from '../services.js';
import { TaskFeedback } from './feedback.js';
import { WorkbenchTaskProvider } from './provider.js';
import { teamServerCommands } from './teamServerCommand.js';
import { trainingCommands } from './trainingCommands.js';

/**
 * Training as tasks: the `mlWorkbench` task provider (Terminal → Run Task), the commands that run
 * and debug stages, entry points and scripts, what the user sees when a task ends, and a re-check
 * of the DVC projects when a `dvc repro` / `dvc exp run` task ends.
 */
export function registerTasks(context: vscode.ExtensionContext, services: Services): DisposableLike {
  const { tasks, dvc, log } = services;
  return vscode.Disposable.from(
    new TaskFeedback(tasks, services.tracking, services.runs, services.documents, log),
    vscode.tasks.registerTaskProvider(TASK_TYPE, new WorkbenchTaskProvider(tasks, dvc, log)),
    // A stage run as a task: the projects are checked again at once (their watchers would, a moment later).
    tasks.onDidEnd((end) => (end.definition.task === 'dvcRepro' || end.definition.task === 'dvcExpRun') && void dvc.refreshAll()),
    services.commands.register(trainingCommands, services),
    services.commands.register(teamServerCommands, { services, extensionPath: context.extensionPath }),
  );
}
