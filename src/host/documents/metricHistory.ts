import * as vscode from 'vscode';
import type { TrackingService } from '../tracking.js';

export const METRIC_SCHEME = 'mlflow-metric';

/** `mlflow-metric://<folder key>/<run id>/<metric key>.csv` */
export function metricHistoryUri(trackingKey: string, runId: string, key: string): vscode.Uri {
  return vscode.Uri.from({ scheme: METRIC_SCHEME, authority: trackingKey, path: `/${runId}/${key}.csv` });
}

/**
 * A metric's full history as a read-only CSV document (step, timestamp, value), exactly as the
 * store returns it: a faithful view of the numbers until the chart panels open instead.
 */
export class MetricHistoryDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly tracking: TrackingService) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const [, runId = '', ...rest] = uri.path.split('/');
    const key = rest.join('/').replace(/\.csv$/, '');
    const tracking = this.tracking.forKey(uri.authority);
    if (tracking?.state.kind !== 'ready') return `# No tracking store is open for this workspace folder.\n`;
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    const history = await tracking.state.store.getMetricHistory(runId, key, { signal: controller.signal });
    const lines = history.map((m) => `${m.step},${m.timestamp},${typeof m.value === 'number' ? m.value : m.value}`);
    return ['step,timestamp,value', ...lines].join('\n') + '\n';
  }
}
