import * as vscode from 'vscode';
import type { TrackedData } from '../../core/dvc/entities.js';
import { DataVersionCache, versionRows } from '../../core/dvc/versionHistory.js';
import type { RunsAtCommit } from '../../core/lineage/runsAtCommit.js';
import type { Logger } from '../../core/log.js';
import { trainedOnSummary } from '../../core/lineage/graph.js';
import { Disposable } from '../dispose.js';
import type { LineageCache } from '../lineageCache.js';
import type { Project, Projects } from '../dvc/projects.js';
import type { TrackingService } from '../tracking/trackingService.js';
import { remoteBadge } from '../../core/dvc/remote/badges.js';
import type { RemoteStatusTracker } from './remoteStatus.js';
import type { DataElement, DataMessageElement, DataRootElement, TrackedElement, VersionElement } from './treeNodes.js';
import { treeItem } from './treeItems.js';

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
  private readonly versions = new DataVersionCache();

  constructor(
    private readonly dvc: Projects,
    private readonly tracking: TrackingService,
    private readonly runs: RunsAtCommit,
    private readonly log: Logger,
    private readonly trained?: LineageCache,
    private readonly remote?: RemoteStatusTracker,
  ) {
    super();
    this.register(dvc.onDidChange((project) => this.onProjectChanged(project)));
    if (trained) this.register(trained.onDidChange(() => this.changeEmitter.fire(undefined)));
    if (remote) this.register(remote.onDidChange(() => this.changeEmitter.fire(undefined)));
  }

  refresh(): void {
    this.versions.clear();
    this.runs.forget();
    this.changeEmitter.fire(undefined);
  }

  getTreeItem(element: DataElement): vscode.TreeItem {
    const item = treeItem(element, Date.now());
    if (element.kind === 'version') this.trainedOn(element, item);
    return item;
  }

  /** The runs and model versions trained on a version (lineage), asked for lazily; the row re-renders when known. */
  private trainedOn(element: VersionElement, item: vscode.TreeItem): void {
    const tracking = this.tracking.forFolder(element.owner.project.folder.workspaceFolder);
    if (!this.trained || tracking?.state.kind !== 'ready') return;
    const place = { folder: tracking.folder, store: tracking.state.store };
    const { repoPath } = element.owner.data;
    const known = this.trained.peekData(place, repoPath, element.version.commit);
    if (!known) {
      const again = (): void => this.changeEmitter.fire(element);
      this.trained.data(place, repoPath, element.version.commit).then(again, again);
      return;
    }
    if (!('value' in known)) return;
    const summary = trainedOnSummary(known.value);
    // First, so a narrow side bar still shows it; the version's own facts follow.
    if (summary.description) item.description = `${summary.description} · ${item.description as string}`;
    if (item.tooltip instanceof vscode.MarkdownString) item.tooltip.appendMarkdown('\n\n').appendText(summary.tooltip);
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
          return await this.trackedOf(element.project, element);
        case 'tracked':
          return await this.versionsOf(element);
        case 'version':
          return await element.runs.map((found) => ({ kind: 'run', owner: element, found }));
        default:
          return [];
      }
    } catch (error) {
      this.log.error(error as Error);
      const parent = element?.kind === 'root' || element?.kind === 'tracked' ? element : undefined;
      return [{ kind: 'message', id: `error:${element ? JSON.stringify(element.kind) : 'root'}:${Date.now()}`, message: (error as Error).message.split('\n')[0]!, detail: (error as Error).message, icon: 'error', parent }];
    }
  }

  private onProjectChanged(project: Project | undefined): void {
    if (!project) return this.changeEmitter.fire(undefined);
    const state = project.state;
    const signature = state.kind === 'ready' ? JSON.stringify(state.inspection.data) : state.kind;
    if (this.signatures.get(project.root) === signature) return;
    this.signatures.set(project.root, signature);
    this.changeEmitter.fire(undefined);
  }

  private async roots(): Promise<DataElement[]> {
    await this.dvc.ensureStarted();
    const roots = this.dvc.projects;
    if (roots.length > 1) return roots.map((project) => ({ kind: 'root', project }));
    return roots[0] ? this.trackedOf(roots[0], undefined) : [];
  }

  private trackedOf(project: Project, parent: DataRootElement | undefined): DataElement[] {
    const state = project.state;
    const note = (id: string, message: string, icon: DataMessageElement['icon'], detail?: string): DataMessageElement => ({ kind: 'message', id: `${project.root}:${id}`, message, icon, parent, ...(detail ? { detail } : {}) });
    if (state.kind === 'loading') return [note('loading', 'Reading tracked data…', 'loading')];
    if (state.kind === 'error') return [note('error', `Could not read DVC data: ${state.message.split('\n')[0]}`, 'error', state.message)];
    const tracked = [...state.inspection.data].sort((a, b) => a.repoPath.localeCompare(b.repoPath));
    if (tracked.length === 0) return [note('empty', 'Nothing tracked yet: `dvc add` a file or add a stage with outputs', 'info')];
    const lookup = this.remote?.lookup(project);
    return tracked.map((data: TrackedData) => {
      const remote = lookup && remoteBadge(lookup, data.repoPath);
      return { kind: 'tracked', project, data, parent, ...(remote ? { remote } : {}) };
    });
  }

  private async versionsOf(element: TrackedElement): Promise<DataElement[]> {
    const { project, data } = element;
    const versions = await this.versions.versions(project.repo, data.repoPath, data.hash);
    if (versions.length === 0) {
      return [{ kind: 'message', id: `${project.root}:${data.repoPath}:none`, message: 'No committed versions yet', detail: 'Versions come from git history: commit the .dvc or dvc.lock file to record one.', icon: 'info', parent: element }];
    }
    const place = this.tracking.forFolder(project.folder.workspaceFolder);
    const runs = await Promise.all(
      versions.map((v) =>
        this.runs.find(place, project.root, v.commit).catch((error: unknown) => {
          this.log.warn(`runs at ${v.commit.slice(0, 7)}: ${(error as Error).message}`);
          return [];
        }),
      ),
    );
    const { rows, uncommitted } = versionRows(versions, data.hash);
    const elements: DataElement[] = rows.map(({ version, current }, i): VersionElement => ({ kind: 'version', owner: element, version, siblings: versions, current, runs: runs[i]! }));
    if (uncommitted) {
      const file = data.source === 'dvc-file' ? data.stage : 'dvc.lock';
      elements.unshift({ kind: 'message', id: `${project.root}:${data.repoPath}:uncommitted`, message: 'Uncommitted version', detail: `${file} records md5 ${data.hash}, which no commit has yet: git commit ${file} to keep it as a version.`, icon: 'uncommitted', parent: element });
    }
    return elements;
  }
}
