import * as vscode from 'vscode';
import { RestTrackingStore } from '../../core/tracking/rest/restStore.js';
import { requireStore, type Store } from '../../core/tracking/storeState.js';
import { needsAnotherInterpreter } from '../../core/tracking/writes/errors.js';
import { openTrackingWriter } from '../../core/tracking/writes/open.js';
import type { TrackingWriter } from '../../core/tracking/writes/writer.js';
import { toAbortSignal } from '../cancellation.js';
import type { PythonService } from '../python.js';
import { Refused } from '../trust.js';
import type { FolderTracking } from './trackingService.js';

/**
 * Writes go through MLflow itself: a server's REST API, or for a local store MLflow's Python
 * client in the folder's interpreter. When the interpreter lacks MLflow (or has one too old), the
 * user is told so, with a pick and an install, and the command ends as refused.
 */
export class WriteService {
  constructor(private readonly python: PythonService) {}

  /** Runs `write` with the folder's writer, with a cancellable progress notification. */
  async run<T>(tracking: FolderTracking, title: string, write: (writer: TrackingWriter, signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      const writer = await this.writerFor(tracking, requireStore(tracking));
      try {
        return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => write(writer, toAbortSignal(token)));
      } finally {
        writer.dispose();
      }
    } catch (error) {
      if (!needsAnotherInterpreter(error)) throw error;
      // MLflow missing or too old in the chosen interpreter: say so, with a pick and an install (or upgrade).
      await this.python.advisor.explainWriteFailure(tracking.folder, error.message, error.reason === 'mlflow-too-old');
      throw new Refused();
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
    const python = await this.python.ensure(tracking.folder, 'write', 'Changing runs and models of a local MLflow store');
    if (!python) throw new Refused();
    return openTrackingWriter(uri, { cwd, python });
  }
}
