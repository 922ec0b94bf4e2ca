import { dirname, relative } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { loadMlProject, readTaskDefinition, TASK_TYPE, type WorkbenchTaskDefinition } from '../../core/tasks/index.js';
import type { Projects } from '../dvc/projects.js';
import type { TaskRunner } from '../runner/runner.js';
import { pipelines } from './targets.js';

/** Never walk a huge workspace for the task list: VS Code's own file search, capped. */
const MAX_FILES = 50;
const EXCLUDE = '**/{node_modules,.git,.dvc,.venv,venv,mlruns,mlartifacts}/**';

/**
 * Terminal → Run Task: per workspace folder, `dvc repro` of each stage (alone and with what
 * depends on it) and of the whole pipeline, `dvc exp run` with chosen overrides, each MLproject
 * entry point, and the active Python file with the folder's store. Nothing in Restricted Mode.
 */
export class WorkbenchTaskProvider implements vscode.TaskProvider {
  constructor(
    private readonly runner: TaskRunner,
    private readonly dvc: Projects,
    private readonly log: Logger,
  ) {}

  async provideTasks(token: vscode.CancellationToken): Promise<vscode.Task[]> {
    if (!vscode.workspace.isTrusted) {
      this.log.info('tasks: Restricted Mode, no tasks provided');
      return [];
    }
    const tasks: vscode.Task[] = [];
    const projects = await pipelines(this.dvc, (project, error) => this.log.warn(`tasks: the pipeline of ${project.root} could not be read: ${error.message}`));
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (token.isCancellationRequested) break;
      const dvc = this.dvcTasks(folder, projects.filter(({ project }) => project.folder.workspaceFolder.uri.toString() === folder.uri.toString()));
      const mlproject = await this.mlprojectTasks(folder, token);
      tasks.push(...dvc, ...mlproject, ...this.scriptTasks(folder));
    }
    this.log.info(`tasks: ${tasks.length} provided`);
    return tasks;
  }

  /** A task from tasks.json: checked, then run the same way as the listed ones. */
  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const folder = task.scope !== undefined && typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
    if (!folder || !vscode.workspace.isTrusted) return undefined;
    try {
      readTaskDefinition(task.definition);
    } catch (error) {
      this.log.warn(`tasks.json: the ${TASK_TYPE} task "${task.name}" is not valid: ${(error as Error).message}`);
      return undefined;
    }
    return this.runner.createTask(task.definition as WorkbenchTaskDefinition, folder, task.name);
  }

  /** Per DVC project with a pipeline (the projects the Pipeline view shows): its `dvc repro` and `dvc exp run` tasks. */
  private dvcTasks(folder: vscode.WorkspaceFolder, projects: Awaited<ReturnType<typeof pipelines>>): vscode.Task[] {
    const tasks: vscode.Task[] = [];
    for (const { project, stages, hasDownstream } of projects) {
      const cwd = relative(folder.uri.fsPath, project.root) || '.';
      const where = cwd === '.' ? '' : ` (${cwd})`;
      const task = (definition: Omit<WorkbenchTaskDefinition, 'type' | 'cwd'>, name: string): vscode.Task =>
        this.runner.createTask({ type: TASK_TYPE, cwd, ...definition } as WorkbenchTaskDefinition, folder, `${name}${where}`);
      tasks.push(task({ task: 'dvcRepro' }, 'dvc repro (whole pipeline)'));
      for (const stage of stages) {
        tasks.push(task({ task: 'dvcRepro', targets: [stage.address] }, `dvc repro ${stage.address}`));
        // The last stages have nothing downstream: their --downstream task would be the same task.
        if (hasDownstream(stage.address)) tasks.push(task({ task: 'dvcRepro', targets: [stage.address], downstream: true }, `dvc repro --downstream ${stage.address}`));
      }
      tasks.push(task({ task: 'dvcExpRun' }, 'dvc exp run (choose parameters)'));
    }
    return tasks;
  }

  private async mlprojectTasks(folder: vscode.WorkspaceFolder, token: vscode.CancellationToken): Promise<vscode.Task[]> {
    // MLflow finds the file case-insensitively (`mlproject`, `MLProject`): so does the glob.
    const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/[mM][lL][pP]roject'), EXCLUDE, MAX_FILES, token);
    const tasks: vscode.Task[] = [];
    for (const file of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
      const dir = dirname(file.fsPath);
      const cwd = relative(folder.uri.fsPath, dir) || '.';
      try {
        const project = await loadMlProject(dir);
        for (const entry of project.entryPoints) {
          const definition: WorkbenchTaskDefinition = { type: TASK_TYPE, task: 'mlflowRun', cwd, entryPoint: entry.name };
          tasks.push(this.runner.createTask(definition, folder, `mlflow run -e ${entry.name}${cwd === '.' ? '' : ` (${cwd})`}`));
        }
      } catch (error) {
        this.log.warn(`tasks: ${file.fsPath} could not be read: ${(error as Error).message}`);
      }
    }
    return tasks;
  }

  private scriptTasks(folder: vscode.WorkspaceFolder): vscode.Task[] {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== 'python' || document.uri.scheme !== 'file') return [];
    if (vscode.workspace.getWorkspaceFolder(document.uri)?.uri.toString() !== folder.uri.toString()) return [];
    const script = relative(folder.uri.fsPath, document.uri.fsPath);
    return [this.runner.createTask({ type: TASK_TYPE, task: 'pythonScript', script }, folder, `python ${script} (MLflow tracking)`)];
  }
}
