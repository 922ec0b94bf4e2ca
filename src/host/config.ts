import * as vscode from 'vscode';
import { CONFIG_SECTION, Settings } from './constants.js';

/** The extension's settings, typed; read on each use, so a change applies at once. */
export interface Config {
  readonly trackingUri: string | undefined;
  /** Runs read per page when an experiment is expanded or "Load more" is clicked. */
  readonly pageSize: number;
  readonly keyMetric: string | undefined;
  /** How often RUNNING runs of a tracking server are re-read; 0 turns polling off. */
  readonly pollIntervalSeconds: number;
  /** How often open metric charts re-read the histories of RUNNING runs; 0 turns it off. */
  readonly chartLiveSeconds: number;
}

export function readConfig(folder?: vscode.WorkspaceFolder): Config {
  const section = vscode.workspace.getConfiguration(CONFIG_SECTION, folder);
  const trackingUri = section.get<string>(Settings.trackingUri)?.trim();
  const keyMetric = section.get<string>(Settings.keyMetric)?.trim();
  return {
    trackingUri: trackingUri || undefined,
    pageSize: clamp(section.get<number>(Settings.pageSize) ?? 100, 1, 1000),
    keyMetric: keyMetric || undefined,
    pollIntervalSeconds: clamp(section.get<number>(Settings.pollIntervalSeconds) ?? 10, 0, 3600),
    chartLiveSeconds: clamp(section.get<number>(Settings.chartLiveSeconds) ?? 2, 0, 3600),
  };
}

export function affectsConfig(event: vscode.ConfigurationChangeEvent, setting?: string): boolean {
  return event.affectsConfiguration(setting ? `${CONFIG_SECTION}.${setting}` : CONFIG_SECTION);
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : min;
}
