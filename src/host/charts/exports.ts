import * as vscode from 'vscode';
import { metricsCsvChunks, type CsvSeries } from '../../core/series/csv.js';

/** A file name from a metric key: keys may hold slashes and other characters paths do not like. */
function fileName(key: string, extension: string): string {
  return `${key.replace(/[^\w.-]+/g, '_').slice(0, 100) || 'metric'}.${extension}`;
}

async function save(defaultName: string, folder: vscode.Uri | undefined, filters: Record<string, string[]>, bytes: Uint8Array, what: string): Promise<void> {
  const target = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, defaultName) : undefined, filters, title: `Export ${what}` });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, bytes);
  const open = await vscode.window.showInformationMessage(`Exported ${what} to ${vscode.workspace.asRelativePath(target)}.`, 'Open');
  if (open) await vscode.commands.executeCommand('vscode.open', target);
}

/**
 * The CSV of one chart: the points shown (as downsampled for the chart) or every point of each
 * run's history (`full`), in MLflow's columns.
 */
export async function exportCsv(series: readonly CsvSeries[], key: string, full: boolean, folder: vscode.Uri | undefined): Promise<void> {
  if (series.length === 0) return;
  const encoder = new TextEncoder();
  const chunks = [...metricsCsvChunks(series)].map((chunk) => encoder.encode(chunk));
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((offset, c) => (bytes.set(c, offset), offset + c.length), 0);
  await save(fileName(key, 'csv'), folder, { CSV: ['csv'] }, bytes, full ? `${key} (full resolution, CSV)` : `${key} (shown points, CSV)`);
}

export async function exportPng(key: string, dataUrl: string, folder: vscode.Uri | undefined): Promise<void> {
  const bytes = Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64');
  // A PNG starts with its 8-byte signature: anything else is not what the webview should send.
  if (bytes.length < 8 || bytes.readUInt32BE(0) !== 0x89504e47) throw new Error('The chart image is not a PNG.');
  await save(fileName(key, 'png'), folder, { PNG: ['png'] }, bytes, `${key} (PNG)`);
}
