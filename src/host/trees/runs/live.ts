import type * as vscode from 'vscode';
import type { Logger } from '../../../core/log.js';
import { Disposable } from '../../dispose.js';
import type { RunsTreeProvider } from './tree.js';

/**
 * Keeps RUNNING runs of a tracking server current: local stores are watched on disk instead.
 * Every interval it re-reads only the runs still RUNNING (one get-run each), and every fourth
 * interval the loaded pages, so new runs appear. Nothing is polled while the view is hidden.
 */
export class ServerRunPoller extends Disposable {
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private busy = false;

  constructor(
    private readonly tree: RunsTreeProvider,
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
      const running = this.tree.runningRuns().filter((row) => row.experiment.tracking.state.kind === 'ready' && /^https?:/i.test(row.experiment.tracking.state.store.uri));
      await Promise.all(
        running.map(async (row) => {
          const state = row.experiment.tracking.state;
          if (state.kind !== 'ready') return;
          this.tree.updateRun(row, await state.store.getRun(row.run.info.run_id));
        }),
      );
      if (this.ticks % 4 === 0) {
        for (const folder of new Set(this.tree.serverFolders())) await this.tree.refreshLoaded(folder);
      }
    } catch (error) {
      this.log.warn(`live refresh of running runs failed: ${(error as Error).message}`);
    } finally {
      this.busy = false;
    }
  }
}
