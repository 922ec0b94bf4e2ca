import * as vscode from 'vscode';
import { buildView, completeFilter, completionIndex, distinguishNames, MetricViewCells, renderEntry, tableColumns, type TableColumn, type TableRow, type TableView } from '../../core/experimentsTable/index.js';
import { DEFAULT_QUERY, MAX_WINDOW, parseFromWebview, parseSources, type FromWebview, type TableQueryMessage, type TableSourceRef, type ToWebview } from '../../protocol/experimentsTable.js';
import { WebviewTypes } from '../constants.js';
import { Disposable } from '../dispose.js';
import { webviewHtml } from '../html.js';
import type { TableSource } from './sources.js';

/** What a panel needs from the feature: its sources, and what its row and table actions do. */
export interface TablePanelHost {
  readonly extensionUri: vscode.Uri;
  readonly log: { info(message: string): void; warn(message: string): void };
  createSource(ref: TableSourceRef): TableSource;
  rowAction(panel: ExperimentsTablePanel, action: string, rows: readonly TableRow[]): Promise<void>;
}

const FIRST_WINDOW = 200;

/**
 * The Experiments table: rows of its sources (MLflow experiments, DVC roots) through core's row
 * model; the webview receives the columns and the windows of rows it scrolls to, and sends the
 * query and actions, each validated by the protocol module.
 */
export class ExperimentsTablePanel extends Disposable {
  private static readonly panels = new Set<ExperimentsTablePanel>();
  private readonly sources: TableSource[];
  private query: TableQueryMessage = DEFAULT_QUERY;
  private rows: TableRow[] = [];
  private byId = new Map<string, TableRow>();
  private sourceById = new Map<string, TableSourceRef>();
  private columns: TableColumn[] = [];
  private view: TableView = { entries: [], matched: 0, total: 0 };
  private version = 0;
  private ready = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the panel was made, for the log's first-view line (where the time to the first rows went). */
  private readonly createdAt = Date.now();
  /** Min/max/at-step columns: filled from each run's metric history as the reads come in (drawn at most every 300 ms). */
  private readonly metricCells = new MetricViewCells(
    (row) => this.sources.find((s) => s.ref === this.sourceById.get(row.id))?.history,
    () => (this.readTimer ??= setTimeout(() => ((this.readTimer = undefined), void this.refresh()), Math.max(300, 4 * this.lastRefreshMs))),
  );
  /** How long the last view took to build: reads coming in redraw no more often than 4 times that. */
  private lastRefreshMs = 0;
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private readyAt: number | undefined;
  private firstRowsLogged = false;

  static open(host: TablePanelHost, refs: readonly TableSourceRef[], title: string): ExperimentsTablePanel {
    const key = JSON.stringify(refs);
    const same = [...ExperimentsTablePanel.panels].find((p) => JSON.stringify(p.refs) === key);
    if (same) {
      same.panel.reveal();
      return same;
    }
    const panel = vscode.window.createWebviewPanel(WebviewTypes.experimentsTable, title, vscode.ViewColumn.Active, ExperimentsTablePanel.options(host.extensionUri));
    return new ExperimentsTablePanel(panel, host, refs);
  }

  static restore(panel: vscode.WebviewPanel, host: TablePanelHost, state: unknown): void {
    const refs = parseSources(typeof state === 'object' && state !== null ? (state as { sources?: unknown }).sources : undefined);
    if (!refs) return panel.dispose();
    panel.webview.options = ExperimentsTablePanel.options(host.extensionUri);
    new ExperimentsTablePanel(panel, host, refs);
  }

