import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { modelAliasUri, modelVersionUri } from '../../core/models/source.js';
import * as validation from '../../core/tracking/writes/validation.js';
import { Commands } from '../constants.js';
import type { RunsElement } from '../trees/runs/elements.js';
import type { RunsTreeProvider } from '../trees/runs/tree.js';
import type { ModelsElement, ModelsTreeProvider } from '../trees/models/tree.js';
import type { FolderTracking } from '../tracking.js';
import type { WriteService } from '../writes.js';
import { registerCommand } from './register.js';

/** MLflow's alias rules (core validation), as an input box's message. */
function validateAlias(value: string): string | undefined {
  try {
    validation.alias(value.trim(), true);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export interface ModelCommandsContext {
  readonly log: Logger;
  readonly modelsTree: ModelsTreeProvider;
  readonly runsTree: RunsTreeProvider;
  readonly runsView: vscode.TreeView<RunsElement>;
  readonly writes: WriteService;
}

/** Model Registry actions, each through MLflow; the Models view refreshes after each. */
export function registerModelCommands(context: ModelCommandsContext): vscode.Disposable {
  const { log, modelsTree, runsTree, runsView, writes } = context;

  const write = async (tracking: FolderTracking, title: string, action: Parameters<WriteService['run']>[2]): Promise<void> => {
    await writes.run(tracking, title, action);
    modelsTree.refresh();
  };

  const setAlias = async (element?: ModelsElement): Promise<void> => {
    if (element?.kind !== 'version') return;
    const { version, tracking, model } = element;
    const alias = await vscode.window.showInputBox({
      title: `Set an alias on ${version.name} version ${version.version}`,
      placeHolder: 'champion',
      prompt: (model.aliases ?? []).length > 0 ? `Existing: ${(model.aliases ?? []).map((a) => `@${a.alias} → v${a.version}`).join(', ')}. Setting an existing alias moves it here.` : 'The alias can then be loaded as models:/name@alias.',
      validateInput: validateAlias,
    });
    if (!alias) return;
    await write(tracking, `Setting @${alias.trim()}…`, (writer, signal) => writer.setRegisteredModelAlias(version.name, alias.trim(), version.version, { signal }));
  };

  const deleteAlias = async (element?: ModelsElement): Promise<void> => {
    if (element?.kind !== 'alias') return;
    const answer = await vscode.window.showWarningMessage(`Delete the alias @${element.alias} of ${element.model.name} (version ${element.version})?`, { modal: true, detail: 'Code loading models:/' + element.model.name + '@' + element.alias + ' will fail until it is set again.' }, 'Delete Alias');
    if (answer !== 'Delete Alias') return;
    await write(element.tracking, `Deleting @${element.alias}…`, (writer, signal) => writer.deleteRegisteredModelAlias(element.model.name, element.alias, { signal }));
  };

  const setTag = async (element?: ModelsElement): Promise<void> => {
    const target = element?.kind === 'model' || element?.kind === 'version' || element?.kind === 'tag' ? element : undefined;
    if (!target) return;
    const existing = target.kind === 'tag' ? target : undefined;
    const key = existing?.key ?? (await vscode.window.showInputBox({ title: 'Tag key', validateInput: (v) => (v.trim() ? undefined : 'Enter a tag key') }));
    if (!key) return;
    const value = await vscode.window.showInputBox({ title: `Value of tag ${key}`, value: existing?.value ?? '' });
    if (value === undefined) return;
    const version = target.kind === 'version' ? target.version : target.kind === 'tag' ? target.version : undefined;
    const name = target.model.name;
    await write(target.tracking, `Setting tag ${key}…`, (writer, signal) =>
      version ? writer.setModelVersionTag(name, version.version, key.trim(), value, { signal }) : writer.setRegisteredModelTag(name, key.trim(), value, { signal }),
    );
  };

  const deleteTag = async (element?: ModelsElement): Promise<void> => {
    if (element?.kind !== 'tag') return;
    const answer = await vscode.window.showWarningMessage(`Delete the tag "${element.key}"?`, { modal: true }, 'Delete Tag');
    if (answer !== 'Delete Tag') return;
    const { version, model } = element;
    await write(element.tracking, `Deleting tag ${element.key}…`, (writer, signal) =>
      version ? writer.deleteModelVersionTag(model.name, version.version, element.key, { signal }) : writer.deleteRegisteredModelTag(model.name, element.key, { signal }),
    );
  };

  const editDescription = async (element?: ModelsElement): Promise<void> => {
    if (element?.kind !== 'model' && element?.kind !== 'version') return;
    const current = element.kind === 'model' ? element.model.description : element.version.description;
    const description = await vscode.window.showInputBox({ title: element.kind === 'model' ? `Description of ${element.model.name}` : `Description of ${element.version.name} version ${element.version.version}`, value: current ?? '' });
    if (description === undefined) return;
    await write(element.tracking, 'Updating the description…', (writer, signal) =>
      element.kind === 'model' ? writer.updateRegisteredModelDescription(element.model.name, description, { signal }) : writer.updateModelVersionDescription(element.version.name, element.version.version, description, { signal }),
    );
  };

  const copyUri = async (element?: ModelsElement): Promise<void> => {
    const uri = element?.kind === 'version' ? modelVersionUri(element.version.name, element.version.version) : element?.kind === 'alias' ? modelAliasUri(element.model.name, element.alias) : undefined;
    if (!uri) return;
    await vscode.env.clipboard.writeText(uri);
    vscode.window.setStatusBarMessage(`Copied ${uri}`, 2500);
  };

  const openSourceRun = async (element?: ModelsElement): Promise<void> => {
    if (element?.kind !== 'version' || !element.version.run_id) return;
    const row = await runsTree.locateRun(element.tracking.key, element.version.run_id);
    if (row) {
      await runsView.reveal(row, { select: true, focus: true, expand: false });
      return;
    }
    // Hidden by the Runs view's filter (or deleted): show the run itself instead.
    await vscode.commands.executeCommand(Commands.showRun, element.tracking.key, element.version.run_id);
  };

  const registerModel = async (element?: RunsElement): Promise<void> => {
    const row = element?.kind === 'run' ? element : element?.kind === 'entry' ? element.owner : undefined;
    if (!row || row.experiment.tracking.state.kind !== 'ready') return;
    const outputs = row.run.outputs?.model_outputs ?? [];
    const modelId = element?.kind === 'entry' && element.group === 'models' ? element.key : outputs.length === 1 ? outputs[0]!.model_id : await pickLoggedModel(outputs.map((o) => o.model_id));
    if (!modelId) {
      if (outputs.length === 0) void vscode.window.showInformationMessage('This run logged no model (MLflow 3 logged models appear under "Logged models").');
      return;
    }
    const existing = (await row.experiment.tracking.state.store.searchRegisteredModels()).items.map((m) => m.name);
    const pick = await vscode.window.showQuickPick([{ label: '$(add) New registered model…', value: '' }, ...existing.map((name) => ({ label: name, description: 'add a version', value: name }))], { title: `Register ${modelId}` });
    if (!pick) return;
    const name = pick.value || (await vscode.window.showInputBox({ title: 'Registered model name', validateInput: (v) => (/^[^/:%]+$/.test(v.trim()) ? undefined : 'A name without "/", ":" or "%"') }))?.trim();
    if (!name) return;
    const version = await writes.run(row.experiment.tracking, `Registering ${name}…`, (writer, signal) => writer.createModelVersion(name, `models:/${modelId}`, row.run.info.run_id, { signal, modelId }));
    modelsTree.refresh();
    if (version) void vscode.window.showInformationMessage(`Registered ${name} version ${version.version} (models:/${name}/${version.version}).`);
  };

  return vscode.Disposable.from(
    registerCommand(log, Commands.refreshModels, () => modelsTree.refresh()),
    registerCommand(log, Commands.setModelAlias, setAlias),
    registerCommand(log, Commands.deleteModelAlias, deleteAlias),
    registerCommand(log, Commands.setModelTag, setTag),
    registerCommand(log, Commands.deleteModelTag, deleteTag),
    registerCommand(log, Commands.editModelDescription, editDescription),
    registerCommand(log, Commands.copyModelUri, copyUri),
    registerCommand(log, Commands.openModelSourceRun, openSourceRun),
    registerCommand(log, Commands.registerModel, registerModel),
  );
}

async function pickLoggedModel(ids: readonly string[]): Promise<string | undefined> {
  if (ids.length === 0) return undefined;
  return vscode.window.showQuickPick(ids, { title: 'Which logged model?' });
}
