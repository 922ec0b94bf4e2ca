import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { kubernetesName } from '../../core/deploy/kubernetes.js';
import { planQueueWorker, queueClient, queueScaffoldPaths, queueWorker, redisDirectory, redisServer, redisUrl } from '../../core/deploy/queue.js';
import { readTemplate } from '../../core/deploy/templates.js';
import { findOnPath, interpreterPath } from '../../core/tasks/index.js';
import { payloadForVersion } from '../../core/tasks/servingPayload.js';
import { TaskTypes } from '../constants.js';
import { checkTrust } from '../trust.js';
import { applyWithConsent } from './consent.js';
import type { DeployFeature } from './feature.js';
import { deployTarget, type DeployTarget } from './target.js';

/** Debian's redis-server default port: what the scaffold's scripts default to. */
const REDIS_PORT = 6379;
const START_REDIS = 'Start Redis (local)';
const RUN_WORKER = 'Run Worker';
const SEND_EXAMPLE = 'Send Example Request';

/**
 * Model-on-Demand: a worker consuming prediction requests from a Redis stream and a send/receive
 * client, from the extension's templates, shown as new files before they are written.
 */
export async function addQueueWorker(feature: DeployFeature, element?: unknown): Promise<void> {
  if (!checkTrust('Adding a queue worker')) return;
  const target = await deployTarget(feature, element, 'A queue worker for which model version?');
  if (!target) return;
  const title = `Add Queue Worker: ${target.uri}`;
  const folder = await vscode.window.showInputBox({ title, prompt: 'The folder the worker and the client script go into (relative to the workspace folder)', value: 'queue', validateInput: (value) => (value.trim() === '' ? 'Name a folder' : undefined) });
  if (!folder) return;
  const queue = await vscode.window.showInputBox({ title, prompt: 'The queue name: the prefix of its Redis keys', value: kubernetesName(target.resolved.model.name), validateInput: (value) => (/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(value) ? undefined : 'Letters, digits, ".", "_" and "-" (at most 64)') });
  if (!queue) return;
  const paths = queueScaffoldPaths(folder);
  const existing = new Set<string>();
  for (const path of [paths.workerPath, paths.clientPath]) {
    if (await exists(vscode.Uri.joinPath(target.folder.uri, path))) existing.add(path);
  }
  const [workerTemplate, clientTemplate, payload] = await Promise.all([
    readTemplate(feature.templateDir, 'queueWorker'),
    readTemplate(feature.templateDir, 'queueClient'),
    payloadForVersion(target.store, { trackingKey: target.tracking.key, name: target.resolved.model.name, version: target.resolved.version.version }).catch(() => undefined),
  ]);
  const trackingUri = feature.services.tasks.environment.trackingTarget(target.folder, { withExperiment: false }).trackingUri;
  const example = payload && payload.source !== 'none' && payload.source !== 'signature' ? payload.body : undefined;
  const scaffold = planQueueWorker({ queue, modelUri: target.uri, folder, ...(trackingUri ? { trackingUri } : {}), ...(example ? { exampleRequest: example } : {}) }, { existing, workerTemplate, clientTemplate });
  if (!(await applyWithConsent(feature.services.documents, target.folder.uri, scaffold.edits, `Add a queue worker for ${target.uri}`))) return;
  for (const warning of scaffold.warnings) void vscode.window.showWarningMessage(warning);
  const next = await vscode.window.showInformationMessage(`Added ${scaffold.workerPath} and ${scaffold.clientPath} (queue "${queue}" on Redis ${redisUrl(REDIS_PORT)}). Start Redis, run the worker, then send requests.`, START_REDIS, RUN_WORKER, SEND_EXAMPLE);
  if (next === START_REDIS) await startRedis(feature);
  if (next === RUN_WORKER) await runQueueScript(feature, target, 'worker', scaffold.workerPath);
  if (next === SEND_EXAMPLE) await runQueueScript(feature, target, 'client', scaffold.clientPath);
}

async function runQueueScript(feature: DeployFeature, target: DeployTarget, which: 'worker' | 'client', path: string): Promise<void> {
  const { services } = feature;
  const python = await services.tasks.environment.mlflowInterpreter(target.folder, which === 'worker' ? 'The queue worker' : 'The queue client');
  const base = { python, cwd: target.folder.uri.fsPath, redisUrl: redisUrl(REDIS_PORT), tracking: services.tasks.environment.trackingTarget(target.folder, { withExperiment: false }) };
  const spec = which === 'worker' ? queueWorker({ ...base, workerPath: path }) : queueClient({ ...base, clientPath: path });
  void services.tasks.runStep({ ...spec, env: { ...interpreterPath(python, process.env['PATH']), ...spec.env } }, target.folder, { type: TaskTypes.deploy, command: spec.label });
}

/** Debian's redis-server on 127.0.0.1 only, no persistence, its folder in the extension's storage; runs as a task. */
export async function startRedis(feature: DeployFeature): Promise<void> {
  if (!checkTrust('Starting Redis')) return;
  const program = await findOnPath('redis-server');
  if (!program) {
    void vscode.window.showWarningMessage('redis-server is not installed: on Debian or Ubuntu run `sudo apt-get install redis-server` (the service it installs can stay stopped), then start it here again.');
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showInformationMessage('Open a folder first: Redis runs as a task of the workspace.');
    return;
  }
  const dir = redisDirectory(feature.storageDir, REDIS_PORT);
  await mkdir(dir, { recursive: true });
  const spec = redisServer({ port: REDIS_PORT, dir, command: program });
  feature.services.log.info(`starting ${spec.label} in ${join(dir)}`);
  void feature.services.tasks.runStep(spec, folder, { type: TaskTypes.deploy, command: spec.label });
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(() => true, () => false);
}
