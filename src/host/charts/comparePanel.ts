import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { assignColorSlots } from '../../core/series/colors.js';
import { compareRuns } from '../../core/tracking/comparison.js';
import type { Run } from '../../core/tracking/entities.js';
import type { Store } from '../../core/tracking/storeState.js';
import { parseCompareState, parseFromWebview, type CompareSelection, type FromWebview, type ToWebview } from '../../protocol/comparePanel.js';
import type { MetricsSelection } from '../../protocol/metricsPanel.js';
import { WebviewTypes } from '../constants.js';
import { colorSlotsFor } from '../../protocol/colors.js';
import { Disposable } from '../dispose.js';
import type { TrackingService } from '../tracking/trackingService.js';
import { webviewHtml } from '../html.js';

export interface ComparePanelServices {
  readonly extensionUri: vscode.Uri;
  readonly tracking: TrackingService;
  readonly log: Logger;
  revealRun(trackingKey: string, runId: string): Promise<void>;
  openMetrics(selection: MetricsSelection): void;
}

/**
 * The Compare Runs panel: a table of the runs' params and latest metrics, parallel coordinates and
 * a scatter. Selecting a run there reveals it in the Runs view; selecting one in the view
 * highlights it here.
 */
export class ComparePanel extends Disposable {
  private static readonly panels = new Set<ComparePanel>();

  static open(services: ComparePanelServices, selection: CompareSelection): ComparePanel {
    const same = [...ComparePanel.panels].find((p) => p.selection.trackingKey === selection.trackingKey && p.selection.runIds.join() === selection.runIds.join());
    if (same) {
      same.panel.reveal();
      return same;
    }
    const panel = vscode.window.createWebviewPanel(WebviewTypes.compare, `Compare ${selection.runIds.length} runs`, vscode.ViewColumn.Active, ComparePanel.options(services.extensionUri));
    return new ComparePanel(panel, services, selection);
  }

  static async restore(panel: vscode.WebviewPanel, services: ComparePanelServices, state: unknown): Promise<void> {
    const restored = parseCompareState(state);
    if (!restored) {
      panel.dispose();
      return;
    }
    panel.webview.options = ComparePanel.options(services.extensionUri);
    new ComparePanel(panel, services, restored.selection);
  }

  static highlight(trackingKey: string, runId: string | undefined): void {
    for (const panel of ComparePanel.panels) {
      if (panel.selection.trackingKey === trackingKey) void panel.post({ type: 'highlight', runId: runId && panel.selection.runIds.includes(runId) ? runId : undefined });
    }
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')] };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: ComparePanelServices,
    private readonly selection: CompareSelection,
  ) {
    super();
    ComparePanel.panels.add(this);
    const dist = vscode.Uri.joinPath(services.extensionUri, 'dist', 'webview');
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'activity-bar.svg');
    panel.webview.html = webviewHtml(panel.webview, {
      title: 'Compare Runs',
      script: vscode.Uri.joinPath(dist, 'compare.js'),
      styles: [{ uri: vscode.Uri.joinPath(dist, 'codicon.css'), id: 'vscode-codicon-stylesheet' }, vscode.Uri.joinPath(services.extensionUri, 'media', 'compare.css')],
    });
    this.register(panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(services.tracking.onDidChangeData((folder) => folder.key === selection.trackingKey && void this.load()));
  }

  override dispose(): void {
    ComparePanel.panels.delete(this);
    super.dispose();
    this.panel.dispose();
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      this.services.log.warn('Compare panel: ignored a message the webview may not send');
      return;
    }
    try {
      await this.handle(message);
    } catch (error) {
      void vscode.window.showErrorMessage(`Compare Runs: ${(error as Error).message}`);
    }
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.load();
      case 'select':
        if (this.selection.runIds.includes(message.runId)) await this.services.revealRun(this.selection.trackingKey, message.runId);
        return;
      case 'openMetrics': {
        const runIds = message.runIds.filter((id) => this.selection.runIds.includes(id));
        if (runIds.length > 0) this.services.openMetrics({ trackingKey: this.selection.trackingKey, runIds });
        return;
      }
    }
  }

  private async load(): Promise<void> {
    let store: Store;
    try {
      store = this.services.tracking.storeFor(this.selection.trackingKey);
    } catch (error) {
      await this.post({ type: 'error', message: (error as Error).message });
      return;
    }
    const runs: Run[] = [];
    const problems: string[] = [];
    await Promise.all(
      this.selection.runIds.map(async (runId, i) => {
        try {
          runs[i] = await store.getRun(runId);
        } catch (error) {
          problems.push(`Run ${runId}: ${(error as Error).message}`);
        }
      }),
    );
    const present = runs.filter((r): r is Run => r !== undefined);
    const colors = assignColorSlots(present.map((r) => r.info.run_id), colorSlotsFor(present.length));
    const title = `Compare ${present.length} runs`;
    this.panel.title = title;
    await this.post({ type: 'snapshot', selection: this.selection, title, comparison: compareRuns(present, Date.now()), colors: Object.fromEntries(colors), problems });
  }

  private post(message: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }
}
