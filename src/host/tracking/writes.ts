import * as vscode from 'vscode';
import { PythonError, triedInterpreters } from '../../core/python/interpreter.js';
import { RestTrackingStore } from '../../core/tracking/rest/restStore.js';
import { requireStore, type Store } from '../../core/tracking/storeState.js';
import { openTrackingWriter } from '../../core/tracking/writes/open.js';
import type { TrackingWriter } from '../../core/tracking/writes/writer.js';
import { toAbortSignal } from '../cancellation.js';
import type { PythonService } from '../python.js';
import { Refused } from '../trust.js';
import type { FolderTracking } from './trackingService.js';

/**
 * Writes go through MLflow itself: a server's REST API, or for a local store MLflow's Python
 * client in the folder's interpreter. When no interpreter has MLflow, the typed error reaches the
 * command wrapper, which offers "Select Interpreter…".
 */
export class WriteService {
  constructor(private readonly python: PythonService) {}

  /** Runs `write` with the folder's writer, with a cancellable progress notification. */
  async run<T>(tracking: FolderTracking, title: string, write: (writer: TrackingWriter, signal: AbortSignal) => Promise<T>): Promise<T> {
    const writer = await this.writerFor(tracking, requireStore(tracking));
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => write(writer, toAbortSignal(token)));
    } finally {
      writer.dispose();
    }
  }

  private async writerFor(tracking: FolderTracking, store: Store): Promise<TrackingWriter> {
    const cwd = tracking.folder.uri.fsPath;
    const uri = store.uri;
    // A server's writes reuse the read store's client: the credentials typed for reading serve writing too.
    if (store instanceof RestTrackingStore) return openTrackingWriter(uri, { cwd, restClient: store.client });
    if (!vscode.workspace.isTrusted) {
      // A local write runs a Python interpreter, possibly one inside the workspace: not in Restricted Mode.
      const message = 'Changing runs or models of a local MLflow store runs MLflow\'s Python client, which Restricted Mode does not allow. Trust this workspace to make changes; browsing works as it is.';
      void vscode.window.showWarningMessage(message, 'Manage Workspace Trust').then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
      throw new Refused();
    }
    const choice = await this.python.interpreterFor(tracking.folder);
    if (!choice.chosen) {
      throw new PythonError('mlflow-not-installed', `Changes to MLflow runs and models go through MLflow itself, but no Python with MLflow was found (tried: ${triedInterpreters(choice)}). Select an interpreter that has mlflow installed, or run "pip install mlflow" in it.`, choice.probes[0]?.command ?? 'python3');
    }
    return openTrackingWriter(uri, { cwd, python: choice.chosen.probe.executable });
  }
}
