import type * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import type { RunsModel } from '../../core/tracking/runsModel.js';
import { Disposable } from '../dispose.js';
import type { FolderTracking } from '../tracking/trackingService.js';

/** Every this many polls the loaded pages are read too, so new runs appear. */
const PAGES_EVERY = 4;

/**
 * Keeps RUNNING runs of a tracking server current (local stores are watched on disk instead):
 * every interval the runs model re-reads the runs still RUNNING, and every fourth interval the
 * loaded pages. Nothing is polled while the Runs view is hidden.
 */
export class ServerRunPoller extends Disposable {
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private busy = false;

  constructor(
    private readonly runs: RunsModel<FolderTracking>,
    private readonly view: vscode.TreeView<unknown>,
    private readonly intervalSeconds: () => number,
    private readonly log: Logger,
  ) {
    super();
    this.register(view.onDidChangeVisibility(() => this.schedule()));
    this.register({ dispose: () => clearTimeout(this.timer) });
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const seconds = this.intervalSeconds();
    if (!this.view.visible || seconds <= 0) return;
    this.timer = setTimeout(() => void this.tick().finally(() => this.schedule()), seconds * 1000);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      this.ticks++;
      await this.runs.pollServers(this.ticks % PAGES_EVERY === 0);
    } catch (error) {
      this.log.warn(`live refresh of running runs failed: ${(error as Error).message}`);
    } finally {
      this.busy = false;
    }
  }
}
