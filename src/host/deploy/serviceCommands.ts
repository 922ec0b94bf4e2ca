import { join } from 'node:path';
import * as vscode from 'vscode';
import { checkDockerfileFolder, modelsGenerateDockerfile, readDockerfileSummary } from '../../core/deploy/docker.js';
import { isDeployError } from '../../core/deploy/errors.js';
import { kubernetesManifests, kubernetesName } from '../../core/deploy/kubernetes.js';
import { projectPath } from '../../core/deploy/paths.js';
import { interpreterPath } from '../../core/tasks/index.js';
import { TaskTypes } from '../constants.js';
import { checkTrust } from '../trust.js';
import { applyWithConsent } from './consent.js';
import type { DeployFeature } from './feature.js';
import { deployTarget, type DeployTarget } from './target.js';

/** `iris-classifier-champion`: for folders, image names and Kubernetes names alike. */
function slug(target: DeployTarget): string {
  return kubernetesName(target.resolved.model.name, target.tag);
}

/**
 * `mlflow models generate-dockerfile` through the folder's interpreter, as a task, into a new
 * (or empty) folder: needs no Docker daemon. Opens the Dockerfile and says what it serves.
 */
export async function generateDockerfile(feature: DeployFeature, element?: unknown): Promise<void> {
  if (!checkTrust('Generating a Dockerfile')) return;
  const { services } = feature;
  const target = await deployTarget(feature, element, 'A Dockerfile for which model version?');
  if (!target) return;
  const value = `docker/${slug(target)}`;
  const given = await vscode.window.showInputBox({ title: `Generate Dockerfile: ${target.uri}`, prompt: 'A new or empty folder for the Dockerfile and the model (relative to the workspace folder)', value, validateInput: (text) => pathProblem(text) });
  if (!given) return;
  const relative = projectPath(given, 'folder');
  const outputDirectory = join(target.folder.uri.fsPath, relative);
  await checkDockerfileFolder(outputDirectory);
  const python = await services.tasks.environment.mlflowInterpreter(target.folder, 'Generate Dockerfile', () => generateDockerfile(feature, element));
  const spec = modelsGenerateDockerfile({ python, cwd: target.folder.uri.fsPath, modelUri: target.uri, outputDirectory, tracking: services.tasks.environment.trackingTarget(target.folder, { withExperiment: false }) });
  const outcome = await services.tasks.runStep({ ...spec, env: { ...interpreterPath(python, process.env['PATH']), ...spec.env } }, target.folder, { type: TaskTypes.deploy, command: spec.label });
  if (outcome.exitCode !== 0) {
    if (!outcome.stopped) void vscode.window.showErrorMessage(`mlflow models generate-dockerfile failed for ${target.uri} (exit code ${outcome.exitCode ?? 'unknown'}): its terminal says why.`);
    return;
  }
  const summary = await readDockerfileSummary(outputDirectory);
  await vscode.window.showTextDocument(vscode.Uri.file(join(outputDirectory, 'Dockerfile')), { preview: false });
  const build = await vscode.window.showInformationMessage(
    `Dockerfile for ${target.uri} (version ${target.resolved.version.version}) in ${relative}: from ${summary.baseImage}${summary.mlflowVersion ? `, MLflow ${summary.mlflowVersion}` : ''}, serving on port ${summary.port}. Build it with \`docker build ${relative}\` where Docker runs.`,
    'Generate Kubernetes Manifests',
  );
  if (build) await kubernetesManifestsCommand(feature, element ?? { kind: 'picked', target });
}

/** A Deployment (readiness probe on /ping) and a Service for the model's image, as a new YAML file shown first. */
export async function kubernetesManifestsCommand(feature: DeployFeature, element?: unknown): Promise<void> {
  if (!checkTrust('Generating Kubernetes manifests')) return;
  const target = await deployTarget(feature, pickedElement(element), 'Kubernetes manifests for which model version?');
  if (!target) return;
  const name = slug(target);
  const title = `Generate Kubernetes Manifests: ${target.uri}`;
  const image = await vscode.window.showInputBox({ title, prompt: 'The image the Deployment runs (built by Build Docker Image, or from the generated Dockerfile), with its registry', value: `${name}:${target.resolved.version.version}`, validateInput: (text) => imageProblem(text, name, target) });
  if (!image) return;
  const path = `k8s/${name}.yaml`;
  if (await vscode.workspace.fs.stat(vscode.Uri.joinPath(target.folder.uri, path)).then(() => true, () => false)) {
    void vscode.window.showWarningMessage(`${path} exists already: nothing is overwritten. Rename or remove it to generate the manifests again.`);
    return;
  }
  const manifests = kubernetesManifests({ name, image: image.trim(), modelUri: target.uri, modelVersion: target.resolved.version.version });
  if (await applyWithConsent(feature.services.documents, target.folder.uri, [{ path, after: manifests }], `Write the Deployment and Service of ${target.uri}`)) {
    await vscode.window.showTextDocument(vscode.Uri.joinPath(target.folder.uri, path), { preview: false });
    vscode.window.setStatusBarMessage(`Wrote ${path}: kubectl apply -f ${path}`, 8_000);
  }
}

/** A target handed on from Generate Dockerfile's notification when it was picked, not a view row. */
function pickedElement(element: unknown): unknown {
  const picked = element as { kind?: string; target?: DeployTarget } | undefined;
  if (picked?.kind !== 'picked' || !picked.target) return element;
  const { target } = picked;
  return /^\d+$/.test(target.tag)
    ? { kind: 'version', tracking: target.tracking, model: target.resolved.model, version: target.resolved.version, aliases: target.resolved.aliases }
    : { kind: 'alias', tracking: target.tracking, model: target.resolved.model, alias: target.tag, version: target.resolved.version.version };
}

function pathProblem(text: string): string | undefined {
  try {
    projectPath(text, 'folder');
    return undefined;
  } catch (error) {
    return isDeployError(error) ? error.message : String(error);
  }
}

function imageProblem(text: string, name: string, target: DeployTarget): string | undefined {
  try {
    kubernetesManifests({ name, image: text.trim(), modelUri: target.uri });
    return undefined;
  } catch (error) {
    return isDeployError(error) ? error.message : String(error);
  }
}
