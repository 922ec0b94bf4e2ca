import { stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import * as vscode from 'vscode';
import type { Stage } from '../../core/dvc/model.js';
import { pipelineMermaid } from '../../core/dvc/mermaid.js';
import type { Logger } from '../../core/log.js';
import { dvcRepro } from '../../core/tasks/dvc.js';
import { Commands } from '../constants.js';
import type { VirtualDocuments } from '../documents/virtualDocuments.js';
import type { DvcRootService } from '../dvc/rootService.js';
import { dvcPython, interpreterEnv, runTask } from '../dvc/tasks.js';
import type { DvcWorkspace } from '../dvc/workspace.js';
import type { PythonService } from '../python.js';
import type { PipelineElement } from '../trees/pipeline/elements.js';
import { stageDescription, stageLabel } from '../trees/pipeline/items.js';
import type { PipelineTreeProvider } from '../trees/pipeline/tree.js';
import { registerCommand } from './register.js';

export interface PipelineCommandsContext {
  readonly log: Logger;
  readonly dvc: DvcWorkspace;
  readonly python: PythonService;
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
    registerCommand(log, Commands.runStage, (target?: PipelineElement | string, where?: string) => runStage(context, target, where)),
    registerCommand(log, Commands.showPipelineDag, () => showDag(context)),
    registerCommand(log, Commands.openStagePart, (uri?: vscode.Uri) => openPart(uri)),
  );
}

/**
 * `dvc repro <stage>` as a task. The target is a tree row, or a stage address (`train`,
 * `sub/dvc.yaml:train`) with the DVC root or dvc.yaml it belongs to (CodeLens, other extensions),
 * or nothing (a quick pick of every stage).
 */
async function runStage(context: PipelineCommandsContext, target?: PipelineElement | string, where?: string): Promise<void> {
  const resolved = await resolveStage(context, target, where);
  if (!resolved) return;
  const { service, stage } = resolved;
  const python = await dvcPython(context.python, service.folder);
  const spec = dvcRepro({ python, cwd: service.root, targets: [stage.address], env: interpreterEnv(python) });
  const exit = await runTask(spec, service.folder, { command: 'repro', stage: stage.address });
  context.log.info(`dvc: ${spec.label} in ${service.root} exited with ${exit ?? 'unknown status'}`);
  service.schedule();
}

async function resolveStage(context: PipelineCommandsContext, target: PipelineElement | string | undefined, where: string | undefined): Promise<{ service: DvcRootService; stage: Stage } | undefined> {
  await context.dvc.ensureStarted();
  if (typeof target === 'object' && target.kind === 'stage') return { service: target.service, stage: target.stage };
  const candidates = context.dvc.roots.flatMap((service) => (service.state.kind === 'ready' ? service.state.inspection.stages.filter((s) => s.kind === 'pipeline').map((stage) => ({ service, stage })) : []));
  if (typeof target === 'string') {
    const service = where ? context.dvc.serviceFor(where) : undefined;
    const fileRel = where && service && where.endsWith('dvc.yaml') ? relative(service.root, where).split('\\').join('/') : undefined;
    const found = candidates.find((c) => (!service || c.service === service) && (c.stage.address === target || (c.stage.name === target && (!fileRel || c.stage.file === fileRel))));
    if (!found) throw new Error(`No DVC stage "${target}"${where ? ` in ${where}` : ''}.`);
    return found;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((c) => ({ label: c.stage.address, description: stageDescription(c.stage, c.service.state.kind === 'ready' ? c.service.state.inspection.status.stages.find((s) => s.address === c.stage.address) : undefined), detail: context.dvc.roots.length > 1 ? c.service.label : undefined, candidate: c })),
    { title: 'Run DVC Stage', placeHolder: 'The stage to reproduce (dvc repro)' },
  );
  return picked?.candidate;
}

/** The pipeline of every root as a Mermaid flowchart, with a table of each stage's status. */
async function showDag(context: PipelineCommandsContext): Promise<void> {
  await context.dvc.ensureStarted();
  const sections: string[] = [];
  for (const service of context.dvc.roots) {
    if (service.state.kind !== 'ready') {
      sections.push(`## ${service.label}\n\n${service.state.kind === 'error' ? `Could not read the pipeline: ${service.state.message}` : 'Still checking…'}\n`);
      continue;
    }
    const { stages, dag, status } = service.state.inspection;
    const states = new Map(status.stages.map((s) => [s.address, s.state]));
    const statusBy = new Map(status.stages.map((s) => [s.address, s]));
    const byAddress = new Map(stages.map((s) => [s.address, s]));
    const rows = dag.order.map((address) => {
      const stage = byAddress.get(address)!;
      const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
      return `| ${cell(stageLabel(stage))} | ${cell(stageDescription(stage, statusBy.get(address)))} | ${cell((dag.upstream.get(address) ?? []).join(', ') || '—')} |`;
    });
    sections.push([`## ${service.label}`, '', '```mermaid', pipelineMermaid(stages, dag, states), '```', '', '| Stage | Status | After |', '| --- | --- | --- |', ...rows, ''].join('\n'));
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

/** The file that records a stage's outputs: its `.dvc` file, or the dvc.lock beside its dvc.yaml. */
export function lockFileOf(service: DvcRootService, stage: Stage): string {
  return stage.kind === 'data' ? join(service.root, stage.file) : join(service.root, dirname(stage.file), 'dvc.lock');
}
