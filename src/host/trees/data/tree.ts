import { simpleGit } from 'simple-git';
import * as vscode from 'vscode';
import type { DataVersion, TrackedData } from '../../../core/dvc/model.js';
import type { Logger } from '../../../core/log.js';
import { Disposable } from '../../dispose.js';
import type { DvcRootService } from '../../dvc/rootService.js';
import type { RunsAtCommit } from '../../dvc/runsAtCommit.js';
import type { DvcWorkspace } from '../../dvc/workspace.js';
import type { DataElement, DataMessageElement, DataRootElement, TrackedElement, VersionElement } from './elements.js';
import { treeItem } from './items.js';

/**
 * Every path DVC tracks (`.dvc` files and stage outputs) with its size, file count and state; below
 * it the versions git history holds (each commit that changed its recorded hash) and the MLflow
 * runs logged at each. Re-renders only when the tracked data itself changes, so a stage going stale
 * does not collapse anything here. getChildren never throws.
 */
export class DataTreeProvider extends Disposable implements vscode.TreeDataProvider<DataElement> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<DataElement | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly signatures = new Map<string, string>();
  private readonly versions = new Map<string, { key: string; versions: Promise<DataVersion[]> }>();

  constructor(
    private readonly dvc: DvcWorkspace,
    private readonly runs: RunsAtCommit,
    private readonly log: Logger,
  ) {
    super();
    this.register(dvc.onDidChange((service) => this.onRootChanged(service)));
  }

  refresh(): void {
    this.versions.clear();
    this.runs.forget();
    this.changeEmitter.fire(undefined);
  }

  getTreeItem(element: DataElement): vscode.TreeItem {
    return treeItem(element, Date.now());
  }

  getParent(element: DataElement): DataElement | undefined {
    switch (element.kind) {
      case 'root':
        return undefined;
      case 'tracked':
      case 'message':
        return element.parent;
      case 'version':
        return element.owner;
      case 'run':
        return element.owner;
    }
  }

  async getChildren(element?: DataElement): Promise<DataElement[]> {
    try {
      if (!element) return await this.roots();
      switch (element.kind) {
        case 'root':
          return this.trackedOf(element.service, element);
        case 'tracked':
          return await this.versionsOf(element);
        case 'version':
          return element.runs.map((found) => ({ kind: 'run', owner: element, found }));
        default:
          return [];
      }
    } catch (error) {
      this.log.error(error as Error);
      const parent = element?.kind === 'root' || element?.kind === 'tracked' ? element : undefined;
      return [{ kind: 'message', id: `error:${element ? JSON.stringify(element.kind) : 'root'}:${Date.now()}`, message: (error as Error).message.split('\n')[0]!, detail: (error as Error).message, icon: 'error', parent }];
    }
  }

  /** Versions of a tracked path, newest first (from git history, remembered until HEAD or the record moves). */
  async versionList(element: TrackedElement): Promise<DataVersion[]> {
    const head = await simpleGit({ baseDir: element.service.root }).revparse(['HEAD']).catch(() => '');
    const id = `${element.service.root}\0${element.data.repoPath}`;
    const key = `${head}\0${element.data.hash ?? ''}`;
    let entry = this.versions.get(id);
    if (!entry || entry.key !== key) {
      entry = { key, versions: element.service.repo.dataVersions(element.data.repoPath) };
      this.versions.set(id, entry);
      entry.versions.catch(() => this.versions.delete(id));
    }
    return entry.versions;
  }

  private onRootChanged(service: DvcRootService | undefined): void {
    if (!service) return this.changeEmitter.fire(undefined);
    const state = service.state;
    const signature = state.kind === 'ready' ? JSON.stringify(state.inspection.data) : state.kind;
    if (this.signatures.get(service.root) === signature) return;
    this.signatures.set(service.root, signature);
    this.changeEmitter.fire(undefined);
  }

  private async roots(): Promise<DataElement[]> {
    await this.dvc.ensureStarted();
    const roots = this.dvc.roots;
    if (roots.length > 1) return roots.map((service) => ({ kind: 'root', service }));
    return roots[0] ? this.trackedOf(roots[0], undefined) : [];
  }

  private trackedOf(service: DvcRootService, parent: DataRootElement | undefined): DataElement[] {
    const state = service.state;
    const note = (id: string, message: string, icon: DataMessageElement['icon'], detail?: string): DataMessageElement => ({ kind: 'message', id: `${service.root}:${id}`, message, icon, parent, ...(detail ? { detail } : {}) });
    if (state.kind === 'loading') return [note('loading', 'Reading tracked data…', 'loading')];
    if (state.kind === 'error') return [note('error', `Could not read DVC data: ${state.message.split('\n')[0]}`, 'error', state.message)];
    const tracked = [...state.inspection.data].sort((a, b) => a.repoPath.localeCompare(b.repoPath));
    if (tracked.length === 0) return [note('empty', 'Nothing tracked yet: `dvc add` a file or add a stage with outputs', 'info')];
    return tracked.map((data: TrackedData) => ({ kind: 'tracked', service, data, parent }));
  }

  private async versionsOf(element: TrackedElement): Promise<DataElement[]> {
    const versions = await this.versionList(element);
    if (versions.length === 0) {
      return [{ kind: 'message', id: `${element.service.root}:${element.data.repoPath}:none`, message: 'No committed versions yet', detail: 'Versions come from git history: commit the .dvc or dvc.lock file to record one.', icon: 'info', parent: element }];
    }
    const folder = element.service.folder.uri.toString();
    const runs = await Promise.all(
      versions.map((v) =>
        this.runs.find(element.service.root, folder, v.commit).catch((error: unknown) => {
          this.log.warn(`runs at ${v.commit.slice(0, 7)}: ${(error as Error).message}`);
          return [];
        }),
      ),
    );
    const rows: DataElement[] = versions.map((version, i): VersionElement => ({ kind: 'version', owner: element, version, siblings: versions, current: version.hash === element.data.hash && i === versions.findIndex((v) => v.hash === element.data.hash), runs: runs[i]! }));
    // The record names a version git has not seen yet (dvc add / dvc repro, not committed).
    if (element.data.hash && !versions.some((v) => v.hash === element.data.hash)) {
      const file = element.data.source === 'dvc-file' ? element.data.stage : 'dvc.lock';
      rows.unshift({ kind: 'message', id: `${element.service.root}:${element.data.repoPath}:uncommitted`, message: 'Uncommitted version', detail: `${file} records md5 ${element.data.hash}, which no commit has yet: git commit ${file} to keep it as a version.`, icon: 'uncommitted', parent: element });
    }
    return rows;
  }
}
