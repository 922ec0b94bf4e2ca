import type * as vscode from 'vscode';
import type { DvcProject, ProjectFolder } from '../../core/dvc/project.js';
import type { DvcProjects } from '../../core/dvc/projects.js';

/** A DVC project's workspace folder, as core sees it (name, path) and as VS Code does. */
export interface DvcFolder extends ProjectFolder {
  readonly workspaceFolder: vscode.WorkspaceFolder;
}

export type Project = DvcProject<DvcFolder>;
export type Projects = DvcProjects<DvcFolder>;

export function dvcFolder(folder: vscode.WorkspaceFolder): DvcFolder {
  return { name: folder.name, path: folder.uri.fsPath, workspaceFolder: folder };
}
