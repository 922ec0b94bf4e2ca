import * as vscode from 'vscode';
import { diffContentInWorker } from '../../core/dvc/contentDiffRunner.js';
import type { ContentDiffResult } from '../../core/dvc/contentDiff.js';
import { RECORDED } from '../../core/dvc/revision/resolve.js';
import type { Logger } from '../../core/log.js';
import { parseFromWebview, type DiffPayload, type DiffSides, type FromWebview, type ToWebview } from '../../protocol/dataDiff.js';
import { WebviewTypes } from '../constants.js';
import { Disposable } from '../dispose.js';
import { webviewHtml } from '../html.js';

/** Changed, added and removed rows shown of each kind. */
const ROW_LIMIT = 50;

export interface DiffRequest {
  /** The DVC root, and the tracked path relative to it. */
  readonly root: string;
  readonly path: string;
  /** Revisions as core/dvc/revision takes them: `workspace`, a commit. */
  readonly before: string;
  readonly after: string;
  readonly beforeLabel: string;
  readonly afterLabel: string;
}

/**
 * The Data Diff panel: what changed inside a table file (schema, rows, column statistics, the
 * first changed rows) or a directory (files with sizes) between two versions. The diff runs in a
 * worker thread (core/dvc/contentDiffRunner.ts), streams both versions (core/tabular spills to
 * disk past a memory budget) and is aborted when the panel closes or the key column changes.
 */
export class DataDiffPanel extends Disposable {
  private static readonly panels = new Map<string, DataDiffPanel>();
  private key: string | undefined;
  private running: AbortController | undefined;
  private ready = false;

  static open(extensionUri: vscode.Uri, log: Logger, request: DiffRequest): DataDiffPanel {
    const id = JSON.stringify([request.root, request.path, request.before, request.after]);
    const same = DataDiffPanel.panels.get(id);
    if (same) {
      same.panel.reveal();
      return same;
    }
    const name = request.path.split('/').pop() ?? request.path;
    // The tab names both sides: two diffs of one path are told apart without opening them.
    const side = (rev: string): string => (/^[0-9a-f]{40}$/.test(rev) ? rev.slice(0, 7) : rev === RECORDED ? 'recorded' : rev);
    const panel = vscode.window.createWebviewPanel(WebviewTypes.dataDiff, `Diff ${name} (${side(request.before)} → ${side(request.after)})`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    const created = new DataDiffPanel(panel, extensionUri, log, request, id);
    DataDiffPanel.panels.set(id, created);
    return created;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly request: DiffRequest,
    private readonly id: string,
  ) {
    super();
    const dist = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity-bar.svg');
    panel.webview.html = webviewHtml(panel.webview, {
      title: 'Data Diff',
      script: vscode.Uri.joinPath(dist, 'dataDiff.js'),
      styles: [{ uri: vscode.Uri.joinPath(dist, 'codicon.css'), id: 'vscode-codicon-stylesheet' }, vscode.Uri.joinPath(extensionUri, 'media', 'dataDiff.css')],
    });
    this.register(panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register({ dispose: () => this.running?.abort() });
  }

  override dispose(): void {
    if (DataDiffPanel.panels.get(this.id) === this) DataDiffPanel.panels.delete(this.id);
    super.dispose();
    this.panel.dispose();
  }

  private get sides(): DiffSides {
    return { path: this.request.path, before: this.request.beforeLabel, after: this.request.afterLabel };
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      this.log.warn('Data diff: ignored a message the webview may not send');
      return;
    }
    await this.handle(message);
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        return this.run();
      case 'setKey':
        this.key = message.key ?? undefined;
        return this.run();
    }
  }

  private async run(): Promise<void> {
    if (!this.ready) return;
    this.running?.abort();
    const controller = (this.running = new AbortController());
    const { root, path, before, after } = this.request;
    await this.post({ type: 'loading', sides: this.sides, ...(this.key ? { key: this.key } : {}) });
    try {
      // In a worker of its own: a large file's statistics take seconds of CPU the host must not spend.
      const workerPath = vscode.Uri.joinPath(this.extensionUri, 'dist', 'contentDiffWorker.js').fsPath;
      // The diff is shown as soon as the rows are matched; the column stats (many times that read) follow.
      const onSummary = (summary: ContentDiffResult): void => {
        if (!controller.signal.aborted) void this.post({ type: 'result', sides: this.sides, diff: summary.diff as DiffPayload, limit: ROW_LIMIT, statsPending: true });
      };
      const result = await diffContentInWorker(root, path, before, after, { limit: ROW_LIMIT, stats: true, signal: controller.signal, workerPath, onSummary, ...(this.key ? { key: this.key } : {}) });
      if (controller.signal.aborted) return;
      await this.post({ type: 'result', sides: this.sides, diff: result.diff as DiffPayload, limit: ROW_LIMIT });
    } catch (error) {
      if (controller.signal.aborted) return;
      this.log.warn(`Data diff of ${path}: ${(error as Error).message}`);
      await this.post({ type: 'error', sides: this.sides, message: (error as Error).message });
    }
  }

  private post(message: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }
}
