import * as vscode from 'vscode';
import type { Stage } from '../../core/dvc/entities.js';
import { paramLeafChanges, type ParamLeafChange } from '../../core/dvc/status/paramLeaves.js';
import { isDict, toJson, type PyValue } from '../../core/dvc/pyValue.js';
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
      if (element.kind === 'root') return this.stagesOf(element.project, element);
      if (element.kind === 'stage') return partsOf(element);
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
    return roots[0] ? this.stagesOf(roots[0], undefined) : [];
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
    if (rows.length === 0) rows.push(note('empty', 'No stages yet: add one with `dvc stage add` or `dvc add`', 'info'));
    return rows;
  }
}

function partsOf(owner: StageElement): PartElement[] {
  const { stage, status } = owner;
  const parts: PartElement[] = [];
  for (const dep of stage.deps) {
    const pathChange = status?.changedDeps.find((c) => c.repoPath === dep.repoPath);
    parts.push({ kind: 'part', owner, part: 'dep', name: dep.repoPath, absPath: dep.absPath, line: dep.position.line, ...(pathChange ? { pathChange } : {}) });
  }
  for (const params of stage.params) parts.push(...paramParts(owner, params));
  for (const out of stage.outs) {
    const pathChange = status?.changedOuts.find((c) => c.repoPath === out.repoPath);
    const flags = [out.flags.cache ? undefined : 'not cached', out.flags.persist ? 'persist' : undefined].filter((f): f is string => f !== undefined);
    const part = out.kind === 'metrics' ? 'metric' : out.kind === 'plots' ? 'plot' : 'out';
    parts.push({ kind: 'part', owner, part, name: out.repoPath, absPath: out.absPath, line: out.position.line, flags, ...(pathChange ? { pathChange } : {}) });
  }
  return parts;
}

/** Param keys as leaves (`train.alpha`) with their recorded values, changed ones with old → new. */
function paramParts(owner: StageElement, params: Stage['params'][number]): PartElement[] {
  const recorded = owner.stage.lock?.params.get(params.defPath) ?? {};
  const leaves = new Map<string, unknown>();
  const flatten = (prefix: string, value: PyValue): void => {
    if (isDict(value) && Object.keys(value).length > 0) for (const [k, v] of Object.entries(value)) flatten(`${prefix}.${k}`, v);
    else leaves.set(prefix, toJson(value));
  };
  for (const [key, value] of Object.entries(recorded)) flatten(key, value);
  for (const key of params.keys) if (![...leaves.keys()].some((k) => k === key || k.startsWith(`${key}.`))) leaves.set(key, undefined);
  const changes = new Map<string, ParamLeafChange>();
  for (const change of (owner.status?.changedParams ?? []).filter((c) => c.file === params.repoPath).flatMap(paramLeafChanges)) {
    changes.set(change.key ?? params.repoPath, change);
    if (change.key !== undefined && !leaves.has(change.key)) leaves.set(change.key, undefined);
  }
  const whole = changes.get(params.repoPath);
  const base = { kind: 'part' as const, owner, part: 'param' as const, absPath: params.absPath, line: params.position.line };
  if (leaves.size === 0) return [{ ...base, name: params.repoPath, ...(whole ? { paramChange: whole } : {}) }];
  return [...leaves].map(([name, value]) => {
    const paramChange = changes.get(name) ?? whole;
    return { ...base, name, value, ...(paramChange ? { paramChange } : {}) };
  });
}
