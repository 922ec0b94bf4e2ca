import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { serveReport } from '../../core/monitoring/reportServer.js';
import { WebviewTypes } from '../constants.js';
import { evidentlyPage } from './evidentlyPage.js';

/**
 * Evidently's own HTML report, shown as it is and kept away from the extension. The report runs
 * inline scripts; our webview pages allow none. So the report is served by a one-document
 * loopback server (core/monitoring/reportServer.ts: secret path, `sandbox allow-scripts` and no
 * network in the document's own CSP) for as long as this panel is open, and the panel's page
 * holds no script, only a frame of that URL, sandboxed without same-origin: the report's scripts
 * run in an opaque origin that reaches neither the page, nor the webview API, nor the workbench.
 * The URL goes through `asExternalUri`, so it also works where the workbench runs remotely
 * (code-server maps it to its port proxy). This panel listens to no message.
 */
export async function showEvidentlyReport(htmlPath: string, title: string): Promise<vscode.WebviewPanel> {
  const served = await serveReport(await readFile(htmlPath));
  try {
    const external = await vscode.env.asExternalUri(vscode.Uri.parse(served.url));
    const panel = vscode.window.createWebviewPanel(WebviewTypes.evidentlyReport, title, vscode.ViewColumn.Active, {
      // The page has no script (its CSP allows none); the frame's document needs scripts allowed in the webview's sandbox.
      enableScripts: true,
      localResourceRoots: [],
    });
    panel.onDidDispose(() => void served.close());
    panel.webview.html = evidentlyPage({ frameUrl: external.toString(true), title, note: `Served on 127.0.0.1 while this panel is open · kept at ${htmlPath}` });
    return panel;
  } catch (error) {
    await served.close();
    throw error;
  }
}
