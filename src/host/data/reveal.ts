import type * as vscode from 'vscode';
import type { CommandTable } from '../commands.js';
import { Commands } from '../constants.js';
import type { Services } from '../services.js';
import type { DataElement, TrackedElement } from './treeNodes.js';

interface RevealContext {
  readonly services: Services;
  readonly view: vscode.TreeView<DataElement>;
}

/** Selects a tracked path's row, its versions expanded (from the Lineage panel): `(dvcRoot, repoPath)`. */
export const revealCommands: CommandTable<RevealContext> = {
  [Commands.revealDataVersion]: async ({ services, view }: RevealContext, root?: string, path?: string) => {
    await services.dvc.ensureStarted();
    const projects = services.dvc.projects;
    const project = projects.find((p) => p.root === root);
    const data = project?.inspection?.data.find((d) => d.repoPath === path);
    if (!project || !data) throw new Error(`${path ?? 'The data'} is not a path DVC tracks in ${root ?? 'this workspace'} now.`);
    const element: TrackedElement = { kind: 'tracked', project, data, parent: projects.length > 1 ? { kind: 'root', project } : undefined };
    await view.reveal(element, { select: true, focus: true, expand: true });
  },
};
