import * as vscode from 'vscode';
import { packagesFor, type PythonAction } from '../../core/python/packages.js';
import { absoluteTrackingUri, type TrackingTarget } from '../../core/tasks/index.js';
import { stateUri } from '../../core/tracking/storeState.js';
import { parseTrackingUri } from '../../core/tracking/uri.js';
import { readConfig } from '../config.js';
import type { PythonService } from '../python.js';
import { Refused } from '../trust.js';
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

  /**
   * The interpreter that has what `action` needs (MLflow for `mlflow run`, serving and predict, DVC
   * for `dvc repro`, nothing for a plain script); throws Refused after telling the user what is
   * missing, with a pick and an install (then `retry`, when given, once a pick fixed it). The
   * chosen interpreter is never silently swapped for another.
   */
  async interpreter(folder: vscode.WorkspaceFolder, action: PythonAction = 'python-script', purpose = 'This task', retry?: () => unknown): Promise<{ python: string; hasMlflow: boolean }> {
    const decision = await this.python.decide(folder, packagesFor(action));
    if (decision.ok) return { python: decision.probe.executable, hasMlflow: decision.probe.hasMlflow };
    void this.python.advisor.explain(folder, decision.shortfall, purpose, retry);
    throw new Refused();
  }

  /** The interpreter with MLflow (serving loads the model in it); Refused after saying what is missing. */
  async mlflowInterpreter(folder: vscode.WorkspaceFolder, purpose: string, retry?: () => unknown): Promise<string> {
    return (await this.interpreter(folder, 'serve', purpose, retry)).python;
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
