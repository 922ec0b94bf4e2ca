import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { pipelineMermaid } from '../../core/dvc/mermaid.js';
import type { Logger } from '../../core/log.js';
import { Commands } from '../constants.js';
import type { VirtualDocuments } from '../documents/virtualDocuments.js';
import type { Projects } from '../dvc/projects.js';
import { stageDescription, stageLabel } from '../trees/pipeline/items.js';
import type { PipelineTreeProvider } from '../trees/pipeline/tree.js';
import { registerCommand } from './register.js';

export interface PipelineCommandsContext {
  readonly log: Logger;
  readonly dvc: Projects;
  readonly documents: VirtualDocuments;
  readonly tree: PipelineTreeProvider;
}

export function registerPipelineCommands(context: PipelineCommandsContext): vscode.Disposable {
  const { log, dvc } = context;
  return vscode.Disposable.from(
    registerCommand(log, Commands.refreshPipeline, async () => {
      await dvc.rediscover();
      context.tree.refresh();
      await dvc.refreshAll();
    }),
    registerCommand(log, Commands.showPipelineDag, () => showDag(context)),
    registerCommand(log, Commands.openStagePart, (uri?: vscode.Uri) => openPart(uri)),
  );
}

/** The pipeline of every root as a Mermaid flowchart, with a table of each stage's status. */
async function showDag(context: PipelineCommandsContext): Promise<void> {
  await context.dvc.ensureStarted();
  const sections: string[] = [];
  for (const project of context.dvc.projects) {
    const state = project.state;
    if (state.kind !== 'ready') {
      sections.push(`## ${project.label}\n\n${state.kind === 'error' ? `Could not read the pipeline: ${state.message}` : 'Still checking…'}\n`);
      continue;
    }
    const { stages, dag, status } = state.inspection;
    const states = new Map(status.stages.map((s) => [s.address, s.state]));
    const statusBy = new Map(status.stages.map((s) => [s.address, s]));
    const byAddress = new Map(stages.map((s) => [s.address, s]));
    const rows = dag.order.map((address) => {
      const stage = byAddress.get(address)!;
      const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
      return `| ${cell(stageLabel(stage))} | ${cell(stageDescription(stage, statusBy.get(address)))} | ${cell((dag.upstream.get(address) ?? []).join(', ') || '—')} |`;
    });
    sections.push([`## ${project.label}`, '', '```mermaid', pipelineMermaid(stages, dag, states), '```', '', '| Stage | Status | After |', '| --- | --- | --- |', ...rows, ''].join('\n'));
  }
  if (sections.length === 0) throw new Error('No DVC project in this workspace (no folder with a .dvc directory).');
  const text = ['# DVC pipeline', '', 'Stages in the order `dvc repro` runs them. Paste the Mermaid block into any Mermaid viewer to draw it.', '', ...sections].join('\n');
  const document = await vscode.workspace.openTextDocument(context.documents.add(text, 'Pipeline DAG.md'));
  await vscode.window.showTextDocument(document, { preview: true });
}

/** A dep or output: a file opens, a folder is revealed in the Explorer. */
async function openPart(uri: vscode.Uri | undefined): Promise<void> {
  if (!uri) return;
  const info = await stat(uri.fsPath).catch(() => undefined);
  if (!info) throw new Error(`${uri.fsPath} does not exist (yet): run the stage that makes it.`);
  if (info.isDirectory()) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('vscode.open', uri);
}
