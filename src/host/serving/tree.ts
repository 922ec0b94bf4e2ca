import { basename } from 'node:path';
import * as vscode from 'vscode';
import { formatDuration } from '../../core/format.js';
import { baseUrl } from '../../core/tasks/index.js';
import { Commands, ContextValues } from '../constants.js';
import { Disposable } from '../dispose.js';
import type { ModelServer, ServerManager } from '../../core/tasks/modelServers.js';
import type { CaptureInfo, ServingCapture } from './capture.js';

export type ServingElement = { readonly kind: 'server'; readonly id: string } | { readonly kind: 'detail'; readonly id: string; readonly label: string };

/** How often health and uptime are refreshed while the view is visible. */
const POLL_MS = 5_000;

const STATE_TEXT: Record<ModelServer['state'], string> = { starting: 'starting…', healthy: 'healthy', unhealthy: 'not responding', exited: 'exited' };

/** The Serving view: each server with its model, port, pid, uptime and health (from /ping and /version). */
export class ServingTreeProvider extends Disposable implements vscode.TreeDataProvider<ServingElement> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<ServingElement | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private timer: NodeJS.Timeout | undefined;
  private view: vscode.TreeView<ServingElement> | undefined;

  constructor(
    private readonly manager: ServerManager,
    private readonly capture: ServingCapture,
  ) {
    super();
    this.register(manager.onDidChange(() => this.changed()));
    this.register(capture.onDidChange(() => this.changeEmitter.fire(undefined)));
    this.register({ dispose: () => clearInterval(this.timer) });
  }

  attach(view: vscode.TreeView<ServingElement>): void {
    this.view = view;
    this.register(view.onDidChangeVisibility(() => this.schedule()));
    this.changed();
  }

  private changed(): void {
    this.changeEmitter.fire(undefined);
    const running = this.manager.servers.filter((s) => s.state !== 'exited').length;
    if (this.view) this.view.badge = running > 0 ? { value: running, tooltip: `${running} model server${running === 1 ? '' : 's'} running` } : undefined;
    this.schedule();
  }

  /** Polls only while someone looks and something runs. */
  private schedule(): void {
    const wanted = (this.view?.visible ?? false) && this.manager.servers.some((s) => s.state !== 'exited');
    if (wanted && !this.timer) this.timer = setInterval(() => void this.manager.checkAll().then(() => this.changeEmitter.fire(undefined)), POLL_MS);
    if (!wanted && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  getChildren(element?: ServingElement): ServingElement[] {
    if (!element) return this.manager.servers.map((server) => ({ kind: 'server', id: server.id }));
    if (element.kind !== 'server') return [];
    const server = this.manager.get(element.id);
    return server ? details(server, this.capture.info(server)).map(([label]) => ({ kind: 'detail', id: server.id, label })) : [];
  }

  getTreeItem(element: ServingElement): vscode.TreeItem {
    const server = this.manager.get(element.id);
    if (!server) return new vscode.TreeItem('(stopped)');
    if (element.kind === 'detail') {
      const info = this.capture.info(server);
      const [label, value, icon] = details(server, info).find(([l]) => l === element.label) ?? [element.label, '', 'info'];
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
      item.id = `${server.id}:${label}`;
      item.description = value;
      item.tooltip = `${label}: ${value}`;
      item.iconPath = new vscode.ThemeIcon(icon);
      if (label === 'Log') item.command = { command: Commands.openServerLogs, title: 'Open Logs', arguments: [element] };
      if (label === CAPTURE) {
        item.command = { command: Commands.openCaptureLog, title: 'Open Capture Log', arguments: [element] };
        item.tooltip = captureTooltip(info);
      }
      return item;
    }
    // `iris-classifier/3`, `iris-classifier@champion`: the side bar is narrow; the tooltip has the whole URI.
    const item = new vscode.TreeItem(server.modelUri.replace(/^models:\//, ''), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = server.id;
    item.description = [`:${server.port}`, STATE_TEXT[server.state], server.state === 'exited' ? server.problem : formatUptime(server)].filter(Boolean).join(' · ');
    item.iconPath = stateIcon(server.state);
    item.contextValue = server.state === 'exited' ? ContextValues.stoppedServer : ContextValues.server;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown('**').appendText(server.modelUri).appendMarkdown('**\n\n');
    for (const [label, value] of details(server, this.capture.info(server))) tooltip.appendText(`${label}: ${value}`).appendMarkdown('  \n');
    item.tooltip = tooltip;
    return item;
  }
}

const CAPTURE = 'Capture';

function details(server: ModelServer, capture: CaptureInfo | undefined): [string, string, string][] {
  const health = server.state === 'healthy' ? `healthy (/ping 200${server.mlflowVersion ? `, MLflow ${server.mlflowVersion}` : ''})` : `${STATE_TEXT[server.state]}${server.problem ? `: ${server.problem}` : ''}`;
  return [
    ['URL', baseUrl({ port: server.port }), 'globe'],
    ['PID', String(server.pid), 'server-process'],
    [server.state === 'exited' ? 'Ran for' : 'Uptime', formatUptime(server), 'watch'],
    ['Health', health, server.state === 'healthy' ? 'pass' : server.state === 'exited' ? 'circle-slash' : 'warning'],
    ['Log', basename(server.logFile), 'output'],
    [CAPTURE, captureText(capture), capture?.active ? 'record' : 'circle-slash'],
  ];
}

function captureText(capture: CaptureInfo | undefined): string {
  if (!capture) return 'off (mlWorkbench.monitoring.captureRequests)';
  const rows = `${capture.stats.rows.toLocaleString('en-US')} row${capture.stats.rows === 1 ? '' : 's'}`;
  const skipped = capture.counts?.skipped ? ` · ${capture.counts.skipped} request${capture.counts.skipped === 1 ? '' : 's'} not captured` : '';
  return `${rows}${capture.active ? '' : ' (stopped)'}${skipped} · ${basename(capture.path)}`;
}

function captureTooltip(capture: CaptureInfo | undefined): vscode.MarkdownString | string {
  if (!capture) return 'Requests to this server are not captured: the setting mlWorkbench.monitoring.captureRequests was off when it started.';
  const text = new vscode.MarkdownString();
  text.appendText(`${capture.stats.rows} rows captured in ${capture.stats.files} file(s), ${(capture.stats.bytes / 1024).toFixed(1)} KB`).appendMarkdown('  \n');
  text.appendText(capture.dir).appendMarkdown('  \n');
  if (capture.counts?.lastSkip) text.appendText(`Last request not captured: ${capture.counts.lastSkip.message}`).appendMarkdown('  \n');
  text.appendText('Click to open the log.');
  return text;
}

function formatUptime(server: ModelServer): string {
  const ms = (server.endedAt ?? Date.now()) - server.startedAt;
  return ms < 60_000 ? `${Math.floor(Math.max(0, ms) / 1000)}s` : formatDuration(ms);
}

function stateIcon(state: ModelServer['state']): vscode.ThemeIcon {
  switch (state) {
    case 'healthy':
      return new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'starting':
      return new vscode.ThemeIcon('loading~spin');
    case 'unhealthy':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    case 'exited':
      return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('list.errorForeground'));
  }
}
