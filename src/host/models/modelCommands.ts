import * as vscode from 'vscode';
import { modelNameFilter, modelVersions } from '../../core/models/modelFiles.js';
import { modelAliasUri, modelVersionUri } from '../../core/models/source.js';
import { requireStore } from '../../core/tracking/storeState.js';
import * as validation from '../../core/tracking/writes/validation.js';
import type { TrackingWriter } from '../../core/tracking/writes/writer.js';
import type { CommandTable } from '../commands.js';
import { Commands } from '../constants.js';
import type { RunsElement } from '../runs/treeNodes.js';
import type { Services } from '../services.js';
import type { FolderTracking } from '../tracking/trackingService.js';
import type { ModelsElement, ModelsTreeProvider } from './tree.js';

/** What the Models feature's commands work with. */
export interface ModelsFeature {
  readonly services: Services;
  readonly tree: ModelsTreeProvider;
  readonly view?: vscode.TreeView<ModelsElement>;
}

/** Model Registry actions, each through MLflow; the Models view refreshes after each. */
export const modelCommands: CommandTable<ModelsFeature> = {
  [Commands.refreshModels]: ({ tree }) => tree.refresh(),
  [Commands.setModelAlias]: setModelAlias,
  [Commands.deleteModelAlias]: deleteModelAlias,
  [Commands.setModelTag]: setModelTag,
  [Commands.deleteModelTag]: deleteModelTag,
  [Commands.editModelDescription]: editModelDescription,
  [Commands.copyModelUri]: copyModelUri,
  [Commands.openModelSourceRun]: openModelSourceRun,
  [Commands.registerModel]: registerModel,
  [Commands.revealModelVersion]: revealModelVersion,
};

/** Selects a version's row (from the Lineage panel): `(trackingKey, name, version)`. */
async function revealModelVersion(feature: ModelsFeature, trackingKey?: string, name?: string, version?: string): Promise<void> {
  const tracking = trackingKey === undefined ? undefined : feature.services.tracking.forKey(trackingKey);
  if (!tracking || !name || !version || !feature.view) return;
  const store = requireStore(tracking);
  const model = (await store.searchRegisteredModels({ filter: modelNameFilter(name) })).items.find((m) => m.name === name);
  const found = model ? (await modelVersions(store, name)).find((v) => v.version === version) : undefined;
  if (!model || !found) throw new Error(`${name} version ${version} is not in the registry of ${tracking.folder.name}.`);
  const aliases = (model.aliases ?? []).filter((a) => a.version === version).map((a) => a.alias);
  await feature.view.reveal({ kind: 'version', tracking, model, version: found, aliases }, { select: true, focus: true, expand: false });
}

