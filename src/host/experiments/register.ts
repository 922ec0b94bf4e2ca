import { join } from 'node:path';
import * as vscode from 'vscode';
import { storeOf } from '../../core/tracking/storeState.js';
import type { TableSourceRef } from '../../protocol/experimentsTable.js';
import type { CommandTable } from '../commands.js';
import { Commands, WebviewTypes } from '../constants.js';
import type { DisposableLike } from '../dispose.js';
import type { RunsElement } from '../runs/treeNodes.js';
import type { Services } from '../services.js';
import { rowAction, type ExperimentsFeature } from './actions.js';
import { ExperimentNotes } from './notes.js';
import { DvcSource, MlflowSource, dvcWorkerPath, type TableSource } from './sources.js';
import { ExperimentsTablePanel, type TablePanelHost } from './tablePanel.js';

const commands: CommandTable<ExperimentsFeature> = {
  [Commands.openExperimentsTable]: openExperimentsTable,
};

/** The Experiments table: its command (Runs view and palette), its panel serializer. */
export function registerExperiments(context: vscode.ExtensionContext, services: Services): DisposableLike {
  const storage = context.storageUri ?? context.globalStorageUri;
  const notes = new ExperimentNotes(context.workspaceState);
  const feature: ExperimentsFeature = { services, notes, host: undefined! };
  const host: TablePanelHost = {
    extensionUri: context.extensionUri,
    log: services.log,
    createSource: (ref) => createSource(services, notes, ref, context.extensionUri, join(storage.fsPath, 'experiments-rows.json')),
    rowAction: (panel, action, rows) => rowAction(feature, panel, action, rows),
  };
  (feature as { host: TablePanelHost }).host = host;
  return vscode.Disposable.from(
    services.commands.register(commands, feature),
    vscode.window.registerWebviewPanelSerializer(WebviewTypes.experimentsTable, {
      deserializeWebviewPanel: async (panel, state: unknown) => ExperimentsTablePanel.restore(panel, host, state),
    }),
  );
}

function createSource(services: Services, notes: ExperimentNotes, ref: TableSourceRef, extensionUri: vscode.Uri, rowCachePath: string): TableSource {
  if (ref.kind === 'mlflow') return new MlflowSource(ref, ref.label ?? `experiment ${ref.experimentId}`, services.tracking, services.log);
  return new DvcSource(ref, ref.label ?? ref.place, { workerPath: dvcWorkerPath(extensionUri), rowCachePath, notes: (root, rev) => notes.get(root, rev), log: services.log });
}

interface SourcePick extends vscode.QuickPickItem {
  readonly ref: TableSourceRef;
}

/**
 * From an experiment in the Runs view: its runs. With `{ dvcRoot }` (another command, a test):
 * that root's experiments. From the palette: pick MLflow experiments and DVC roots to show side by side.
 */
async function openExperimentsTable({ services, host }: ExperimentsFeature, element?: RunsElement | { dvcRoot?: unknown; experimentId?: unknown; trackingKey?: unknown }): Promise<void> {
  // A keybinding or another command may name an MLflow experiment: { experimentId, trackingKey? }.
  if (element && !('kind' in element) && typeof element.experimentId === 'string') {
    const tracking = services.tracking.folders.find((f) => f.key === element.trackingKey) ?? services.tracking.folders[0];
    if (!tracking) throw new Error('No MLflow tracking store is open in this workspace.');
    ExperimentsTablePanel.open(host, [{ kind: 'mlflow', place: tracking.key, experimentId: element.experimentId, label: `experiment ${element.experimentId}` }], `Experiments: #${element.experimentId}`);
    return;
  }
  if (element && 'kind' in element && element.kind === 'experiment') {
    const { tracking, experiment } = element;
    const ref: TableSourceRef = { kind: 'mlflow', place: tracking.key, experimentId: experiment.experiment_id, label: experiment.name };
    ExperimentsTablePanel.open(host, [ref], `Experiments: ${experiment.name}`);
    return;
  }
  if (element && !('kind' in element) && typeof element.dvcRoot === 'string') {
    ExperimentsTablePanel.open(host, [{ kind: 'dvc', place: element.dvcRoot, label: element.dvcRoot }], 'Experiments: DVC');
    return;
  }
  const picks = await vscode.window.showQuickPick(sourcePicks(services), { title: 'Open Experiments Table', canPickMany: true, placeHolder: 'MLflow experiments and DVC projects to show side by side', matchOnDescription: true });
  if (!picks || picks.length === 0) return;
  const title = picks.length === 1 ? `Experiments: ${picks[0]!.label}` : `Experiments (${picks.length} sources)`;
  ExperimentsTablePanel.open(host, picks.map((p) => p.ref), title);
}

async function sourcePicks(services: Services): Promise<SourcePick[]> {
  await services.dvc.ensureStarted();
  const dvc = services.dvc.projects.map((project): SourcePick => ({ label: project.label, description: 'DVC experiments', detail: project.root, picked: true, ref: { kind: 'dvc', place: project.root, label: `DVC · ${project.label}` } }));
  const mlflow = await Promise.all(
    services.tracking.folders.map(async (folder) => {
      const store = storeOf(folder);
      if (!store) return [];
      try {
        const experiments = (await store.searchExperiments()).items;
        return await experiments.map((e): SourcePick => ({ label: e.name, description: `MLflow experiment · ${store.label}`, picked: e.name !== 'Default' || experiments.length === 1, ref: { kind: 'mlflow', place: folder.key, experimentId: e.experiment_id, label: e.name } }));
      } catch (error) {
        services.log.warn(`Experiments table: listing experiments of ${store.label} failed: ${(error as Error).message}`);
        return [];
      }
    }),
  );
  const all = [...mlflow.flat(), ...dvc];
  if (all.length === 0) throw new Error('No MLflow experiment or DVC project in this workspace. Use "ML Workbench: Select Tracking Store…" or initialise DVC.');
  return all;
}
