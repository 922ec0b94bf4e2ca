import * as vscode from 'vscode';
import { Views } from '../constants.js';
import type { DisposableLike } from '../dispose.js';
import type { Services } from '../services.js';
import { modelCommands } from './modelCommands.js';
import { ModelsTreeProvider } from './tree.js';

/** The Models view (the Model Registry of each folder's store) and its commands. */
export function registerModels(_context: vscode.ExtensionContext, services: Services): DisposableLike {
  const tree = new ModelsTreeProvider(services.tracking, services.log, services.lineage);
  const view = vscode.window.createTreeView(Views.models, { treeDataProvider: tree, showCollapseAll: true });
  return vscode.Disposable.from(tree, view, services.commands.register(modelCommands, { services, tree, view }));
}
