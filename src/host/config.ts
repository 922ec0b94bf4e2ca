import * as vscode from 'vscode';
import { ENV_MANAGERS, type EnvManager } from '../core/tasks/index.js';
import { CONFIG_SECTION, Settings } from './constants.js';

/** Every setting of the extension, typed; read on each use, so a change applies at once. */
export interface Config {
  readonly trackingUri: string | undefined;
  /** Runs read per page when an experiment is expanded or "Load more" is clicked. */
  readonly pageSize: number;
  readonly keyMetric: string | undefined;
  /** How often RUNNING runs of a tracking server are re-read; 0 turns polling off. */
  readonly pollIntervalSeconds: number;
  /** How often open metric charts re-read the histories of RUNNING runs; 0 turns it off. */
  readonly chartLiveSeconds: number;
  /** The interpreter for MLflow's client when the Python extension has none selected. */
  readonly python: string | undefined;
  /** The MLflow web UI's address, for "Open Run in MLflow UI". */
  readonly uiUrl: string | undefined;
  /** `--env-manager` of `mlflow run`, `mlflow models serve` and `predict`. */
  readonly envManager: EnvManager;
  /** MLFLOW_EXPERIMENT_NAME for scripts, `--experiment-name` for `mlflow run`; undefined: MLflow's default. */
  readonly experimentName: string | undefined;
  /** Model servers outlive the window. */
  readonly keepServersOnClose: boolean;
  /** Servers started from the Serving view record each request's rows and predictions. */
  readonly captureRequests: boolean;
  /** Where capture logs go, relative to the workspace folder; undefined: the extension's storage. */
  readonly captureFolder: string | undefined;
  /** One capture file's size before it is rotated. */
  readonly captureMaxMegabytes: number;
}

export type Setting = (typeof Settings)[keyof typeof Settings];

/** The settings for a folder (resource-scoped ones may differ per folder), else the window's. */
export function readConfig(folder?: vscode.WorkspaceFolder): Config {
  const section = vscode.workspace.getConfiguration(CONFIG_SECTION, folder);
  const text = (setting: Setting): string | undefined => section.get<string>(setting)?.trim() || undefined;
  const envManager = section.get<string>(Settings.tasksEnvManager) as EnvManager | undefined;
  return {
    trackingUri: text(Settings.trackingUri),
    pageSize: clamp(section.get<number>(Settings.pageSize) ?? 100, 1, 1000),
    keyMetric: text(Settings.keyMetric),
    pollIntervalSeconds: clamp(section.get<number>(Settings.pollIntervalSeconds) ?? 10, 0, 3600),
    chartLiveSeconds: clamp(section.get<number>(Settings.chartLiveSeconds) ?? 2, 0, 3600),
    python: text(Settings.python),
    uiUrl: text(Settings.uiUrl),
    envManager: envManager && ENV_MANAGERS.includes(envManager) ? envManager : 'local',
    experimentName: text(Settings.tasksExperimentName),
    keepServersOnClose: section.get<boolean>(Settings.keepServers) === true,
    captureRequests: section.get<boolean>(Settings.captureRequests) !== false,
    captureFolder: text(Settings.captureFolder),
    captureMaxMegabytes: clamp(section.get<number>(Settings.captureMaxMegabytes) ?? 50, 1, 10_000),
  };
}

/** `mlWorkbench.<setting>`, as the Settings editor and `when` clauses name it. */
export function settingId(setting: Setting): string {
  return `${CONFIG_SECTION}.${setting}`;
}

export function affectsConfig(event: vscode.ConfigurationChangeEvent, setting?: Setting): boolean {
  return event.affectsConfiguration(setting ? settingId(setting) : CONFIG_SECTION);
}

/** Writes a setting where the user's choice belongs: the workspace, or one folder. */
export async function updateSetting(setting: Setting, value: string | undefined, where: { readonly folder: vscode.WorkspaceFolder } | 'workspace'): Promise<void> {
  const folder = where === 'workspace' ? undefined : where.folder;
  const target = where === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.WorkspaceFolder;
  await vscode.workspace.getConfiguration(CONFIG_SECTION, folder).update(setting, value, target);
}

/** Opens the Settings editor at a setting. */
export async function openSetting(setting: Setting): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openSettings', settingId(setting));
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : min;
}
