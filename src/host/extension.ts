import * as vscode from 'vscode';
import { registerRunCommands } from './commands/runCommands.js';
import { registerCommand } from './commands/register.js';
import { Commands, Views } from './constants.js';
import { createLogger } from './log.js';
import { TrackingStatusBar } from './statusBar.js';
import { TrackingService } from './tracking.js';
import { RunsTreeProvider } from './trees/runsTree.js';

/** The composition root: builds each piece once and hands one owner to VS Code. */
export function activate(context: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel('ML Workbench', { log: true });
  const log = createLogger(channel);
  const tracking = new TrackingService(log, context.secrets);
  const runsTree = new RunsTreeProvider(tracking, log);
  const runsView = vscode.window.createTreeView(Views.runs, { treeDataProvider: runsTree, showCollapseAll: true, canSelectMany: true });
  const updateDescription = (): void => {
    runsView.description = tracking.state.kind === 'ready' ? tracking.state.store.label : undefined;
  };
  updateDescription();
  context.subscriptions.push(
    channel,
    tracking,
    runsTree,
    runsView,
    tracking.onDidChangeStore(updateDescription),
    new TrackingStatusBar(tracking),
    registerRunCommands({ extensionUri: context.extensionUri, log, tracking, runsTree }),
    registerCommand(log, Commands.showLog, () => channel.show()),
  );
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
