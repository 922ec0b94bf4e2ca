import { join } from 'node:path';
import * as vscode from 'vscode';
import { teamServerTask } from '../../core/tasks/index.js';
import type { CommandTable } from '../commands.js';
import { Commands, TaskTypes } from '../constants.js';
import type { Services } from '../services.js';
import { checkTrust } from '../trust.js';

export interface TeamServerFeature {
  readonly services: Services;
  /** The installed extension's folder: the script ships in the vsix (`.vscodeignore` keeps it). */
  readonly extensionPath: string;
}

export const teamServerCommands: CommandTable<TeamServerFeature> = {
  [Commands.startTeamServer]: startTeamServer,
};

/**
 * *Start Team Server (local)*: scripts/team-server.mjs as a task in its own terminal, run by the
 * extension host's own Node (Electron as Node) with the folder's interpreter (mlflow, moto and
 * psycopg2). The terminal prints the tracking URI and the `dvc remote` commands; closing it or
 * Terminate Task stops and removes the rig.
 */
async function startTeamServer({ services, extensionPath }: TeamServerFeature): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0] && (vscode.workspace.workspaceFolders.length === 1 ? vscode.workspace.workspaceFolders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Run the team server task in…' }));
  if (!folder) return;
  if (!checkTrust('Starting a local team server')) return;
  const python = await services.tasks.interpreter(folder, 'create-store', 'Starting a local team server (needs mlflow, moto[server,s3] and psycopg2-binary)');
  const spec = teamServerTask({ node: process.execPath, script: join(extensionPath, 'scripts', 'team-server.mjs'), python, cwd: folder.uri.fsPath, env: { ELECTRON_RUN_AS_NODE: '1' } });
  void services.tasks.runStep(spec, folder, { type: TaskTypes.dvc, command: 'team-server' }).then((outcome) => {
    if (!outcome.stopped && outcome.exitCode !== 0 && outcome.exitCode !== undefined) {
      void vscode.window.showErrorMessage(`${spec.label} stopped with exit code ${outcome.exitCode}: see its terminal.`);
    }
  });
}
