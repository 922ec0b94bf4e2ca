import * as vscode from 'vscode';
import { modelUriHover } from '../../core/deploy/editorInfo.js';
import { type ModelUriCheck, checkModelUris, codeLensTitle, modelUriDiagnostics, sourceRunSummary, type SourceRunSummary } from '../../core/deploy/modelUriChecks.js';
import { findModelUris } from '../../core/deploy/pythonModelUris.js';
import { RegistryLookup } from '../../core/deploy/resolve.js';
import { storeOf, type Store } from '../../core/tracking/storeState.js';
import { Commands } from '../constants.js';
import { Disposable } from '../dispose.js';
import type { FolderTracking, TrackingService } from '../tracking/trackingService.js';

/** The Lineage feature's command; the hover links to it only when it is installed. */
/** The Lineage panel of a model version: (tracking key, model name, version). */
const LINEAGE_COMMAND = Commands.showLineage;
const DEBOUNCE_MS = 600;
/** Larger files are not scanned (a generated module, a notebook export). */
const MAX_SOURCE = 1 << 20;

interface Analysis {
  readonly tracking: FolderTracking;
  readonly checks: readonly ModelUriCheck[];
  readonly runs: ReadonlyMap<string, SourceRunSummary | undefined>;
}

/**
 * `models:/NAME/V` and `models:/NAME@ALIAS` in Python files: a hover and a CodeLens (the version
 * an alias names now, the source run's key metrics) and a diagnostic when the model, version or
 * alias does not exist. Read natively from the folder's registry — nothing runs — lazily (only
 * files that are open and hold `models:/`), debounced, one registry read per model name and
 * document version, never awaited by typing.
 */
export class ModelUriProvider extends Disposable implements vscode.HoverProvider, vscode.CodeLensProvider {
  private readonly diagnostics = this.register(vscode.languages.createDiagnosticCollection('ML Workbench models'));
  private readonly analyses = new Map<string, { version: number; result: Promise<Analysis | undefined> }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lensEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.lensEmitter.event;
  private lookups = new WeakMap<Store, RegistryLookup>();

  constructor(private readonly tracking: TrackingService) {
    super();
    this.register(vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document)));
    this.register(vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document)));
    this.register(vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)));
    const reload = (): void => {
      this.lookups = new WeakMap();
      this.analyses.clear();
      this.lensEmitter.fire();
      for (const document of vscode.workspace.textDocuments) this.schedule(document);
    };
    this.register(tracking.onDidChangeData(reload));
    this.register(tracking.onDidChangeStores(reload));
    this.register({ dispose: () => this.timers.forEach((timer) => clearTimeout(timer)) });
    for (const document of vscode.workspace.textDocuments) this.schedule(document);
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!document.getText(document.getWordRangeAtPosition(position, /models:\/[^\s'"]*/) ?? new vscode.Range(position, position))) return undefined;
    const analysis = await this.analyze(document);
    const offset = document.offsetAt(position);
    const check = analysis?.checks.find((candidate) => candidate.occurrence.start <= offset && offset <= candidate.occurrence.end);
    if (!analysis || !check) return undefined;
    const range = new vscode.Range(document.positionAt(check.occurrence.start), document.positionAt(check.occurrence.end));
    return new vscode.Hover(hoverMarkdown(check, analysis, await lineageAvailable()), range);
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const analysis = await this.analyze(document);
    if (!analysis) return [];
    return analysis.checks.map((check) => {
      const range = new vscode.Range(document.positionAt(check.occurrence.start), document.positionAt(check.occurrence.end));
      const run = analysis.runs.get(check.occurrence.text);
      const title = codeLensTitle(check, run);
      if (check.state === 'resolved' && run) return new vscode.CodeLens(range, { title, command: Commands.showRun, arguments: [analysis.tracking.key, run.runId], tooltip: 'Open the source run of this version' });
      return new vscode.CodeLens(range, { title, command: '' });
    });
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isCandidate(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.publish(document);
    }, DEBOUNCE_MS));
  }

  private async publish(document: vscode.TextDocument): Promise<void> {
    const analysis = await this.analyze(document).catch(() => undefined);
    if (document.isClosed) return;
    const diagnostics = analysis ? modelUriDiagnostics(analysis.checks).map((found) => {
      const range = new vscode.Range(found.range.start.line, found.range.start.character, found.range.end.line, found.range.end.character);
      const diagnostic = new vscode.Diagnostic(range, found.message, found.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      diagnostic.source = 'ML Workbench';
      diagnostic.code = found.code;
      return diagnostic;
    }) : [];
    this.diagnostics.set(document.uri, diagnostics);
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.analyses.delete(key);
    this.diagnostics.delete(uri);
  }

  /** One analysis per document version, shared by the hover, the lenses and the diagnostics. */
  private analyze(document: vscode.TextDocument): Promise<Analysis | undefined> {
    if (!isCandidate(document)) return Promise.resolve(undefined);
    const key = document.uri.toString();
    const cached = this.analyses.get(key);
    if (cached && cached.version === document.version) return cached.result;
    const result = this.compute(document);
    this.analyses.set(key, { version: document.version, result });
    return result;
  }

  private async compute(document: vscode.TextDocument): Promise<Analysis | undefined> {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri) ?? vscode.workspace.workspaceFolders?.[0];
    const tracking = folder && this.tracking.forFolder(folder);
    const store = storeOf(tracking);
    if (!tracking || !store) return undefined;
    const occurrences = findModelUris(document.getText());
    if (occurrences.length === 0) return { tracking, checks: [], runs: new Map() };
    let lookup = this.lookups.get(store);
    if (!lookup) this.lookups.set(store, (lookup = new RegistryLookup(store)));
    const checks = await checkModelUris(occurrences, lookup);
    const runs = new Map<string, SourceRunSummary | undefined>();
    await Promise.all(checks.map(async (check) => {
      if (check.state === 'resolved' && !runs.has(check.occurrence.text)) runs.set(check.occurrence.text, await sourceRunSummary(store, check.resolved, { max: 6 }));
    }));
    return { tracking, checks, runs };
  }
}

