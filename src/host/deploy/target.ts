import type * as vscode from 'vscode';
import { RegistryLookup, resolveModelUri, type ResolvedModel } from '../../core/deploy/resolve.js';
import { requireStore, type Store } from '../../core/tracking/storeState.js';
import { modelTarget, type ModelTarget } from '../serving/modelTarget.js';
import type { DeployFeature } from './feature.js';

/** A model version or alias to deploy, with its folder, its store and the version it resolves to now. */
export interface DeployTarget extends ModelTarget {
  readonly folder: vscode.WorkspaceFolder;
  readonly store: Store;
  readonly resolved: ResolvedModel;
}

/** From a Models view row, else picked; the registry says which version the URI names now. */
export async function deployTarget({ services }: DeployFeature, element: unknown, title: string): Promise<DeployTarget | undefined> {
  const target = await modelTarget(services.tracking, element, title);
  if (!target) return undefined;
  const store = requireStore(target.tracking);
  const resolved = await resolveModelUri(new RegistryLookup(store), target.uri);
  return { ...target, folder: target.tracking.folder, store, resolved };
}
