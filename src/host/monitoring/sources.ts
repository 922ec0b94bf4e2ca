import { join } from 'node:path';
import * as vscode from 'vscode';
import { formatOf } from '../../core/drift/report.js';
import { readDvcConfig } from '../../core/dvc/files/config.js';
import { objectPath } from '../../core/dvc/hashing/cachePresence.js';
import { LineageService } from '../../core/lineage/lineage.js';
import { captureLocation } from '../../core/monitoring/captureLocation.js';
import { listCaptures } from '../../core/monitoring/captures.js';
import type { DriftSide } from '../../core/monitoring/driftJob.js';
import { trainingTables } from '../../core/monitoring/trainingData.js';
import { modelVersions } from '../../core/models/modelFiles.js';
import { storeOf } from '../../core/tracking/storeState.js';
import { readConfig } from '../config.js';
import type { FolderTracking, TrackingService } from '../tracking/trackingService.js';

/** The model a check is about (for the panel's title and the MLflow run's tags). */
export interface ModelSubject {
  readonly trackingKey: string;
  readonly name: string;
  readonly version: string;
}

export interface DriftRequest {
  readonly reference: DriftSide & { readonly detail: string };
  readonly current: DriftSide & { readonly detail: string };
  readonly model?: ModelSubject;
  /** The workspace folder the check belongs to (where MLflow logging runs). */
  readonly folder?: vscode.WorkspaceFolder;
}

/** What another view passes to Drift Report…: a capture with the served model (Serving view). */
export interface CaptureSpec {
  readonly kind: 'capture-spec';
  readonly capturePath: string;
  readonly captureName: string;
  readonly model?: ModelSubject;
}

type Picked<T> = vscode.QuickPickItem & { readonly pick: () => Promise<T | undefined> };

export class DriftSources {
  constructor(
    private readonly tracking: TrackingService,
    private readonly storageDir: string,
  ) {}

  /** Reference and current from the row the command was run on, the rest asked for. */
  async request(element: unknown): Promise<DriftRequest | undefined> {
    const row = element as Record<string, unknown> | undefined;
    if (row?.['kind'] === 'capture-spec') {
      const spec = row as unknown as CaptureSpec;
      const current = captureSide(spec.capturePath, spec.captureName);
      const model = spec.model;
      const reference = model ? await this.modelReference(model) : await this.pickReference();
      return reference && { reference, current, ...(model ? { model, folder: this.tracking.forKey(model.trackingKey)?.folder } : {}) };
    }
    if ((row?.['kind'] === 'version' || row?.['kind'] === 'alias') && 'tracking' in (row ?? {})) {
      const tracking = row!['tracking'] as FolderTracking;
      const name = (row!['model'] as { name: string }).name;
      const version = row!['kind'] === 'alias' ? String(row!['version']) : String((row!['version'] as { version: string | number }).version);
      const model = { trackingKey: tracking.key, name, version };
      const reference = await this.modelReference(model);
      const current = reference && (await this.pickCurrent(name));
      return reference && current && { reference, current, model, folder: tracking.folder };
    }
    if (row?.['kind'] === 'version' && 'owner' in row) {
      const owner = row['owner'] as { project: { root: string }; data: { repoPath: string } };
      const version = row['version'] as { commit: string; hash?: string };
      const reference = await dataSide(owner.project.root, owner.data.repoPath, version.hash, `${owner.data.repoPath} @ ${version.commit.slice(0, 7)}`);
      const current = await this.pickCurrent(undefined, { root: owner.project.root, repoPath: owner.data.repoPath });
      return current && { reference, current, folder: vscode.workspace.getWorkspaceFolder(vscode.Uri.file(owner.project.root)) };
    }
    if (row?.['kind'] === 'tracked') {
      const project = row['project'] as { root: string };
      const data = row['data'] as { repoPath: string };
      const current = fileSide(join(project.root, data.repoPath), `${data.repoPath} (workspace)`);
      const reference = await this.pickReference();
      return reference && { reference, current, folder: vscode.workspace.getWorkspaceFolder(vscode.Uri.file(project.root)) };
    }
    const reference = await this.pickReference();
    const current = reference && (await this.pickCurrent(undefined));
    return reference && current && { reference, current, ...(reference.model ? { model: reference.model, folder: this.tracking.forKey(reference.model.trackingKey)?.folder } : {}) };
  }

  /** The training data of a model version, through lineage (a pick when the stage read several tables). */
  async modelReference(model: ModelSubject): Promise<(DriftSide & { detail: string }) | undefined> {
    const tracking = this.tracking.forKey(model.trackingKey);
    const store = storeOf(tracking);
    if (!tracking || !store) throw new Error(`The tracking store of ${model.name} is not open.`);
    const root = tracking.folder.uri.fsPath;
    const lineage = new LineageService(root, store);
    try {
      const found = await lineage.ofModelVersion(model.name, { version: model.version });
      const data = await trainingTables(found, (await readDvcConfig(root)).cacheDir);
      if (data.tables.length === 0) {
        throw new Error(`No training table of ${model.name} version ${model.version} could be found through its lineage${data.gaps.length ? `: ${data.gaps.join('; ')}` : ' (its run names no DVC stage with a CSV, TSV, JSONL or Parquet input)'}. Pick the reference as a file instead (Drift Report… from the palette).`);
      }
      const table =
        data.tables.length === 1
          ? data.tables[0]!
          : (await vscode.window.showQuickPick(data.tables.map((t) => ({ label: t.path, description: `stage ${t.stage}${t.version ? ` · version ${t.version}` : ''}`, table: t })), { title: `Which training data of ${model.name} version ${model.version}?` }))?.table;
      if (!table) return undefined;
      const at = table.commit ? ` @ ${table.commit.slice(0, 7)}` : '';
      return { path: table.file, format: table.format, label: `Training data of ${model.name} v${model.version}`, detail: `${table.path}${at} (stage ${table.stage}${table.version ? `, data version ${table.version}` : ''}), from the DVC cache` };
    } finally {
      lineage.dispose();
    }
  }

