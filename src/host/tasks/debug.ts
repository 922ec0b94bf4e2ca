import * as vscode from 'vscode';
import { isDebuggable, type DebugLaunchResult } from '../../core/tasks/index.js';

export const DEBUGPY_EXTENSION_ID = 'ms-python.debugpy';

/**
 * Starts a debugpy launch configuration with the task's interpreter, or says why it cannot: the
 * command is not a single Python command, or the Python Debugger extension (which provides the
 * `debugpy` debug type) is not installed — then it offers to install it.
 */
export async function startPythonDebugging(folder: vscode.WorkspaceFolder, result: DebugLaunchResult, python: string, what: string): Promise<boolean> {
  if (!isDebuggable(result)) {
    void vscode.window.showInformationMessage(`${what} cannot be debugged: ${result.message}`);
    return false;
  }
  if (!vscode.extensions.getExtension(DEBUGPY_EXTENSION_ID)) {
    const install = 'Install Python Debugger';
    const action = await vscode.window.showWarningMessage(`Debugging ${what} needs the Python Debugger extension (${DEBUGPY_EXTENSION_ID}), which is not installed. Install it, then debug again.`, install);
    if (action === install) await vscode.commands.executeCommand('workbench.extensions.installExtension', DEBUGPY_EXTENSION_ID);
    return false;
  }
  const configuration: vscode.DebugConfiguration = { ...result, env: { ...result.env }, args: [...result.args], python: result.python ?? python };
  return vscode.debug.startDebugging(folder, configuration);
}