/** MLflow's alias rules (core validation), as an input box's message. */
function validateAlias(value: string): string | undefined {
  try {
    validation.alias(value.trim(), true);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

async function write(feature: ModelsFeature, tracking: FolderTracking, title: string, action: (writer: TrackingWriter, signal: AbortSignal) => Promise<unknown>): Promise<void> {
  await feature.services.writes.run(tracking, title, action);
  feature.tree.refresh();
}

async function setModelAlias(feature: ModelsFeature, element?: ModelsElement): Promise<void> {
  if (element?.kind !== 'version') return;
  const { version, tracking, model } = element;
  const alias = await vscode.window.showInputBox({
    title: `Set an alias on ${version.name} version ${version.version}`,
    placeHolder: 'champion',
    prompt: (model.aliases ?? []).length > 0 ? `Existing: ${(model.aliases ?? []).map((a) => `@${a.alias} → v${a.version}`).join(', ')}. Setting an existing alias moves it here.` : 'The alias can then be loaded as models:/name@alias.',
    validateInput: validateAlias,
  });
  if (!alias) return;
  await write(feature, tracking, `Setting @${alias.trim()}…`, (writer, signal) => writer.setRegisteredModelAlias(version.name, alias.trim(), version.version, { signal }));
}

async function deleteModelAlias(feature: ModelsFeature, element?: ModelsElement): Promise<void> {
  if (element?.kind !== 'alias') return;
  const answer = await vscode.window.showWarningMessage(`Delete the alias @${element.alias} of ${element.model.name} (version ${element.version})?`, { modal: true, detail: 'Code loading models:/' + element.model.name + '@' + element.alias + ' will fail until it is set again.' }, 'Delete Alias');
  if (answer !== 'Delete Alias') return;
  await write(feature, element.tracking, `Deleting @${element.alias}…`, (writer, signal) => writer.deleteRegisteredModelAlias(element.model.name, element.alias, { signal }));
}

async function setModelTag(feature: ModelsFeature, element?: ModelsElement): Promise<void> {
  const target = element?.kind === 'model' || element?.kind === 'version' || element?.kind === 'tag' ? element : undefined;
  if (!target) return;
  const existing = target.kind === 'tag' ? target : undefined;
  const key = existing?.key ?? (await vscode.window.showInputBox({ title: 'Tag key', validateInput: (v) => (v.trim() ? undefined : 'Enter a tag key') }));
  if (!key) return;
  const value = await vscode.window.showInputBox({ title: `Value of tag ${key}`, value: existing?.value ?? '' });
  if (value === undefined) return;
  const version = target.kind === 'version' ? target.version : target.kind === 'tag' ? target.version : undefined;
  const name = target.model.name;
  await write(feature, target.tracking, `Setting tag ${key}…`, (writer, signal) =>
    version ? writer.setModelVersionTag(name, version.version, key.trim(), value, { signal }) : writer.setRegisteredModelTag(name, key.trim(), value, { signal }),
  );
}

async function deleteModelTag(feature: ModelsFeature, element?: ModelsElement): Promise<void> {
  if (element?.kind !== 'tag') return;
  const answer = await vscode.window.showWarningMessage(`Delete the tag "${element.key}"?`, { modal: true }, 'Delete Tag');
  if (answer !== 'Delete Tag') return;
  const { version, model } = element;
  await write(feature, element.tracking, `Deleting tag ${element.key}…`, (writer, signal) =>
    version ? writer.deleteModelVersionTag(model.name, version.version, element.key, { signal }) : writer.deleteRegisteredModelTag(model.name, element.key, { signal }),
  );
}

async function editModelDescription(feature: ModelsFeature, element?: ModelsElement): Promise<void> {
  if (element?.kind !== 'model' && element?.kind !== 'version') return;
  const current = element.kind === 'model' ? element.model.description : element.version.description;
  const description = await vscode.window.showInputBox({ title: element.kind === 'model' ? `Description of ${element.model.name}` : `Description of ${element.version.name} version ${element.version.version}`, value: current ?? '' });
  if (description === undefined) return;
  await write(feature, element.tracking, 'Updating the description…', (writer, signal) =>
    element.kind === 'model' ? writer.updateRegisteredModelDescription(element.model.name, description, { signal }) : writer.updateModelVersionDescription(element.version.name, element.version.version, description, { signal }),
  );
}

async function copyModelUri(_feature: ModelsFeature, element?: ModelsElement): Promise<void> {
  const uri = element?.kind === 'version' ? modelVersionUri(element.version.name, element.version.version) : element?.kind === 'alias' ? modelAliasUri(element.model.name, element.alias) : undefined;
  if (!uri) return;
  await vscode.env.clipboard.writeText(uri);
  vscode.window.setStatusBarMessage(`Copied ${uri}`, 2500);
}

/** The version's run, selected in the Runs view; hidden there by the filter (or deleted), its Run panel instead. */
async function openModelSourceRun({ services }: ModelsFeature, element?: ModelsElement): Promise<void> {
  if (element?.kind !== 'version' || !element.version.run_id) return;
  if (await services.runsView.reveal(element.tracking.key, element.version.run_id, { focus: true })) return;
  await vscode.commands.executeCommand(Commands.showRun, element.tracking.key, element.version.run_id);
}

/** A run's logged model as a new version of a new or existing registered model. */
async function registerModel(feature: ModelsFeature, element?: RunsElement): Promise<void> {
  const row = element?.kind === 'run' ? element : element?.kind === 'entry' ? element.owner : undefined;
  if (!row) return;
  const outputs = row.run.outputs?.model_outputs ?? [];
  const modelId = element?.kind === 'entry' && element.group === 'models' ? element.key : outputs.length === 1 ? outputs[0]!.model_id : await pickLoggedModel(outputs.map((o) => o.model_id));
  if (!modelId) {
    if (outputs.length === 0) void vscode.window.showInformationMessage('This run logged no model (MLflow 3 logged models appear under "Logged models").');
    return;
  }
  const existing = (await requireStore(row.experiment.tracking).searchRegisteredModels()).items.map((m) => m.name);
  const pick = await vscode.window.showQuickPick([{ label: '$(add) New registered model…', value: '' }, ...existing.map((name) => ({ label: name, description: 'add a version', value: name }))], { title: `Register ${modelId}` });
  if (!pick) return;
  const name = pick.value || (await vscode.window.showInputBox({ title: 'Registered model name', validateInput: (v) => (/^[^/:%]+$/.test(v.trim()) ? undefined : 'A name without "/", ":" or "%"') }))?.trim();
  if (!name) return;
  const version = await feature.services.writes.run(row.experiment.tracking, `Registering ${name}…`, (writer, signal) => writer.createModelVersion(name, `models:/${modelId}`, row.run.info.run_id, { signal, modelId }));
  feature.tree.refresh();
  void vscode.window.showInformationMessage(`Registered ${name} version ${version.version} (models:/${name}/${version.version}).`);
}

async function pickLoggedModel(ids: readonly string[]): Promise<string | undefined> {
  if (ids.length === 0) return undefined;
  return vscode.window.showQuickPick(ids, { title: 'Which logged model?' });
}
