import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { Commands } from '../constants.js';

/**
 * Registers a command behind the one error policy: log it, show one notification with
 * "Show Log", and treat cancellation as no error at all.
 */
export function registerCommand(log: Logger, id: string, handler: (...args: never[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: never[]) => {
    try {
      return await handler(...args);
    } catch (error) {
      if (error instanceof vscode.CancellationError || (error as Error)?.name === 'AbortError') return undefined;
      log.error(error as Error);
      const choice = await vscode.window.showErrorMessage(`ML Workbench: ${(error as Error)?.message ?? String(error)}`, 'Show Log');
      if (choice === 'Show Log') await vscode.commands.executeCommand(Commands.showLog);
      return undefined;
    }
  });
}
