import type { FromWebview, JsonDouble, KeyValue, Metric, RunPanelState, ToWebview } from '../../src/protocol/runPanel.js';
import { el } from '../shared/dom.js';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void; setState(state: unknown): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'state':
      render(message.state);
      break;
    case 'error':
      root.replaceChildren(el('p', { className: 'error' }, message.message));
      break;
  }
});
vscode.postMessage({ type: 'ready' });

function render(state: RunPanelState): void {
  const { run } = state;
  const name = run.info.run_name || run.info.run_id;
  const status = run.info.status.toLowerCase();
  const header = el('header', {}, el('h1', { id: 'run-name' }, name), el('span', { className: `status status-${status}` }, run.info.status));
  const summary = el('dl', { className: 'summary' });
  for (const row of state.summary) {
    const value = el('dd', {}, row.value);
    if (row.label === 'Run ID') value.append(copyButton(row.value));
    summary.append(el('dt', {}, row.label), value);
  }
  root.replaceChildren(
    header,
    summary,
    section('Metrics', ['Key', 'Latest value', 'Step', 'Logged'], (run.data.metrics ?? []).map(metricRow)),
    section('Parameters', ['Key', 'Value'], (run.data.params ?? []).map(keyValueRow)),
    section('Tags', ['Key', 'Value'], (run.data.tags ?? []).filter((t) => !t.key.startsWith('mlflow.log-model')).map(keyValueRow)),
    el('footer', {}, `Read from ${state.storeLabel}`),
  );
  root.setAttribute('aria-busy', 'false');
}

function section(title: string, headings: readonly string[], rows: readonly HTMLTableRowElement[]): HTMLElement {
  const heading = el('h2', {}, `${title} `, el('span', { className: 'count' }, String(rows.length)));
  if (rows.length === 0) return el('section', {}, heading, el('p', { className: 'empty' }, `No ${title.toLowerCase()} logged.`));
  const head = el('tr', {}, ...headings.map((h) => el('th', { scope: 'col' }, h)));
  const table = el('table', {}, el('thead', {}, head), el('tbody', {}, ...[...rows].sort((a, b) => a.dataset.key!.localeCompare(b.dataset.key!))));
  return el('section', { className: title.toLowerCase() }, heading, table);
}

function metricRow(metric: Metric): HTMLTableRowElement {
  const row = el('tr', {}, el('td', { className: 'key' }, metric.key), el('td', { className: 'number' }, formatValue(metric.value)), el('td', { className: 'number' }, String(metric.step)), el('td', {}, new Date(metric.timestamp).toLocaleString()));
  row.dataset.key = metric.key;
  return row;
}

function keyValueRow(entry: KeyValue): HTMLTableRowElement {
  const row = el('tr', {}, el('td', { className: 'key' }, entry.key), el('td', { className: 'value' }, entry.value));
  row.dataset.key = entry.key;
  return row;
}

function formatValue(value: JsonDouble): string {
  return typeof value === 'number' ? String(value) : value;
}

function copyButton(text: string): HTMLButtonElement {
  const button = el('button', { className: 'copy', title: 'Copy', type: 'button' }, 'Copy');
  button.setAttribute('aria-label', `Copy ${text}`);
  button.addEventListener('click', () => vscode.postMessage({ type: 'copy', text }));
  return button;
}