function isCandidate(document: vscode.TextDocument): boolean {
  // Files and unsaved editors: not the read-only previews of a consent diff.
  return document.languageId === 'python' && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled') && document.getText().length <= MAX_SOURCE && document.getText().includes('models:/');
}

async function lineageAvailable(): Promise<boolean> {
  return (await vscode.commands.getCommands(true)).includes(LINEAGE_COMMAND);
}

/** Data from the registry goes in as text; only our own links are Markdown. */
function hoverMarkdown(check: ModelUriCheck, analysis: Analysis, lineage: boolean): vscode.MarkdownString {
  const hover = modelUriHover(check, analysis.runs.get(check.occurrence.text));
  const markdown = new vscode.MarkdownString(undefined, true);
  markdown.appendMarkdown('**').appendText(hover.title).appendMarkdown('**\n\n');
  if (hover.problem) markdown.appendMarkdown('$(error) ').appendText(hover.problem).appendMarkdown('\n\n');
  for (const [label, value] of hover.facts) markdown.appendText(`${label}: ${value}`).appendMarkdown('  \n');
  if (hover.metrics.length > 0) {
    markdown.appendMarkdown('\n| Metric | Value |\n|---|---:|\n');
    for (const metric of hover.metrics) markdown.appendMarkdown('| ').appendText(metric.key.replace(/\|/g, '/')).appendMarkdown(' | ').appendText(metric.value).appendMarkdown(' |\n');
  }
  const links: string[] = [];
  const enabled: string[] = [];
  if (hover.run) {
    links.push(`[$(beaker) Open source run](command:${Commands.showRun}?${encodeURIComponent(JSON.stringify([analysis.tracking.key, hover.run.runId]))} "Open the run that logged this version")`);
    enabled.push(Commands.showRun);
  }
  if (lineage && check.state === 'resolved') {
    links.push(`[$(type-hierarchy) Lineage](command:${LINEAGE_COMMAND}?${encodeURIComponent(JSON.stringify([analysis.tracking.key, check.resolved.version.name, String(check.resolved.version.version)]))} "Data, code and run behind this version")`);
    enabled.push(LINEAGE_COMMAND);
  }
  if (links.length > 0) markdown.appendMarkdown(`\n\n${links.join(' · ')}`);
  markdown.isTrusted = { enabledCommands: enabled };
  return markdown;
}
