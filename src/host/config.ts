import * as vscode from 'vscode';
import { CONFIG_SECTION, Settings } from './constants.js';

/** The extension's settings, typed; read once per use, never cached across changes. */
export interface Config {
  readonly trackingUri: string | undefined;
}

export function readConfig(folder?: vscode.WorkspaceFolder): Config {
  const section = vscode.workspace.getConfiguration(CONFIG_SECTION, folder);
  const trackingUri = section.get<string>(Settings.trackingUri)?.trim();
  return { trackingUri: trackingUri || undefined };
}

export function affectsConfig(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(CONFIG_SECTION);
}
