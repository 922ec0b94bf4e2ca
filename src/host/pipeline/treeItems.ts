import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { batchStageNote } from '../../core/deploy/editorInfo.js';
import type { Stage, StageStatus } from '../../core/dvc/entities.js';
import { showParamValue } from '../../core/dvc/status/paramLeaves.js';
import { Commands, ContextValues } from '../constants.js';
import { idOf, type PartElement, type PartKind, type PipelineElement, type StageElement } from './treeNodes.js';

type Look = { readonly icon: string; readonly color?: string; readonly word: string };

/** Icon and word for a stage; the colours are theme colours, so both themes get readable ones. */
export function stageLook(stage: Stage, status: StageStatus | undefined): Look {
  if (!status) return { icon: 'loading~spin', word: 'checking' };
  if (status.state === 'never-run') return { icon: 'circle-large-outline', color: 'descriptionForeground', word: 'never run' };
  if (status.state === 'changed') {
    if (status.alwaysChanged && status.reasons.length === 1) return { icon: 'sync', color: 'charts.orange', word: 'always changed' };
    return { icon: stage.kind === 'data' ? 'database' : 'warning', color: 'list.warningForeground', word: 'changed' };
  }
  if (status.state === 'upstream-changed') return { icon: 'arrow-circle-up', color: 'charts.yellow', word: 'upstream changed' };
  if (status.frozen) return { icon: 'lock', color: 'charts.blue', word: 'frozen' };
  return { icon: stage.kind === 'data' ? 'database' : 'pass-filled', color: 'testing.iconPassed', word: 'up to date' };
}

/** The description: why the stage is stale ("dep data/raw.csv changed, param train.lr 0.1→0.05"), else its state. */
export function stageDescription(stage: Stage, status: StageStatus | undefined): string {
  const look = stageLook(stage, status);
  if (!status || status.state === 'up-to-date') return status?.frozen ? 'frozen' : look.word;
  // Its outputs are missing and its deps unrecorded because it never ran: that says it all.
  if (status.state === 'never-run') return look.word;
  const reasons = status.reasons.map((r) => (r.startsWith('upstream changed: ') ? `upstream changed (${r.slice(18)})` : r));
  return [status.frozen ? 'frozen' : undefined, ...reasons].filter(Boolean).join(', ');
}

export function stageLabel(stage: Stage): string {
  return stage.kind === 'data' ? stage.file : stage.address;
}

export function treeItem(element: PipelineElement): vscode.TreeItem {
  const item = render(element);
  item.id = idOf(element);
  return item;
}

function render(element: PipelineElement): vscode.TreeItem {
  switch (element.kind) {
    case 'root': {
      const item = new vscode.TreeItem(element.project.label, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('root-folder');
      item.tooltip = element.project.root;
      item.description = element.project.busy ? 'waiting for DVC…' : undefined;
      return item;
    }
    case 'stage':
      return stageItem(element);
    case 'part':
      return partItem(element);
    case 'message': {
      const item = new vscode.TreeItem(element.message, vscode.TreeItemCollapsibleState.None);
      const icons = { loading: 'loading~spin', busy: 'watch', info: 'info', error: 'warning' } as const;
      item.iconPath = new vscode.ThemeIcon(icons[element.icon], element.icon === 'error' ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
      item.tooltip = element.detail ?? element.message;
      if (element.icon === 'error') {
        item.command = { command: Commands.refreshPipeline, title: 'Retry' };
        item.contextValue = ContextValues.error;
      }
      return item;
    }
  }
}

function stageItem(element: StageElement): vscode.TreeItem {
  const { stage, status } = element;
  const hasParts = stage.deps.length + stage.params.length + stage.outs.length > 0;
  const item = new vscode.TreeItem(stageLabel(stage), hasParts ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  const look = stageLook(stage, status);
  item.iconPath = new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
  const batch = element.batch && batchStageNote(element.batch);
  item.description = [stageDescription(stage, status), batch?.short].filter(Boolean).join(' · ');
  item.tooltip = stageTooltip(element, look.word);
  if (batch) item.tooltip.appendMarkdown(`\n\n**Batch predictions${batch.attention ? ': check the model version' : ''}** — `).appendText(batch.explanation);
  item.contextValue = stage.kind === 'data' ? ContextValues.dvcDataStage : ContextValues.dvcStage;
  item.accessibilityInformation = { label: `${stageLabel(stage)}, ${item.description}` };
  const file = vscode.Uri.file(join(element.project.root, stage.file));
  const at = new vscode.Position(stage.position.line - 1, stage.position.column - 1);
  item.command = { command: 'vscode.open', title: 'Open Stage Definition', arguments: [file, { selection: new vscode.Range(at, at) }] };
  return item;
}

function stageTooltip(element: StageElement, word: string): vscode.MarkdownString {
  const { stage, status } = element;
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**').appendText(stageLabel(stage)).appendMarkdown('** — ').appendText(word);
  md.appendMarkdown('\n\n').appendText(`${stage.file}, line ${stage.position.line}`);
  if (stage.desc) md.appendMarkdown('\n\n').appendText(stage.desc);
  const cmd = Array.isArray(stage.cmd) ? stage.cmd.join('\n') : (stage.cmd as string | undefined);
  if (cmd) md.appendCodeblock(cmd, 'sh');
  const reasons = status?.reasons ?? [];
  if (reasons.length > 0) {
    md.appendMarkdown('\n\n**Why it would run**');
    for (const reason of reasons) md.appendMarkdown('\n- ').appendText(reason);
  }
  if (status?.dvcJson) {
    md.appendMarkdown('\n\n`dvc status --json`:');
    md.appendCodeblock(JSON.stringify({ [stage.address]: status.dvcJson }, null, 1), 'json');
  }
  return md;
}

const PART_ICONS: Record<PartKind, string> = { dep: 'arrow-right', param: 'symbol-variable', out: 'package', metric: 'graph', plot: 'graph-line' };
const PART_WORDS: Record<PartKind, string> = { dep: 'dep', param: 'param', out: 'out', metric: 'metric', plot: 'plot' };

function partItem(element: PartElement): vscode.TreeItem {
  const item = new vscode.TreeItem(element.name, vscode.TreeItemCollapsibleState.None);
  const change = partChange(element);
  item.description = [PART_WORDS[element.part], ...(element.flags ?? []), change ?? (element.part === 'param' && element.value !== undefined ? showParamValue(element.value) : undefined)].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon(PART_ICONS[element.part], change ? new vscode.ThemeColor('list.warningForeground') : undefined);
  item.tooltip = `${element.name} — ${item.description}\n${element.absPath}`;
  item.contextValue = ContextValues.dvcStagePart;
  if (element.part === 'param') {
    const file = vscode.Uri.file(element.absPath);
    item.command = { command: 'vscode.open', title: 'Open Params File', arguments: [file] };
  } else if (element.pathChange?.state !== 'deleted') {
    item.resourceUri = vscode.Uri.file(element.absPath);
    item.command = { command: Commands.openStagePart, title: 'Open', arguments: [item.resourceUri] };
  }
  item.label = element.part === 'param' ? element.name : element.name || basename(element.absPath);
  return item;
}

/** The part's own change in words ("changed", "deleted", "not in cache", "0.01 → 0.05", "new"). */
export function partChange(element: PartElement): string | undefined {
  if (element.pathChange) return element.pathChange.state === 'modified' ? 'changed' : element.pathChange.state;
  const change = element.paramChange;
  if (!change) return undefined;
  if (change.state === 'modified') return `${showParamValue(change.old)} → ${showParamValue(change.new)}`;
  return change.state;
}
