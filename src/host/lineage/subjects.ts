import * as vscode from 'vscode';
import { requireStore } from '../../core/tracking/storeState.js';
import type { LineagePlace } from '../lineageCache.js';
import type { Services } from '../services.js';
import type { FolderTracking } from '../tracking/trackingService.js';

/** What the Lineage panel is asked about: a model version, a run, or a data version (path relative to the DVC root). */
export type Subject =
  | { readonly kind: 'model-version'; readonly tracking: FolderTracking; readonly name: string; readonly version: string }
  | { readonly kind: 'run'; readonly tracking: FolderTracking; readonly runId: string; readonly label: string }
  | { readonly kind: 'data'; readonly tracking: FolderTracking; readonly path: string; readonly commit: string; readonly label: string };

export function placeOf(tracking: FolderTracking): LineagePlace {
  return { folder: tracking.folder, store: requireStore(tracking) };
}

type Loose = Record<string, unknown> & { kind?: unknown };
const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null;

/**
 * The subject of a view's item (Models view version or alias, Runs view run, Data view version or
 * run), or of `(trackingKey, name, version)` / `(trackingKey, runId)` arguments. The views' item
 * shapes are read structurally: features do not import each other.
 */
export function subjectOf(services: Services, target: unknown, ...rest: unknown[]): Subject | undefined {
  const { tracking } = services;
  if (typeof target === 'string') {
    const folder = tracking.forKey(target);
    if (!folder) return undefined;
    if (typeof rest[0] === 'string' && typeof rest[1] === 'string') return { kind: 'model-version', tracking: folder, name: rest[0], version: rest[1] };
    if (typeof rest[0] === 'string') return { kind: 'run', tracking: folder, runId: rest[0], label: rest[0] };
    return undefined;
  }
  if (!isObject(target)) return undefined;
  if (target.kind === 'version' && isObject(target.version) && isObject(target.model) && isObject(target.tracking)) {
    return { kind: 'model-version', tracking: target.tracking as unknown as FolderTracking, name: String(target.version.name), version: String(target.version.version) };
  }
  if (target.kind === 'alias' && isObject(target.model) && isObject(target.tracking)) {
    return { kind: 'model-version', tracking: target.tracking as unknown as FolderTracking, name: String(target.model.name), version: String(target.version) };
  }
  if (target.kind === 'run' && isObject(target.experiment) && isObject(target.run) && isObject(target.run.info)) {
    const info = target.run.info;
    return { kind: 'run', tracking: target.experiment.tracking as FolderTracking, runId: String(info.run_id), label: String(info.run_name || info.run_id) };
  }
  if (target.kind === 'run' && isObject(target.found) && isObject(target.found.run) && isObject(target.found.run.info)) {
    const folder = tracking.forKey(String(target.found.trackingKey));
    const info = target.found.run.info;
    return folder ? { kind: 'run', tracking: folder, runId: String(info.run_id), label: String(info.run_name || info.run_id) } : undefined;
  }
  if (target.kind === 'version' && isObject(target.owner) && isObject(target.version) && isObject(target.owner.data) && isObject(target.owner.project)) {
    const project = target.owner.project as { folder: { workspaceFolder: vscode.WorkspaceFolder } };
    const folder = tracking.forFolder(project.folder.workspaceFolder);
    const path = String(target.owner.data.repoPath);
    const commit = String(target.version.commit);
    return folder ? { kind: 'data', tracking: folder, path, commit, label: `${path} @ ${commit.slice(0, 7)}` } : undefined;
  }
  return undefined;
}

interface VersionPick extends vscode.QuickPickItem {
  readonly subject: Subject;
}

/** Every registered model version of every folder, aliases first: the palette's way in. */
export async function pickModelVersion(services: Services, title: string): Promise<Subject | undefined> {
  const items = (async (): Promise<VersionPick[]> => {
    const picks: VersionPick[] = [];
    for (const tracking of services.tracking.folders) {
      if (tracking.state.kind !== 'ready') continue;
      const store = requireStore(tracking);
      const [models, versions] = await Promise.all([store.searchRegisteredModels(), store.searchModelVersions({})]);
      for (const version of versions.items) {
        const aliases = models.items.find((m) => m.name === version.name)?.aliases?.filter((a) => a.version === version.version).map((a) => `@${a.alias}`) ?? [];
        const subject: Subject = { kind: 'model-version', tracking, name: version.name, version: version.version };
        picks.push({ label: `${version.name} v${version.version}`, description: [...aliases, services.tracking.folders.length > 1 ? tracking.folder.name : undefined].filter(Boolean).join(' · '), detail: version.source ?? undefined, subject });
      }
    }
    return picks.sort((a, b) => Number(!a.description?.includes('@')) - Number(!b.description?.includes('@')) || a.label.localeCompare(b.label, undefined, { numeric: true }));
  })();
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: 'A registered model version', matchOnDescription: true, matchOnDetail: true });
  return pick?.subject;
}
