import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { runDisplayName } from '../../core/tracking/runTree.js';
import { CONFIG_SECTION, Commands, Settings } from '../constants.js';
import type { VirtualDocuments } from '../documents/virtualDocuments.js';
import { showGitCommit } from '../git.js';
import type { RunsElement, RunElement } from '../trees/runs/elements.js';
import type { RunsTreeProvider } from '../trees/runs/tree.js';
import type { WriteService } from '../writes.js';
import { registerCommand } from './register.js';

/**
 * Changes to runs, each through MLflow (WriteService) and each refreshing only the row it touched.
 * Deleting is MLflow's soft delete, confirmed by name and undone by Restore Run.
 */
export function registerRunActions(context: { log: Logger; runsTree: RunsTreeProvider; writes: WriteService; documents: VirtualDocuments }): vscode.Disposable {
  const { log, runsTree, writes, documents } = context;
  const asRun = (element?: RunsElement): RunElement | undefined => (element?.kind === 'run' ? element : undefined);

  const rename = async (element?: RunsElement): Promise<void> => {
    const row = asRun(element);
    if (!row) return;
    const name = await vscode.window.showInputBox({ title: `Rename run ${runDisplayName(row.run)}`, value: row.run.info.run_name ?? '', validateInput: (v) => (v.trim() ? (v.length > 250 ? 'A run name has at most 250 characters' : undefined) : 'Enter a name') });
    if (name === undefined) return;
    await writes.run(row.experiment.tracking, `Renaming run to ${name.trim()}…`, (writer, signal) => writer.renameRun(row.run.info.run_id, name.trim(), { signal }));
    await runsTree.refreshAfterWrite(row);
  };

  const setTag = async (element?: RunsElement): Promise<void> => {
    const row = element?.kind === 'run' ? element : element?.kind === 'entry' || element?.kind === 'group' ? element.owner : undefined;
    if (!row) return;
    const existing = element?.kind === 'entry' && element.group === 'tags' ? element : undefined;
    const key = existing?.key ?? (await vscode.window.showInputBox({ title: 'Set Run Tag: key', placeHolder: 'team/owner', validateInput: (v) => (v.trim() ? undefined : 'Enter a tag key') }));
    if (!key) return;
    const value = await vscode.window.showInputBox({ title: `Set Run Tag: value of ${key}`, value: existing?.value ?? '' });
    if (value === undefined) return;
    await writes.run(row.experiment.tracking, `Setting tag ${key}…`, (writer, signal) => writer.setRunTag(row.run.info.run_id, key.trim(), value, { signal }));
    await runsTree.refreshAfterWrite(row);
  };

  const deleteTag = async (element?: RunsElement): Promise<void> => {
    if (element?.kind !== 'entry' || element.group !== 'tags') return;
    const row = element.owner;
    const answer = await vscode.window.showWarningMessage(`Delete the tag "${element.key}" of run "${runDisplayName(row.run)}"?`, { modal: true }, 'Delete Tag');
    if (answer !== 'Delete Tag') return;
    await writes.run(row.experiment.tracking, `Deleting tag ${element.key}…`, (writer, signal) => writer.deleteRunTag(row.run.info.run_id, element.key, { signal }));
    await runsTree.refreshAfterWrite(row);
  };

  const deleteRun = async (element?: RunsElement): Promise<void> => {
    const row = asRun(element);
    if (!row) return;
    const name = runDisplayName(row.run);
    const answer = await vscode.window.showWarningMessage(
      `Delete run "${name}" (${row.run.info.run_id})?`,
      { modal: true, detail: 'This is MLflow\'s soft delete: the run is hidden, not erased, and "Restore Run" (with "Show Deleted Runs") brings it back until someone runs mlflow gc.' },
      'Delete Run',
    );
    if (answer !== 'Delete Run') return;
    const done = await writes.run(row.experiment.tracking, `Deleting run ${name}…`, async (writer, signal) => {
      await writer.deleteRun(row.run.info.run_id, { signal });
      return true;
    });
    if (!done) return;
    await runsTree.refreshAfterWrite(row, { rowsMayChange: true });
    const undo = await vscode.window.showInformationMessage(`Deleted run "${name}".`, 'Undo');
    if (undo === 'Undo') await restore(row);
  };

  const restore = async (element?: RunsElement): Promise<void> => {
    const row = asRun(element);
    if (!row) return;
    await writes.run(row.experiment.tracking, `Restoring run ${runDisplayName(row.run)}…`, (writer, signal) => writer.restoreRun(row.run.info.run_id, { signal }));
    await runsTree.refreshAfterWrite(row, { rowsMayChange: true });
  };

  const openInUi = async (element?: RunsElement): Promise<void> => {
    const row = asRun(element);
    if (!row || row.experiment.tracking.state.kind !== 'ready') return;
    const configured = vscode.workspace.getConfiguration(CONFIG_SECTION, row.experiment.tracking.folder).get<string>(Settings.uiUrl)?.trim();
    const storeUri = row.experiment.tracking.state.store.uri;
    const base = configured || (/^https?:/i.test(storeUri) ? storeUri : undefined);
    if (!base) {
      const action = await vscode.window.showInformationMessage('The MLflow web UI address is not known for a local store. Start `mlflow ui` and set mlWorkbench.uiUrl (for example http://127.0.0.1:5000).', 'Open Settings');
      if (action) await vscode.commands.executeCommand('workbench.action.openSettings', `${CONFIG_SECTION}.${Settings.uiUrl}`);
      return;
    }
    const url = `${base.replace(/\/+$/, '')}/#/experiments/${encodeURIComponent(row.run.info.experiment_id)}/runs/${encodeURIComponent(row.run.info.run_id)}`;
    await vscode.env.openExternal(vscode.Uri.parse(url));
  };

  const revealCommit = async (element?: RunsElement): Promise<void> => {
    const row = asRun(element);
    if (!row) return;
    const commit = row.run.data.tags?.find((t) => t.key === 'mlflow.source.git.commit')?.value;
    if (!commit) {
      void vscode.window.showInformationMessage(`Run "${runDisplayName(row.run)}" has no git commit tag (mlflow.source.git.commit): MLflow records it when the training script runs inside a git repository.`);
      return;
    }
    await showGitCommit(row.experiment.tracking.folder.uri.fsPath, commit, documents);
  };

  return vscode.Disposable.from(
    registerCommand(log, Commands.renameRun, rename),
    registerCommand(log, Commands.setRunTag, setTag),
    registerCommand(log, Commands.deleteRunTag, deleteTag),
    registerCommand(log, Commands.deleteRun, deleteRun),
    registerCommand(log, Commands.restoreRun, restore),
    registerCommand(log, Commands.openRunInMlflowUi, openInUi),
    registerCommand(log, Commands.revealRunCommit, revealCommit),
  );
}
