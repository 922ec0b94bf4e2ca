import { dirname, relative } from 'node:path';
import * as vscode from 'vscode';
import type { Stage } from '../../core/dvc/entities.js';
import { loadMlProject, type MlProject } from '../../core/tasks/index.js';
import type { Project, Projects } from '../dvc/projects.js';

/** A pipeline stage as the commands address it: its DVC project and its `dvc repro` target. */
export interface StageTarget {
  readonly folder: vscode.WorkspaceFolder;
  /** The DVC root (holds `.dvc/`). */
  readonly root: string;
  /** `name`, or `sub/dvc.yaml:name` for a stage of another dvc.yaml of the project. */
  readonly address: string;
}

const EXCLUDE = '**/{node_modules,.git,.dvc,.venv,venv,mlruns,mlartifacts}/**';

const pathOf = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : value instanceof vscode.Uri ? value.fsPath : typeof (value as { fsPath?: unknown })?.fsPath === 'string' ? (value as { fsPath: string }).fsPath : undefined;

/** The project holding `path`, once the workspace's projects are known. */
async function projectAt(dvc: Projects, path: string): Promise<Project | undefined> {
  await dvc.discovered();
  return dvc.projectFor(path);
}

/**
 * What the Pipeline view (or a keybinding) passes: a stage name and the path of its dvc.yaml, or a
 * tree element `{ stage: { name, address?, file? }, root }`. Undefined when it names no stage.
 */
export async function stageFromArguments(dvc: Projects, first: unknown, second: unknown): Promise<StageTarget | undefined> {
  if (typeof first === 'string') {
    const dvcYaml = pathOf(second);
    const dir = dvcYaml ? dirname(dvcYaml) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const project = dir ? await projectAt(dvc, dir) : undefined;
    if (!project || !dvcYaml) return project ? target(project, first) : undefined;
    const file = relative(project.root, dvcYaml).replace(/\\/g, '/');
    return target(project, file === 'dvc.yaml' ? first : `${file}:${first}`);
  }
  // A Pipeline view row carries its project; CodeLens and others pass `root`.
  const element = first as { stage?: { name?: unknown; address?: unknown; file?: unknown }; root?: unknown; project?: { root?: unknown } } | undefined;
  const name = element?.stage?.name;
  const rootPath = pathOf(element?.root ?? element?.project?.root);
  if (typeof name !== 'string' || !rootPath) return undefined;
  const project = await projectAt(dvc, rootPath);
  if (!project) return undefined;
  if (typeof element?.stage?.address === 'string') return target(project, element.stage.address);
  const file = typeof element?.stage?.file === 'string' ? element.stage.file.replace(/\\/g, '/') : 'dvc.yaml';
  return target(project, file === 'dvc.yaml' ? name : `${file}:${name}`);
}

function target(project: Project, address: string): StageTarget {
  return { folder: project.folder.workspaceFolder, root: project.root, address };
}

/** The projects with a pipeline (a dvc.yaml), with their stages; a project that cannot be read is skipped. */
export async function pipelines(dvc: Projects, onError: (project: Project, error: Error) => void = () => undefined): Promise<{ project: Project; stages: readonly Stage[]; hasDownstream: (address: string) => boolean }[]> {
  await dvc.discovered();
  const found = await Promise.all(
    dvc.projects.map(async (project) => {
      try {
        const { stages, dag, hasPipelineFile } = await project.pipeline();
        if (!hasPipelineFile) return [];
        const upstreamOfSomething = new Set([...dag.upstream.values()].flat());
        return [{ project, stages: stages.filter((s) => s.kind === 'pipeline'), hasDownstream: (address: string) => upstreamOfSomething.has(address) }];
      } catch (error) {
        onError(project, error as Error);
        return [];
      }
    }),
  );
  return found.flat();
}

/** The stage itself (command, wdir) from its dvc.yaml. */
export async function loadStage(dvc: Projects, target: StageTarget): Promise<Stage> {
  const project = await projectAt(dvc, target.root);
  const stage = project && (await project.pipeline()).stages.find((s) => s.address === target.address && s.kind === 'pipeline');
  if (!stage) throw new Error(`No stage ${target.address} in the pipeline of ${target.root}.`);
  return stage;
}

export async function pickStage(dvc: Projects, title: string): Promise<StageTarget | undefined> {
  const found = await pipelines(dvc);
  const items = found.flatMap(({ project, stages }) =>
    stages.map((stage) => ({ label: stage.address, description: typeof stage.cmd === 'string' ? stage.cmd : stage.cmd?.join(' && '), detail: found.length > 1 ? relative(project.folder.path, project.root) || project.folder.name : undefined, target: target(project, stage.address) })),
  );
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No DVC pipeline stages in this workspace (no dvc.yaml with stages inside a DVC project).');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title, placeHolder: 'Stage', matchOnDescription: true }))?.target;
}

export async function pickDvcRoot(dvc: Projects, title: string, hint?: unknown): Promise<{ folder: vscode.WorkspaceFolder; root: string } | undefined> {
  const given = pathOf((hint as { root?: unknown })?.root ?? hint);
  const hinted = given ? await projectAt(dvc, given) : undefined;
  if (hinted) return { folder: hinted.folder.workspaceFolder, root: hinted.root };
  const roots = (await pipelines(dvc)).map(({ project }) => ({ folder: project.folder.workspaceFolder, root: project.root }));
  if (roots.length <= 1) {
    if (roots.length === 0) void vscode.window.showInformationMessage('No DVC pipeline in this workspace (no dvc.yaml inside a DVC project).');
    return roots[0];
  }
  return (await vscode.window.showQuickPick(roots.map((r) => ({ label: relative(r.folder.uri.fsPath, r.root) || r.folder.name, description: r.root, value: r })), { title }))?.value;
}

/** An MLproject entry point, chosen from every MLproject file of the workspace. */
export interface EntryPointTarget {
  readonly folder: vscode.WorkspaceFolder;
  readonly projectDir: string;
  readonly project: MlProject;
  readonly entryPoint: string;
}

export async function pickEntryPoint(title: string, hint?: unknown): Promise<EntryPointTarget | undefined> {
  const hinted = pathOf(hint);
  const files = hinted ? [vscode.Uri.file(hinted)] : await vscode.workspace.findFiles('**/[mM][lL][pP]roject', EXCLUDE, 50);
  const items = (
    await Promise.all(
      files.map(async (file) => {
        const projectDir = dirname(file.fsPath);
        const folder = vscode.workspace.getWorkspaceFolder(file);
        if (!folder) return [];
        const project = await loadMlProject(projectDir);
        const where = relative(folder.uri.fsPath, projectDir) || (project.name ?? folder.name);
        return project.entryPoints.map((entry) => ({ label: entry.name, description: where, detail: entry.command, target: { folder, projectDir, project, entryPoint: entry.name } }));
      }),
    )
  ).flat();
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No MLproject entry points in this workspace (an MLproject file with entry_points).');
    return undefined;
  }
  if (items.length === 1) return items[0]!.target;
  return (await vscode.window.showQuickPick(items, { title, placeHolder: 'Entry point', matchOnDescription: true }))?.target;
}
