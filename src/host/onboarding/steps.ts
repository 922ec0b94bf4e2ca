import * as vscode from 'vscode';
import type { TaskSpec } from '../../core/tasks/index.js';
import { interpreterEnv, runTask } from '../dvc/tasks.js';

/**
 * Runs setup commands in order, each as a visible task (argv, no shell); false at the first that
 * fails, after saying which. `python` puts that interpreter's environment first on PATH, as an
 * activated venv would (DVC runs `git`, a stage runs `python`).
 */
export async function runSteps(folder: vscode.WorkspaceFolder, steps: readonly TaskSpec[], python?: string): Promise<boolean> {
  for (const step of steps) {
    const env = { ...(python ? interpreterEnv(python) : {}), PIP_NO_INPUT: '1', ...step.env };
    const exit = await runTask({ ...step, env }, folder, { command: step.label });
    if (exit !== 0) {
      void vscode.window.showErrorMessage(`${step.label} failed (exit code ${exit ?? 'unknown'}): its terminal says why.`);
      return false;
    }
  }
  return true;
}
