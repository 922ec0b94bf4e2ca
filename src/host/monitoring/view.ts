import * as vscode from 'vscode';
import { formatRelativeTime } from '../../core/format.js';
import { checkSummary, readDriftChecks, type DriftCheck, type ModelChecks } from '../../core/monitoring/checks.js';
import { Commands, ContextValues } from '../constants.js';
import { Disposable } from '../dispose.js';
import type { FolderTracking, TrackingService } from '../tracking/trackingService.js';

export type MonitoringElement =
  | { readonly kind: 'folder'; readonly key: string }
  | { readonly kind: 'model'; readonly key: string; readonly group: ModelChecks }
  | { readonly kind: 'check'; readonly key: string; readonly check: DriftCheck }
  | { readonly kind: 'message'; readonly key: string; readonly text: string; readonly error: boolean };

/**
 * The Monitoring view: per model version, the drift checks logged to MLflow (Drift Report… → Log
 * to MLflow), newest first, with the last check's verdict as the version's icon; *Show Drift Over
 * Time* charts the drifted share of its checks. Read when the view is shown and again when the
 * store changes while it is.
 */
export class MonitoringTreeProvider extends Disposable implements vscode.TreeDataProvider<MonitoringElement> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<MonitoringElement | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly read = new Map<string, Promise<ModelChecks[]>>();

  constructor(private readonly tracking: TrackingService) {
    super();
    this.register(tracking.onDidChangeStores(() => this.refresh()));
    this.register(tracking.onDidChangeData((folder) => this.refresh(folder.key)));
  }

  refresh(key?: string): void {
    if (key) this.read.delete(key);
    else this.read.clear();
    this.changeEmitter.fire(undefined);
  }

  async getChildren(element?: MonitoringElement): Promise<MonitoringElement[]> {
    const folders = this.tracking.folders.filter((f) => f.state.kind === 'ready');
    if (!element) {
      if (folders.length === 1) return this.models(folders[0]!);
      return folders.map((f) => ({ kind: 'folder', key: f.key }));
    }
    if (element.kind === 'folder') {
      const folder = folders.find((f) => f.key === element.key);
      return folder ? this.models(folder) : [];
    }
    if (element.kind === 'model') return element.group.checks.map((check) => ({ kind: 'check', key: element.key, check }));
    return [];
  }

  getTreeItem(element: MonitoringElement): vscode.TreeItem {
    const now = Date.now();
    switch (element.kind) {
      case 'folder': {
        const folder = this.tracking.folders.find((f) => f.key === element.key);
        const item = new vscode.TreeItem(folder?.folder.name ?? element.key, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('root-folder');
        return item;
      }
      case 'model': {
        const { group } = element;
        const last = group.checks[0]!;
        const label = group.model ? `${group.model.name} v${group.model.version}` : 'Checks without a model version';
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${element.key}:model:${label}`;
        item.description = `${statusText(last)} · ${formatRelativeTime(last.startTime, now)}`;
        item.tooltip = new vscode.MarkdownString().appendText(`${label}\nLast check ${new Date(last.startTime).toLocaleString()}: ${checkSummary(last)}\n${group.checks.length} check${group.checks.length === 1 ? '' : 's'} logged`);
        item.iconPath = group.status === 'drift' ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : group.status === 'no-drift' ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')) : new vscode.ThemeIcon('question');
        item.contextValue = ContextValues.monitoredModel;
        return item;
      }
      case 'check': {
        const { check } = element;
        const item = new vscode.TreeItem(new Date(check.startTime).toLocaleString(), vscode.TreeItemCollapsibleState.None);
        item.id = `${element.key}:check:${check.runId}`;
        item.description = statusText(check);
        item.tooltip = new vscode.MarkdownString().appendText(`${check.runName}\n${checkSummary(check)}${check.reference ? `\nReference: ${check.reference}` : ''}${check.current ? `\nCurrent: ${check.current}` : ''}\nMLflow run ${check.runId}`);
        item.iconPath = new vscode.ThemeIcon(check.detected === true ? 'warning' : check.detected === false ? 'pass' : 'question');
        item.command = { command: Commands.openMetrics, title: 'Open Metrics', arguments: [{ trackingKey: element.key, runIds: [check.runId] }] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(element.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(element.error ? 'error' : 'info');
        item.tooltip = element.text;
        return item;
      }
    }
  }

  private async models(folder: FolderTracking): Promise<MonitoringElement[]> {
    if (folder.state.kind !== 'ready') return [];
    const store = folder.state.store;
    let pending = this.read.get(folder.key);
    if (!pending) {
      pending = readDriftChecks(store);
      this.read.set(folder.key, pending);
      pending.catch(() => this.read.delete(folder.key));
    }
    try {
      const groups = await pending;
      // An empty view shows its welcome text (package.json viewsWelcome) when there is one folder.
      if (groups.length === 0 && this.tracking.folders.length > 1) return [{ kind: 'message', key: folder.key, text: 'No drift check logged to MLflow yet', error: false }];
      return await groups.map((group) => ({ kind: 'model', key: folder.key, group }));
    } catch (error) {
      return [{ kind: 'message', key: folder.key, text: `The drift checks could not be read: ${(error as Error).message.split('\n')[0]}`, error: true }];
    }
  }

  /** The chart of a model version's drifted share over its checks (the Metrics panel, one bar per check). */
  driftOverTime(element: MonitoringElement | undefined): { trackingKey: string; runIds: string[]; keys: string[] } | undefined {
    if (element?.kind !== 'model') return undefined;
    return { trackingKey: element.key, runIds: [...element.group.checks].reverse().map((c) => c.runId), keys: ['share_of_drifted_columns'] };
  }
}

/** Short enough for a narrow side bar (the icon says the verdict too; the tooltip says it all): `drift (75%)`, `ok (25%)`. */
function statusText(check: DriftCheck): string {
  const share = check.share === undefined ? '' : ` (${Math.round(check.share * 100)}%)`;
  return check.detected === true ? `drift${share}` : check.detected === false ? `ok${share}` : 'unknown';
}
