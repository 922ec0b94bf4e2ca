import { basename, dirname, extname, join } from 'node:path';
import * as vscode from 'vscode';
import { dockerStatus } from '../../core/deploy/docker.js';
import { failureLine, findFreePort, interpreterPath, modelsServe, TASK_TYPE } from '../../core/tasks/index.js';
import type { CommandTable } from '../commands.js';
import { openSetting, readConfig } from '../config.js';
import { Commands, Settings } from '../constants.js';
import { checkTrust } from '../trust.js';
import type { ServingFeature } from './feature.js';
import { modelTarget, type ModelTarget } from './modelTarget.js';

const DOCKER_DOCS = 'https://mlflow.org/docs/latest/ml/deployment/deploy-model-locally/';

/** "Serve", "Predict File…" and "Build Docker Image" on a registered model version or alias. */
export const modelTaskCommands: CommandTable<ServingFeature> = {
  [Commands.serveModel]: serveModel,
  [Commands.predictFile]: predictFile,
  [Commands.buildDockerImage]: buildDockerImage,
};

async function serveModel(feature: ServingFeature, element?: unknown): Promise<void> {
  const { services, servers, revealServing } = feature;
  if (!checkTrust('Serving a model')) return;
  const target = await modelTarget(services.tracking, element, 'Serve which model version?');
  if (!target) return;
  const folder = target.tracking.folder;
  const { environment } = services.tasks;
  const python = await environment.mlflowInterpreter(folder, 'Serving a model', () => serveModel(feature, element));
  const upstreamPort = await findFreePort();
  let capture: { port: number; captureDir: string } | undefined;
  try {
    capture = await feature.capture.prepare(folder, target.uri, upstreamPort, target.reference.version);
  } catch (error) {
    const action = await vscode.window.showErrorMessage(`${target.uri} was not served: ${(error as Error).message}`, 'Open Settings');
    if (action) await openSetting(Settings.captureFolder);
    return;
  }
  const port = capture?.port ?? upstreamPort;
  const trackingTarget = environment.trackingTarget(folder, { withExperiment: false });
  const spec = modelsServe({ python, cwd: folder.uri.fsPath, modelUri: target.uri, port: upstreamPort, tracking: { trackingUri: trackingTarget.trackingUri, allowFileStore: trackingTarget.allowFileStore }, envManager: readConfig(folder).envManager });
  void revealServing();
  const captured = capture ? { upstreamPort, captureDir: capture.captureDir } : {};
  let server;
  try {
    server = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Serving ${target.uri} on port ${port}…` }, () =>
      servers.start({ ...spec, env: { ...interpreterPath(python, process.env['PATH']), ...spec.env } }, { modelUri: target.uri, port, ...captured, folderUri: folder.uri.toString(), model: target.reference }),
    );
  } finally {
    // The proxy now follows its server (or is closed when the start failed).
    if (capture) feature.capture.settle(capture.port);
  }
  if (server.state === 'healthy') {
    const captureNote = capture ? ' Requests are captured for drift reports (Serving view → Capture).' : '';
    const action = await vscode.window.showInformationMessage(`Serving ${target.uri} at http://127.0.0.1:${port} (MLflow ${server.mlflowVersion ?? '?'}).${captureNote}`, 'Send Test Request', 'Copy curl Command');
    if (action === 'Send Test Request') await vscode.commands.executeCommand(Commands.sendTestRequest, { kind: 'server', id: server.id });
    if (action === 'Copy curl Command') await vscode.commands.executeCommand(Commands.copyCurl, { kind: 'server', id: server.id });
  } else {
    const reason = server.state === 'exited' ? failureLine(servers.logText(server)) ?? server.problem : server.problem;
    const action = await vscode.window.showErrorMessage(`The server of ${target.uri} ${server.state === 'exited' ? 'stopped' : 'is not healthy'}: ${reason ?? 'see its log'}`, 'Open Logs');
    if (action) await vscode.commands.executeCommand(Commands.openServerLogs, { kind: 'server', id: server.id });
  }
}

async function predictFile({ services }: ServingFeature, element?: unknown): Promise<void> {
  if (!checkTrust('Predicting with a model')) return;
  const target = await modelTarget(services.tracking, element, 'Predict with which model version?');
  if (!target) return;
  const folder = target.tracking.folder;
  const [input] = (await vscode.window.showOpenDialog({ title: `Input for ${target.uri} (JSON in the server's format, or CSV)`, defaultUri: folder.uri, canSelectMany: false, filters: { 'JSON or CSV': ['json', 'csv'] } })) ?? [];
  if (!input) return;
  const suggested = vscode.Uri.file(join(dirname(input.fsPath), `${basename(input.fsPath, extname(input.fsPath))}.predictions.json`));
  const output = await vscode.window.showSaveDialog({ title: 'Write the predictions to', defaultUri: suggested, filters: { JSON: ['json'] } });
  if (!output) return;
  const contentType = extname(input.fsPath).toLowerCase() === '.csv' ? 'csv' : 'json';
  await services.tasks.run({ type: TASK_TYPE, task: 'modelsPredict', modelUri: target.uri, inputPath: input.fsPath, outputPath: output.fsPath, contentType }, folder);
}

async function buildDockerImage({ services }: ServingFeature, element?: unknown): Promise<void> {
  if (!checkTrust('Building a model image')) return;
  const target = await modelTarget(services.tracking, element, 'Build an image of which model version?');
  if (!target) return;
  const docker = await dockerStatus();
  if (docker.state !== 'ready') {
    // No CLI, or a CLI without a daemon (not started, no permission on its socket): say which, and what works without one.
    const action = await vscode.window.showWarningMessage(`Building a Docker image of ${target.uri}: ${docker.message}`, 'Generate Dockerfile', 'Learn More');
    if (action === 'Generate Dockerfile') await vscode.commands.executeCommand(Commands.generateDockerfile, element);
    if (action === 'Learn More') await vscode.env.openExternal(vscode.Uri.parse(DOCKER_DOCS));
    return;
  }
  const imageName = await vscode.window.showInputBox({ title: `Image name for ${target.uri}`, value: imageNameFor(target), validateInput: (v) => (/^[a-z0-9][a-z0-9._\-/:@]*$/.test(v) ? undefined : 'Lower-case letters, digits and . _ - / : @') });
  if (!imageName) return;
  services.log.info(`building ${imageName} from ${target.uri} with docker at ${docker.docker} (daemon ${docker.serverVersion})`);
  await services.tasks.run({ type: TASK_TYPE, task: 'modelsBuildDocker', modelUri: target.uri, imageName }, target.tracking.folder);
}

function imageNameFor(target: ModelTarget): string {
  const name = target.reference.name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'model';
  return `${name}:${target.tag.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}`;
}
