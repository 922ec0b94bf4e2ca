import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CommandTable } from '../commands.js';
import { Commands } from '../constants.js';
import type { DisposableLike } from '../dispose.js';
import type { Services } from '../services.js';
import { addBatchStage } from './batchCommands.js';
import { addDriftCheckStage } from './driftStageCommand.js';
import { BatchStageLenses, recordBatchModelVersion } from './batchLens.js';
import { useModelInCode } from './codeCommands.js';
import { deploy } from './deployPick.js';
import type { DeployFeature } from './feature.js';
import { ModelUriProvider } from './modelUris.js';
import { addQueueWorker, startRedis } from './queueCommands.js';
import { generateDockerfile, kubernetesManifestsCommand } from './serviceCommands.js';

const deployCommands: CommandTable<DeployFeature> = {
  [Commands.deploy]: deploy,
  [Commands.addBatchStage]: addBatchStage,
  [Commands.addDriftCheckStage]: addDriftCheckStage,
  [Commands.recordBatchModelVersion]: recordBatchModelVersion,
  [Commands.useModelInCode]: useModelInCode,
  [Commands.addQueueWorker]: addQueueWorker,
  [Commands.startRedis]: startRedis,
  [Commands.generateDockerfile]: generateDockerfile,
  [Commands.kubernetesManifests]: kubernetesManifestsCommand,
};

/**
 * Deployment patterns: Deploy… and the commands of each pattern (batch stage, model in code, queue
 * worker, Dockerfile, Kubernetes), the models:/ hover, CodeLens and diagnostics in Python, and the
 * batch stages' lens in dvc.yaml. The editor providers read only when a file that names a model is open.
 */
export function registerDeploy(context: vscode.ExtensionContext, services: Services): DisposableLike {
  const feature: DeployFeature = {
    services,
    templateDir: join(context.extensionUri.fsPath, 'dist', 'templates'),
    storageDir: (context.storageUri ?? context.globalStorageUri).fsPath,
  };
  const uris = new ModelUriProvider(services.tracking);
  const batchLenses = new BatchStageLenses(services.tracking);
  const python: vscode.DocumentSelector = { language: 'python' };
  return vscode.Disposable.from(
    services.commands.register(deployCommands, feature),
    uris,
    batchLenses,
    vscode.languages.registerHoverProvider(python, uris),
    vscode.languages.registerCodeLensProvider(python, uris),
    vscode.languages.registerCodeLensProvider({ pattern: '**/dvc.yaml' }, batchLenses),
  );
}
