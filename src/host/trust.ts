import * as vscode from 'vscode';

/** Thrown when the user was already told why nothing runs: a cancellation, so the command wrapper stays quiet. */
export class Refused extends vscode.CancellationError {}

const TRUST_MESSAGE =
  'runs code from this workspace (its Python, its pipeline, its models), which Restricted Mode does not allow. Trust the workspace to run it; browsing runs, models and pipelines works as it is.';

export const restrictedModeText = (what: string): string => `${what} ${TRUST_MESSAGE}`;

/** In Restricted Mode: says why (with "Manage Workspace Trust") and returns false. */
export function checkTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(restrictedModeText(what), 'Manage Workspace Trust').then((action) => action && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}
