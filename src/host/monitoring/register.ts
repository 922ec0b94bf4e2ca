import { join } from 'node:path';
import * as vscode from 'vscode';
import { evidentlyPayload, pruneReports, runEvidentlyReport } from '../../core/monitoring/evidentlyReport.js';
import { logMonitoringRun, monitoringRunPayload } from '../../core/monitoring/mlflowRun.js';
import type { DriftJobResult } from '../../core/monitoring/driftJob.js';
import type { CommandTable } from '../commands.js';
import { Commands, Views } from '../constants.js';
import type { DisposableLike } from '../dispose.js';
import type { Services } from '../services.js';
import { DriftPanel, type DriftPanelServices } from './driftPanel.js';
import { showEvidentlyReport } from './evidentlyPanel.js';
import { MonitoringTreeProvider, type MonitoringElement } from './view.js';
import { DriftSources, type DriftRequest } from './sources.js';

interface MonitoringFeature {
  readonly services: Services;
  readonly sources: DriftSources;
  readonly panel: DriftPanelServices;
  readonly tree: MonitoringTreeProvider;
}

/** Drift Report… (palette, Models, Data and Serving views): a check in a worker, shown in the Drift panel, logged to MLflow on request. */
export function registerMonitoring(context: vscode.ExtensionContext, services: Services): DisposableLike {
  const sources = new DriftSources(services.tracking, join(context.globalStorageUri.fsPath, 'capture'));
  const reports = join(context.globalStorageUri.fsPath, 'evidently');
  const panel: DriftPanelServices = {
    extensionUri: context.extensionUri,
    log: services.log,
    logToMlflow: (request, result) => logToMlflow(services, request, result),
    openEvidently: (request, result) => openEvidently(services, reports, request, result),
  };
  const tree = new MonitoringTreeProvider(services.tracking);
  const view = vscode.window.createTreeView(Views.monitoring, { treeDataProvider: tree, showCollapseAll: true });
  const commands: CommandTable<MonitoringFeature> = {
    [Commands.driftReport]: driftReport,
    [Commands.refreshMonitoring]: (feature) => feature.tree.refresh(),
    [Commands.showDriftOverTime]: showDriftOverTime,
  };
  return vscode.Disposable.from(services.commands.register(commands, { services, sources, panel, tree }), view, tree);
}

/** A model version's drifted share over its checks: the Metrics panel with its check runs (one bar each). */
async function showDriftOverTime(feature: MonitoringFeature, element?: MonitoringElement): Promise<void> {
  const selection = feature.tree.driftOverTime(element);
  if (selection) await vscode.commands.executeCommand(Commands.openMetrics, selection);
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

/** Evidently's own report of the same check, made in the folder's interpreter (offered to install Evidently when it lacks it). */
async function openEvidently(services: Services, reports: string, request: DriftRequest, result: DriftJobResult): Promise<string> {
  if (!vscode.workspace.isTrusted) throw new Error('Evidently runs in the workspace’s Python: trust the workspace first.');
  const folder = request.folder ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('Open a folder: Evidently runs in its Python interpreter.');
  const python = await services.python.ensure(folder, 'evidently-report', 'Opening the full Evidently report');
  if (!python) throw new Error('The selected interpreter lacks Evidently or pandas: select or install them (see the message), then try again.');
  const html = join(reports, `drift-${new Date().toISOString().replace(/[:.]/g, '-')}.html`);
  const started = Date.now();
  await runEvidentlyReport(python, evidentlyPayload(request.reference, request.current, result.report, html), { cwd: folder.uri.fsPath });
  services.log.info(`Evidently report of ${request.reference.detail} vs ${request.current.detail}: ${html} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const title = request.model ? `Evidently: ${request.model.name} v${request.model.version}` : 'Evidently Report';
  await showEvidentlyReport(html, title);
  // The last ten reports are kept (a report is a few MB).
  await pruneReports(reports, 10);
  return `Evidently's report is open (made in ${((Date.now() - started) / 1000).toFixed(0)} s; kept at ${html})`;
}
