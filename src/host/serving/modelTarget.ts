import * as vscode from 'vscode';
import { registeredModelUri } from '../../core/tasks/index.js';
import { storeOf } from '../../core/tracking/storeState.js';
import type { ModelsElement } from '../models/tree.js';
import type { FolderTracking, TrackingService } from '../tracking/trackingService.js';
import { modelVersions, type ModelReference } from '../../core/models/modelFiles.js';

/** A registered model version (or the version an alias points at) to serve, predict with or package. */
export interface ModelTarget {
  readonly tracking: FolderTracking;
  /** `models:/name/version` or `models:/name@alias`. */
  readonly uri: string;
  readonly reference: ModelReference;
  /** For image names: `3` or `champion`. */
  readonly tag: string;
}

/** From a Models view row (a version or an alias), else picked from the registry. */
export async function modelTarget(tracking: TrackingService, element: unknown, title: string): Promise<ModelTarget | undefined> {
  const row = element as ModelsElement | undefined;
  if (row?.kind === 'version') {
    const { name, version } = row.version;
    return { tracking: row.tracking, uri: registeredModelUri(name, { version }), reference: { trackingKey: row.tracking.key, name, version: String(version) }, tag: String(version) };
  }
  if (row?.kind === 'alias') {
    const name = row.model.name;
    return { tracking: row.tracking, uri: registeredModelUri(name, { alias: row.alias }), reference: { trackingKey: row.tracking.key, name, version: row.version }, tag: row.alias };
  }
  return pickModel(tracking, title);
}

async function pickModel(tracking: TrackingService, title: string): Promise<ModelTarget | undefined> {
  const items: (vscode.QuickPickItem & { target: ModelTarget })[] = [];
  for (const folder of tracking.folders) {
    const store = storeOf(folder);
    if (!store) continue;
    const models = (await store.searchRegisteredModels()).items;
    for (const model of models) {
      for (const alias of model.aliases ?? []) {
        const target: ModelTarget = { tracking: folder, uri: registeredModelUri(model.name, { alias: alias.alias }), reference: { trackingKey: folder.key, name: model.name, version: alias.version }, tag: alias.alias };
        items.push({ label: target.uri, description: `version ${alias.version}`, target });
      }
      const versions = await modelVersions(store, model.name);
      for (const version of versions) {
        const target: ModelTarget = { tracking: folder, uri: registeredModelUri(model.name, { version: version.version }), reference: { trackingKey: folder.key, name: model.name, version: String(version.version) }, tag: String(version.version) };
        items.push({ label: target.uri, description: version.status && version.status !== 'READY' ? version.status : undefined, target });
      }
    }
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No registered model versions in this workspace\'s MLflow Model Registry.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title, placeHolder: 'Registered model version or alias' }))?.target;
}
