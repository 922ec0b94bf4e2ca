import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { DEFAULT_VIEW, parseSelection, parseWebviewState, type MetricsSelection } from '../../protocol/metricsPanel.js';
import { Commands, WebviewTypes } from '../constants.js';
import { metricHistoryUri } from '../documents/metricHistory.js';
import { ComparePanel, type ComparePanelServices } from '../panels/compare/comparePanel.js';
import { MetricsPanel, type MetricsPanelServices } from '../panels/metrics/metricsPanel.js';
import type { TrackingService } from '../tracking.js';
import type { RunElement, RunsElement } from '../trees/runs/elements.js';
import type { RunsTreeProvider } from '../trees/runs/tree.js';
import { registerCommand } from './register.js';
import { pickableRuns } from './runPicker.js';

export interface ChartCommandsContext {
  readonly extensionUri: vscode.Uri;
  readonly log: Logger;
  readonly tracking: TrackingService;
  readonly runsTree: RunsTreeProvider;
  readonly runsView: vscode.TreeView<RunsElement>;
  readonly liveIntervalSeconds: () => number;
}

/** The chart panels' commands (from the Runs view and the palette) and their serializers. */
export function registerChartCommands(context: ChartCommandsContext): vscode.Disposable {
  const { extensionUri, log, tracking, runsTree, runsView } = context;

  /** Reveals a run in the Runs view, else (filtered out, or deleted) opens its Run panel. */
  const revealRun = async (trackingKey: string, runId: string): Promise<void> => {
    const row = await runsTree.locateRun(trackingKey, runId);
    if (row) await runsView.reveal(row, { select: true, focus: false, expand: false });
    else await vscode.commands.executeCommand(Commands.showRun, trackingKey, runId);
  };
  const metricsServices: MetricsPanelServices = { extensionUri, tracking, log, revealRun, liveIntervalSeconds: context.liveIntervalSeconds };
  const compareServices: ComparePanelServices = { extensionUri, tracking, log, revealRun, openMetrics: (selection) => void MetricsPanel.open(metricsServices, selection) };

  const selectedRuns = (element?: RunsElement, selection?: readonly RunsElement[]): RunElement[] => {
    const chosen = selection && selection.length > 0 ? selection : element ? [element] : runsView.selection;
    return chosen.filter((e): e is RunElement => e.kind === 'run');
  };

  /** The selected runs of one store, else runs picked from the palette. */
  const chooseRuns = async (title: string, minimum: number, element?: RunsElement, selection?: readonly RunsElement[]): Promise<MetricsSelection | undefined> => {
    const rows = selectedRuns(element, selection);
    if (rows.length >= minimum) {
      const trackingKey = rows[0]!.experiment.tracking.key;
      const sameStore = rows.filter((r) => r.experiment.tracking.key === trackingKey);
      if (sameStore.length < rows.length) void vscode.window.showWarningMessage('Runs of different tracking stores cannot share a chart: showing those of the first store.');
      return { trackingKey, runIds: sameStore.map((r) => r.run.info.run_id) };
    }
    const picks = await vscode.window.showQuickPick(pickableRuns(tracking), {
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
  };

  const openMetrics = async (element?: RunsElement | MetricsSelection, selection?: readonly RunsElement[]): Promise<void> => {
    // A keybinding or another extension may name the runs: { trackingKey, runIds, keys? }.
    const named = element && !('kind' in element) ? parseSelection(element) : undefined;
    if (named) return void MetricsPanel.open(metricsServices, named);
    const chosen = await chooseRuns('Open Metrics', 1, element && 'kind' in element ? element : undefined, selection);
    if (chosen) MetricsPanel.open(metricsServices, chosen);
  };

  /** A metric row: its chart for that run (the tree passes the ids; the inline button the element). */
  const openMetric = async (target?: string | RunsElement, runId?: string, key?: string): Promise<void> => {
    if (typeof target === 'object' && target.kind === 'entry' && target.group === 'metrics') {
      MetricsPanel.open(metricsServices, { trackingKey: target.owner.experiment.tracking.key, runIds: [target.owner.run.info.run_id], keys: [target.key] });
    } else if (typeof target === 'string' && runId && key) {
      MetricsPanel.open(metricsServices, { trackingKey: target, runIds: [runId], keys: [key] });
    }
  };

  const openMetricCsv = async (element?: RunsElement): Promise<void> => {
    if (element?.kind !== 'entry' || element.group !== 'metrics') return;
    await vscode.window.showTextDocument(metricHistoryUri(element.owner.experiment.tracking.key, element.owner.run.info.run_id, element.key), { preview: true });
  };

  const compareRuns = async (element?: RunsElement, selection?: readonly RunsElement[]): Promise<void> => {
    const chosen = await chooseRuns('Compare Runs', 2, element, selection);
    if (chosen) ComparePanel.open(compareServices, chosen);
  };

  return vscode.Disposable.from(
    registerCommand(log, Commands.openMetrics, openMetrics),
    registerCommand(log, Commands.openMetric, openMetric),
    registerCommand(log, Commands.openMetricCsv, openMetricCsv),
    registerCommand(log, Commands.compareRuns, compareRuns),
    vscode.window.registerWebviewPanelSerializer(WebviewTypes.metrics, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const restored = parseWebviewState(state);
        if (restored) MetricsPanel.restore(panel, metricsServices, restored.selection, restored.view ?? DEFAULT_VIEW);
        else panel.dispose();
      },
    }),
    vscode.window.registerWebviewPanelSerializer(WebviewTypes.compare, {
      deserializeWebviewPanel: async (panel, state: unknown) => ComparePanel.restore(panel, compareServices, state),
    }),
    runsView.onDidChangeSelection((e) => {
      const run = e.selection.find((s): s is RunElement => s.kind === 'run');
      const trackingKey = run?.experiment.tracking.key;
      if (trackingKey) {
        MetricsPanel.highlight(trackingKey, run.run.info.run_id);
        ComparePanel.highlight(trackingKey, run.run.info.run_id);
      }
    }),
  );
}
