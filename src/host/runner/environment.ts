import * as vscode from 'vscode';
import { PythonError, runnableInterpreter, triedInterpreters } from '../../core/python/interpreter.js';
import { absoluteTrackingUri, type TrackingTarget } from '../../core/tasks/index.js';
import { stateUri } from '../../core/tracking/storeState.js';
import { parseTrackingUri } from '../../core/tracking/uri.js';
import { readConfig } from '../config.js';
import type { PythonService } from '../python.js';
import type { TrackingService } from '../tracking/trackingService.js';

/**
 * What every task of a folder needs: the interpreter and the store. Tasks log to the store the
 * views read, so a run shows up where the user looks.
 */
export class TaskEnvironment {
  constructor(
    private readonly python: PythonService,
    private readonly tracking: TrackingService,
  ) {}

  /** The interpreter with MLflow, else the first that runs at all (DVC alone needs no MLflow); a PythonError when none runs. */
  async interpreter(folder: vscode.WorkspaceFolder): Promise<{ python: string; hasMlflow: boolean }> {
    const choice = await this.python.interpreterFor(folder);
    const runnable = runnableInterpreter(choice);
    if (runnable) return runnable;
    throw new PythonError('python-not-found', `No Python interpreter could be started for ${folder.name} (tried ${triedInterpreters(choice)}). Select one that has MLflow and DVC installed.`, choice.probes[0]?.command ?? 'python3');
  }

  /** The interpreter with MLflow (serving loads the model in it); a PythonError saying what it is for otherwise. */
  async mlflowInterpreter(folder: vscode.WorkspaceFolder, what: string): Promise<string> {
    const { python, hasMlflow } = await this.interpreter(folder);
    if (hasMlflow) return python;
    throw new PythonError('mlflow-not-installed', `${python} has no MLflow installed, which ${what} needs. Select an interpreter with mlflow (and the model's libraries).`, python);
  }

  /** The folder's store (absolute, so a task in a sub-folder logs to the same one) and the experiment setting. */
  trackingTarget(folder: vscode.WorkspaceFolder, options: { withExperiment: boolean }): TrackingTarget {
    const state = this.tracking.forFolder(folder)?.state;
    const uri = state ? stateUri(state) : undefined;
    if (!uri) return {};
    const trackingUri = absoluteTrackingUri(uri, folder.uri.fsPath);
    let allowFileStore = false;
    try {
      // The workspace already keeps its runs in ./mlruns: MLflow 3.17 refuses that store unless told.
      allowFileStore = parseTrackingUri(trackingUri, folder.uri.fsPath).kind === 'file';
    } catch {
      // An invalid URI: the task's own MLflow says why.
    }
    const experimentName = options.withExperiment ? readConfig(folder).experimentName : undefined;
    return { trackingUri, ...(allowFileStore ? { allowFileStore } : {}), ...(experimentName ? { experimentName } : {}) };
  }
}

/** The workspace folder of a path, else the only folder, else undefined. */
export function folderOf(path?: string): vscode.WorkspaceFolder | undefined {
  if (path) {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path));
    if (folder) return folder;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folders.length === 1 ? folders[0] : undefined;
}
