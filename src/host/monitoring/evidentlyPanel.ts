import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { WebviewTypes } from '../constants.js';
import { evidentlyPage } from './evidentlyPage.js';

/**
 * Evidently's own HTML report, shown as it is and kept away from the extension: the page holds
 * nothing but an iframe whose document is the report (`srcdoc`), sandboxed with scripts allowed
 * and NOT same-origin, so the report's scripts run in an opaque origin that can reach neither the
 * page nor the webview API; the page's CSP allows no network at all (the report is
 * self-contained); and this panel listens to no message, so nothing a script posts reaches the
 * extension.
 */
export async function showEvidentlyReport(htmlPath: string, title: string): Promise<vscode.WebviewPanel> {
  const report = await readFile(htmlPath, 'utf8');
  const panel = vscode.window.createWebviewPanel(WebviewTypes.evidentlyReport, title, vscode.ViewColumn.Active, {
    // Scripts run only inside the sandboxed frame; the page itself has none.
    enableScripts: true,
    localResourceRoots: [],
  });
  panel.webview.html = evidentlyPage(report, title);
  return panel;
}
