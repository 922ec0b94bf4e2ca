import { join } from 'node:path';
import * as vscode from 'vscode';
import { ServerManager } from '../../core/tasks/modelServers.js';
import { readConfig } from '../config.js';
import { Views } from '../constants.js';
import type { DisposableLike } from '../dispose.js';
import type { Services } from '../services.js';
import { ServingCapture } from './capture.js';
import type { ServingFeature } from './feature.js';
import { modelTaskCommands } from './modelCommands.js';
import { serverCommands } from './serverCommands.js';
import { ServingTreeProvider } from './tree.js';

/** Where the servers still running are recorded for the next window. */
const SERVERS_KEY = 'mlWorkbench.servers';

/**
 * Deployment: Serve, Predict File… and Build Docker Image on registered versions, and the Serving
 * view of the model servers started from the editor (stopped with the window unless kept).
 */
export function registerServing(context: vscode.ExtensionContext, services: Services): DisposableLike {
  const logDir = join((context.storageUri ?? context.globalStorageUri).fsPath, 'serving');
  const servers = new ServerManager({
    records: { read: () => context.workspaceState.get(SERVERS_KEY), write: (records) => context.workspaceState.update(SERVERS_KEY, records) },
    logDir,
    keepOnClose: () => readConfig().keepServersOnClose,
    log: services.log,
  });
  const capture = new ServingCapture(servers, join(context.globalStorageUri.fsPath, 'capture'), services.log);
  const tree = new ServingTreeProvider(servers, capture);
  const view = vscode.window.createTreeView(Views.serving, { treeDataProvider: tree, showCollapseAll: true });
  tree.attach(view);
  const feature: ServingFeature = { services, servers, capture, revealServing: () => vscode.commands.executeCommand(`${Views.serving}.focus`) };
  return vscode.Disposable.from(services.commands.register(modelTaskCommands, feature), services.commands.register(serverCommands, feature), view, tree, capture, servers);
}
