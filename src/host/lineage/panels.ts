import * as vscode from 'vscode';
import type { GraphNode, LineageGraph } from '../../core/lineage/graph.js';
import * as gate from '../../protocol/gatePanel.js';
import * as lineage from '../../protocol/lineagePanel.js';
import { WebviewTypes } from '../constants.js';
import { Disposable } from '../dispose.js';
import { webviewHtml } from '../html.js';

/** What a panel shows, loaded again on Refresh. */
export interface GraphSource {
  readonly title: string;
  load(): Promise<LineageGraph>;
  open(node: GraphNode): Promise<void>;
}

function createPanel(extensionUri: vscode.Uri, type: string, title: string, script: string): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(type, title, vscode.ViewColumn.Active, {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  });
  panel.webview.html = webviewHtml(panel.webview, {
    title,
    script: vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${script}.js`),
    styles: [{ uri: vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'codicon.css'), id: 'vscode-codicon-stylesheet' }, vscode.Uri.joinPath(extensionUri, 'media', `${script}.css`)],
  });
  return panel;
}

/**
 * The Lineage panel: one, reused for whatever is asked next. The graph is decided by core and
 * sent whole; a node the webview opens must be one the host sent.
 */
export class LineagePanel extends Disposable {
  private static current: LineagePanel | undefined;
  private ready = false;
  private graph: LineageGraph | undefined;
  private last: lineage.ToWebview;
  private loads = 0;

  static show(extensionUri: vscode.Uri, source: GraphSource): LineagePanel {
    const panel = (LineagePanel.current ??= new LineagePanel(createPanel(extensionUri, WebviewTypes.lineage, source.title, 'lineage')));
    panel.panel.reveal();
    panel.load(source);
    return panel;
  }

  private source: GraphSource | undefined;

  /** Traces the open panel's subject again (the data, HEAD or a store changed). */
  static refreshCurrent(): void {
    const panel = LineagePanel.current;
    if (panel?.source) panel.load(panel.source);
  }

  private constructor(private readonly panel: vscode.WebviewPanel) {
    super();
    this.last = { type: 'loading', title: panel.title };
    this.register(panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    if (LineagePanel.current === this) LineagePanel.current = undefined;
    super.dispose();
    this.panel.dispose();
  }

  private load(source: GraphSource): void {
    this.source = source;
    const load = ++this.loads;
    this.panel.title = source.title;
    this.post({ type: 'loading', title: source.title });
    source.load().then(
      (graph) => {
        if (load !== this.loads) return;
        this.graph = graph;
        this.post({ type: 'state', graph });
      },
      (error: Error) => load === this.loads && this.post({ type: 'error', title: source.title, message: error.message }),
    );
  }

  private receive(raw: unknown): void {
    const message = lineage.parseFromWebview(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        void this.panel.webview.postMessage(this.last);
        return;
      case 'refresh':
        if (this.source) this.load(this.source);
        return;
      case 'open': {
        const node = this.graph?.nodes.find((n) => n.id === message.nodeId);
        if (node?.target && this.source) this.source.open(node).catch((error: Error) => void vscode.window.showErrorMessage(error.message));
        return;
      }
    }
  }

  private post(message: lineage.ToWebview): void {
    this.last = message;
    if (this.ready) void this.panel.webview.postMessage(message);
  }
}

/** What the report panel asks the host to do. */
export interface GateActions {
  promote(): Promise<void>;
  override(): Promise<void>;
  reevaluate(): Promise<void>;
  openCriteria(): Promise<void>;
}

/** The Go/No-Go report of one candidate: one panel per model version. */
export class GatePanel extends Disposable {
  private static readonly open = new Map<string, GatePanel>();
  private ready = false;
  private busy = false;

  static show(extensionUri: vscode.Uri, state: gate.GatePanelState, actions: GateActions): GatePanel {
    const key = `${state.report.model}\0${state.report.version}`;
    const existing = GatePanel.open.get(key);
    if (existing) {
      existing.actions = actions;
      existing.update(state);
      existing.panel.reveal();
      return existing;
    }
    const panel = new GatePanel(createPanel(extensionUri, WebviewTypes.gate, title(state), 'gate'), state, actions, key);
    GatePanel.open.set(key, panel);
    return panel;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private state: gate.GatePanelState,
    private actions: GateActions,
    private readonly key: string,
  ) {
    super();
    this.register(panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    if (GatePanel.open.get(this.key) === this) GatePanel.open.delete(this.key);
    super.dispose();
    this.panel.dispose();
  }

  update(state: gate.GatePanelState): void {
    this.state = state;
    this.panel.title = title(state);
    if (this.ready) void this.panel.webview.postMessage({ type: 'state', state } satisfies gate.ToWebview);
  }

  private receive(raw: unknown): void {
    const message = gate.parseFromWebview(raw);
    if (!message) return;
    if (message.type === 'ready') {
      this.ready = true;
      void this.panel.webview.postMessage({ type: 'state', state: this.state } satisfies gate.ToWebview);
      return;
    }
    if (this.busy) return;
    this.busy = true;
    const action = message.type === 'promote' ? this.actions.promote() : message.type === 'override' ? this.actions.override() : message.type === 'reevaluate' ? this.actions.reevaluate() : this.actions.openCriteria();
    action
      .catch((error: Error) => this.update({ ...this.state, phase: this.state.phase === 'promoting' ? 'evaluated' : this.state.phase, note: error.message }))
      .finally(() => (this.busy = false));
  }
}

function title(state: gate.GatePanelState): string {
  return `Go/No-Go: ${state.report.model} v${state.report.version}`;
}
