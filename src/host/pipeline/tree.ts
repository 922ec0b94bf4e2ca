import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import * as vscode from 'vscode';
import { BATCH_PARAMS_FILE } from '../../core/deploy/batchStage.js';
import { type BatchStageCheck, checkBatchStages, findBatchStages } from '../../core/deploy/batchStatus.js';
import { RegistryLookup } from '../../core/deploy/resolve.js';
import type { Stage } from '../../core/dvc/entities.js';
import type { ModelRegistry } from '../../core/tracking/store.js';
import { stageParts } from '../../core/dvc/stageParts.js';
import type { Logger } from '../../core/log.js';
import { Disposable } from '../dispose.js';
import type { Project, Projects } from '../dvc/projects.js';
import type { MessageElement, PartElement, PipelineElement, RootElement, StageElement } from './treeNodes.js';
import { treeItem } from './treeItems.js';

/**
 * Stages of every DVC root in DAG order (each after the stages it depends on), with their status
 * and why; below a stage its deps, param keys and outputs, each with its own change. One level of
 * roots first when the workspace has several. getChildren never throws.
 */
export class PipelineTreeProvider extends Disposable implements vscode.TreeDataProvider<PipelineElement> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<PipelineElement | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;

  constructor(
    private readonly dvc: Projects,
    private readonly log: Logger,
    /** The Model Registry of the folder holding a path (batch prediction stages are checked against it). */
    private readonly registryFor: (path: string) => ModelRegistry | undefined = () => undefined,
  ) {
    super();
    this.register(dvc.onDidChange(() => this.changeEmitter.fire(undefined)));
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  getTreeItem(element: PipelineElement): vscode.TreeItem {
    return treeItem(element);
  }

  getParent(element: PipelineElement): PipelineElement | undefined {
    switch (element.kind) {
      case 'root':
        return undefined;
      case 'stage':
      case 'message':
        return element.parent;
      case 'part':
        return element.owner;
    }
  }

  async getChildren(element?: PipelineElement): Promise<PipelineElement[]> {
    try {
      if (!element) return await this.roots();
      if (element.kind === 'root') return await this.withBatchChecks(element.project, this.stagesOf(element.project, element));
      if (element.kind === 'stage') return await partsOf(element);
      return [];
    } catch (error) {
      this.log.error(error as Error);
      return [{ kind: 'message', id: `error:${Date.now()}`, message: (error as Error).message, icon: 'error', parent: undefined }];
    }
  }

  private async roots(): Promise<PipelineElement[]> {
    await this.dvc.ensureStarted();
    const roots = this.dvc.projects;
    if (roots.length > 1) return roots.map((project) => ({ kind: 'root', project }));
    // No DVC project: the view stays empty, so its welcome content explains what to do.
    return roots[0] ? this.withBatchChecks(roots[0], this.stagesOf(roots[0], undefined)) : [];
  }

  /**
   * Batch prediction stages (params `<section>.model_uri` / `model_version`) get whether the alias
   * they follow still names the recorded version: DVC cannot know when an alias moves.
   */
  private async withBatchChecks(project: Project, rows: PipelineElement[]): Promise<PipelineElement[]> {
    const registry = this.registryFor(project.root);
    const files = [...new Set(rows.flatMap((row) => (row.kind === 'stage' && row.stage.kind === 'pipeline' ? [row.stage.file] : [])))];
    if (!registry || files.length === 0) return rows;
    const checks = new Map<string, BatchStageCheck>();
    const lookup = new RegistryLookup(registry);
    await Promise.all(
      files.map(async (file) => {
        const path = join(project.root, file);
        const [dvcYaml, params] = await Promise.all([readFile(path, 'utf8').catch(() => ''), readFile(join(dirname(path), BATCH_PARAMS_FILE), 'utf8').catch(() => undefined)]);
        if (!dvcYaml.includes('model_uri')) return;
        for (const check of await checkBatchStages(findBatchStages(dvcYaml, params), lookup)) checks.set(`${file}:${check.record.stage}`, check);
      }),
    );
    if (checks.size === 0) return rows;
    return rows.map((row) => {
      const batch = row.kind === 'stage' ? checks.get(`${row.stage.file}:${row.stage.name}`) : undefined;
      return batch && row.kind === 'stage' ? { ...row, batch } : row;
    });
  }

  private stagesOf(project: Project, parent: RootElement | undefined): PipelineElement[] {
    const state = project.state;
    const note = (id: string, message: string, icon: MessageElement['icon'], detail?: string): MessageElement => ({ kind: 'message', id: `${project.root}:${id}`, message, icon, parent, ...(detail ? { detail } : {}) });
    if (state.kind === 'loading' && !state.preview) return [note('loading', project.busy ? `Waiting for ${project.busy.holders[0] ?? 'a dvc command'} to finish…` : 'Checking the pipeline…', project.busy ? 'busy' : 'loading')];
    if (state.kind === 'error') return [note('error', `Could not read the pipeline: ${state.message.split('\n')[0]}`, 'error', state.message)];
    // While the first check hashes, the stages show without a status ("checking").
    const { stages, dag } = state.kind === 'ready' ? state.inspection : state.preview!;
    const byAddress = new Map(stages.map((s) => [s.address, s]));
    const statusBy = new Map(state.kind === 'ready' ? state.inspection.status.stages.map((s) => [s.address, s]) : []);
    const ordered = dag.order.map((a) => byAddress.get(a)).filter((s): s is Stage => s !== undefined);
    const rows: PipelineElement[] = ordered.map((stage) => ({ kind: 'stage', project, stage, status: statusBy.get(stage.address), parent }));
    // A file DVC cannot read (an invalid params.yaml or dvc.lock) is said in the view too, the readable stages kept.
    const errors = state.kind === 'ready' ? state.inspection.diagnostics.filter((d) => d.severity === 'error') : [];
    errors.forEach((d, i) => rows.push(note(`problem:${i}`, `${relative(project.root, d.file)}:${d.line}: ${d.message}`, 'error', `${d.file}:${d.line}:${d.column}: ${d.message}`)));
    if (rows.length === 0) rows.push(note('empty', 'No stages yet: add one with `dvc stage add` or `dvc add`', 'info'));
    return rows;
  }
}

function partsOf(owner: StageElement): PartElement[] {
  return stageParts(owner.stage, owner.status).map((part) => ({ kind: 'part', owner, ...part }));
}
