import { randomBytes } from 'node:crypto';

/**
 * The page around Evidently's report (evidentlyPanel.ts says why it is built so): no script at
 * all, one frame of the report's own URL, sandboxed (scripts, NOT same origin), and a link to
 * open the same URL in the browser. No VS Code API, so its test runs in plain Node.
 */
export function evidentlyPage(options: { readonly frameUrl: string; readonly title: string; readonly note: string }): string {
  const url = new URL(options.frameUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`not a web address: ${options.frameUrl}`);
  const styleNonce = randomBytes(18).toString('base64');
  // No script-src: nothing runs in this page. The frame's document has its own policy (the server's header).
  const csp = ["default-src 'none'", `frame-src ${url.origin}`, `style-src 'nonce-${styleNonce}'`].join('; ');
  const href = escape(url.toString());
  const label = escape(options.title);
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="referrer" content="no-referrer">
    <title>${label}</title>
    <style nonce="${styleNonce}">
      html, body { margin: 0; padding: 0; height: 100%; }
      body { display: flex; flex-direction: column; }
      header { display: flex; gap: 12px; align-items: baseline; padding: 4px 12px; font-size: 12px; color: var(--vscode-descriptionForeground); border-bottom: 1px solid var(--vscode-panel-border, transparent); }
      header span { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      header a { color: var(--vscode-textLink-foreground); white-space: nowrap; }
      header a:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
      iframe { flex: 1; border: 0; width: 100%; display: block; background: #fff; }
    </style>
  </head>
  <body>
    <header><span title="${escape(options.note)}">${escape(options.note)}</span><a href="${href}">Open in Browser</a></header>
    <iframe title="${label}" src="${href}" sandbox="allow-scripts" referrerpolicy="no-referrer"></iframe>
  </body>
</html>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
