import * as vscode from 'vscode';
import type { Logger } from '../core/log.js';
import { RestTrackingStore } from '../core/tracking/rest/restStore.js';
import { needsAnotherInterpreter } from '../core/tracking/writes/errors.js';
import { openTrackingWriter } from '../core/tracking/writes/open.js';
import type { TrackingWriter } from '../core/tracking/writes/writer.js';
import type { PythonService } from './python.js';
import type { FolderTracking, Store } from './tracking.js';

/**
 * Writes go through MLflow itself: a server's REST API, or for a local store MLflow's Python
 * client in the folder's interpreter. When no interpreter has MLflow, the error offers to pick one.
 */
export class WriteService {
  constructor(
    private readonly python: PythonService,
    private readonly log: Logger,
  ) {}

  /** Runs `write` with the folder's writer, with progress; returns undefined when the user is told why it could not run. */
  async run<T>(tracking: FolderTracking, title: string, write: (writer: TrackingWriter, signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    if (tracking.state.kind !== 'ready') throw new Error(`No tracking store is open for ${tracking.folder.name}.`);
    const writer = await this.writerFor(tracking, tracking.state.store);
    if (!writer) return undefined;
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return write(writer, controller.signal);
      });
    } catch (error) {
      if (needsAnotherInterpreter(error)) {
        await this.python.advisor.explainWriteFailure(tracking.folder, error.message, error.reason === 'mlflow-too-old');
        return undefined;
      }
      throw error;
    } finally {
      writer.dispose();
    }
  }

  private async writerFor(tracking: FolderTracking, store: Store): Promise<TrackingWriter | undefined> {
    const cwd = tracking.folder.uri.fsPath;
    const uri = store.uri;
    // A server's writes reuse the read store's client: the credentials typed for reading serve writing too.
    if (store instanceof RestTrackingStore) return openTrackingWriter(uri, { cwd, restClient: store.client });
    if (!vscode.workspace.isTrusted) {
      // A local write runs a Python interpreter, possibly one inside the workspace: not in Restricted Mode.
      void vscode.window.showWarningMessage('Changing runs or models of a local MLflow store runs MLflow\'s Python client, which Restricted Mode does not allow. Trust this workspace to make changes; browsing works as it is.', 'Manage Workspace Trust').then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
      return undefined;
    }
    const python = await this.python.ensure(tracking.folder, 'write', 'Changing runs and models of a local MLflow store');
    if (!python) return undefined;
    return openTrackingWriter(uri, { cwd, python });
  }
}
