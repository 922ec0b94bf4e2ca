import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { formatDuration, oneLine } from '../../core/format.js';
import type { Logger } from '../../core/log.js';
import { failureLine, isTrainingTask } from '../../core/tasks/index.js';
import { runsStartedSince } from '../../core/tasks/taskRuns.js';
import type { Run } from '../../core/tracking/entities.js';
import type { RunsModel } from '../../core/tracking/runsModel.js';
import { storeOf } from '../../core/tracking/storeState.js';
import { Commands } from '../constants.js';
import { Disposable } from '../dispose.js';
import type { TaskEnd, TaskRun, TaskRunner } from '../runner/runner.js';
import type { FolderTracking, TrackingService } from '../tracking/trackingService.js';
import type { VirtualDocuments } from '../virtualDocuments.js';

/**
 * What the user sees of tasks besides their terminal: the running ones in the status bar, and
 * when one ends, its new run (refresh the Runs view, offer its metrics) or why it failed.
 */
export class TaskFeedback extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('mlWorkbench.tasks', vscode.StatusBarAlignment.Left, 9));
  private readonly running = new Map<number, TaskRun>();
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    runner: TaskRunner,
    private readonly tracking: TrackingService,
    private readonly runs: RunsModel<FolderTracking>,
    private readonly documents: VirtualDocuments,
    private readonly log: Logger,
  ) {
    super();
    this.item.name = 'ML Workbench: Running Tasks';
    this.item.command = 'workbench.action.tasks.showTasks';
    this.register(runner.onDidStart((run) => this.started(run)));
    this.register(runner.onDidEnd((end) => void this.ended(end)));
    this.register({ dispose: () => clearInterval(this.ticker) });
  }

  private started(run: TaskRun): void {
    this.running.set(run.id, run);
    this.ticker ??= setInterval(() => this.update(), 1_000);
    this.update();
  }

  private update(): void {
    const runs = [...this.running.values()];
    if (runs.length === 0) {
      clearInterval(this.ticker);
      this.ticker = undefined;
      this.item.hide();
      return;
    }
    const elapsed = (run: TaskRun): string => elapsedText(Date.now() - run.startedAt);
    const [first] = runs;
    this.item.text = runs.length === 1 ? `$(sync~spin) ${first!.label} · ${elapsed(first!)}` : `$(sync~spin) ${runs.length} ML tasks`;
    this.item.tooltip = `${runs.map((run) => `${run.label}: running for ${elapsed(run)}`).join('\n')}\nClick to show the running tasks.`;
    this.item.show();
  }

  private async ended(end: TaskEnd): Promise<void> {
    this.running.delete(end.id);
    this.update();
    const { outcome, label } = end;
    const took = formatDuration(outcome.durationMs);
    if (outcome.stopped) {
      vscode.window.setStatusBarMessage(`$(debug-stop) ${label} stopped after ${took}`, 5_000);
      return;
    }
    if (outcome.exitCode !== 0) {
      const reason = failureLine(outcome.output) ?? `exit code ${outcome.exitCode ?? outcome.signal ?? '?'}`;
      const action = await vscode.window.showErrorMessage(`${label} failed: ${oneLine(reason, 300)}`, 'Show Output');
      if (action === 'Show Output') await this.showOutput(end);
      return;
    }
    if (isTrainingTask(end.definition)) await this.trainingEnded(end, took);
    else if (end.definition.task === 'modelsPredict' && end.definition.outputPath) {
      const output = vscode.Uri.file(resolve(end.folder.uri.fsPath, end.definition.outputPath));
      const action = await vscode.window.showInformationMessage(`${label} finished in ${took}: predictions written to ${vscode.workspace.asRelativePath(output)}.`, 'Open Predictions');
      if (action) await vscode.window.showTextDocument(output);
    } else {
      void vscode.window.showInformationMessage(`${label} finished in ${took}.`);
    }
  }

  /** The Runs view re-reads the store; the task's newest run is offered (its metrics, or the run). */
  private async trainingEnded(end: TaskEnd, took: string): Promise<void> {
    this.runs.refresh();
    const tracking = this.tracking.forFolder(end.folder);
    const runs = tracking ? await this.newRuns(tracking, end.startedAt).catch((error: unknown) => (this.log.warn(`reading the task's new runs: ${(error as Error).message}`), [])) : [];
    const newest = runs[0];
    if (!newest || !tracking) {
      void vscode.window.showInformationMessage(`${end.label} finished in ${took}${isDvc(end) ? ' (nothing new was logged to MLflow)' : ''}.`);
      return;
    }
    const name = newest.info.run_name ?? newest.info.run_id;
    const more = runs.length > 1 ? ` (and ${runs.length - 1} more)` : '';
    const action = await vscode.window.showInformationMessage(`${end.label} finished in ${took}: new run "${name}"${more}.`, 'Open Metrics', 'Show Run');
    if (action === 'Open Metrics') {
      const row = await this.runs.locateRun(tracking.key, newest.info.run_id);
      if (row) await vscode.commands.executeCommand(Commands.openMetrics, row);
      else await vscode.commands.executeCommand(Commands.showRun, tracking.key, newest.info.run_id);
    } else if (action === 'Show Run') {
      await vscode.commands.executeCommand(Commands.showRun, tracking.key, newest.info.run_id);
    }
  }

  /** Runs started since the task did, newest first (MLflow's default order). */
  private async newRuns(tracking: FolderTracking, since: number): Promise<Run[]> {
    const store = storeOf(tracking);
    return store ? runsStartedSince(store, since) : [];
  }

  private async showOutput(end: TaskEnd): Promise<void> {
    const uri = this.documents.add(end.outcome.output, `${end.label.replace(/[^\w.@-]+/g, '-')}.log`);
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document, { preview: true });
    const last = document.lineAt(Math.max(0, document.lineCount - 1)).range.end;
    editor.revealRange(new vscode.Range(last, last), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

/** Whole seconds while it ticks (`7s`), then `1m 02s`. */
function elapsedText(ms: number): string {
  return ms < 60_000 ? `${Math.floor(Math.max(0, ms) / 1000)}s` : formatDuration(ms);
}

const isDvc = (end: TaskEnd): boolean => end.definition.task === 'dvcRepro' || end.definition.task === 'dvcExpRun';
