import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { pipelineMermaid } from '../../core/dvc/mermaid.js';
import type { CommandTable } from '../commands.js';
import { Commands } from '../constants.js';
import type { Services } from '../services.js';
import { GraphPanel } from './graphPanel.js';
import type { PipelineTreeProvider } from './tree.js';
import { stageDescription, stageLabel } from './treeItems.js';

/** What the Pipeline feature's commands work with. */
export interface PipelineFeature {
  readonly services: Services;
  readonly tree: PipelineTreeProvider;
  readonly extensionUri: vscode.Uri;
}

export const pipelineCommands: CommandTable<PipelineFeature> = {
  [Commands.refreshPipeline]: refreshPipeline,
  [Commands.showPipelineDag]: showPipelineDag,
  [Commands.openStagePart]: openStagePart,
};

/** The projects found again, the view rebuilt, every stage checked again. */
async function refreshPipeline({ services, tree }: PipelineFeature): Promise<void> {
  await services.dvc.rediscover();
  tree.refresh();
  await services.dvc.refreshAll();
}

/** The pipeline of every project as a picture: stages coloured by status, click to open one. */
async function showPipelineDag({ services, extensionUri }: PipelineFeature): Promise<void> {
  const { dvc, log } = services;
  GraphPanel.open({ extensionUri, dvc, log, exportMermaid: () => showPipelineMermaid(services) });
  await dvc.ensureStarted();
}

/** The pipeline of every root as a Mermaid flowchart, with a table of each stage's status. */
export async function showPipelineMermaid(services: Services): Promise<void> {
  await services.dvc.ensureStarted();
  const sections: string[] = [];
  for (const project of services.dvc.projects) {
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
  const document = await vscode.workspace.openTextDocument(services.documents.add(text, 'Pipeline DAG.md'));
  await vscode.window.showTextDocument(document, { preview: true });
}

/** A dep or output: a file opens, a folder is revealed in the Explorer. */
async function openStagePart(_feature: PipelineFeature, uri?: vscode.Uri): Promise<void> {
  if (!uri) return;
  const info = await stat(uri.fsPath).catch(() => undefined);
  if (!info) throw new Error(`${uri.fsPath} does not exist (yet): run the stage that makes it.`);
  if (info.isDirectory()) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('vscode.open', uri);
}
