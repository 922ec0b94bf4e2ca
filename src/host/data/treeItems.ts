import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DataState, TrackedData } from '../../core/dvc/entities.js';
import { formatBytes, formatRelativeTime, oneLine } from '../../core/format.js';
import { runCommit } from '../../core/lineage/runsAtCommit.js';
import { runDisplayName } from '../../core/tracking/runTree.js';
import { Commands, ContextValues } from '../constants.js';
import { idOf, type DataElement, type RunElement, type TrackedElement, type VersionElement } from './treeNodes.js';

const STATE_LOOK: Record<DataState, { color?: string; word: string }> = {
  'in sync': { color: 'testing.iconPassed', word: 'in sync' },
  modified: { color: 'list.warningForeground', word: 'modified' },
  deleted: { color: 'list.errorForeground', word: 'deleted' },
  'not in cache': { color: 'list.warningForeground', word: 'not in cache' },
  'never committed': { color: 'descriptionForeground', word: 'never committed' },
};

/** "2.7 KB · 2 files · in sync" (what the `.dvc`/lock file records, and the state now). */
export function dataDescription(data: TrackedData): string {
  const parts = [data.size === undefined ? undefined : formatBytes(data.size), data.isDir && data.nfiles !== undefined ? `${data.nfiles} ${data.nfiles === 1 ? 'file' : 'files'}` : undefined, STATE_LOOK[data.state].word];
  if (!data.cache) parts.push('not cached');
  return parts.filter(Boolean).join(' · ');
}

export function treeItem(element: DataElement, now: number): vscode.TreeItem {
  const item = render(element, now);
  item.id = idOf(element);
  return item;
}

function render(element: DataElement, now: number): vscode.TreeItem {
  switch (element.kind) {
    case 'root': {
      const item = new vscode.TreeItem(element.project.label, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('root-folder');
      item.tooltip = element.project.root;
      return item;
    }
    case 'tracked':
      return trackedItem(element);
    case 'version':
      return versionItem(element, now);
    case 'run':
      return runItem(element);
    case 'message': {
      const item = new vscode.TreeItem(element.message, vscode.TreeItemCollapsibleState.None);
      const icons = { loading: 'loading~spin', busy: 'watch', info: 'info', error: 'warning', uncommitted: 'git-commit' } as const;
      const colors = { error: 'problemsWarningIcon.foreground', uncommitted: 'charts.yellow' } as Partial<Record<typeof element.icon, string>>;
      const color = colors[element.icon];
      item.iconPath = new vscode.ThemeIcon(icons[element.icon], color ? new vscode.ThemeColor(color) : undefined);
      item.tooltip = element.detail ?? element.message;
      if (element.icon === 'uncommitted') item.description = 'current · not in git history yet';
      if (element.icon === 'error') item.command = { command: Commands.refreshData, title: 'Retry' };
      return item;
    }
  }
}

function trackedItem(element: TrackedElement): vscode.TreeItem {
  const { data, project } = element;
  const uri = vscode.Uri.file(join(project.root, data.repoPath));
  const item = new vscode.TreeItem(data.repoPath, vscode.TreeItemCollapsibleState.Collapsed);
  item.resourceUri = uri;
  const look = STATE_LOOK[data.state];
  item.iconPath = new vscode.ThemeIcon(data.isDir ? 'folder-library' : 'file-binary', look.color ? new vscode.ThemeColor(look.color) : undefined);
  item.description = element.remote ? `${dataDescription(data)} · ${element.remote.word}` : dataDescription(data);
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**').appendText(data.repoPath).appendMarkdown('** — ').appendText(look.word);
  md.appendMarkdown('\n\n').appendText(data.source === 'dvc-file' ? `Tracked by ${data.stage}` : `Output of stage ${data.stage} (dvc.lock)`);
  if (data.hash) md.appendMarkdown('  \nmd5: ').appendText(data.hash);
  if (data.size !== undefined) md.appendMarkdown('  \nSize: ').appendText(`${formatBytes(data.size)}${data.nfiles !== undefined ? `, ${data.nfiles} files` : ''}`);
  if (element.remote) md.appendMarkdown('\n\n**Remote:** ').appendText(`${element.remote.word.replace(/^remote: /, '')}. ${element.remote.detail}`);
  md.appendMarkdown('\n\nExpand to see its versions in git history.');
  item.tooltip = md;
  item.contextValue = ContextValues.dvcData;
  return item;
}

function versionItem(element: VersionElement, now: number): vscode.TreeItem {
  const { version } = element;
  const item = new vscode.TreeItem(oneLine(version.message, 80), element.runs.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  const when = Date.parse(version.date);
  const runs = element.runs.length === 0 ? undefined : element.runs.length === 1 ? '1 run' : `${element.runs.length} runs`;
  item.description = [element.current ? 'current' : undefined, version.commit.slice(0, 7), Number.isNaN(when) ? undefined : formatRelativeTime(when, now), runs].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon('git-commit', element.current ? new vscode.ThemeColor('charts.blue') : undefined);
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**').appendText(version.message).appendMarkdown('**\n\n');
  md.appendText(`${version.commit}\n`).appendMarkdown('  \n').appendText(`${version.author} <${version.email}>, ${Number.isNaN(when) ? version.date : new Date(when).toLocaleString()}`);
  md.appendMarkdown('\n\nmd5: ').appendText(version.hash ?? '(none)');
  if (version.size !== undefined) md.appendMarkdown('  \nSize: ').appendText(`${formatBytes(version.size)}${version.nfiles !== undefined ? `, ${version.nfiles} files` : ''}`);
  if (element.current) md.appendMarkdown('\n\n_The version the workspace records now._');
  item.tooltip = md;
  item.contextValue = ContextValues.dvcDataVersion;
  return item;
}

const RUN_ICONS: Record<string, vscode.ThemeIcon> = {
  RUNNING: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  FINISHED: new vscode.ThemeIcon('beaker', new vscode.ThemeColor('testing.iconPassed')),
  FAILED: new vscode.ThemeIcon('beaker', new vscode.ThemeColor('testing.iconFailed')),
};

function runItem(element: RunElement): vscode.TreeItem {
  const { run, at, experimentName, trackingKey } = element.found;
  const item = new vscode.TreeItem(runDisplayName(run), vscode.TreeItemCollapsibleState.None);
  const commit = runCommit(run) ?? '';
  item.description = `${at === 'commit' ? 'this commit' : `parent ${commit.slice(0, 7)}`} · ${experimentName}`;
  item.iconPath = RUN_ICONS[run.info.status] ?? new vscode.ThemeIcon('beaker');
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**').appendText(runDisplayName(run)).appendMarkdown('** — ').appendText(`${run.info.status.toLowerCase()}, experiment ${experimentName}`);
  md.appendMarkdown('\n\n').appendText(
    at === 'commit'
      ? `Logged at this commit (mlflow.source.git.commit ${commit.slice(0, 12)}): it ran with the data this commit records.`
      : `Logged at ${commit.slice(0, 12)}, the parent of this commit: it ran in the working tree this commit then recorded (dvc repro, then git commit), so it likely produced this version.`,
  );
  item.tooltip = md;
  item.command = { command: Commands.showRun, title: 'Show Run', arguments: [trackingKey, run.info.run_id] };
  item.contextValue = ContextValues.dvcDataRun;
  return item;
}
