import type * as vscode from 'vscode';
import { registerCharts } from './charts/register.js';
import { registerData } from './data/register.js';
import { registerLineage } from './lineage/register.js';
import { registerDeploy } from './deploy/register.js';
import { registerExperiments } from './experiments/register.js';
import { registerModels } from './models/register.js';
import { registerMonitoring } from './monitoring/register.js';
import { registerOnboarding } from './onboarding/register.js';
import { registerPipeline } from './pipeline/register.js';
import { registerPlots } from './plots/register.js';
import { registerRuns } from './runs/register.js';
import { createServices } from './services.js';
import { registerServing } from './serving/register.js';
import { registerTasks } from './tasks/register.js';

/** The composition root: the shared services once, then one line per feature; VS Code owns them all. */
export function activate(context: vscode.ExtensionContext): void {
  const services = createServices(context);
  context.subscriptions.push(
    services,
    registerRuns(context, services),
    registerModels(context, services),
    registerCharts(context, services),
    registerPipeline(context, services),
    registerData(context, services),
    registerTasks(context, services),
    registerServing(context, services),
    registerOnboarding(context, services),
    registerPlots(context, services),
    registerLineage(context, services),
    registerDeploy(context, services),
    registerExperiments(context, services),
    registerMonitoring(context, services),
  );
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
