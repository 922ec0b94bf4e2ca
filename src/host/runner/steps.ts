import * as vscode from 'vscode';
import { interpreterPath, type TaskSpec } from '../../core/tasks/index.js';
import { TaskTypes } from '../constants.js';
import type { TaskRunner } from './runner.js';

/**
 * Runs setup commands in order (git init, dvc init, pip install…), each as a visible task (argv,
 * no shell); false at the first that fails, after saying which. `python` puts that interpreter's
 * folder first on PATH, as an activated venv would (DVC runs `git`, a stage runs `python`).
 */
export async function runSteps(runner: TaskRunner, folder: vscode.WorkspaceFolder, steps: readonly TaskSpec[], python?: string): Promise<boolean> {
  for (const step of steps) {
    const env = { ...(python ? interpreterPath(python, process.env['PATH']) : {}), PIP_NO_INPUT: '1', ...step.env };
    const { exitCode } = await runner.runStep({ ...step, env }, folder, { type: TaskTypes.dvc, command: step.label });
    if (exitCode !== 0) {
      void vscode.window.showErrorMessage(`${step.label} failed (exit code ${exitCode ?? 'unknown'}): its terminal says why.`);
      return false;
    }
  }
  return true;
}
