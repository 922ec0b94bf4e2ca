import { join } from 'node:path';
import type * as vscode from 'vscode';
import { logMonitoringRun, monitoringRunPayload } from '../../core/monitoring/mlflowRun.js';
import type { DriftJobResult } from '../../core/monitoring/driftJob.js';
import type { CommandTable } from '../commands.js';
import { Commands } from '../constants.js';
import type { DisposableLike } from '../dispose.js';
import type { Services } from '../services.js';
import { DriftPanel, type DriftPanelServices } from './driftPanel.js';
import { DriftSources, type DriftRequest } from './sources.js';

interface MonitoringFeature {
  readonly services: Services;
  readonly sources: DriftSources;
  readonly panel: DriftPanelServices;
}

/** Drift Report… (palette, Models, Data and Serving views): a check in a worker, shown in the Drift panel, logged to MLflow on request. */
export function registerMonitoring(context: vscode.ExtensionContext, services: Services): DisposableLike {
  const sources = new DriftSources(services.tracking, join(context.globalStorageUri.fsPath, 'capture'));
  const panel: DriftPanelServices = { extensionUri: context.extensionUri, log: services.log, logToMlflow: (request, result) => logToMlflow(services, request, result) };
  const commands: CommandTable<MonitoringFeature> = { [Commands.driftReport]: driftReport };
  return services.commands.register(commands, { services, sources, panel });
}

async function driftReport(feature: MonitoringFeature, element?: unknown): Promise<void> {
  const request = await feature.sources.request(element);
  if (request) DriftPanel.open(feature.panel, request);
}

async function logToMlflow(services: Services, request: DriftRequest, result: DriftJobResult): Promise<string> {
  const folder = request.folder;
  if (!folder) throw new Error('This check belongs to no workspace folder with a tracking store.');
  const python = await services.tasks.environment.mlflowInterpreter(folder, 'Logging a drift check to MLflow');
  const trackingUri = services.tasks.environment.trackingTarget(folder, { withExperiment: false }).trackingUri;
  if (!trackingUri) throw new Error(`${folder.name} has no MLflow tracking store to log to.`);
  const payload = monitoringRunPayload(result.report, result.leftOut, {
    ...(request.model ? { model: { name: request.model.name, version: request.model.version } } : {}),
    reference: request.reference.detail,
    current: request.current.detail,
    at: new Date(),
  });
  const run = await logMonitoringRun(python, trackingUri, payload, { cwd: folder.uri.fsPath });
  services.log.info(`drift check logged to MLflow: run ${run.runId} in experiment ${payload.experiment} (${run.experimentId})`);
  return `Logged run ${run.runId.slice(0, 8)} in experiment ${payload.experiment}`;
}
