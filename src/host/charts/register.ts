import * as vscode from 'vscode';
import { DEFAULT_VIEW, parseSelection, parseWebviewState, type MetricsSelection } from '../../protocol/metricsPanel.js';
import type { CommandTable } from '../commands.js';
import { readConfig } from '../config.js';
import { Commands, WebviewTypes } from '../constants.js';
import type { DisposableLike } from '../dispose.js';
import { pickableRuns } from '../runs/runPicker.js';
import type { RunElement, RunsElement } from '../runs/treeNodes.js';
import type { Services } from '../services.js';
import { ComparePanel, type ComparePanelServices } from './comparePanel.js';
import { MetricsPanel, type MetricsPanelServices } from './metricsPanel.js';

/** What the chart commands work with. */
interface ChartsFeature {
  readonly services: Services;
  readonly metrics: MetricsPanelServices;
  readonly compare: ComparePanelServices;
}

/** The chart panels' commands (from the Runs view and the palette). */
const chartCommands: CommandTable<ChartsFeature> = {
  [Commands.openMetrics]: openMetrics,
  [Commands.openMetric]: openMetric,
  [Commands.compareRuns]: compareRuns,
};

/**
 * The Metrics and Compare panels: their commands, their serializers (they come back after a
 * reload), and the selection kept in step with the Runs view both ways.
 */
export function registerCharts(context: vscode.ExtensionContext, services: Services): DisposableLike {
  const { extensionUri } = context;
  const { tracking, log, runsView } = services;
  /** Reveals a run in the Runs view, else (filtered out, or deleted) opens its Run panel. */
  const revealRun = async (trackingKey: string, runId: string): Promise<void> => {
    if (!(await runsView.reveal(trackingKey, runId, { focus: false }))) await vscode.commands.executeCommand(Commands.showRun, trackingKey, runId);
  };
  const metrics: MetricsPanelServices = { extensionUri, tracking, log, revealRun, liveIntervalSeconds: () => readConfig().chartLiveSeconds };
  const compare: ComparePanelServices = { extensionUri, tracking, log, revealRun, openMetrics: (selection) => void MetricsPanel.open(metrics, selection) };
  return vscode.Disposable.from(
    services.commands.register(chartCommands, { services, metrics, compare }),
    vscode.window.registerWebviewPanelSerializer(WebviewTypes.metrics, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const restored = parseWebviewState(state);
        if (restored) MetricsPanel.restore(panel, metrics, restored.selection, restored.view ?? DEFAULT_VIEW);
        else panel.dispose();
      },
    }),
    vscode.window.registerWebviewPanelSerializer(WebviewTypes.compare, {
      deserializeWebviewPanel: async (panel, state: unknown) => ComparePanel.restore(panel, compare, state),
    }),
    runsView.onDidChangeSelection((selection) => {
      const run = selection[0];
      if (!run) return;
      MetricsPanel.highlight(run.experiment.tracking.key, run.run.info.run_id);
      ComparePanel.highlight(run.experiment.tracking.key, run.run.info.run_id);
    }),
  );
}

/** The selected runs of one store (the clicked row, the selection, else the view's), else runs picked from the palette. */
async function chooseRuns({ services }: ChartsFeature, title: string, minimum: number, element?: RunsElement, selection?: readonly RunsElement[]): Promise<MetricsSelection | undefined> {
  const chosen = selection && selection.length > 0 ? selection : element ? [element] : services.runsView.selection;
  const rows = chosen.filter((e): e is RunElement => e.kind === 'run');
  if (rows.length >= minimum) {
    const trackingKey = rows[0]!.experiment.tracking.key;
    const sameStore = rows.filter((r) => r.experiment.tracking.key === trackingKey);
    if (sameStore.length < rows.length) void vscode.window.showWarningMessage('Runs of different tracking stores cannot share a chart: showing those of the first store.');
    return { trackingKey, runIds: sameStore.map((r) => r.run.info.run_id) };
  }
  const picks = await vscode.window.showQuickPick(pickableRuns(services.tracking), {
    title,
    canPickMany: true,
    placeHolder: minimum > 1 ? `Pick ${minimum} or more runs` : 'Pick one or more runs',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picks || picks.length === 0) return undefined;
  if (picks.length < minimum) {
    void vscode.window.showInformationMessage(`${title} needs ${minimum} or more runs.`);
    return undefined;
  }
  const trackingKey = picks[0]!.tracking.key;
  return { trackingKey, runIds: picks.filter((p) => p.tracking.key === trackingKey).map((p) => p.run.info.run_id) };
}

async function openMetrics(feature: ChartsFeature, element?: RunsElement | MetricsSelection, selection?: readonly RunsElement[]): Promise<void> {
  // A keybinding or another extension may name the runs: { trackingKey, runIds, keys? }.
  const named = element && !('kind' in element) ? parseSelection(element) : undefined;
  if (named) return void MetricsPanel.open(feature.metrics, named);
  const chosen = await chooseRuns(feature, 'Open Metrics', 1, element && 'kind' in element ? element : undefined, selection);
  if (chosen) MetricsPanel.open(feature.metrics, chosen);
}

/** A metric row: its chart for that run (the tree passes the ids; the inline button the element). */
function openMetric(feature: ChartsFeature, target?: string | RunsElement, runId?: string, key?: string): void {
  if (typeof target === 'object' && target.kind === 'entry' && target.group === 'metrics') {
    MetricsPanel.open(feature.metrics, { trackingKey: target.owner.experiment.tracking.key, runIds: [target.owner.run.info.run_id], keys: [target.key] });
  } else if (typeof target === 'string' && runId && key) {
    MetricsPanel.open(feature.metrics, { trackingKey: target, runIds: [runId], keys: [key] });
  }
}

async function compareRuns(feature: ChartsFeature, element?: RunsElement | MetricsSelection, selection?: readonly RunsElement[]): Promise<void> {
  // Another feature (the Experiments table) may name the runs: { trackingKey, runIds }.
  const named = element && !('kind' in element) ? parseSelection(element) : undefined;
  if (named && named.runIds.length >= 2) return void ComparePanel.open(feature.compare, named);
  if (element && !('kind' in element)) return;
  const chosen = await chooseRuns(feature, 'Compare Runs', 2, element, selection);
  if (chosen) ComparePanel.open(feature.compare, chosen);
}
