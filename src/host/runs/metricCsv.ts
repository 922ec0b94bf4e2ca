import * as vscode from 'vscode';
import { storeOf } from '../../core/tracking/storeState.js';
import { toAbortSignal } from '../cancellation.js';
import type { TrackingService } from '../tracking/trackingService.js';

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
    const store = storeOf(this.tracking.forKey(uri.authority));
    if (!store) return `# No tracking store is open for this workspace folder.\n`;
    const history = await store.getMetricHistory(runId, key, { signal: toAbortSignal(token) });
    const lines = history.map((m) => `${m.step},${m.timestamp},${typeof m.value === 'number' ? m.value : m.value}`);
    return ['step,timestamp,value', ...lines].join('\n') + '\n';
  }
}
