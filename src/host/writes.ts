import * as vscode from 'vscode';
import type { Logger } from '../core/log.js';
import { RestTrackingStore } from '../core/tracking/rest/restStore.js';
import { needsAnotherInterpreter, WriteError } from '../core/tracking/writes/errors.js';
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
        await this.offerInterpreter(error);
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
    const choice = await this.python.interpreterFor(tracking.folder);
    if (!choice.chosen) {
      const tried = choice.probes.map((p) => (p.ok ? `${p.command} (Python ${p.version}, no mlflow)` : `${p.command} (${p.problem})`)).join('; ');
      await this.offerInterpreter(new WriteError('mlflow-not-installed', `Changes to MLflow runs and models go through MLflow itself, but no Python with MLflow was found (tried: ${tried}). Select an interpreter that has mlflow installed, or run "pip install mlflow" in it.`, choice.probes[0]?.command ?? 'python3'));
      return undefined;
    }
    return openTrackingWriter(uri, { cwd, python: choice.chosen.probe.executable });
  }

  private async offerInterpreter(error: WriteError): Promise<void> {
    this.log.warn(error.message);
    const action = await vscode.window.showErrorMessage(error.message, 'Select Interpreter');
    if (action === 'Select Interpreter') await this.python.selectInterpreter();
  }
}
