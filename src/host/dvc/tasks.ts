import { existsSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { TaskSpec } from '../../core/tasks/spec.js';
import type { PythonService } from '../python.js';

/** The task type of DVC commands run from the views (declared in package.json `taskDefinitions`). */
export const DVC_TASK_TYPE = 'mlWorkbench.dvc';

/**
 * The Python that runs `python -m dvc` for a folder: the one the user chose, when it has DVC;
 * otherwise the user is told what is missing (with a pick and an install) and the command ends
 * as cancelled.
 */
export async function dvcPython(python: PythonService, folder: vscode.WorkspaceFolder, purpose = 'This DVC command'): Promise<string> {
  const resolved = await python.ensure(folder, 'dvc-command', purpose);
  if (resolved) return resolved;
  throw new vscode.CancellationError();
}

/**
 * What an activated environment would add: the interpreter's folder first on PATH, so a stage's
 * own `python …` / `mlflow …` command (run by DVC through a shell) finds the same environment.
 */
export function interpreterEnv(python: string): Record<string, string> {
  if (!isAbsolute(python)) return {};
  const bin = dirname(python);
  const prefix = dirname(bin);
  const isVenv = existsSync(join(prefix, 'pyvenv.cfg'));
  // A system interpreter's folder (/usr/bin) is left where PATH has it.
  if (!isVenv && !existsSync(join(prefix, 'conda-meta'))) return {};
  return { PATH: [bin, process.env['PATH'] ?? ''].filter(Boolean).join(delimiter), ...(isVenv ? { VIRTUAL_ENV: prefix } : {}) };
}

/** Runs one argv (never a shell string) as a task; resolves with its exit code (undefined: unknown). */
export async function runTask(spec: TaskSpec, folder: vscode.WorkspaceFolder, definition: Record<string, string>): Promise<number | undefined> {
  if (!vscode.workspace.isTrusted) throw new Error('This workspace is in Restricted Mode: ML Workbench runs no commands from it. Trust the workspace to run DVC.');
  const processExecution = new vscode.ProcessExecution(spec.command, [...spec.args], { cwd: spec.cwd, env: { ...spec.env } });
  const task = new vscode.Task({ type: DVC_TASK_TYPE, ...definition }, folder, spec.label, 'ML Workbench', processExecution, []);
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  // Ends seen before executeTask resolves are kept, then matched to this execution.
  const ends: vscode.TaskProcessEndEvent[] = [];
  let onEnd: ((event: vscode.TaskProcessEndEvent) => void) | undefined;
  const subscription = vscode.tasks.onDidEndTaskProcess((event) => (onEnd ? onEnd(event) : ends.push(event)));
  try {
    const execution = await vscode.tasks.executeTask(task);
    return await new Promise<number | undefined>((resolve) => {
      onEnd = (event) => event.execution === execution && resolve(event.exitCode);
      ends.forEach(onEnd);
    });
  } finally {
    subscription.dispose();
  }
}