  /** Panels showing a DVC root (to refresh after an action or a note). */
  static forDvcRoot(root: string): ExperimentsTablePanel[] {
    return [...ExperimentsTablePanel.panels].filter((p) => p.refs.some((r) => r.kind === 'dvc' && r.place === root));
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')] };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly host: TablePanelHost,
    readonly refs: readonly TableSourceRef[],
  ) {
    super();
    ExperimentsTablePanel.panels.add(this);
    const dist = vscode.Uri.joinPath(host.extensionUri, 'dist', 'webview');
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'activity-bar.svg');
    panel.webview.html = webviewHtml(panel.webview, {
      title: 'Experiments',
      script: vscode.Uri.joinPath(dist, 'experimentsTable.js'),
      styles: [{ uri: vscode.Uri.joinPath(dist, 'codicon.css'), id: 'vscode-codicon-stylesheet' }, vscode.Uri.joinPath(host.extensionUri, 'media', 'experimentsTable.css')],
    });
    this.sources = refs.map((ref) => this.register(host.createSource(ref)));
    for (const source of this.sources) this.register(source.onDidChange(() => this.schedule()));
    this.register(panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)));
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    ExperimentsTablePanel.panels.delete(this);
    clearTimeout(this.timer);
    clearTimeout(this.readTimer);
    this.metricCells.dispose();
    super.dispose();
    this.panel.dispose();
  }

  /** The source a row came from. */
  sourceOf(row: TableRow): TableSourceRef | undefined {
    return this.sourceById.get(row.id);
  }

  reload(): void {
    // Histories that could not be read are read again with the rows (a file written meanwhile, a server back).
    this.metricCells.retryFailed();
    for (const source of this.sources) source.reload();
  }

  /** Source changes come in bursts (pages, watcher events): one view per burst. */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), 30);
  }

  private async refresh(): Promise<void> {
    if (!this.ready) return;
    const started = Date.now();
    this.sourceById = new Map(this.sources.flatMap((s) => s.rows.map((r) => [r.id, s.ref] as const)));
    this.rows = this.metricCells.apply(distinguishNames(this.sources.flatMap((s) => s.rows)), this.query.metricViews ?? []);
    this.byId = new Map(this.rows.map((r) => [r.id, r]));
    this.columns = tableColumns(this.rows);
    this.view = buildView(this.rows, this.query);
    this.version++;
    const entries = this.view.entries.slice(0, FIRST_WINDOW).map((e) => renderEntry(e, this.columns));
    this.lastRefreshMs = Date.now() - started;
    if (!this.firstRowsLogged && entries.length > 0) {
      this.firstRowsLogged = true;
      this.host.log.info(`Experiments table: first ${entries.length} of ${this.view.total} rows posted ${Date.now() - this.createdAt} ms after the panel was made (its webview ready at ${(this.readyAt ?? Date.now()) - this.createdAt} ms)`);
    }
    await this.post({
      type: 'view',
      version: this.version,
      columns: this.columns,
      count: this.view.entries.length,
      matched: this.view.matched,
      total: this.view.total,
      ...(this.view.error ? { error: this.view.error } : {}),
      sources: this.sources.map((s) => s.status),
      refs: this.refs,
      query: this.query,
      start: 0,
      entries,
      ...(this.metricCells.status.total > 0 ? { histories: this.metricCells.status } : {}),
    });
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) return this.host.log.warn('Experiments table: ignored a message the webview may not send');
    try {
      await this.handle(message);
    } catch (error) {
      void vscode.window.showErrorMessage(`Experiments table: ${(error as Error).message}`);
    }
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.readyAt ??= Date.now();
        return this.refresh();
      case 'query':
        this.query = message.query;
        for (const source of this.sources) source.setQuery(message.query.filter, message.query.sort);
        return this.refresh();
      case 'window': {
        if (message.version !== this.version) return;
        const count = Math.min(message.count, MAX_WINDOW);
        const entries = this.view.entries.slice(message.start, message.start + count).map((e) => renderEntry(e, this.columns));
        await this.post({ type: 'window', version: this.version, start: message.start, entries });
        return;
      }
      case 'complete': {
        const result = completeFilter(message.text, message.cursor, completionIndex(this.rows));
        await this.post({ type: 'completions', requestId: message.requestId, ...result });
        return;
      }
      case 'rowAction': {
        const rows = message.rowIds.map((id) => this.byId.get(id)).filter((r): r is TableRow => r !== undefined);
        if (rows.length > 0) await this.host.rowAction(this, message.action, rows);
        return;
      }
      case 'tableAction':
        if (message.action === 'refresh') this.reload();
        else if (message.action === 'loadMore') for (const source of this.sources) source.loadMore();
        else await this.host.rowAction(this, message.action, []);
        return;
    }
  }

  private post(message: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }
}
