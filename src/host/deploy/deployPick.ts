import * as vscode from 'vscode';
import { deploySteps } from '../../core/deploy/editorInfo.js';
import { type PatternAction, type Usage, USAGES } from '../../core/deploy/patterns.js';
import { Commands } from '../constants.js';
import { checkTrust } from '../trust.js';
import type { DeployFeature } from './feature.js';

const ACTIONS: Readonly<Record<PatternAction, { readonly command: string; readonly label: string; readonly icon: string }>> = {
  addBatchStage: { command: Commands.addBatchStage, label: 'Add Batch Prediction Stage…', icon: 'layers' },
  useModelInCode: { command: Commands.useModelInCode, label: 'Use Model in Code…', icon: 'code' },
  addQueueWorker: { command: Commands.addQueueWorker, label: 'Add Queue Worker…', icon: 'inbox' },
  serveModel: { command: Commands.serveModel, label: 'Serve (local REST server)', icon: 'server-process' },
  generateDockerfile: { command: Commands.generateDockerfile, label: 'Generate Dockerfile', icon: 'file-code' },
  buildDockerImage: { command: Commands.buildDockerImage, label: 'Build Docker Image', icon: 'package' },
  kubernetesManifests: { command: Commands.kubernetesManifests, label: 'Generate Kubernetes Manifests', icon: 'cloud-upload' },
};

const USAGE_ICONS: Readonly<Record<Usage, string>> = { batch: 'table', 'request-response': 'arrow-swap', streaming: 'pulse', embedded: 'symbol-module' };

/**
 * Deploy…: how the application uses the model (batch, request-response, streaming, embedded),
 * then the steps of the patterns that fit it, best first; the chosen step runs on the same model.
 */
export async function deploy(_feature: DeployFeature, element?: unknown): Promise<void> {
  // Every step runs or writes something: say so before asking, not after.
  if (!checkTrust('Deploying a model')) return;
  const usages = (Object.keys(USAGES) as Usage[]).map((usage) => ({ label: `$(${USAGE_ICONS[usage]}) ${USAGES[usage].label}`, detail: USAGES[usage].detail, usage }));
  const usage = await vscode.window.showQuickPick(usages, { title: 'Deploy: how does the application use the model?', placeHolder: 'Pick how predictions are asked for; the matching deployment pattern follows' });
  if (!usage) return;
  type StepItem = vscode.QuickPickItem & { readonly action?: PatternAction };
  const items: StepItem[] = [];
  let pattern = '';
  for (const step of deploySteps(usage.usage)) {
    const first = step.patternTitle !== pattern;
    if (first) {
      pattern = step.patternTitle;
      items.push({ label: `${pattern} · ${step.fit === 'best' ? 'best fit' : 'also fits'}`, kind: vscode.QuickPickItemKind.Separator });
    }
    const action = ACTIONS[step.action];
    // The pattern's reason once, under its first step: the steps after it share it.
    items.push({ label: `$(${action.icon}) ${action.label}`, description: step.patternTitle, ...(first ? { detail: step.reason } : {}), action: step.action });
  }
  const chosen = await vscode.window.showQuickPick(items, { title: `Deploy for ${USAGES[usage.usage].label.toLowerCase()} use`, placeHolder: 'The patterns that fit, best first', matchOnDetail: true });
  if (!chosen?.action) return;
  await vscode.commands.executeCommand(ACTIONS[chosen.action].command, element);
}
