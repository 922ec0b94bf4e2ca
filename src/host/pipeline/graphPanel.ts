import { join } from 'node:path';
import * as vscode from 'vscode';
import { layoutPipeline } from '../../core/dvc/pipelineGraph.js';
import type { Logger } from '../../core/log.js';
import { parseFromWebview, type FromWebview, type ProjectGraph, type ToWebview } from '../../protocol/pipelineGraph.js';
import { WebviewTypes } from '../constants.js';
import { Disposable } from '../dispose.js';
import type { Projects } from '../dvc/projects.js';
import { webviewHtml } from '../html.js';

export interface GraphPanelServices {
  readonly extensionUri: vscode.Uri;
  readonly dvc: Projects;
  readonly log: Logger;
  /** The pipeline as Mermaid text in an editor (the secondary export). */
  exportMermaid(): Promise<void>;
}

/**
 * The Pipeline Graph panel: every DVC project's stages laid out as a graph, coloured by status,
 * redrawn whenever a project is checked again. Clicking a stage opens its dvc.yaml at the stage.
 */
export class GraphPanel extends Disposable {
  private static current: GraphPanel | undefined;

  static open(services: GraphPanelServices): GraphPanel {
    if (GraphPanel.current) {
      GraphPanel.current.panel.reveal();
      return GraphPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(WebviewTypes.pipelineGraph, 'Pipeline Graph', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(services.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(services.extensionUri, 'media')],
    });
    return (GraphPanel.current = new GraphPanel(panel, services));
  }

  private ready = false;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: GraphPanelServices,
  ) {
    super();
    const dist = vscode.Uri.joinPath(services.extensionUri, 'dist', 'webview');
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'activity-bar.svg');
    panel.webview.html = webviewHtml(panel.webview, {
      title: 'Pipeline Graph',
      script: vscode.Uri.joinPath(dist, 'pipelineGraph.js'),
      styles: [{ uri: vscode.Uri.joinPath(dist, 'codicon.css'), id: 'vscode-codicon-stylesheet' }, vscode.Uri.joinPath(services.extensionUri, 'media', 'pipelineGraph.css')],
    });
    this.register(panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(services.dvc.onDidChange(() => this.ready && void this.send()));
  }

  override dispose(): void {
    if (GraphPanel.current === this) GraphPanel.current = undefined;
    super.dispose();
    this.panel.dispose();
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      this.services.log.warn('Pipeline graph: ignored a message the webview may not send');
      return;
    }
    try {
      await this.handle(message);
    } catch (error) {
      void vscode.window.showErrorMessage(`Pipeline Graph: ${(error as Error).message}`);
    }
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.services.dvc.ensureStarted();
        return this.send();
      case 'refresh':
        await this.services.dvc.refreshAll();
        return this.send();
      case 'exportMermaid':
        return this.services.exportMermaid();
      case 'openStage':
        return this.openStage(message.project, message.stage);
    }
  }

  /** The stage's defining file (dvc.yaml or `.dvc`) at its line; only a stage of the graph sent. */
  private async openStage(index: number, address: string): Promise<void> {
    const project = this.services.dvc.projects[index];
    const stage = project?.inspection?.stages.find((s) => s.address === address);
    if (!project || !stage) throw new Error(`The stage ${address} is no longer in the pipeline.`);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(join(project.root, stage.file)));
    const line = Math.min(Math.max(0, stage.position.line - 1), document.lineCount - 1);
    const position = new vscode.Position(line, Math.max(0, stage.position.column - 1));
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.Beside, preview: true });
  }

  private async send(): Promise<void> {
    const projects = this.services.dvc.projects.map((project, index): ProjectGraph => {
      const state = project.state;
      if (state.kind === 'error') return { project: index, label: project.label, message: `Could not read the pipeline: ${state.message}`, error: true };
      // While DVC checks, the stages already read are drawn as "checking".
      const shape = state.kind === 'ready' ? state.inspection : state.preview;
      if (!shape) return { project: index, label: project.label, message: 'Checking the pipeline…' };
      const statuses = state.kind === 'ready' ? state.inspection.status.stages : [];
      try {
        return { project: index, label: project.label, graph: layoutPipeline(shape.stages, shape.dag, new Map(statuses.map((s) => [s.address, s]))) };
      } catch (error) {
        return { project: index, label: project.label, message: `Could not lay out the pipeline: ${(error as Error).message}`, error: true };
      }
    });
    await this.post({ type: 'snapshot', projects });
  }

  private post(message: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }
}
