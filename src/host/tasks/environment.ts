import * as vscode from 'vscode';
import type { EnvManager, TrackingTarget } from '../../core/tasks/index.js';
import { absoluteTrackingUri, ENV_MANAGERS } from '../../core/tasks/index.js';
import { stateUri } from '../../core/tracking/storeState.js';
import { parseTrackingUri } from '../../core/tracking/uri.js';
import { CONFIG_SECTION, Settings } from '../constants.js';
import type { PythonService } from '../python.js';
import type { TrackingService } from '../tracking.js';

/** Thrown when the user was already told why nothing runs: a cancellation, so the command wrapper stays quiet. */
export class Refused extends vscode.CancellationError {}

const TRUST_MESSAGE =
  'runs code from this workspace (its Python, its pipeline, its models), which Restricted Mode does not allow. Trust the workspace to run it; browsing runs, models and pipelines works as it is.';

/** In Restricted Mode: says why (with "Manage Workspace Trust") and returns false. */
export function checkTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`${what} ${TRUST_MESSAGE}`, 'Manage Workspace Trust').then((action) => action && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}

export const restrictedModeText = (what: string): string => `${what} ${TRUST_MESSAGE}`;

/** The settings tasks read, per folder. */
export interface TaskSettings {
  readonly envManager: EnvManager;
  /** MLFLOW_EXPERIMENT_NAME for scripts, `--experiment-name` for `mlflow run`; undefined: MLflow's default. */
  readonly experimentName: string | undefined;
  readonly keepServers: boolean;
}

export function readTaskSettings(folder?: vscode.WorkspaceFolder): TaskSettings {
  const section = vscode.workspace.getConfiguration(CONFIG_SECTION, folder);
  const envManager = section.get<string>(Settings.tasksEnvManager) as EnvManager | undefined;
  const experimentName = section.get<string>(Settings.tasksExperimentName)?.trim();
  return {
    envManager: envManager && ENV_MANAGERS.includes(envManager) ? envManager : 'local',
    experimentName: experimentName || undefined,
    keepServers: section.get<boolean>(Settings.keepServers) === true,
  };
}

/**
 * What every task of a folder needs: the interpreter and the store. Tasks log to the store the
 * views read, so a run shows up where the user looks.
 */
export class TaskEnvironment {
  constructor(
    private readonly python: PythonService,
    private readonly tracking: TrackingService,
  ) {}

  /** The interpreter with MLflow, else the first that runs at all (DVC alone needs no MLflow); throws Refused after offering to pick one. */
  async interpreter(folder: vscode.WorkspaceFolder): Promise<{ python: string; hasMlflow: boolean }> {
    const choice = await this.python.interpreterFor(folder);
    if (choice.chosen) return { python: choice.chosen.probe.executable, hasMlflow: true };
    const working = choice.probes.find((probe) => probe.ok);
    if (working?.ok) return { python: working.executable, hasMlflow: false };
    const tried = choice.probes.map((probe) => `${probe.command} (${probe.ok ? 'no mlflow' : probe.problem})`).join(', ');
    void vscode.window.showErrorMessage(`No Python interpreter could be started for ${folder.name} (tried ${tried}). Select one that has MLflow and DVC installed.`, 'Select Interpreter').then((action) => action && this.python.selectInterpreter());
    throw new Refused();
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
    const experimentName = options.withExperiment ? readTaskSettings(folder).experimentName : undefined;
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
