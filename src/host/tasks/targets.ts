import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { Stage } from '../../core/dvc/model.js';
import { openDvcRepo } from '../../core/dvc/repo.js';
import { loadMlProject, type MlProject } from '../../core/tasks/index.js';

/** A pipeline stage as the commands address it: its DVC project and its `dvc repro` target. */
export interface StageTarget {
  readonly folder: vscode.WorkspaceFolder;
  /** The DVC root (holds `.dvc/`). */
  readonly root: string;
  /** `name`, or `sub/dvc.yaml:name` for a stage of another dvc.yaml of the project. */
  readonly address: string;
}

const EXCLUDE = '**/{node_modules,.git,.dvc,.venv,venv,mlruns,mlartifacts}/**';

/** The nearest folder at or above `dir` holding `.dvc/`. */
export function dvcRootOf(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, '.dvc'))) return current;
    if (dirname(current) === current) return undefined;
  }
}

const pathOf = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : value instanceof vscode.Uri ? value.fsPath : typeof (value as { fsPath?: unknown })?.fsPath === 'string' ? (value as { fsPath: string }).fsPath : undefined;

/**
 * What the Pipeline view (or a keybinding) passes: a stage name and the path of its dvc.yaml, or a
 * tree element `{ stage: { name, address?, file? }, root }`. Undefined when it names no stage.
 */
export function stageFromArguments(first: unknown, second: unknown): StageTarget | undefined {
  if (typeof first === 'string') {
    const dvcYaml = pathOf(second);
    const dir = dvcYaml ? dirname(dvcYaml) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const root = dir ? dvcRootOf(dir) : undefined;
    if (!root || !dvcYaml) return root ? withFolder(root, first) : undefined;
    const file = relative(root, dvcYaml).replace(/\\/g, '/');
    return withFolder(root, file === 'dvc.yaml' ? first : `${file}:${first}`);
  }
  // A Pipeline view row carries its DVC root on its service; CodeLens and others pass `root`.
  const element = first as { stage?: { name?: unknown; address?: unknown; file?: unknown }; root?: unknown; service?: { root?: unknown } } | undefined;
  const name = element?.stage?.name;
  const rootPath = pathOf(element?.root ?? element?.service?.root);
  if (typeof name !== 'string' || !rootPath) return undefined;
  if (typeof element?.stage?.address === 'string') return withFolder(rootPath, element.stage.address);
  const file = typeof element?.stage?.file === 'string' ? element.stage.file.replace(/\\/g, '/') : 'dvc.yaml';
  return withFolder(rootPath, file === 'dvc.yaml' ? name : `${file}:${name}`);
}

function withFolder(root: string, address: string): StageTarget | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(root)) ?? vscode.workspace.workspaceFolders?.find((f) => resolve(f.uri.fsPath).startsWith(root));
  return folder ? { folder, root, address } : undefined;
}

/** Every DVC project of the workspace (found through its dvc.yaml files). */
export async function dvcRoots(): Promise<{ folder: vscode.WorkspaceFolder; root: string }[]> {
  const files = await vscode.workspace.findFiles('**/dvc.yaml', EXCLUDE, 50);
  const roots = new Set(files.map((file) => dvcRootOf(dirname(file.fsPath))).filter((root): root is string => root !== undefined));
  return [...roots].sort().flatMap((root) => {
    const target = withFolder(root, '');
    return target ? [{ folder: target.folder, root }] : [];
  });
}

export async function loadStages(root: string): Promise<Stage[]> {
  const repo = openDvcRepo(root);
  try {
    return (await repo.load()).stages.filter((stage) => stage.kind === 'pipeline');
  } finally {
    void repo.dispose();
  }
}

/** The stage itself (command, wdir) from its dvc.yaml. */
export async function loadStage(target: StageTarget): Promise<Stage> {
  const stage = (await loadStages(target.root)).find((s) => s.address === target.address);
  if (!stage) throw new Error(`No stage ${target.address} in the pipeline of ${target.root}.`);
  return stage;
}

export async function pickStage(title: string): Promise<StageTarget | undefined> {
  const roots = await dvcRoots();
  const items = (
    await Promise.all(
      roots.map(async ({ folder, root }) =>
        (await loadStages(root)).map((stage) => ({ label: stage.address, description: typeof stage.cmd === 'string' ? stage.cmd : stage.cmd?.join(' && '), detail: roots.length > 1 ? relative(folder.uri.fsPath, root) || folder.name : undefined, target: { folder, root, address: stage.address } })),
      ),
    )
  ).flat();
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No DVC pipeline stages in this workspace (no dvc.yaml with stages inside a DVC project).');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title, placeHolder: 'Stage', matchOnDescription: true }))?.target;
}

export async function pickDvcRoot(title: string, hint?: unknown): Promise<{ folder: vscode.WorkspaceFolder; root: string } | undefined> {
  const given = pathOf((hint as { root?: unknown })?.root ?? hint);
  const root = given ? dvcRootOf(given) : undefined;
  const fromHint = root ? withFolder(root, '') : undefined;
  if (fromHint) return { folder: fromHint.folder, root: fromHint.root };
  const roots = await dvcRoots();
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
