import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { PlotError } from '../../core/dvc/plots/model.js';
import type { PlotsRequest } from '../../core/plots/model.js';
import { PlotsSession, type RunSource } from '../../core/plots/session.js';
import { parseFromWebview, parsePlotsState, type FromWebview, type ToWebview } from '../../protocol/plotsPanel.js';
import { WebviewTypes } from '../constants.js';
import { Disposable } from '../dispose.js';
import { webviewHtml } from '../html.js';

export interface PlotsPanelServices {
  readonly extensionUri: vscode.Uri;
  readonly log: Logger;
  /** The open stores that hold these runs (the first store when none does: the panel shows why). */
  locateRuns(runIds: readonly string[]): Promise<RunSource[]>;
  /** Asks for another set of revisions, starting from this one. */
  chooseAgain(request: PlotsRequest): Promise<void>;
  /** Fires when the files or runs behind a request may have changed. */
  readonly onDidChangeData: vscode.Event<void>;
}

/**
 * The Plots panel: the DVC plots of a project's revisions and the images MLflow runs logged, side
 * by side (core/plots decides; the webview draws). One panel per request; asking for the same
 * one again reveals it.
 */
export class PlotsPanel extends Disposable {
  private static readonly panels = new Set<PlotsPanel>();
  private session: PlotsSession | undefined;
  private loading: AbortController | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;

  static open(services: PlotsPanelServices, request: PlotsRequest): PlotsPanel {
    const key = JSON.stringify(request);
    const same = [...PlotsPanel.panels].find((p) => JSON.stringify(p.request) === key);
    if (same) {
      same.panel.reveal();
      return same;
    }
    const panel = vscode.window.createWebviewPanel(WebviewTypes.plots, 'Plots', vscode.ViewColumn.Active, PlotsPanel.options(services.extensionUri));
    return new PlotsPanel(panel, services, request);
  }

  static restore(panel: vscode.WebviewPanel, services: PlotsPanelServices, state: unknown): void {
    const restored = parsePlotsState(state);
    if (!restored) {
      panel.dispose();
      return;
    }
    panel.webview.options = PlotsPanel.options(services.extensionUri);
    new PlotsPanel(panel, services, restored.request);
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')] };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: PlotsPanelServices,
    private readonly request: PlotsRequest,
  ) {
    super();
    PlotsPanel.panels.add(this);
    const dist = vscode.Uri.joinPath(services.extensionUri, 'dist', 'webview');
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'activity-bar.svg');
    panel.webview.html = webviewHtml(panel.webview, {
      title: 'Plots',
      script: vscode.Uri.joinPath(dist, 'plots.js'),
      styles: [{ uri: vscode.Uri.joinPath(dist, 'codicon.css'), id: 'vscode-codicon-stylesheet' }, vscode.Uri.joinPath(services.extensionUri, 'media', 'plots.css')],
    });
    this.register(panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(services.onDidChangeData(() => this.scheduleRefresh()));
  }

  override dispose(): void {
    PlotsPanel.panels.delete(this);
    clearTimeout(this.refreshTimer);
    this.loading?.abort();
    this.session?.dispose();
    super.dispose();
    this.panel.dispose();
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.load(), 1500);
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      this.services.log.warn('Plots panel: ignored a message the webview may not send');
      return;
    }
    try {
      await this.handle(message);
    } catch (error) {
      void vscode.window.showErrorMessage(`Plots: ${(error as Error).message}`);
    }
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
      case 'refresh':
        return this.load();
      case 'loadImage':
        return this.sendImage(message.key);
      case 'chooseRevisions':
        return this.services.chooseAgain(this.request);
    }
  }

  private async load(): Promise<void> {
    this.loading?.abort();
    const abort = (this.loading = new AbortController());
    await this.post({ type: 'loading', title: this.panel.title });
    const runs = await this.services.locateRuns(this.request.mlflowRunIds ?? []);
    const session = new PlotsSession({ ...(this.request.dvcRoot === undefined ? {} : { dvcRoot: this.request.dvcRoot }), revisions: this.request.revisions ?? [], runs });
    try {
      const model = await session.load({ signal: abort.signal });
      if (abort.signal.aborted) return await session.dispose();
      this.session?.dispose();
      this.session = session;
      this.panel.title = model.title;
      await this.post({ type: 'snapshot', request: this.request, model });
    } catch (error) {
      session.dispose();
      if (abort.signal.aborted) return;
      this.services.log.error(`Plots: ${(error as Error).message}`);
      await this.post({ type: 'error', message: (error as Error).message });
    }
  }

  private async sendImage(key: string): Promise<void> {
    if (!this.session) return;
    try {
      const image = await this.session.readImage(key);
      await this.post({ type: 'image', key, dataUri: `data:${image.mime};base64,${Buffer.from(image.bytes).toString('base64')}` });
    } catch (error) {
      const reason = error instanceof PlotError ? error.reason : ((error as { reason?: string }).reason ?? 'unreadable');
      await this.post({ type: 'imageError', key, reason: String(reason), message: (error as Error).message });
    }
  }

  private post(message: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }
}
