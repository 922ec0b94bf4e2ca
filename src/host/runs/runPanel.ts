import * as vscode from 'vscode';
import { runDisplayName } from '../../core/tracking/runTree.js';
import { parseFromWebview, type RunPanelState, type ToWebview } from '../../protocol/runPanel.js';
import { WebviewTypes } from '../constants.js';
import { Disposable } from '../dispose.js';
import { webviewHtml } from '../html.js';

/**
 * One panel per run: its info, parameters, metrics and tags. Opening a run that already has a
 * panel reveals that panel with fresh data.
 */
export class RunPanel extends Disposable {
  private static readonly open = new Map<string, RunPanel>();
  private ready = false;

  static show(extensionUri: vscode.Uri, state: RunPanelState): RunPanel {
    const existing = RunPanel.open.get(state.run.info.run_id);
    if (existing) {
      existing.update(state);
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(WebviewTypes.run, title(state), vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    const runPanel = new RunPanel(panel, extensionUri, state);
    RunPanel.open.set(state.run.info.run_id, runPanel);
    return runPanel;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private state: RunPanelState,
  ) {
    super();
    panel.webview.html = webviewHtml(panel.webview, {
      title: title(state),
      script: vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'runPanel.js'),
      styles: [vscode.Uri.joinPath(extensionUri, 'media', 'runPanel.css')],
    });
    this.register(panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    RunPanel.open.delete(this.state.run.info.run_id);
    super.dispose();
    this.panel.dispose();
  }

  private update(state: RunPanelState): void {
    this.state = state;
    this.panel.title = title(state);
    if (this.ready) void this.post({ type: 'state', state });
  }

  private receive(raw: unknown): void {
    const message = parseFromWebview(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        void this.post({ type: 'state', state: this.state });
        return;
      case 'copy':
        void vscode.env.clipboard.writeText(message.text);
        void vscode.window.setStatusBarMessage('Copied to the clipboard', 2000);
        return;
    }
  }

  private post(message: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }
}

function title(state: RunPanelState): string {
  return `Run: ${runDisplayName(state.run)}`;
}
