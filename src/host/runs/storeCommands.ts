import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { stateUri } from '../../core/tracking/storeState.js';
import { hasExperimentData, parseTrackingUri } from '../../core/tracking/uri.js';
import type { CommandTable } from '../commands.js';
import { updateSetting } from '../config.js';
import { Commands, Settings } from '../constants.js';
import type { RunsFeature } from './feature.js';

const RECENT_SERVERS_KEY = 'mlWorkbench.recentServers';

interface StorePick extends vscode.QuickPickItem {
  readonly uri?: string;
  readonly action?: 'enter' | 'default';
}

export const storeCommands: CommandTable<RunsFeature> = {
  [Commands.selectTrackingStore]: selectTrackingStore,
  // From the palette, or from the Runs view's row of a 401 (with the server's URL): asks even after a cancelled sign-in.
  [Commands.signInToTrackingServer]: ({ services }, serverUrl?: unknown) => services.tracking.setCredentials(typeof serverUrl === 'string' && serverUrl !== '' ? serverUrl : undefined),
};

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'The folder whose tracking store to set' });
}

/**
 * "Select Tracking Store…": stores found in the folder (an SQLite file MLflow made, an mlruns
 * folder with experiments), recent servers, a URI typed in, or MLflow's own default. The choice
 * is written to the folder's `mlWorkbench.trackingUri` setting, nowhere else.
 */
async function selectTrackingStore({ services, globalState }: RunsFeature): Promise<void> {
  const folder = await pickFolder();
  if (!folder) {
    void vscode.window.showInformationMessage('Open a folder first: the tracking store is set per workspace folder.');
    return;
  }
  const current = services.tracking.forFolder(folder);
  const currentUri = current ? stateUri(current.state) : undefined;
  const recent = globalState.get<string[]>(RECENT_SERVERS_KEY, []);
  const items: StorePick[] = [
    ...detectLocalStores(folder.uri.fsPath).map((uri) => ({ label: `$(database) ${uri}`, description: uri === currentUri ? 'in use' : 'found in this folder', uri })),
    ...(recent.length > 0 ? [{ label: 'Recent servers', kind: vscode.QuickPickItemKind.Separator } as StorePick] : []),
    ...recent.map((uri) => ({ label: `$(server) ${uri}`, description: uri === currentUri ? 'in use' : 'recent server', uri })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(edit) Enter a tracking URI…', description: 'http(s)://host:port, sqlite:///path.db, a path to mlruns', action: 'enter' },
    { label: '$(discard) Use MLflow\'s default', description: 'MLFLOW_TRACKING_URI, ./mlruns, ./mlflow.db', action: 'default' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: `Tracking Store for ${folder.name}`, placeHolder: currentUri ? `In use: ${currentUri}` : 'Choose where MLflow runs are read from' });
  if (!pick) return;
  let uri = pick.uri;
  if (pick.action === 'enter') {
    uri = await vscode.window.showInputBox({
      title: 'MLflow tracking URI',
      value: currentUri,
      placeHolder: 'http://127.0.0.1:5000, sqlite:///mlflow.db, ./mlruns',
      validateInput: (value) => {
        if (!value.trim()) return 'Enter a tracking URI';
        try {
          parseTrackingUri(value, folder.uri.fsPath);
          return undefined;
        } catch (error) {
          return (error as Error).message;
        }
      },
    });
    if (!uri) return;
  }
  uri = uri?.trim();
  if (uri && /^https?:/i.test(uri)) await globalState.update(RECENT_SERVERS_KEY, [uri, ...recent.filter((r) => r !== uri)].slice(0, 8));
  await updateSetting(Settings.trackingUri, uri || undefined, { folder });
}

/** Local stores MLflow could have written in `dir`: ./mlruns with experiments, *.db files that are SQLite. */
export function detectLocalStores(dir: string): string[] {
  const found: string[] = [];
  if (hasExperimentData(join(dir, 'mlruns'))) found.push('./mlruns');
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return found;
  }
  for (const name of names.sort()) if (name.endsWith('.db') && existsSync(join(dir, name))) found.push(`sqlite:///${name}`);
  return found;
}
