import * as vscode from 'vscode';
import { Git } from '../../core/git/index.js';
import { locateRuns, revisionChoices } from '../../core/plots/choices.js';
import { isPlotsRequest, type PlotsRequest } from '../../protocol/plotsPanel.js';
import { storeOf } from '../../core/tracking/storeState.js';
import type { Store } from '../../core/tracking/storeState.js';
import type { CommandTable } from '../commands.js';
import { Commands, WebviewTypes } from '../constants.js';
import type { DisposableLike } from '../dispose.js';
import type { Project } from '../dvc/projects.js';
import { pickableRuns } from '../runs/runPicker.js';
import type { Services } from '../services.js';
import { PlotsPanel, type PlotsPanelServices } from './plotsPanel.js';

interface PlotsFeature {
  readonly services: Services;
  readonly panel: PlotsPanelServices;
}

const plotsCommands: CommandTable<PlotsFeature> = {
  [Commands.showPlots]: showPlots,
};

/** The Plots panel: `mlWorkbench.showPlots` (palette, Pipeline view, Runs view, other features) and its serializer. */
export function registerPlots(context: vscode.ExtensionContext, services: Services): DisposableLike {
  const changed = new vscode.EventEmitter<void>();
  const feature: PlotsFeature = {
    services,
    panel: {
      extensionUri: context.extensionUri,
      log: services.log,
      onDidChangeData: changed.event,
      locateRuns: (runIds) => locateRuns(openStores(services), runIds),
      chooseAgain: (request) => showPlots(feature, undefined, undefined, request),
    },
  };
  return vscode.Disposable.from(
    changed,
    services.dvc.onDidChange(() => changed.fire()),
    services.commands.register(plotsCommands, feature),
    vscode.window.registerWebviewPanelSerializer(WebviewTypes.plots, {
      deserializeWebviewPanel: async (panel, state: unknown) => PlotsPanel.restore(panel, feature.panel, state),
    }),
  );
}

function openStores(services: Services): Store[] {
  return services.tracking.folders.flatMap((folder) => {
    const store = storeOf(folder);
    return store ? [store] : [];
  });
}

type Target = { readonly kind: string; readonly project?: Project; readonly owner?: { readonly project?: Project }; readonly run?: { readonly info: { readonly run_id: string } } };

/**
 * `{ dvcRoot?, revisions?, mlflowRunIds? }` opens those; a run of the Runs view opens the selected
 * runs' images; a Pipeline view item or the palette asks which revisions and runs.
 */
async function showPlots(feature: PlotsFeature, target?: unknown, selection?: readonly unknown[], previous?: PlotsRequest): Promise<void> {
  const { services } = feature;
  if (isPlotsRequest(target) && !('kind' in target)) {
    const request = await withDefaultRoot(services, target);
    if ((request.revisions?.length ?? 0) + (request.mlflowRunIds?.length ?? 0) > 0) return void PlotsPanel.open(feature.panel, request);
    return showPlots(feature, undefined, undefined, request);
  }
  const targets = (selection && selection.length > 0 ? selection : target ? [target] : []) as Target[];
  const runIds = targets.flatMap((t) => (t.kind === 'run' && t.run ? [t.run.info.run_id] : []));
  if (runIds.length > 0) return void PlotsPanel.open(feature.panel, { mlflowRunIds: runIds });
  const project = targets[0]?.project ?? targets[0]?.owner?.project ?? (await chooseProject(services, previous?.dvcRoot));
  const request = await pickRevisions(services, project, previous);
  if (request) PlotsPanel.open(feature.panel, request);
}

async function withDefaultRoot(services: Services, request: PlotsRequest): Promise<PlotsRequest> {
  if (request.dvcRoot !== undefined || (request.revisions?.length ?? 0) === 0) return request;
  await services.dvc.discovered();
  const root = services.dvc.projects[0]?.root;
  return root === undefined ? request : { ...request, dvcRoot: root };
}

async function chooseProject(services: Services, root: string | undefined): Promise<Project | undefined> {
  await services.dvc.discovered();
  const projects = services.dvc.projects;
  const named = projects.find((p) => p.root === root);
  if (named || projects.length <= 1) return named ?? projects[0];
  const pick = await vscode.window.showQuickPick(
    projects.map((project) => ({ label: project.folder.name, description: project.root, project })),
    { title: 'Show Plots: which DVC project?' },
  );
  return pick?.project;
}

interface RevisionPick extends vscode.QuickPickItem {
  readonly rev?: string;
  readonly runId?: string;
}

async function pickRevisions(services: Services, project: Project | undefined, previous: PlotsRequest | undefined): Promise<PlotsRequest | undefined> {
  const items: RevisionPick[] = [];
  const before = new Set([...(previous?.revisions ?? []), ...(previous?.mlflowRunIds ?? [])]);
  if (project) {
    const choices = await revisionChoices(new Git(project.root));
    items.push({ label: `DVC · ${project.folder.name}`, kind: vscode.QuickPickItemKind.Separator });
    let experiments = 0;
    for (const choice of choices) {
      const defaultPick = choice.kind === 'workspace' || (choice.kind === 'experiment' && experiments++ < 5);
      const icon = { workspace: 'folder', commit: 'git-commit', branch: 'git-branch', experiment: 'beaker' }[choice.kind];
      items.push({ label: `$(${icon}) ${choice.label}`, description: choice.description, rev: choice.rev, picked: previous ? before.has(choice.rev) : defaultPick });
    }
  }
  const runs = await pickableRuns(services.tracking).catch(() => []);
  if (runs.length > 0) items.push({ label: 'MLflow runs', kind: vscode.QuickPickItemKind.Separator });
  for (const run of runs.slice(0, 200)) items.push({ label: `$(pulse) ${run.label}`, description: run.description, detail: run.detail, runId: run.run.info.run_id, picked: before.has(run.run.info.run_id) });
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Show Plots needs a DVC project (dvc.yaml with plots) or an MLflow tracking store in this workspace.');
    return undefined;
  }
  const picks = await vscode.window.showQuickPick(items, { title: 'Show Plots: revisions and runs to compare', canPickMany: true, matchOnDescription: true, matchOnDetail: true, placeHolder: 'The workspace, commits, DVC experiments, MLflow runs' });
  if (!picks || picks.length === 0) return undefined;
  const revisions = picks.flatMap((p) => (p.rev ? [p.rev] : []));
  const mlflowRunIds = picks.flatMap((p) => (p.runId ? [p.runId] : []));
  return { ...(project && revisions.length > 0 ? { dvcRoot: project.root, revisions } : {}), ...(mlflowRunIds.length > 0 ? { mlflowRunIds } : {}) };
}
