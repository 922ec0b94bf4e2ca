import * as vscode from 'vscode';
import { commitText, runCommit } from '../../core/lineage/runsAtCommit.js';
import { runDisplayName } from '../../core/tracking/runTree.js';
import { isServerStore, requireStore } from '../../core/tracking/storeState.js';
import type { CommandTable } from '../commands.js';
import { openSetting, readConfig } from '../config.js';
import { Commands, Settings } from '../constants.js';
import type { RunsFeature } from './feature.js';
import type { RunElement, RunsElement } from './treeNodes.js';

/**
 * Changes to runs, each through MLflow (the write service) and each refreshing only the row it
 * touched; deleting is MLflow's soft delete, confirmed by name and undone by Restore Run. And the
 * run's page in the MLflow UI, and its git commit.
 */
export const runActions: CommandTable<RunsFeature> = {
  [Commands.renameRun]: renameRun,
  [Commands.setRunTag]: setRunTag,
  [Commands.deleteRunTag]: deleteRunTag,
  [Commands.deleteRun]: deleteRun,
  [Commands.restoreRun]: restoreRun,
  [Commands.openRunInMlflowUi]: openRunInMlflowUi,
  [Commands.revealRunCommit]: revealRunCommit,
};

const asRun = (element?: RunsElement): RunElement | undefined => (element?.kind === 'run' ? element : undefined);

async function renameRun({ services }: RunsFeature, element?: RunsElement): Promise<void> {
  const row = asRun(element);
  if (!row) return;
  const name = await vscode.window.showInputBox({ title: `Rename run ${runDisplayName(row.run)}`, value: row.run.info.run_name ?? '', validateInput: (v) => (v.trim() ? (v.length > 250 ? 'A run name has at most 250 characters' : undefined) : 'Enter a name') });
  if (name === undefined) return;
  await services.writes.run(row.experiment.tracking, `Renaming run to ${name.trim()}…`, (writer, signal) => writer.renameRun(row.run.info.run_id, name.trim(), { signal }));
  await services.runs.refreshAfterWrite(row);
}

async function setRunTag({ services }: RunsFeature, element?: RunsElement): Promise<void> {
  const row = element?.kind === 'run' ? element : element?.kind === 'entry' || element?.kind === 'group' ? element.owner : undefined;
  if (!row) return;
  const existing = element?.kind === 'entry' && element.group === 'tags' ? element : undefined;
  const key = existing?.key ?? (await vscode.window.showInputBox({ title: 'Set Run Tag: key', placeHolder: 'team/owner', validateInput: (v) => (v.trim() ? undefined : 'Enter a tag key') }));
  if (!key) return;
  const value = await vscode.window.showInputBox({ title: `Set Run Tag: value of ${key}`, value: existing?.value ?? '' });
  if (value === undefined) return;
  await services.writes.run(row.experiment.tracking, `Setting tag ${key}…`, (writer, signal) => writer.setRunTag(row.run.info.run_id, key.trim(), value, { signal }));
  await services.runs.refreshAfterWrite(row);
}

async function deleteRunTag({ services }: RunsFeature, element?: RunsElement): Promise<void> {
  if (element?.kind !== 'entry' || element.group !== 'tags') return;
  const row = element.owner;
  const answer = await vscode.window.showWarningMessage(`Delete the tag "${element.key}" of run "${runDisplayName(row.run)}"?`, { modal: true }, 'Delete Tag');
  if (answer !== 'Delete Tag') return;
  await services.writes.run(row.experiment.tracking, `Deleting tag ${element.key}…`, (writer, signal) => writer.deleteRunTag(row.run.info.run_id, element.key, { signal }));
  await services.runs.refreshAfterWrite(row);
}

async function deleteRun(feature: RunsFeature, element?: RunsElement): Promise<void> {
  const row = asRun(element);
  if (!row) return;
  const { services } = feature;
  const name = runDisplayName(row.run);
  const answer = await vscode.window.showWarningMessage(
    `Delete run "${name}" (${row.run.info.run_id})?`,
    { modal: true, detail: 'This is MLflow\'s soft delete: the run is hidden, not erased, and "Restore Run" (with "Show Deleted Runs") brings it back until someone runs mlflow gc.' },
    'Delete Run',
  );
  if (answer !== 'Delete Run') return;
  await services.writes.run(row.experiment.tracking, `Deleting run ${name}…`, (writer, signal) => writer.deleteRun(row.run.info.run_id, { signal }));
  await services.runs.refreshAfterWrite(row, { rowsMayChange: true });
  const undo = await vscode.window.showInformationMessage(`Deleted run "${name}".`, 'Undo');
  if (undo === 'Undo') await restoreRun(feature, row);
}

async function restoreRun({ services }: RunsFeature, element?: RunsElement): Promise<void> {
  const row = asRun(element);
  if (!row) return;
  await services.writes.run(row.experiment.tracking, `Restoring run ${runDisplayName(row.run)}…`, (writer, signal) => writer.restoreRun(row.run.info.run_id, { signal }));
  await services.runs.refreshAfterWrite(row, { rowsMayChange: true });
}

/** The run's page in the MLflow UI: the setting's address, else the tracking server's own. */
async function openRunInMlflowUi(_feature: RunsFeature, element?: RunsElement): Promise<void> {
  const row = asRun(element);
  if (!row) return;
  const store = requireStore(row.experiment.tracking);
  const base = readConfig(row.experiment.tracking.folder).uiUrl ?? (isServerStore(store) ? store.uri : undefined);
  if (!base) {
    const action = await vscode.window.showInformationMessage('The MLflow web UI address is not known for a local store. Start `mlflow ui` and set mlWorkbench.uiUrl (for example http://127.0.0.1:5000).', 'Open Settings');
    if (action) await openSetting(Settings.uiUrl);
    return;
  }
  const url = `${base.replace(/\/+$/, '')}/#/experiments/${encodeURIComponent(row.run.info.experiment_id)}/runs/${encodeURIComponent(row.run.info.run_id)}`;
  await vscode.env.openExternal(vscode.Uri.parse(url));
}

/** The commit MLflow recorded for the run, in a read-only diff document. */
async function revealRunCommit({ services }: RunsFeature, element?: RunsElement): Promise<void> {
  const row = asRun(element);
  if (!row) return;
  const commit = runCommit(row.run);
  if (!commit) {
    void vscode.window.showInformationMessage(`Run "${runDisplayName(row.run)}" has no git commit tag (mlflow.source.git.commit): MLflow records it when the training script runs inside a git repository.`);
    return;
  }
  const text = await commitText(row.experiment.tracking.folder.uri.fsPath, commit);
  const document = await vscode.workspace.openTextDocument(services.documents.add(text, `commit ${commit.slice(0, 12)}.diff`));
  await vscode.window.showTextDocument(document, { preview: true });
}
