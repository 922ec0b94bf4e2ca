import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { runDriftInWorker } from '../../core/monitoring/driftRunner.js';
import { parseFromWebview, type ActionName, type DriftActions, type ToWebview } from '../../protocol/driftPanel.js';
import { WebviewTypes } from '../constants.js';
import { Disposable } from '../dispose.js';
import { webviewHtml } from '../html.js';
import type { DriftRequest } from './sources.js';
import type { DriftJobResult } from '../../core/monitoring/driftJob.js';

export interface DriftPanelServices {
  readonly extensionUri: vscode.Uri;
  readonly log: Logger;
  /** Logs the check as an MLflow run; resolves with a line for the panel. */
  logToMlflow?(request: DriftRequest, result: DriftJobResult): Promise<string>;
  /** Runs Evidently itself on the same data and shows its HTML report; resolves with a line for the panel. */
  openEvidently?(request: DriftRequest, result: DriftJobResult): Promise<string>;
}

/**
 * The Drift Report panel: the check runs in a worker (the host never computes it), the webview
 * shows the verdict, the columns and the distributions; its buttons run again and log to MLflow.
 */
export class DriftPanel extends Disposable {
  private result: DriftJobResult | undefined;
  private computing: AbortController | undefined;

  static open(services: DriftPanelServices, request: DriftRequest): DriftPanel {
    const title = request.model ? `Drift: ${request.model.name} v${request.model.version}` : 'Drift Report';
    const panel = vscode.window.createWebviewPanel(WebviewTypes.drift, title, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(services.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(services.extensionUri, 'media')],
    });
    return new DriftPanel(panel, services, request, title);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: DriftPanelServices,
    private readonly request: DriftRequest,
    private readonly title: string,
  ) {
    super();
    const dist = vscode.Uri.joinPath(services.extensionUri, 'dist', 'webview');
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'activity-bar.svg');
    panel.webview.html = webviewHtml(panel.webview, {
      title: 'Drift Report',
      script: vscode.Uri.joinPath(dist, 'drift.js'),
      styles: [{ uri: vscode.Uri.joinPath(dist, 'codicon.css'), id: 'vscode-codicon-stylesheet' }, vscode.Uri.joinPath(services.extensionUri, 'media', 'drift.css')],
    });
    this.register(panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register({ dispose: () => this.computing?.abort(new Error('the Drift Report panel was closed')) });
  }

  override dispose(): void {
    super.dispose();
    this.panel.dispose();
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      this.services.log.warn('Drift panel: ignored a message the webview may not send');
      return;
    }
    switch (message.type) {
      case 'ready':
        return this.result ? this.snapshot() : this.compute();
      case 'action':
        return this.action(message.action);
    }
  }

  private async compute(): Promise<void> {
    this.computing?.abort(new Error('superseded'));
    const controller = (this.computing = new AbortController());
    const { reference, current } = this.request;
    await this.post({ type: 'computing', title: this.title, reference: { label: reference.label, detail: reference.detail }, current: { label: current.label, detail: current.detail } });
    try {
      const workerPath = vscode.Uri.joinPath(this.services.extensionUri, 'dist', 'driftWorker.js').fsPath;
      this.result = await runDriftInWorker({ reference, current }, { signal: controller.signal, workerPath });
      this.services.log.info(`drift: ${reference.detail} vs ${current.detail}: ${this.result.report.dataset.drifted}/${this.result.report.dataset.tested} columns drifted`);
      await this.snapshot();
    } catch (error) {
      if (controller.signal.aborted) return;
      await this.post({ type: 'error', title: this.title, message: (error as Error).message });
    }
  }

  private snapshot(): Promise<void> {
    const { reference, current } = this.request;
    const actions: DriftActions = {
      ...(this.services.openEvidently
        ? { evidently: vscode.workspace.isTrusted ? { enabled: true, why: 'Run Evidently on the same data in the selected interpreter and show its own report' } : { enabled: false, why: 'Evidently runs in the workspace’s Python: trust the workspace first' } }
        : {}),
      ...(this.services.logToMlflow
        ? { mlflow: this.request.folder ? { enabled: true, why: 'Log this check as an MLflow run (metrics, the report as an artifact)' } : { enabled: false, why: 'Log to MLflow needs the check to belong to a workspace folder with a tracking store' } }
        : {}),
    };
    return this.post({ type: 'snapshot', title: this.title, reference: { label: reference.label, detail: reference.detail }, current: { label: current.label, detail: current.detail }, report: this.result!.report, leftOut: this.result!.leftOut, actions, computedAt: Date.now() });
  }

  private async action(action: ActionName): Promise<void> {
    if (action === 'rerun') return this.compute();
    const result = this.result;
    if (!result) return;
    const run = action === 'evidently' ? this.services.openEvidently : this.services.logToMlflow;
    if (!run) return;
    await this.post({ type: 'status', action, state: 'running', message: action === 'evidently' ? 'Evidently is making its report…' : 'Logging to MLflow…' });
    try {
      await this.post({ type: 'status', action, state: 'done', message: await run(this.request, result) });
    } catch (error) {
      await this.post({ type: 'status', action, state: 'failed', message: (error as Error).message.split('\n')[0]! });
    }
  }

  private async post(message: ToWebview): Promise<void> {
    await this.panel.webview.postMessage(message);
  }
}
