import { relative } from 'node:path';
import * as vscode from 'vscode';
import { Commands, Views } from '../constants.js';
import { Disposable } from '../dispose.js';
import type { Projects } from '../dvc/projects.js';
import { stageDescription, stageLook } from './treeItems.js';

/**
 * Above each stage in a dvc.yaml: "Run stage" (dvc repro as a task) and its status with the reason,
 * which opens the Pipeline view. Opening a dvc.yaml is enough to start DVC checks.
 */
export class StageCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  constructor(private readonly dvc: Projects) {
    super();
    this.register(dvc.onDidChange(() => this.changeEmitter.fire()));
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    await this.dvc.ensureStarted();
    const project = this.dvc.projectFor(document.uri.fsPath);
    const inspection = project?.inspection;
    if (!project || !inspection) return [];
    const file = relative(project.root, document.uri.fsPath).split('\\').join('/');
    const { stages, status } = inspection;
    const lenses: vscode.CodeLens[] = [];
    for (const stage of stages) {
      if (stage.kind !== 'pipeline' || stage.file !== file) continue;
      const line = Math.min(Math.max(0, stage.position.line - 1), document.lineCount - 1);
      const range = document.lineAt(line).range;
      const stageStatus = status.stages.find((s) => s.address === stage.address);
      const look = stageLook(stage, stageStatus);
      const runTitle = stage.generatedFrom ? `$(play) Run ${stage.name}` : '$(play) Run stage';
      lenses.push(new vscode.CodeLens(range, { title: runTitle, command: Commands.runStage, arguments: [{ stage: { name: stage.name, address: stage.address }, root: project.root }], tooltip: `dvc repro ${stage.address}` }));
      const icon = look.icon.replace('~spin', '');
      lenses.push(new vscode.CodeLens(range, { title: `$(${icon}) ${stageDescription(stage, stageStatus)}`, command: `${Views.pipeline}.focus`, tooltip: 'Show in the Pipeline view' }));
    }
    return lenses;
  }
}