  private async pickReference(): Promise<(DriftSide & { detail: string; model?: ModelSubject }) | undefined> {
    const items: Picked<DriftSide & { detail: string; model?: ModelSubject }>[] = [
      {
        label: '$(versions) Training data of a model version…',
        detail: 'The data its source run was trained on, through lineage (DVC cache)',
        pick: async () => {
          const model = await this.pickModel();
          const side = model && (await this.modelReference(model));
          return side && { ...side, model };
        },
      },
      { label: '$(file) File…', detail: 'CSV, TSV, JSON Lines or Parquet', pick: () => pickFile('Reference data') },
    ];
    const choice = await vscode.window.showQuickPick(items, { title: 'Drift Report: reference (what the model learned from)' });
    return choice?.pick();
  }

  private async pickCurrent(modelName: string | undefined, data?: { root: string; repoPath: string }): Promise<(DriftSide & { detail: string }) | undefined> {
    const captures = await listCaptures(this.captureRoots());
    const items: Picked<DriftSide & { detail: string }>[] = captures
      .sort((a, b) => Number(modelName !== undefined && b.name.startsWith(modelName)) - Number(modelName !== undefined && a.name.startsWith(modelName)))
      .map((capture) => ({
        label: `$(record) Serving capture: ${capture.name}`,
        description: `${(capture.bytes / 1024).toFixed(1)} KB · ${new Date(capture.modified).toLocaleString()}`,
        detail: capture.path,
        pick: async () => captureSide(capture.path, capture.name),
      }));
    if (data) items.push({ label: `$(file) ${data.repoPath} in the workspace`, detail: join(data.root, data.repoPath), pick: async () => fileSide(join(data.root, data.repoPath), `${data.repoPath} (workspace)`) });
    items.push({ label: '$(file) File…', detail: 'CSV, TSV, JSON Lines or Parquet', pick: () => pickFile('Current data') });
    const choice = await vscode.window.showQuickPick(items, { title: 'Drift Report: current (the data the model meets now)' });
    return choice?.pick();
  }

  private async pickModel(): Promise<ModelSubject | undefined> {
    const items: (vscode.QuickPickItem & { model: ModelSubject })[] = [];
    for (const folder of this.tracking.folders) {
      const store = storeOf(folder);
      if (!store) continue;
      for (const model of (await store.searchRegisteredModels()).items) {
        for (const version of await modelVersions(store, model.name)) {
          const aliases = (model.aliases ?? []).filter((a) => a.version === String(version.version)).map((a) => `@${a.alias}`);
          items.push({ label: `${model.name} v${version.version}`, description: aliases.join(' '), model: { trackingKey: folder.key, name: model.name, version: String(version.version) } });
        }
      }
    }
    if (items.length === 0) {
      void vscode.window.showInformationMessage("No registered model versions in this workspace's MLflow Model Registry.");
      return undefined;
    }
    return (await vscode.window.showQuickPick(items, { title: 'Training data of which model version?' }))?.model;
  }

  /** The extension's capture folder and each workspace folder's capture setting. */
  private captureRoots(): string[] {
    const roots = [this.storageDir];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const setting = readConfig(folder).captureFolder;
      if (!setting) continue;
      const location = captureLocation({ folderSetting: setting, workspaceFolder: folder.uri.fsPath, storageDir: this.storageDir, modelUri: 'x' });
      if ('dir' in location) roots.push(join(location.dir, '..'));
    }
    return [...new Set(roots)];
  }
}

function captureSide(path: string, name: string): DriftSide & { detail: string } {
  return { path, format: 'jsonl', capture: true, label: `Serving capture of ${name}`, detail: path };
}

function fileSide(path: string, label: string): DriftSide & { detail: string } {
  return { path, label, detail: path };
}

async function dataSide(root: string, repoPath: string, hash: string | undefined, label: string): Promise<DriftSide & { detail: string }> {
  const format = formatOf(repoPath);
  if (!format) throw new Error(`${repoPath} is not a table ML Workbench reads (.csv, .tsv, .jsonl, .ndjson, .parquet).`);
  if (!hash || hash.endsWith('.dir')) throw new Error(`${label} is a directory or has no recorded hash: pick one of its files as a file.`);
  const path = objectPath((await readDvcConfig(root)).cacheDir, hash, 'md5');
  return { path, format, label, detail: `${label}, from the DVC cache` };
}

async function pickFile(title: string): Promise<(DriftSide & { detail: string }) | undefined> {
  const [uri] = (await vscode.window.showOpenDialog({ title, canSelectMany: false, filters: { Tables: ['csv', 'tsv', 'jsonl', 'ndjson', 'parquet'] } })) ?? [];
  if (!uri) return undefined;
  const name = vscode.workspace.asRelativePath(uri, true);
  return fileSide(uri.fsPath, name);
}
