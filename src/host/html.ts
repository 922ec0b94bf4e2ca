import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/** A crypto-random nonce: the only way a script may run in our webviews. */
export function nonce(): string {
  return randomBytes(18).toString('base64');
}

/**
 * The page every panel starts from: CSP `default-src 'none'`, scripts by nonce only, styles,
 * fonts and images only from the extension's own webview resources. Data never goes into this
 * HTML: it arrives as messages and is rendered as text.
 */
/** A stylesheet, with the `id` some components look for (codicons: `vscode-codicon-stylesheet`). */
export type StyleSheet = vscode.Uri | { readonly uri: vscode.Uri; readonly id: string };

export function webviewHtml(webview: vscode.Webview, options: { title: string; script: vscode.Uri; styles: readonly StyleSheet[] }): string {
  const scriptNonce = nonce();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${scriptNonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  const styles = options.styles
    .map((style) => {
      const { uri, id } = 'uri' in style ? style : { uri: style, id: undefined };
      return `<link rel="stylesheet"${id ? ` id="${escapeHtml(id)}"` : ''} href="${webview.asWebviewUri(uri).toString()}">`;
    })
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeHtml(options.title)}</title>
  </head>
  <body>
    <main id="root" aria-busy="true"></main>
    <script nonce="${scriptNonce}" src="${webview.asWebviewUri(options.script).toString()}"></script>
  </body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
