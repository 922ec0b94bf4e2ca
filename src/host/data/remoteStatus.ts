import * as vscode from 'vscode';
import type { RemoteLookup } from '../../core/dvc/remote/badges.js';
import { isRemoteConfigFile } from '../../core/dvc/remote/badges.js';
import { remoteStatus, RemoteStatusError } from '../../core/dvc/remote/remoteStatus.js';
import type { Logger } from '../../core/log.js';
import { Disposable } from '../dispose.js';
import type { Project, Projects } from '../dvc/projects.js';

/** Quiet time after a burst of changes (a `dvc add` rewrites several files) before asking the remote again. */
const DEBOUNCE_MS = 500;

/**
 * The remote status of each DVC project, read lazily (only once the Data view asks for a
 * project's rows) and off the extension host's critical path, then kept until something that can
 * change it happens: the tracked data changes, `.dvc/config` changes, or a push, pull or fetch
 * ends (`invalidate`). Restricted Mode contacts no remote the repository names. Credentials are
 * DVC's config and the environment's, as `dvc` itself would use.
 */
export class RemoteStatusTracker extends Disposable {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<Project>());
  readonly onDidChange = this.changeEmitter.event;
  private readonly lookups = new Map<string, RemoteLookup>();
  private readonly running = new Map<string, AbortController>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly signatures = new Map<string, string>();

  constructor(
    private readonly dvc: Projects,
    private readonly log: Logger,
  ) {
    super();
    this.register(dvc.onDidChange((project) => project && this.onProjectChanged(project)));
    const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/.dvc/config*'));
    const onConfig = (uri: vscode.Uri): void => {
      if (!isRemoteConfigFile(uri.path)) return;
      const project = this.dvc.projectFor(uri.fsPath);
      if (project) this.invalidate(project);
    };
    this.register(watcher.onDidChange(onConfig));
    this.register(watcher.onDidCreate(onConfig));
    this.register(watcher.onDidDelete(onConfig));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.dvc.projects.forEach((p) => this.invalidate(p))));
    this.register({ dispose: () => this.stopAll() });
  }

  /** The project's lookup, starting one when none was made yet (the lazy part). */
  lookup(project: Project): RemoteLookup {
    const known = this.lookups.get(project.root);
    if (known) return known;
    if (!vscode.workspace.isTrusted) return this.settle(project, { kind: 'restricted' }, false);
    this.lookups.set(project.root, { kind: 'checking' });
    this.start(project, 0);
    return { kind: 'checking' };
  }

  /** The project's lookup as it stands, without starting one (decorations follow the view's reads). */
  current(project: Project): RemoteLookup | undefined {
    return this.lookups.get(project.root);
  }

  /** Read again (a transfer ended, the config changed); rows keep their last answer until the new one comes. */
  invalidate(project: Project, delay = DEBOUNCE_MS): void {
    if (!this.lookups.has(project.root)) return;
    if (!vscode.workspace.isTrusted) return;
    this.start(project, delay);
  }

  private onProjectChanged(project: Project): void {
    const state = project.state;
    if (state.kind !== 'ready') return;
    const signature = JSON.stringify(state.inspection.data.map((d) => [d.repoPath, d.hash, d.state]));
    const before = this.signatures.get(project.root);
    this.signatures.set(project.root, signature);
    if (before !== undefined && before !== signature) this.invalidate(project);
  }

  private start(project: Project, delay: number): void {
    clearTimeout(this.timers.get(project.root));
    this.timers.set(
      project.root,
      setTimeout(() => {
        this.timers.delete(project.root);
        void this.read(project);
      }, delay),
    );
  }

  private async read(project: Project): Promise<void> {
    this.running.get(project.root)?.abort();
    const controller = new AbortController();
    this.running.set(project.root, controller);
    let lookup: RemoteLookup;
    try {
      const status = await remoteStatus(project.root, { env: process.env, signal: controller.signal });
      lookup = { kind: 'ready', status };
      this.log.info(`remote status of ${project.root}: ${status.remote.label} (${status.via}), ${status.outputs.filter((o) => o.state !== 'in sync' && o.state !== 'skipped').length} of ${status.outputs.filter((o) => o.state !== 'skipped').length} pushable paths not in sync`);
    } catch (error) {
      if (controller.signal.aborted) return;
      if (error instanceof RemoteStatusError && error.reason === 'no-remote') lookup = { kind: 'no-remote' };
      else {
        this.log.warn(`remote status of ${project.root}: ${(error as Error).message}`);
        lookup = { kind: 'error', message: (error as Error).message.split('\n')[0]! };
      }
    } finally {
      if (this.running.get(project.root) === controller) this.running.delete(project.root);
    }
    this.settle(project, lookup, true);
  }

  private settle(project: Project, lookup: RemoteLookup, fire: boolean): RemoteLookup {
    this.lookups.set(project.root, lookup);
    if (fire) this.changeEmitter.fire(project);
    return lookup;
  }

  private stopAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const controller of this.running.values()) controller.abort();
  }
}
